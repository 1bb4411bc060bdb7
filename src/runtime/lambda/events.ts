/** Composition root of the events consumer: domain events → audit, statuses, site copy, search, reposts. */
import { S3Client } from "@aws-sdk/client-s3";
import { AuditLog } from "../../audit/audit-log.js";
import { createEventsHandler as createConsumer } from "../../handlers/events.js";
import { S3BlobStore } from "../../platform/aws/s3-blobs.js";
import { SesMailer } from "../../platform/aws/ses-mailer.js";
import { createOutboundFetch } from "../../reposts/outbound.js";
import { DocumentStatuses } from "../../status/service.js";
import { IssuingBodies } from "../../submitters/bodies.js";
import { SubmissionDesk } from "../../submitters/submissions.js";
import { type LambdaEnv, lambdaBase } from "./common.js";
import { lambdaSearch } from "./search.js";

export function createEventsHandler(env: LambdaEnv = process.env) {
  const { config, platform, logger } = lambdaBase(env);
  const statuses = new DocumentStatuses(platform);
  const bodies = new IssuingBodies({ records: platform.records, clock: platform.clock });
  const search = lambdaSearch(config);
  // CloudFront serves published PDFs and texts from the site bucket: this consumer copies them
  // there, and the site shows an edition once they are.
  const site = config.aws.siteBucketName
    ? new S3BlobStore(new S3Client({ region: config.aws.region }), config.aws.siteBucketName)
    : undefined;
  return createConsumer({
    queues: platform.queues,
    audit: new AuditLog(platform.records),
    statuses,
    siteCopy: site ? { platform, site } : undefined,
    searchIndexing: search ? { platform, statuses, search, now: () => platform.clock.now() } : undefined,
    // Each step of a publication's completion is noted on the edition; without this the tick
    // would find the steps pending and send edition.published again every time.
    completion: { records: platform.records, now: () => platform.clock.now() },
    // Status changes and errata enter the log here; only the publisher may sign its checkpoint.
    checkpointRequests: { records: platform.records },
    // Issuing bodies' submissions move on as editions are published, and each change goes to the
    // body's webhook (SSRF-guarded, as repost deliveries).
    submitters: {
      desk: new SubmissionDesk({
        platform,
        bodies,
        limits: config.limits,
        sections: config.gazette.sections,
        gazetteName: config.gazette.name,
        baseUrl: config.baseUrl,
      }),
      bodies,
      fetch: createOutboundFetch({
        allowPrivateTargets: config.reposts.allowPrivateTargets,
        timeoutMs: config.reposts.outboundTimeoutMs,
        maxResponseBytes: config.reposts.maxResponseBytes,
      }),
      baseUrl: config.baseUrl,
      records: platform.records,
      // E-mail through SES from the stack's identity (GAZETTE_SES_IDENTITY, set by the stack's
      // sesIdentity context); SMTP is for the local server only.
      mailer:
        config.mail?.transport.kind === "ses"
          ? new SesMailer({
              from: config.mail.from,
              configurationSet: config.mail.transport.configurationSet,
              region: config.aws.region,
            })
          : undefined,
      gazetteName: config.gazette.name,
    },
    logger,
  });
}
