/**
 * Composition root of the `preview` function: POST /api/editions/{id}/preview and the console's
 * two preview pages (see ./api.ts).
 */
import { createCompiledConsoleRenderer } from "../../console/compiled-render.js";
import { createConsolePreviews } from "../../console/split.js";
import { acceptedDocuments } from "../../documents/accepted.js";
import { createApp } from "../../http/app.js";
import { createEditionRenderer } from "../../publishing/render.js";
import { consoleEdition, consoleMessage, consolePreview } from "../../site/compiled-templates.js";
import { apiGatewayHandler } from "./api-gateway.js";
import { type LambdaEnv, lambdaBaseWithoutQueues, siteGazette } from "./common.js";
import { consoleKitDependencies } from "./console.js";
import { editionService } from "./editions.js";
import { common } from "./http-common.js";

export function createPreviewFunctionApp(env: LambdaEnv = process.env) {
  // It renders and writes nothing: no queue message is sent, so no SQS client is built.
  const base = lambdaBaseWithoutQueues("the preview function", env);
  const editions = editionService(base, createEditionRenderer(siteGazette(base.config)));
  return createApp({
    ...common(base),
    editions,
    editionRoutes: "preview",
    console: createConsolePreviews({
      // The pages it draws: the preview, the edition's page when a preview fails, a message (not
      // found, no right); no Handlebars (the edition's public pages are compiled too).
      ...consoleKitDependencies(
        base,
        createCompiledConsoleRenderer(base.config.gazette, {
          preview: consolePreview,
          edition: consoleEdition,
          message: consoleMessage,
        }),
      ),
      editions,
      // A failed preview shows the edition's page, which lists the accepted documents.
      intake: acceptedDocuments(base.platform.records),
    }),
  });
}

export const createPreviewHandler = (env: LambdaEnv = process.env) =>
  apiGatewayHandler(createPreviewFunctionApp(env));
