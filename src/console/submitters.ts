/**
 * The submitters' areas of the console (issue 16): the department submitter's pages and the
 * editors' submission desk and completeness page. Passed to createConsoleRoutes by the
 * composition roots that serve them (the local server, the api function).
 */
import type { ConsoleKit } from "./kit.js";
import { registerSubmissionDeskRoutes } from "./routes/submission-desk.js";
import { registerSubmitterRoutes } from "./routes/submitter.js";

export function registerSubmitterAreas(kit: ConsoleKit): void {
  const submitters = kit.deps.submitters;
  if (!submitters) return;
  registerSubmitterRoutes(kit, submitters);
  registerSubmissionDeskRoutes(kit, submitters);
}

/**
 * The same without the posts that may read a .docx — the submitter's two sending posts and the
 * editors' accept: in AWS the documents function serves them (createConsoleSubmission with
 * `submitterSending` and `submissionAccept`), the api function the rest.
 */
export function registerSubmitterPageAreas(kit: ConsoleKit): void {
  const submitters = kit.deps.submitters;
  if (!submitters) return;
  registerSubmitterRoutes(kit, submitters, { pages: true, sending: false });
  registerSubmissionDeskRoutes(kit, submitters, { pages: true, accept: false });
}
