/**
 * Composition root of the `verify` function: the transparency log, the signing certificates,
 * POST /api/verify and the /verify page (see ./api.ts). Public reads of the table; the CMS and X.509
 * parsing loads on the first verification.
 */
import { createApp } from "../../http/app.js";
import { logOrigin } from "../../transparency/log.js";
import { createVerificationRoutes } from "../../verify/http.js";
import { type LambdaEnv, lambdaBase } from "./common.js";
import { common } from "./http-common.js";
import { lambdaHttpHandler } from "./response-spill.js";

export function createVerifyFunctionApp(env: LambdaEnv = process.env) {
  const base = lambdaBase(env);
  const { config, platform } = base;
  return createApp({
    ...common(base),
    routeGroups: [
      () =>
        createVerificationRoutes({
          platform,
          origin: logOrigin(config.baseUrl),
          gazetteName: config.gazette.name,
        }),
    ],
  });
}

export const createVerifyHandler = (env: LambdaEnv = process.env) =>
  lambdaHttpHandler(createVerifyFunctionApp(env), env);
