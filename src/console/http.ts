/**
 * The editor console at /console/ and the site portal at /portal/: server-rendered pages
 * (templates/console/*.hbs) and plain HTML forms, so that everything works without JavaScript.
 * Handlers only translate: forms become the same domain calls as the JSON API (DocumentIntake,
 * EditionService, SiteRegistry…), and the domain's field problems are shown next to the field
 * they concern. Each area is a file under src/console/routes/; what they share (session, CSRF
 * guard, audit, page renderer) is src/console/kit.ts.
 *
 * Sessions: an HttpOnly, SameSite=Strict cookie holding a random token (ConsoleAccounts) or, in
 * AWS, the OIDC access token; every POST carries the session's CSRF token (the sign-in forms a
 * cookie-bound one). Roles: editors and administrators work on documents and editions;
 * administrators also manage accounts, sites and read the audit log; reviewers review the
 * archive. Every action, refused ones included, is written to the console audit log.
 */
import type { Hono } from "hono";
import { type ConsoleDependencies, type ConsoleEnv, type ConsoleKit, createConsoleKit } from "./kit.js";
import { registerAccountRoutes } from "./routes/accounts.js";
import { registerArchiveReviewRoutes } from "./routes/archive-review.js";
import { registerAuditRoutes } from "./routes/audit.js";
import { registerDocumentRoutes, registerDocumentSubmission } from "./routes/documents.js";
import { registerEditionPreviews, registerEditionRoutes } from "./routes/editions.js";
import { registerHomeRoutes } from "./routes/home.js";
import { registerSignInRoutes } from "./routes/sign-in.js";

export {
  type ConsoleDependencies,
  type ConsoleKitDependencies,
  OIDC_STATE_COOKIE,
  OIDC_TOKEN_COOKIE,
  PORTAL_COOKIE,
  PORTAL_SIGN_IN_CSRF_COOKIE,
  SESSION_COOKIE,
  SIGN_IN_CSRF_COOKIE,
} from "./kit.js";
export { createConsolePreviews, createConsoleSubmission } from "./split.js";

/** The console routes, mounted by createApp. */
export type ConsoleRoutes = Hono<ConsoleEnv>;

/**
 * The console and the portal. `all` (the local server): every route. `api`: all but the .docx
 * submission and the previews, which in AWS the documents and preview functions serve
 * (createConsoleSubmission, createConsolePreviews; route declarations: `lambda`), so the api
 * function holds neither the .docx reader nor the PDF engine. `areas` registers the areas the
 * composition root gives (src/console/submitters.ts, src/console/reposts.ts), so that a function
 * not serving them does not bundle them: in AWS the api function serves the submitters' areas,
 * the reposts API function the sites, the compliance report and the portal.
 */
export function createConsoleRoutes(
  deps: ConsoleDependencies,
  part: "all" | "api" = "all",
  areas?: (kit: ConsoleKit) => void,
): ConsoleRoutes {
  const kit = createConsoleKit(deps);
  registerSignInRoutes(kit);
  registerHomeRoutes(kit, deps.intake, deps.editions);
  registerDocumentRoutes(kit, deps.intake, { search: deps.search, scanLimit: deps.documentScanLimit });
  if (part === "all") {
    const { intake } = deps;
    if (!intake.submit) throw new Error("The console's document submission needs intake (submit)");
    registerDocumentSubmission(kit, { submit: (request) => intake.submit!(request) });
  }
  registerEditionRoutes(kit, deps.editions, deps.intake);
  if (part === "all") registerEditionPreviews(kit, deps.editions, deps.intake);
  registerAccountRoutes(kit);
  registerAuditRoutes(kit);
  if (deps.archive) registerArchiveReviewRoutes(kit, deps.archive);
  // Each area registers itself only when its dependencies are given (deps.submitters,
  // deps.reposts). In AWS the api function serves the submitters' pages, the documents function a
  // submitter's sending (it reads .docx files).
  areas?.(kit);
  return kit.app;
}
