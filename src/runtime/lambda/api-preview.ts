/** Composition root of the `preview` function: POST /api/editions/{id}/preview (see ./api.ts). */
import { handle } from "hono/aws-lambda";
import { createApp } from "../../http/app.js";
import { createEditionRenderer } from "../../publishing/render.js";
import { type LambdaEnv, lambdaBase, siteGazette } from "./common.js";
import { editionService } from "./editions.js";
import { common } from "./http-common.js";

export function createPreviewFunctionApp(env: LambdaEnv = process.env) {
  const base = lambdaBase(env);
  return createApp({
    ...common(base),
    editions: editionService(base, createEditionRenderer(siteGazette(base.config))),
    editionRoutes: "preview",
  });
}

export const createPreviewHandler = (env: LambdaEnv = process.env) => handle(createPreviewFunctionApp(env));
