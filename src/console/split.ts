/**
 * The console's parts that other functions serve in AWS (src/http/surface.ts, `lambda`): the
 * posts that read a .docx (the documents function) and the edition previews (the preview
 * function). A module of their own: it imports only the routes they register, so those bundles
 * hold none of the console's other areas (./http.ts, which re-exports them, imports every area).
 */
import type { DocumentIntake } from "../documents/intake.js";
import type { EditionService } from "../editions/service.js";
import type { SubmissionDesk } from "../submitters/submissions.js";
import type { ConsoleRoutes } from "./http.js";
import { type ConsoleKitDependencies, createConsoleKit } from "./kit.js";
import { registerDocumentSubmission } from "./routes/documents.js";
import { registerEditionPreviews } from "./routes/editions.js";
import { registerSubmissionDeskRoutes } from "./routes/submission-desk.js";
import { registerSubmitterSending, type SubmitterSending } from "./routes/submitter-sending.js";

/**
 * The console's posts that read a .docx, alone (AWS: the documents function): the editors'
 * document submission, POST /console/documents, and with `submitters` a department submitter's
 * sending (`submitterSending`), POST /console/body/submissions and …/{id}, without the
 * submitter's pages, and with `submissionAccept` the editors' POST /console/submissions/{id}/accept,
 * without the desk's pages.
 */
export function createConsoleSubmission(
  deps: ConsoleKitDependencies & {
    readonly intake: Pick<DocumentIntake, "submit">;
    readonly submitterSending?: SubmitterSending | undefined;
    /** The editors' 受理 of a submission (it may carry a .docx): the desk's accept post alone. */
    readonly submissionAccept?: { readonly desk: SubmissionDesk } | undefined;
  },
): ConsoleRoutes {
  const kit = createConsoleKit(deps);
  registerDocumentSubmission(kit, deps.intake);
  if (deps.submitterSending) registerSubmitterSending(kit, deps.submitterSending);
  if (deps.submissionAccept)
    registerSubmissionDeskRoutes(kit, deps.submissionAccept, { pages: false, accept: true });
  return kit.app;
}

/**
 * The console's edition previews alone (AWS: the preview function). `intake` lists the accepted
 * documents an edition's page offers, drawn when a preview fails.
 */
export function createConsolePreviews(
  deps: ConsoleKitDependencies & {
    readonly editions: Pick<EditionService, "get" | "preview">;
    readonly intake: Pick<DocumentIntake, "accepted">;
  },
): ConsoleRoutes {
  const kit = createConsoleKit(deps);
  registerEditionPreviews(kit, deps.editions, deps.intake);
  return kit.app;
}
