import { CfnOutput, Duration, Stack, type StackProps } from "aws-cdk-lib";
import { Certificate } from "aws-cdk-lib/aws-certificatemanager";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type { Construct } from "constructs";
import { gazetteSettingsFromEnv } from "../../src/config.js";
import { grantSend } from "../constructs/access.js";
import { QUEUE_CONSUMER_CONCURRENCY } from "../constructs/concurrency.js";
import { ConsoleSignIn, type ConsoleUserPool } from "../constructs/console-identity.js";
import {
  DOCX_READER_ALIASES,
  FONT_FILES,
  HOCR_READER_ALIASES,
  MUPDF_FILES,
  MUPDF_WASM_ENVIRONMENT,
  SITE_TEMPLATE_FILES,
  TEMPLATE_FILES,
} from "../constructs/function-bundle.js";
import { GazetteApi, type JwtAuthSettings } from "../constructs/gazette-api.js";
import { ArchiveQueue, GazetteArchive } from "../constructs/gazette-archive.js";
import type { GazetteData } from "../constructs/gazette-data.js";
import { GazetteFunction } from "../constructs/gazette-function.js";
import { GazetteMigrations } from "../constructs/gazette-migrations.js";
import { GazetteReposts, RepostQueues } from "../constructs/gazette-reposts.js";
import type { GazetteSearch } from "../constructs/gazette-search.js";
import { GazetteSigningKey } from "../constructs/gazette-signing.js";
import {
  allowNotificationMail,
  checkMailSettings,
  type NotificationMailSettings,
} from "../constructs/notification-mail.js";
import { GazetteOperations } from "../constructs/operations.js";
import { PublicSite } from "../constructs/public-site.js";
import { QueueWithDlq } from "../constructs/queue-with-dlq.js";

export interface GazetteStatelessStackProps extends StackProps {
  /** The stateful resources (from GazetteStatefulStack.data). */
  readonly data: GazetteData;
  /**
   * Editor routes use this JWT issuer instead of IAM.
   * @default - IAM authorisation
   */
  readonly jwt?: JwtAuthSettings;
  /**
   * Entry of the API function, relative to the repository root.
   * @default "functions/api.ts"
   */
  readonly apiEntry?: string;
  /**
   * Entry of the events consumer, relative to the repository root.
   * @default "functions/events.ts"
   */
  readonly eventsEntry?: string;
  /**
   * Entry of the publisher (renders and publishes editions from the publishing queue).
   * @default "functions/publisher.ts"
   */
  readonly publisherEntry?: string;
  /**
   * One entry for the three repost functions, relative to the repository root.
   * @default functions/repost-fanout.ts, functions/repost-delivery.ts, functions/repost-tick.ts
   */
  readonly repostEntry?: string;
  /**
   * Entry of the archive consumer (OCR of scanned pages, from the archive queue).
   * @default "functions/archive.ts"
   */
  readonly archiveEntry?: string;
  /**
   * Entry of the migration function (src/migrations, run after each deploy).
   * @default "functions/migrate.ts"
   */
  readonly migrateEntry?: string;
  /** Custom domain names of the public site (need `siteCertificateArn`). */
  readonly siteDomainNames?: readonly string[];
  /** ARN of the ACM certificate (us-east-1) for `siteDomainNames`. */
  readonly siteCertificateArn?: string;
  /** WAFv2 web ACL (CLOUDFRONT scope) for the distribution. */
  readonly siteWebAclArn?: string;
  /**
   * Public address of the site (GAZETTE_BASE_URL): links in feeds, and the document URLs and ack
   * URLs that repost notices send to subordinate sites.
   * @default `https://${siteDomainNames[0]}` when a custom domain is set; one of the two is required
   */
  readonly publicBaseUrl?: string;
  /** The OpenSearch domain (GazetteStatefulStack.search): the API searches it, the events function indexes. */
  readonly search?: GazetteSearch | undefined;
  /** Addresses subscribed to the alarm topic (context `alarmEmail`). */
  readonly alarmEmails?: readonly string[];
  /**
   * The console's user pool (GazetteStatefulStack.consoleUserPool): the console signs in through
   * its hosted sign-in and every console route gets its JWT authoriser.
   * @default - no console sign-in: console routes get the editor authoriser (closed to browsers)
   */
  readonly consoleUserPool?: ConsoleUserPool | undefined;
  /**
   * An RFC 3161 timestamp authority (context `tsaUrl`): the publisher gets it as GAZETTE_TSA_URL
   * and every PDF signature becomes PAdES B-T (docs/verifying.md). An http(s) URL.
   * @default - no timestamps: signatures are PAdES B-B
   */
  readonly timestampAuthorityUrl?: string;
  /**
   * E-mail notifications through SES (contexts `sesIdentity`, `mailFrom`, `sesConfigurationSet`):
   * the events function mails each change of a submission to its body's submitter, from this
   * verified identity only (constructs/notification-mail.ts).
   * @default - no e-mail: the console inbox and webhooks only
   */
  readonly mail?: NotificationMailSettings | undefined;
}

