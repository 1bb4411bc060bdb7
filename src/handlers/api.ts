import { archiveRoutes } from "../archive/http.js";
import { createConsoleRoutes } from "../console/http.js";
import { createConsoleRenderer } from "../console/render.js";
import { registerRepostAreas } from "../console/reposts.js";
import { registerSubmitterAreas } from "../console/submitters.js";
import { createApp } from "../http/app.js";
import { buildOpenApiDocument } from "../http/openapi.js";
import { repostsRoutes } from "../reposts/http.js";
import type { Container } from "../runtime/container.js";
import { createSearchRoutes } from "../search/http.js";
import { createSubmittersRoutes } from "../submitters/http.js";
import { createRegisterImportRoutes } from "../submitters/register-import-http.js";
import { logOrigin } from "../transparency/log.js";
import { createVerificationRoutes } from "../verify/http.js";

/**
 * The HTTP app for a container, every route: the local server serves it. (In AWS the routes are
 * shared among three functions, each with its own composition root: src/runtime/lambda/api*.ts.)
 */
export function createApiApp(container: Container) {
  const now = () => container.platform.clock.now();
  const logError = (error: unknown) => container.logger.error("request failed", { error: error as Error });
  return createApp({
    config: container.config,
    intake: container.intake,
    auth: container.auth,
    site: container.site,
    editions: container.editions,
    statuses: container.statuses,
    routeGroups: [
      (requireEditor) => repostsRoutes(container.reposts, requireEditor, container.config.gazette),
      (requireEditor) => archiveRoutes(container.archive, requireEditor),
      (requireEditor) =>
        createSearchRoutes({
          search: container.search,
          gazette: container.config.gazette,
          logError,
          reindex: { requireEditor, platform: container.platform, now },
        }),
      (requireEditor) =>
        createSubmittersRoutes({
          ...container.submitters,
          requireEditor,
          site: { ...container.config.gazette, baseUrl: container.config.baseUrl },
        }),
      // A body's register import (JSON or CSV; in AWS the console function's).
      () => createRegisterImportRoutes(container.submitters),
      // The log, certificates and POST /api/verify.
      () =>
        createVerificationRoutes({
          platform: container.platform,
          origin: logOrigin(container.config.baseUrl),
          gazetteName: container.config.gazette.name,
        }),
    ],
    openApi: buildOpenApiDocument(container.config),
    console:
      container.console &&
      createConsoleRoutes(
        {
          config: container.config,
          accounts: container.console.accounts,
          oidc: container.console.oidc,
          submitterDirectory: container.console.submitterDirectory,
          audit: container.console.audit,
          intake: container.intake,
          editions: container.editions,
          search: container.search,
          documentScanLimit: container.config.consoleDocumentScanLimit,
          sites: container.reposts.registry,
          archive: container.archive.service,
          reposts: {
            registry: container.reposts.registry,
            acks: container.reposts.acks,
            calendar: container.reposts.calendar,
            platform: container.platform,
          },
          statuses: container.statuses,
          submitters: container.submitters,
          render: createConsoleRenderer(container.config.gazette),
          now: () => container.platform.clock.now(),
          flush: () => container.platform.flush(),
        },
        "all",
        (kit) => {
          registerSubmitterAreas(kit);
          registerRepostAreas(kit);
        },
      ),
    now,
    flush: () => container.platform.flush(),
    logError,
  });
}
