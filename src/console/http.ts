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
import { type ConsoleDependencies, type ConsoleEnv, createConsoleKit } from "./kit.js";
import { registerAccountRoutes } from "./routes/accounts.js";
import { registerArchiveReviewRoutes } from "./routes/archive-review.js";
import { registerAuditRoutes } from "./routes/audit.js";
import { registerComplianceRoutes } from "./routes/compliance.js";
import { registerDocumentRoutes } from "./routes/documents.js";
import { registerEditionRoutes } from "./routes/editions.js";
import { registerHomeRoutes } from "./routes/home.js";
import { registerPortalRoutes } from "./routes/portal.js";
import { registerSignInRoutes } from "./routes/sign-in.js";
import { registerSiteRoutes } from "./routes/sites.js";
import { registerSubmissionDeskRoutes } from "./routes/submission-desk.js";
import { registerSubmitterRoutes } from "./routes/submitter.js";

export {
  type ConsoleDependencies,
  OIDC_STATE_COOKIE,
  OIDC_TOKEN_COOKIE,
  PORTAL_COOKIE,
  PORTAL_SIGN_IN_CSRF_COOKIE,
  SESSION_COOKIE,
  SIGN_IN_CSRF_COOKIE,
} from "./kit.js";
export { verificationReason } from "./routes/portal.js";

/** The console routes, mounted by createApp. */
export type ConsoleRoutes = Hono<ConsoleEnv>;

export function createConsoleRoutes(deps: ConsoleDependencies): ConsoleRoutes {
  const kit = createConsoleKit(deps);
  registerSignInRoutes(kit);
  registerHomeRoutes(kit);
  registerDocumentRoutes(kit);
  registerEditionRoutes(kit);
  registerAccountRoutes(kit);
  registerAuditRoutes(kit);
  if (deps.archive) registerArchiveReviewRoutes(kit, deps.archive);
  if (deps.submitters) {
    registerSubmitterRoutes(kit, deps.submitters);
    registerSubmissionDeskRoutes(kit, deps.submitters);
  }
  if (deps.reposts) {
    registerSiteRoutes(kit, deps.reposts);
    registerComplianceRoutes(kit, deps.reposts);
    registerPortalRoutes(kit, deps.reposts);
  }
  return kit.app;
}
