/** Composition root of the API function: the HTTP app (editor API, public site, console, portal) on AWS. */
import { handle } from "hono/aws-lambda";
import { createArchive } from "../../archive/module.js";
import { S3UploadUrls } from "../../archive/s3-upload-urls.js";
import { ConsoleAuditLog } from "../../audit/console-audit.js";
import { ConsoleAccounts } from "../../console/accounts.js";
import { createConsoleRoutes } from "../../console/http.js";
import { OidcSignIn } from "../../console/oidc.js";
import { createConsoleRenderer } from "../../console/render.js";
import { DocumentIntake } from "../../documents/intake.js";
import { editionSettingsFrom } from "../../editions/model.js";
import { parseNumberingStart } from "../../editions/numbering.js";
import { EditionService } from "../../editions/service.js";
import { createApp } from "../../http/app.js";
import { ApiGatewayAuthenticator } from "../../http/auth.js";
import { PublicSite } from "../../publishing/public-site.js";
import { createEditionRenderer } from "../../publishing/render.js";
import { createReposts } from "../../reposts/module.js";
import { createSqsDeliverySender } from "../../reposts/sqs-sender.js";
import { DocumentStatuses } from "../../status/service.js";
import { logOrigin } from "../../transparency/log.js";
import { type LambdaEnv, lambdaBase, siteGazette } from "./common.js";
import { lambdaSearch, orUnavailable } from "./search.js";

export function createApiHandler(env: LambdaEnv = process.env) {
  const { config, platform, logger } = lambdaBase(env);
  const gazette = siteGazette(config);
  const now = () => platform.clock.now();
  const statuses = new DocumentStatuses(platform);
  const index = lambdaSearch(config);
  const intake = new DocumentIntake({
    platform,
    limits: config.limits,
    sections: config.gazette.sections,
    idempotencyTtlSeconds: config.idempotencyTtlSeconds,
    onEventError: (error, event) =>
      logger.warn("document.accepted not queued now; the outbox relay sends it with the next tick", {
        error: error as Error,
        documentId: event.documentId,
      }),
  });
  // Previews render here; the PDF engine loads on the first preview (render.ts).
  const editions = new EditionService({
    platform,
    settings: {
      ...editionSettingsFrom(config.gazette),
      continueFrom: parseNumberingStart(config.continueFrom),
    },
    render: createEditionRenderer(gazette),
  });
  const reposts = createReposts({
    platform,
    config,
    logger,
    sqs: createSqsDeliverySender({ region: config.aws.region }),
  });
  // Large scans are PUT straight to the blob bucket (archive/uploads/…) with presigned URLs.
  const archive = createArchive({
    platform,
    gazette,
    search: index,
    logger,
    uploads: new S3UploadUrls(config.aws.bucketName, { region: config.aws.region }),
  });
  const flush = () => platform.flush();
  const app = createApp({
    config,
    auth: new ApiGatewayAuthenticator(),
    intake,
    editions,
    // CloudFront serves published files from the site bucket, where the events function copies them.
    site: new PublicSite(platform, gazette, {
      statuses,
      now,
      requireSiteCopy: Boolean(config.aws.siteBucketName),
    }),
    statuses,
    // The log, certificates and POST /api/verify; the CMS parsing loads on the first verification.
    verification: { platform, origin: logOrigin(config.baseUrl), gazetteName: config.gazette.name },
    search: orUnavailable(index),
    searchReindex: { platform, now },
    reposts,
    archive,
    // The console (signed in through the user pool, GAZETTE_CONSOLE_OIDC_*) and the site portal.
    console: createConsoleRoutes({
      config,
      accounts: new ConsoleAccounts({
        records: platform.records,
        clock: platform.clock,
        idleSeconds: config.consoleIdleSeconds,
      }),
      oidc: config.consoleOidc && new OidcSignIn({ ...config.consoleOidc, publicBaseUrl: config.baseUrl }),
      audit: new ConsoleAuditLog(platform.records),
      intake,
      editions,
      sites: reposts.registry,
      archive: archive.service,
      reposts: {
        registry: reposts.registry,
        acks: reposts.acks,
        calendar: reposts.calendar,
        platform,
      },
      statuses,
      render: createConsoleRenderer(config.gazette),
      now,
      flush,
    }),
    now,
    flush,
    logError: (error) => logger.error("request failed", { error: error as Error }),
  });
  return handle(app);
}
