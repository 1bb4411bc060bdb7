/**
 * What the console needs in every function that serves console routes (api, documents, preview;
 * route declarations: `lambda`): the same accounts or OIDC settings, audit log and page renderer,
 * so a session started on one function's page is verified, with its CSRF token, by the others
 * exactly as by the api function (src/console/kit.ts: requireRole).
 */
import { ConsoleAuditLog } from "../../audit/console-audit.js";
import { ConsoleAccounts } from "../../console/accounts.js";
import type { ConsoleKitDependencies } from "../../console/http.js";
import { OidcSignIn } from "../../console/oidc.js";
import type { ConsolePageRenderer } from "../../console/render.js";
import type { LambdaBase } from "./common.js";

/**
 * `render`: the api function draws every page (src/console/render.ts, Handlebars); the documents
 * and preview functions only theirs, compiled at build time (src/console/compiled-render.ts), so
 * that they bundle no Handlebars.
 */
export function consoleKitDependencies(
  { config, platform }: LambdaBase,
  render: ConsolePageRenderer,
): ConsoleKitDependencies {
  return {
    config,
    accounts: new ConsoleAccounts({
      records: platform.records,
      clock: platform.clock,
      idleSeconds: config.consoleIdleSeconds,
    }),
    // Signed in through the user pool (GAZETTE_CONSOLE_OIDC_*): the session is in the store and
    // its access token is verified against the issuer's keys (and renewed when due) in whichever
    // function serves the page.
    oidc: config.consoleOidc && new OidcSignIn({ ...config.consoleOidc, publicBaseUrl: config.baseUrl }),
    audit: new ConsoleAuditLog(platform.records),
    render,
    now: () => platform.clock.now(),
    flush: () => platform.flush(),
    // The api function serves the archive review and the sites' areas; the menu links to them
    // from every function's pages.
    menu: { archive: true, reposts: true, submitters: true },
  };
}
