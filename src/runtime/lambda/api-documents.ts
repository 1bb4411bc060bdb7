/**
 * Composition root of the `documents` function: POST /api/documents, JSON or .docx, and the
 * console's POST /console/documents (see ./api.ts).
 */
import { handle } from "hono/aws-lambda";
import { createConsoleSubmission } from "../../console/http.js";
import { createApp } from "../../http/app.js";
import { type LambdaEnv, lambdaBase } from "./common.js";
import { consoleKitDependencies } from "./console.js";
import { common } from "./http-common.js";
import { documentIntake } from "./intake.js";

export function createDocumentsFunctionApp(env: LambdaEnv = process.env) {
  const base = lambdaBase(env);
  // The .docx reader loads on the first .docx upload.
  const intake = documentIntake(base, () => import("../../documents/docx.js"));
  return createApp({
    ...common(base),
    intake,
    documentRoutes: "submit",
    console: createConsoleSubmission({ ...consoleKitDependencies(base), intake }),
  });
}

export const createDocumentsHandler = (env: LambdaEnv = process.env) =>
  handle(createDocumentsFunctionApp(env));