/**
 * The site's public address: `publicBaseUrl`, else https:// + the first custom domain. Without
 * either, synthesis fails: every link the functions hand out (feeds, repost notices and their
 * acknowledgement URLs) would point at the local default, http://127.0.0.1:3000.
 */
export function sitePublicBaseUrl(
  publicBaseUrl: string | undefined,
  siteDomainNames: readonly string[] | undefined,
): string {
  if (publicBaseUrl) {
    if (!/^https?:\/\/[^/\s]+(\/\S*)?$/.test(publicBaseUrl)) {
      throw new Error(
        `context publicBaseUrl must be an http(s) URL such as https://gazette.example.gov.cn, got "${publicBaseUrl}"`,
      );
    }
    return publicBaseUrl.replace(/\/+$/, "");
  }
  const firstDomain = siteDomainNames?.[0];
  if (firstDomain) return `https://${firstDomain}`;
  throw new Error(
    "The site's public address is missing: synthesise with -c publicBaseUrl=https://<site domain> " +
      "(or -c siteDomainName=<domain> -c siteCertificateArn=<ACM ARN in us-east-1>). Feeds, repost " +
      "notices and their acknowledgement links are built from it; without it they would point at http://127.0.0.1:3000.",
  );
}

/** Compute and edge: the events queue, both functions, the HTTP API and CloudFront. Safe to replace. */
export class GazetteStatelessStack extends Stack {
  public readonly eventsQueue: QueueWithDlq;
  public readonly apiFunction: GazetteFunction;
  /** POST /api/documents and /console/documents: document intake, the routes that read .docx files. */
  public readonly documentsFunction: GazetteFunction;
  /** Edition previews (API and console): the routes that render (PDF engine, fonts). */
  public readonly previewFunction: GazetteFunction;
  /** The transparency log, the signing certificates and verification (CMS/X.509 parsing). */
  public readonly verifyFunction: GazetteFunction;
  /** The archive's editor API, /api/archive/… (ingest: mupdf's checks, the S3 upload signer). */
  public readonly archiveApiFunction: GazetteFunction;
  /** The reposts API, the console's sites and compliance pages, the site portal. */
  public readonly repostsApiFunction: GazetteFunction;
  /** The editor console and a body's register import (route declarations: `lambda: "console"`). */
  public readonly consoleFunction: GazetteFunction;
  public readonly eventsFunction: GazetteFunction;
  public readonly publishingQueue: QueueWithDlq;
  public readonly publisherFunction: GazetteFunction;
  /** The signing key; only the publisher may sign with it. */
  public readonly signingKey: GazetteSigningKey;
  public readonly repostQueues: RepostQueues;
  public readonly reposts: GazetteReposts;
  public readonly archiveQueue: ArchiveQueue;
  public readonly archive: GazetteArchive;
  public readonly api: GazetteApi;
  public readonly site: PublicSite;
  public readonly operations: GazetteOperations;
  /** Pending migrations of the stored records, run after each deploy (src/migrations). */
  public readonly migrations: GazetteMigrations;
  /** Console sign-in (app client, JWT authoriser, CloudFront function); with consoleUserPool only. */
  public readonly consoleSignIn: ConsoleSignIn | undefined;

