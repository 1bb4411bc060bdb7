import { Logger } from "@aws-lambda-powertools/logger";
import { type Archive, createArchive } from "../archive/module.js";
import { loadOcrEngine } from "../archive/ocr/load.js";
import { EmbeddedUploadUrls, loadUploadSecret, type UploadUrls } from "../archive/uploads.js";
import { AuditLog } from "../audit/audit-log.js";
import { ConsoleAuditLog } from "../audit/console-audit.js";
import type { Config } from "../config.js";
import { ConsoleAccounts } from "../console/accounts.js";
import { CognitoSubmitterDirectory, type SubmitterDirectory } from "../console/cognito-submitters.js";
import { OidcSignIn } from "../console/oidc.js";
import { DocumentIntake } from "../documents/intake.js";
import { validateSubmission } from "../documents/submission.js";
import { editionSettingsFrom } from "../editions/model.js";
import { parseNumberingStart } from "../editions/numbering.js";
import type { PublicationSealer } from "../editions/publish.js";
import { EditionService } from "../editions/service.js";
import { ApiGatewayAuthenticator, type Authenticator, EditorTokenAuthenticator } from "../http/auth.js";
import type { BlobStore, Platform } from "../platform/ports.js";
import { PublicSite } from "../publishing/public-site.js";
import { createEditionRenderer } from "../publishing/render.js";
import { createReposts, type Reposts } from "../reposts/module.js";
import { createSqsDeliverySender } from "../reposts/sqs-sender.js";
import { createSearchIndex } from "../search/factory.js";
import type { SearchIndex } from "../search/ports.js";
import type { SigningKey } from "../signing/key.js";
import { loadOrCreateLocalKey } from "../signing/local-key.js";
import { createSealer } from "../signing/seal.js";
import { timestampAuthority } from "../signing/timestamp.js";
import { DocumentStatuses } from "../status/service.js";
import { createSubmitters, type Submitters } from "../submitters/module.js";

/** Everything the handlers need, wired once per process (per Lambda container). */
export interface Container {
  readonly config: Config;
  readonly platform: Platform;
  readonly intake: DocumentIntake;
  readonly audit: AuditLog;
  readonly auth: Authenticator;
  readonly editions: EditionService;
  readonly site: PublicSite;
  /** Where published files are copied for CloudFront (AWS); undefined locally (served by the app). */
  readonly siteFiles: BlobStore | undefined;
  readonly statuses: DocumentStatuses;
  /** Signs publications and the log's checkpoints (embedded mode; the publisher Lambda in AWS). */
  readonly seal: PublicationSealer | undefined;
  /** Public search over published documents and the archive (opened on first use). */
  readonly search: SearchIndex;
  /** Site registry, fan-out, delivery, acknowledgements (issue 4). */
  readonly reposts: Reposts;
  /** Digitised historical gazettes: ingest, OCR, review, public pages (issue 5). */
  readonly archive: Archive;
  /** Issuing bodies, their submissions and the completeness register (issue 16). */
  readonly submitters: Submitters;
  readonly logger: Logger;
  /**
   * Editor console accounts, sessions and audit log (issue 12). With GAZETTE_CONSOLE_OIDC_* (the
   * AWS stack sets them) the console signs in through the user pool's hosted sign-in instead of
   * the accounts, which then serve the site portal only.
   */
  readonly console:
    | {
        readonly accounts: ConsoleAccounts;
        readonly audit: ConsoleAuditLog;
        readonly oidc?: OidcSignIn | undefined;
        /** OIDC mode with GAZETTE_CONSOLE_USER_POOL_ID: where submitter accounts are created. */
        readonly submitterDirectory?: SubmitterDirectory | undefined;
      }
    | undefined;
}

export function createContainer(
  config: Config,
  platform: Platform,
  options: {
    readonly editorToken?: string | undefined;
    readonly logger?: Logger;
    /** The site store CloudFront serves published files from (AWS: the site bucket). */
    readonly siteFiles?: BlobStore | undefined;
    /** The signing key (embedded mode); default the one in the data directory, made at first start. */
    readonly signingKey?: SigningKey | undefined;
    /** Archive direct-upload URLs (AWS: S3 presigned); embedded mode defaults to the app's own. */
    readonly uploads?: UploadUrls | undefined;
  } = {},
): Container {
  const logger = options.logger ?? new Logger({ serviceName: "gazette" });
  let auth: Authenticator;
  if (config.mode === "aws") auth = new ApiGatewayAuthenticator();
  else if (options.editorToken) auth = new EditorTokenAuthenticator(options.editorToken);
  else throw new Error("Embedded mode needs an editor token");
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
    docxReader: () => import("../documents/docx.js"),
  });
  const siteGazette = { ...config.gazette, baseUrl: config.baseUrl };
  // Embedded mode: the key is generated into the data directory at first start.
  const seal =
    config.mode === "embedded"
      ? createSealer({
          key: options.signingKey ?? loadOrCreateLocalKey(config.dataDir),
          records: platform.records,
          subject: config.gazette,
          baseUrl: config.baseUrl,
          certificatePem: config.signing.certificatePem,
          timestamp: config.signing.timestampUrl
            ? timestampAuthority({ url: config.signing.timestampUrl })
            : undefined,
          now: () => platform.clock.now(),
        })
      : undefined;
  const editions = new EditionService({
    platform,
    settings: {
      ...editionSettingsFrom(config.gazette),
      continueFrom: parseNumberingStart(config.continueFrom),
    },
    render: createEditionRenderer(siteGazette),
    seal,
  });
  const statuses = new DocumentStatuses(platform);
  const search = createSearchIndex(config);
  return {
    config,
    platform,
    intake,
    audit: new AuditLog(platform.records),
    auth,
    editions,
    site: new PublicSite(platform, siteGazette, {
      statuses,
      now: () => platform.clock.now(),
      requireSiteCopy: options.siteFiles !== undefined,
    }),
    siteFiles: options.siteFiles,
    seal,
    statuses,
    search,
    archive: createArchive({
      platform,
      gazette: siteGazette,
      search,
      logger,
      ocr: loadOcrEngine,
      uploads:
        options.uploads ??
        (config.mode === "aws" ? undefined : new EmbeddedUploadUrls(loadUploadSecret(config.dataDir))),
    }),
    reposts: createReposts({
      platform,
      config,
      logger,
      sqs: config.mode === "aws" ? createSqsDeliverySender({ region: config.aws.region }) : undefined,
    }),
    submitters: createSubmitters({
      platform,
      config,
      intake,
      validate: validateSubmission,
      docxReader: () => import("../documents/docx.js"),
    }),
    logger,
    console: {
      accounts: new ConsoleAccounts({
        records: platform.records,
        clock: platform.clock,
        idleSeconds: config.consoleIdleSeconds,
      }),
      audit: new ConsoleAuditLog(platform.records),
      oidc:
        config.consoleOidc &&
        new OidcSignIn(
          { ...config.consoleOidc, publicBaseUrl: config.baseUrl },
          { now: () => platform.clock.now() },
        ),
      submitterDirectory:
        config.consoleOidc && config.consoleUserPoolId
          ? new CognitoSubmitterDirectory({ userPoolId: config.consoleUserPoolId })
          : undefined,
    },
  };
}
