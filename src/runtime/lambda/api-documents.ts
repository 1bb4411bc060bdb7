/**
 * Composition root of the `documents` function: POST /api/documents, JSON or .docx, and the
 * console's POST /console/documents (see ./api.ts).
 */
import { handle } from "hono/aws-lambda";
import { createConsoleSubmission } from "../../console/http.js";
import { validateSubmission } from "../../documents/submission.js";
import { createApp } from "../../http/app.js";
import { createSubmitters } from "../../submitters/module.js";
import { type LambdaEnv, lambdaBase } from "./common.js";
import { consoleKitDependencies } from "./console.js";
import { common } from "./http-common.js";
import { documentIntake } from "./intake.js";

export function createDocumentsFunctionApp(env: LambdaEnv = process.env) {
  const base = lambdaBase(env);
  // The .docx reader loads on the first .docx upload.
  const docxReader = () => import("../../documents/docx.js");
  const intake = documentIntake(base, docxReader);
  // A submitter's .docx, and an editor accepting a body's submission (which may be one).
  const submitters = createSubmitters({
    platform: base.platform,
    config: base.config,
    intake,
    validate: validateSubmission,
    docxReader,
  });
  return createApp({
    ...common(base),
    intake,
    documentRoutes: "submit",
    console: createConsoleSubmission({ ...consoleKitDependencies(base), intake, submitters }),
  });
}

export const createDocumentsHandler = (env: LambdaEnv = process.env) =>
  handle(createDocumentsFunctionApp(env));
