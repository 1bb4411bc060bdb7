import { createConsoleRoutes } from "../console/http.js";
import { createConsoleRenderer } from "../console/render.js";
import { createApp } from "../http/app.js";
import type { Container } from "../runtime/container.js";
import { logOrigin } from "../transparency/log.js";

/** The HTTP app for a container; Lambda wraps it with hono/aws-lambda, the local server serves it. */
export function createApiApp(container: Container) {
  return createApp({
    config: container.config,
    intake: container.intake,
    auth: container.auth,
    site: container.site,
    editions: container.editions,
    statuses: container.statuses,
    search: container.search,
    searchReindex: { platform: container.platform, now: () => container.platform.clock.now() },
    reposts: container.reposts,
    archive: container.archive,
    verification: {
      platform: container.platform,
      origin: logOrigin(container.config.baseUrl),
      gazetteName: container.config.gazette.name,
    },
    console:
      container.console &&
      createConsoleRoutes({
        config: container.config,
        accounts: container.console.accounts,
        oidc: container.console.oidc,
        audit: container.console.audit,
        intake: container.intake,
        editions: container.editions,
        sites: container.reposts.registry,
        archive: container.archive.service,
        reposts: {
          registry: container.reposts.registry,
          acks: container.reposts.acks,
          calendar: container.reposts.calendar,
          platform: container.platform,
        },
        statuses: container.statuses,
        render: createConsoleRenderer(container.config.gazette),
        now: () => container.platform.clock.now(),
        flush: () => container.platform.flush(),
      }),
    now: () => container.platform.clock.now(),
    flush: () => container.platform.flush(),
    logError: (error) => container.logger.error("request failed", { error: error as Error }),
  });
}
