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
