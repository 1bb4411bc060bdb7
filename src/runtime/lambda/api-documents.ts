/** Composition root of the `documents` function: POST /api/documents, JSON or .docx (see ./api.ts). */
import { handle } from "hono/aws-lambda";
import { createApp } from "../../http/app.js";
import { type LambdaEnv, lambdaBase } from "./common.js";
import { common } from "./http-common.js";
import { documentIntake } from "./intake.js";

export function createDocumentsFunctionApp(env: LambdaEnv = process.env) {
  const base = lambdaBase(env);
  return createApp({
    ...common(base), // The .docx reader loads on the first .docx upload.
    intake: documentIntake(base, () => import("../../documents/docx.js")),
    documentRoutes: "submit",
  });
}

export const createDocumentsHandler = (env: LambdaEnv = process.env) =>
  handle(createDocumentsFunctionApp(env));
