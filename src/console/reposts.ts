/**
 * The reposts' areas of the console: the sites registry (/console/sites…), the compliance report
 * (/console/compliance…) and the site portal (/portal/…). Given to createConsoleRoutes by the
 * local server; in AWS the reposts API function serves them alone (createConsoleRepostAreas), so
 * the api function bundles neither these pages nor the reposts module under them.
 */
import type { ConsoleRoutes } from "./http.js";
import {
  type ConsoleKit,
  type ConsoleKitDependencies,
  type ConsoleReposts,
  createConsoleKit,
} from "./kit.js";
import { registerComplianceRoutes } from "./routes/compliance.js";
import { registerPortalRoutes } from "./routes/portal.js";
import { registerSiteRoutes } from "./routes/sites.js";

export function registerRepostAreas(kit: ConsoleKit): void {
  const reposts = kit.deps.reposts;
  if (!reposts) return;
  registerSiteRoutes(kit, reposts);
  registerComplianceRoutes(kit, reposts);
  registerPortalRoutes(kit, reposts);
}

/** The reposts' areas alone (AWS: the reposts API function). */
export function createConsoleRepostAreas(
  deps: ConsoleKitDependencies & { readonly reposts: ConsoleReposts },
): ConsoleRoutes {
  const kit = createConsoleKit(deps);
  registerRepostAreas(kit);
  return kit.app;
}
