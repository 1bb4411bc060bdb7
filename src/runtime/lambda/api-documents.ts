/**
 * Composition root of the `documents` function: POST /api/documents, JSON or .docx, the console's
 * POST /console/documents, a department submitter's sending, POST /console/body/submissions
 * and …/{id}, a .docx or a typed body, and the editors' 受理 of a submission into intake, POST
 * /console/submissions/{id}/accept and /api/submissions/{id}/accept (see ./api.ts). The
 * submitter's pages, the desk's pages, the register and the completeness report are the api
 * function's.
 */
import { createCompiledConsoleRenderer } from "../../console/compiled-render.js";
import { createConsoleSubmission } from "../../console/split.js";
import { validateSubmission } from "../../documents/submission.js";
import { createApp } from "../../http/app.js";
import { consoleDeskSubmission, consoleMessage, consoleSubmit } from "../../site/compiled-templates.js";
import { createSubmissionAcceptRoutes } from "../../submitters/accept-http.js";
import { IssuingBodies } from "../../submitters/bodies.js";
import { SubmissionDesk } from "../../submitters/submissions.js";
import { type LambdaBase, type LambdaEnv, lambdaBase } from "./common.js";
import { consoleKitDependencies } from "./console.js";
import { common } from "./http-common.js";
import { documentIntake } from "./intake.js";
import { lambdaHttpHandler } from "./response-spill.js";

export function createDocumentsFunctionApp(env: LambdaEnv = process.env) {
  return composeDocumentsFunctionApp(lambdaBase(env));
}

/** The function's app on a given base (tests compose it on the embedded store). */
export function composeDocumentsFunctionApp(base: LambdaBase) {
  // The .docx reader loads on the first .docx upload.
  const docxReader = () => import("../../documents/docx.js");
  const intake = documentIntake(base, docxReader);
  // A submitter's sending: checked at once with intake's checks and .docx reader, kept for the
  // office; and accepting a submission into intake, with the .docx reader (the desk alone: not
  // the completeness register, nor the submitter's or the desk's pages).
  const { config, platform } = base;
  const bodies = new IssuingBodies({ records: platform.records, clock: platform.clock });
  const desk = new SubmissionDesk({
    platform,
    bodies,
    intake,
    validate: validateSubmission,
    docxReader,
    limits: config.limits,
    sections: config.gazette.sections,
    gazetteName: config.gazette.name,
    baseUrl: config.baseUrl,
  });
  return createApp({
    ...common(base),
    intake,
    documentRoutes: "submit",
    routeGroups: [(requireEditor) => createSubmissionAcceptRoutes({ desk, requireEditor })],
    console: createConsoleSubmission({
      // The pages it draws: the form again when a submission is refused, the desk's submission when
      // accepting one is, a message (not found, no right, a stale form); no Handlebars.
      ...consoleKitDependencies(
        base,
        createCompiledConsoleRenderer(config.gazette, {
          submit: consoleSubmit,
          "desk-submission": consoleDeskSubmission,
          message: consoleMessage,
        }),
      ),
      intake,
      submitterSending: { bodies, desk },
      submissionAccept: { desk },
    }),
  });
}

export const createDocumentsHandler = (env: LambdaEnv = process.env) =>
  lambdaHttpHandler(createDocumentsFunctionApp(env), env);