  constructor(scope: Construct, id: string, props: GazetteStatelessStackProps) {
    const {
      data,
      jwt,
      apiEntry,
      eventsEntry,
      publisherEntry,
      repostEntry,
      archiveEntry,
      migrateEntry,
      siteDomainNames,
      publicBaseUrl,
      siteCertificateArn,
      siteWebAclArn,
      search,
      alarmEmails,
      consoleUserPool,
      timestampAuthorityUrl,
      mail,
      ...stackProps
    } = props;
    const mailSettings = mail && checkMailSettings(mail);
    if (timestampAuthorityUrl !== undefined && !/^https?:\/\/[^\s/]+/.test(timestampAuthorityUrl))
      throw new Error(
        `timestampAuthorityUrl (context tsaUrl) must be an http(s) URL, got "${timestampAuthorityUrl}"`,
      );
    super(scope, id, { description: "Gazette pipeline: functions, queues, API, CDN", ...stackProps });
    const eventsTimeout = Duration.seconds(30);

    this.eventsQueue = new QueueWithDlq(this, "EventsQueue", {
      logicalName: "events",
      // Six times the consumer's timeout, as AWS recommends for Lambda event sources.
      visibilityTimeout: Duration.seconds(eventsTimeout.toSeconds() * 6),
      maxReceiveCount: 5,
    });

    // Rendering a big edition outlasts API Gateway's 30 s: the API queues it for the publisher.
    const publisherTimeout = Duration.minutes(15);
    this.publishingQueue = new QueueWithDlq(this, "PublishingQueue", {
      logicalName: "publishing",
      // Longer than the publisher may run, so a message is never handed to a second publisher
      // while the first still renders (publication is idempotent, but rendering twice is waste).
      visibilityTimeout: Duration.minutes(30),
      maxReceiveCount: 3,
    });

    // Reposts (issue 4): fan-out per page of sites, then one delivery per notice.
    const repostFanoutTimeout = Duration.minutes(2);
    const repostDeliveryTimeout = Duration.seconds(60);
    this.repostQueues = new RepostQueues(this, "RepostQueues", {
      fanoutTimeout: repostFanoutTimeout,
      deliveryTimeout: repostDeliveryTimeout,
    });

    // Archive (issue 5): one message per scanned page or ingested text.
    this.archiveQueue = new ArchiveQueue(this, "ArchiveQueue");

    const baseUrl = sitePublicBaseUrl(publicBaseUrl, siteDomainNames);
    const environment = {
      GAZETTE_MODE: "aws",
      GAZETTE_PUBLISHING: "queued",
      GAZETTE_TABLE: data.table.tableName,
      GAZETTE_BUCKET: data.blobBucket.bucketName,
      GAZETTE_STAGING_BUCKET: data.stagingBucket.bucketName,
      GAZETTE_SITE_BUCKET: data.siteBucket.bucketName,
      ...this.eventsQueue.environment(),
      ...this.publishingQueue.environment(),
      ...this.repostQueues.environment(),
      ...this.archiveQueue.environment(),
      ...(search ? { GAZETTE_SEARCH: "opensearch", GAZETTE_OPENSEARCH_URL: search.url } : {}),
      // The CloudFront domain cannot be used here (the distribution depends on the API function).
      GAZETTE_BASE_URL: baseUrl,
      NODE_OPTIONS: "--enable-source-maps",
    };

    this.consoleSignIn = consoleUserPool
      ? new ConsoleSignIn(this, "ConsoleSignIn", { pool: consoleUserPool, publicBaseUrl: baseUrl })
      : undefined;

    this.apiFunction = new GazetteFunction(this, "ApiFunction", {
      entry: apiEntry ?? "functions/api.ts",
      serviceName: "gazette-api",
      description: "Gazette HTTP API (API Gateway HTTP API, payload 2.0): editor API and public site",
      memorySize: 2048,
      timeout: Duration.seconds(29),
      // The site's templates (the public pages, the HTML reports), not the console's: it serves
      // no console page (the console function does). No fonts: it renders no PDF (the preview
      // function renders previews, the publisher editions), and no mupdf: it ingests no scan
      // (the archive API function does).
      files: [...SITE_TEMPLATE_FILES],
      environment,
      // The only HTML it parses is hOCR (function-bundle.ts).
      aliases: HOCR_READER_ALIASES,
      // /api/openapi.json, generated from the route declarations at build time for the settings
      // its environment gives (src/http/openapi-file.ts): no JSON Schema generator at run time.
      openApi: gazetteSettingsFromEnv(environment),
    });
    // The console (route declarations: `lambda: "console"`): its pages, its session check and a
    // body's register import (csv-parse), apart from the api function.
    this.consoleFunction = new GazetteFunction(this, "ConsoleFunction", {
      entry: "functions/api-console.ts",
      serviceName: "gazette-api-console",
      description:
        "Gazette editor console, /console/… (but the .docx posts, previews, sites and compliance pages), and POST /api/bodies/{bodyId}/register",
      memorySize: 1024,
      timeout: Duration.seconds(29),
      // The console's templates.
      files: [...TEMPLATE_FILES],
      environment: {
        ...environment,
        ...this.consoleSignIn?.environment(),
        // /console/accounts creates submitter accounts in the user pool (issue 16).
        ...this.consoleSignIn?.accountsEnvironment(),
      },
      // The only HTML it parses is hOCR (the archive review's word boxes; function-bundle.ts).
      aliases: HOCR_READER_ALIASES,
    });
    this.consoleSignIn?.grantSubmitterAdministration(this.consoleFunction.function);
    // The routes whose libraries are heavy have functions of their own (route declarations:
    // `lambda`): .docx intake and edition previews, the console's pages that do either included.
    // Those pages check the console session as the api function does: the same OIDC settings.
    this.documentsFunction = new GazetteFunction(this, "DocumentsFunction", {
      entry: "functions/api-documents.ts",
      serviceName: "gazette-api-documents",
      description: "Gazette document intake, POST /api/documents and /console/documents (JSON or .docx)",
      // .docx parsing is CPU- and memory-bound.
      memorySize: 2048,
      timeout: Duration.seconds(29),
      // The console's templates: a refused submission shows the form with its problems.
      files: [...TEMPLATE_FILES],
      environment: { ...environment, ...this.consoleSignIn?.environment() },
      // The only HTML it parses is mammoth's (function-bundle.ts).
      aliases: DOCX_READER_ALIASES,
    });
    this.documentsFunction.role.addManagedPolicy(data.tableReadWritePolicy);
    this.documentsFunction.role.addManagedPolicy(data.blobAccessPolicies.documents);
    grantSend(this.eventsQueue.queue, this.documentsFunction.function);
    this.previewFunction = new GazetteFunction(this, "PreviewFunction", {
      entry: "functions/api-preview.ts",
      serviceName: "gazette-api-preview",
      description:
        "Gazette edition preview, POST /api/editions/{id}/preview and the console's preview pages (renders)",
      // pdf-lib and fontkit are single-threaded; memory also buys CPU share in Lambda.
      memorySize: 3008,
      timeout: Duration.seconds(29),
      files: [...TEMPLATE_FILES, ...FONT_FILES],
      environment: { ...environment, ...this.consoleSignIn?.environment() },
    });
    this.previewFunction.role.addManagedPolicy(data.tableReadWritePolicy);
    this.previewFunction.role.addManagedPolicy(data.blobAccessPolicies.preview);
    this.verifyFunction = new GazetteFunction(this, "VerifyFunction", {
      entry: "functions/api-verify.ts",
      serviceName: "gazette-api-verify",
      description:
        "Gazette verification: the transparency log, the signing certificates, POST /api/verify and /verify",
      // A PDF to verify is read whole (POST /api/verify, up to API Gateway's 10 MB).
      memorySize: 1024,
      timeout: Duration.seconds(29),
      environment,
    });
    // It reads the log, the keyring and the artifact index from the table, and writes nothing: no
    // blob (but an answer too large for Lambda, as every API function: below), no queue, no table write.
    this.verifyFunction.role.addManagedPolicy(data.tableReadPolicy);
    this.archiveApiFunction = new GazetteFunction(this, "ArchiveApiFunction", {
      entry: "functions/api-archive.ts",
      serviceName: "gazette-api-archive",
      description:
        "Gazette archive API, /api/archive/… (scan and text ingest, upload URLs, jobs, items, corrections)",
      // Every scan of a multipart upload (up to API Gateway's 10 MB) is inspected with mupdf
      // before anything is stored; API Gateway gives up after 30 s.
      memorySize: 2048,
      timeout: Duration.seconds(29),
      files: [...MUPDF_FILES],
      environment: { ...environment, ...MUPDF_WASM_ENVIRONMENT },
    });
    // Least privilege: archive API = table read/write + its blob prefixes (access.ts archiveApi)
    // + one message per page or text on the archive queue; a correction re-indexes its item.
    this.archiveApiFunction.role.addManagedPolicy(data.tableReadWritePolicy);
    this.archiveApiFunction.role.addManagedPolicy(data.blobAccessPolicies.archiveApi);
    grantSend(this.archiveQueue.queue, this.archiveApiFunction.function);
    if (search) this.archiveApiFunction.role.addManagedPolicy(search.indexingPolicy);
    this.repostsApiFunction = new GazetteFunction(this, "RepostsApiFunction", {
      entry: "functions/api-reposts.ts",
      serviceName: "gazette-api-reposts",
      description:
        "Gazette reposts API: /api/sites, /api/compliance, the sites' /api/reposts, the console's sites and compliance pages, /portal",
      // The compliance report reads every notice of a period (streamed as CSV or HTML).
      memorySize: 1024,
      timeout: Duration.seconds(29),
      // The console's templates (the sites' pages, the report, the portal) and the report's page.
      files: [...TEMPLATE_FILES],
      environment: { ...environment, ...this.consoleSignIn?.environment() },
    });
    // Least privilege: reposts API = table read/write (sites, notices, acknowledgements, the
    // console's sessions and audit) + queue an acknowledged page's verification. No blob (but an
    // answer too large for Lambda, as every API function: below).
    this.repostsApiFunction.role.addManagedPolicy(data.tableReadWritePolicy);
    grantSend(this.repostQueues.delivery.queue, this.repostsApiFunction.function);
    // Least privilege: api = table read/write + its blob prefixes (access.ts api) + publish events.
    this.apiFunction.role.addManagedPolicy(data.tableReadWritePolicy);
    this.apiFunction.role.addManagedPolicy(data.blobAccessPolicies.api);
    grantSend(this.eventsQueue.queue, this.apiFunction.function);
    grantSend(this.publishingQueue.queue, this.apiFunction.function);
    if (search) this.apiFunction.role.addManagedPolicy(search.searchPolicy);
    // Least privilege: console = table read/write (sessions, audit, documents, editions, the
    // desk, the register) + its blob prefixes (access.ts console) + the events its actions
    // record (a returned submission, an edition's changes) + publication requests.
    this.consoleFunction.role.addManagedPolicy(data.tableReadWritePolicy);
    this.consoleFunction.role.addManagedPolicy(data.blobAccessPolicies.console);
    grantSend(this.eventsQueue.queue, this.consoleFunction.function);
    grantSend(this.publishingQueue.queue, this.consoleFunction.function);
    if (search) this.consoleFunction.role.addManagedPolicy(search.searchPolicy);
    // Every API function but the preview function: an answer too large for Lambda (6 MB) goes to
    // the staging bucket and the client is sent there (src/runtime/lambda/response-spill.ts). A
    // preview's PDF is ~2.4 KiB a page (bench/results/edition-pdf.txt): 6 MB in base64 would be
    // an edition of ~1,900 pages, and the preview function's code is at its 1 MB budget.
    for (const fn of [
      this.apiFunction,
      this.consoleFunction,
      this.documentsFunction,
      this.verifyFunction,
      this.archiveApiFunction,
      this.repostsApiFunction,
    ])
      fn.role.addManagedPolicy(data.responseSpillPolicy);

    this.signingKey = new GazetteSigningKey(this, "SigningKey");
    this.publisherFunction = new GazetteFunction(this, "PublisherFunction", {
      entry: publisherEntry ?? "functions/publisher.ts",
      serviceName: "gazette-publisher",
      description: "Gazette publisher: renders an edition's PDF and pages and publishes them (SQS)",
      // pdf-lib and fontkit are single-threaded; memory also buys CPU share in Lambda.
      memorySize: 3008,
      timeout: publisherTimeout,
      // The site's templates (its pages), not the console's.
      files: [...SITE_TEMPLATE_FILES, ...FONT_FILES],
      // Only the publisher knows the signing key, and only it may sign with it.
      environment: {
        ...environment,
        GAZETTE_SIGNING_KMS_KEY: this.signingKey.key.keyArn,
        ...(timestampAuthorityUrl ? { GAZETTE_TSA_URL: timestampAuthorityUrl } : {}),
      },
    });
    this.signingKey.allowSigning(this.publisherFunction.role);
    // Least privilege: publisher = table read/write + blob read/write + queue edition.published.
    this.publisherFunction.role.addManagedPolicy(data.tableReadWritePolicy);
    this.publisherFunction.role.addManagedPolicy(data.blobAccessPolicies.publisher);
    grantSend(this.eventsQueue.queue, this.publisherFunction.function);
    grantSend(this.publishingQueue.deadLetterQueue, this.publisherFunction.function);
    this.publisherFunction.function.addEventSource(
      new SqsEventSource(this.publishingQueue.queue, {
        batchSize: 1,
        reportBatchItemFailures: true,
        maxConcurrency: QUEUE_CONSUMER_CONCURRENCY.publisher,
      }),
    );

    this.eventsFunction = new GazetteFunction(this, "EventsFunction", {
      entry: eventsEntry ?? "functions/events.ts",
      serviceName: "gazette-events",
      description: "Gazette domain-event consumer (SQS, partial batch failures)",
      timeout: eventsTimeout,
      // Reads no files: it renders nothing (copies published files, records, indexes).
      environment,
    });
    // Least privilege: events = table read/write + consume events + copy published files to the
    // site bucket (read editions/ and documents/ of the blob bucket, write the site bucket's).
    this.eventsFunction.role.addManagedPolicy(data.tableReadWritePolicy);
    this.eventsFunction.role.addManagedPolicy(data.sitePublishPolicy);
    // edition.published → index the public documents (the events function reads them from the table).
    if (search) {
      this.eventsFunction.role.addManagedPolicy(search.indexingPolicy);
      // Long documents keep their content in the blob bucket (documents/*).
      this.eventsFunction.role.addManagedPolicy(data.documentContentReadPolicy);
    }
    // Poison messages (not JSON, unknown type) are moved to the DLQ by the consumer itself.
    grantSend(this.eventsQueue.deadLetterQueue, this.eventsFunction.function);
    // submission.changed → e-mail to the body's submitter, from the stack's SES identity only.
    if (mailSettings) allowNotificationMail(this.eventsFunction.function, mailSettings);
    // The event source grants exactly the consume permissions (receive, delete, visibility, attributes).
    this.eventsFunction.function.addEventSource(
      new SqsEventSource(this.eventsQueue.queue, {
        batchSize: 10,
        maxBatchingWindow: Duration.seconds(5),
        reportBatchItemFailures: true,
        maxConcurrency: QUEUE_CONSUMER_CONCURRENCY.events,
      }),
    );

    // edition.published → fan-out messages; an acknowledgement queues the page's verification.
    grantSend(this.repostQueues.fanout.queue, this.eventsFunction.function);
    // The status changes and errata it logs ask the publisher, which alone may sign, for a
    // checkpoint (src/transparency/checkpoint-request.ts): send to the publishing queue, no more.
    grantSend(this.publishingQueue.queue, this.eventsFunction.function);
    this.reposts = new GazetteReposts(this, "Reposts", {
      data,
      queues: this.repostQueues,
      eventsQueue: this.eventsQueue,
      environment,
      // The repost functions render nothing: no templates or fonts.
      files: [],
      fanoutTimeout: repostFanoutTimeout,
      deliveryTimeout: repostDeliveryTimeout,
      entry: repostEntry,
    });

    // The tick's outbox relay sends the unit messages of an archive job a crash or a queue outage
    // left unsent (src/archive/ingest.ts createJob).
    grantSend(this.archiveQueue.queue, this.reposts.tickFunction.function);
    // A checkpoint request lost with the events function (dead-lettered, a crash) is made again
    // by the tick while the log has entries no checkpoint covers.
    grantSend(this.publishingQueue.queue, this.reposts.tickFunction.function);
    this.archive = new GazetteArchive(this, "Archive", {
      data,
      queue: this.archiveQueue,
      environment,
      // The consumer reads pages and writes items; it renders no page (the API serves those).
      files: [],
      search,
      entry: archiveEntry,
    });

    this.migrations = new GazetteMigrations(this, "Migrations", {
      data,
      environment,
      entry: migrateEntry,
    });

    this.api = new GazetteApi(this, "Api", {
      handler: this.apiFunction.function,
      functions: {
        documents: this.documentsFunction.function,
        preview: this.previewFunction.function,
        verify: this.verifyFunction.function,
        archive: this.archiveApiFunction.function,
        reposts: this.repostsApiFunction.function,
        console: this.consoleFunction.function,
      },
      jwt,
      consoleAuthorizer: this.consoleSignIn?.authorizer,
    });

    this.operations = new GazetteOperations(this, "Operations", {
      functions: {
        api: this.apiFunction,
        "api-documents": this.documentsFunction,
        "api-preview": this.previewFunction,
        "api-verify": this.verifyFunction,
        "api-archive": this.archiveApiFunction,
        "api-reposts": this.repostsApiFunction,
        "api-console": this.consoleFunction,
        publisher: this.publisherFunction,
        events: this.eventsFunction,
        "repost-fanout": this.reposts.fanoutFunction,
        "repost-delivery": this.reposts.deliveryFunction,
        "repost-tick": this.reposts.tickFunction,
        archive: this.archive.consumer,
        migrate: this.migrations.function,
      },
      queues: [
        { queue: this.eventsQueue, maxAge: Duration.minutes(15) },
        // One edition renders in up to 15 minutes; two waiting means something is stuck.
        { queue: this.publishingQueue, maxAge: Duration.minutes(30) },
        // A 1,000-page job at five pages at a time takes over an hour and a half.
        { queue: this.archiveQueue, maxAge: Duration.hours(3) },
        { queue: this.repostQueues.fanout, maxAge: Duration.minutes(30) },
        // Retries hop through the queue with delays of up to 15 minutes.
        { queue: this.repostQueues.delivery, maxAge: Duration.hours(1) },
      ],
      httpApi: this.api.httpApi,
      tick: { rule: this.reposts.tickRule, deadLetterQueue: this.reposts.tickDeadLetterQueue },
      migrations: { rule: this.migrations.schedule, deadLetterQueue: this.migrations.deadLetterQueue },
      alarmEmails,
    });

    this.site = new PublicSite(this, "Site", {
      siteBucket: data.siteBucket,
      scanBucket: data.blobBucket,
      logBucket: data.cdnLogsBucket,
      apiDomainName: this.api.domainName,
      domainNames: siteDomainNames,
      certificate: siteCertificateArn
        ? Certificate.fromCertificateArn(this, "SiteCertificate", siteCertificateArn)
        : undefined,
      webAclArn: siteWebAclArn,
      consoleViewerRequest: this.consoleSignIn?.viewerRequest,
      consoleFormActions: consoleUserPool ? [consoleUserPool.domain.baseUrl()] : undefined,
    });

    // What an operator needs after `cdk deploy`: where editors and readers go.
    new CfnOutput(this, "ApiUrl", {
      value: this.api.url,
      description: "Editor API (IAM-signed requests go here, not through CloudFront)",
    });
    new CfnOutput(this, "SiteUrl", {
      value: `https://${this.site.distribution.distributionDomainName}`,
      description: "Public site (and /api/* through CloudFront for JWT callers)",
    });
    new CfnOutput(this, "SiteDistributionId", {
      value: this.site.distribution.distributionId,
      description: "Pass as -c siteDistributionId=… to pin the site bucket's read grant",
    });
    new CfnOutput(this, "EventsDeadLetterQueueUrl", { value: this.eventsQueue.deadLetterQueue.queueUrl });
    new CfnOutput(this, "RepostDeliveryDeadLetterQueueUrl", {
      value: this.repostQueues.delivery.deadLetterQueue.queueUrl,
      description:
        "Repost notices whose delivery attempts are exhausted (also shown as failed in /api/compliance)",
    });
    new CfnOutput(this, "AlarmTopicArn", {
      value: this.operations.topic.topicArn,
      description:
        "Every alarm notifies this SNS topic (subscribe with -c alarmEmail=… or in the SNS console)",
    });
    new CfnOutput(this, "DashboardName", { value: this.operations.dashboard.dashboardName });
    new CfnOutput(this, "PublishingDeadLetterQueueUrl", {
      value: this.publishingQueue.deadLetterQueue.queueUrl,
    });
  }
}
