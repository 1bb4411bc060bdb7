/**
 * Composition root of the `reposts` API function (see ./api.ts): the reposts API (the sites
 * registry, the compliance report, the sites' own notices and acknowledgements), the console's
 * sites and compliance pages and the site portal. It builds the reposts module (the working-day
 * calendar, the SSRF-guarded fetch of site verification); the queue consumers and the tick are
 * functions of their own (./reposts.ts).
 */
import { createConsoleRenderer } from "../../console/render.js";
import { createConsoleRepostAreas } from "../../console/reposts.js";
import { createApp } from "../../http/app.js";
import { repostsRoutes } from "../../reposts/http.js";
import { createReposts } from "../../reposts/module.js";
import { type LambdaEnv, lambdaBase } from "./common.js";
import { consoleKitDependencies } from "./console.js";
import { common } from "./http-common.js";
import { lambdaHttpHandler } from "./response-spill.js";

export function createRepostsApiFunctionApp(env: LambdaEnv = process.env) {
  const base = lambdaBase(env);
  const { config, platform, logger } = base;
  // No SQS delivery sender: notices are delivered by the repost-delivery consumer, never here
  // (an acknowledgement only queues its page's verification there).
  const reposts = createReposts({ platform, config, logger });
  return createApp({
    ...common(base),
    routeGroups: [(requireEditor) => repostsRoutes(reposts, requireEditor, config.gazette)],
    // The sites' pages, the compliance report and the portal, with the console's session check
    // built as in every function serving console pages.
    console: createConsoleRepostAreas({
      ...consoleKitDependencies(base, createConsoleRenderer(base.config.gazette)),
      reposts: {
        registry: reposts.registry,
        acks: reposts.acks,
        calendar: reposts.calendar,
        platform,
      },
    }),
  });
}

export const createRepostsApiHandler = (env: LambdaEnv = process.env) =>
  lambdaHttpHandler(createRepostsApiFunctionApp(env), env);
