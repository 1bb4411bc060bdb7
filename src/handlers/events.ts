import type { Logger } from "@aws-lambda-powertools/logger";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { AuditLog } from "../audit/audit-log.js";
import { type DocumentAcceptedEvent, EVENTS_QUEUE } from "../documents/events.js";
import { completionStepPending, markCompletionStep } from "../editions/completion.js";
import { recordEditionPublished } from "../editions/events.js";
import type { CompletionStep } from "../editions/model.js";
import type { EditionPublishedEvent } from "../editions/publish.js";
import { PermanentMessageError } from "../platform/errors.js";
import type { BlobStore, Platform, QueuePort, RecordStore } from "../platform/ports.js";
import { mapConcurrently } from "../platform/reads.js";
import { createSqsHandler } from "../platform/sqs-consumer.js";
import { copyEditionToSite } from "../publishing/site-copy.js";
import { enqueueFanout } from "../reposts/fanout.js";
import type { LegacyRepostOverdueEvent, OverdueNotice, RepostOverdueEvent } from "../reposts/tick.js";
import {
  type GazetteIndexingDeps,
  indexPublishedDocuments,
  reindexEdition,
  SEARCH_REINDEX_EVENT,
  type SearchReindexEvent,
} from "../search/gazette.js";
import type { DocumentStatuses } from "../status/service.js";
import { SUBMISSION_CHANGED, type SubmissionChangedEvent } from "../submitters/model.js";
import type { SubmitterNotifications } from "../submitters/notify.js";
import { deliverSubmissionChange } from "../submitters/notify.js";
import { requestCheckpoint } from "../transparency/checkpoint-request.js";

/** Domain events → subscribers. Editions and reposts add their subscribers here. */
export function createEventsHandler(deps: {
  readonly queues: QueuePort;
  readonly audit: AuditLog;
  /** Records what a published edition repeals, amends and corrects; left out, nothing is. */
  readonly statuses: DocumentStatuses;
  /**
   * Copies a published edition's files to the site store CloudFront serves (AWS); left out, the
   * app serves them from the blob store.
   */
  readonly siteCopy?:
    | { readonly platform: Pick<Platform, "records" | "blobs" | "clock">; readonly site: BlobStore }
    | undefined;
  /** Indexes an edition's public documents for search once it is published; left out, nothing is. */
  readonly searchIndexing?: GazetteIndexingDeps | undefined;
  /** Where each completion step of a publication is noted (the records of the edition). */
  readonly completion?: { readonly records: RecordStore; readonly now: () => Date } | undefined;
  /**
   * Submissions of issuing bodies (issue 16): a published edition moves the bodies' submissions on,
   * and each change is audited and sent to the body's webhook. Left out, neither happens.
   */
  readonly submitters?: SubmitterNotifications | undefined;
  /**
   * The log's records: status changes and errata the statuses step appends to the log ask the
   * publisher (which alone may sign) for a checkpoint covering them. Left out, they wait for the
   * next publication's checkpoint.
   */
  readonly checkpointRequests?: { readonly records: RecordStore } | undefined;
  readonly logger?: Logger;
}): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  return createSqsHandler({
    queue: EVENTS_QUEUE,
    queues: deps.queues,
    logger: deps.logger,
    process: async (body) => {
      const event = body as { type?: string };
      switch (event.type) {
        case "document.accepted": {
          const e = body as DocumentAcceptedEvent;
          await deps.audit.append({
            documentId: e.documentId,
            type: e.type,
            at: e.at,
            actor: e.receivedBy,
            details: { title: e.title, docNumber: e.docNumber, issuers: e.issuers },
          });
          return;
        }
        case "edition.published": {
          const e = body as EditionPublishedEvent;
          // Each step is noted on the edition once done (GET /api/editions/{id} shows them), and a
          // redelivered or re-sent event skips the steps already noted; the tick re-sends the event
          // while a step stays pending (src/editions/completion.ts).
          const records = deps.completion?.records;
          const step = async (name: CompletionStep, run: () => Promise<unknown>) => {
            if (records && !(await completionStepPending(records, e.editionId, name))) return;
            await run();
            if (records)
              await markCompletionStep(records, e.editionId, name, deps.completion!.now().toISOString());
          };
          // First: the edition shows on the site only once its files are where readers get them,
          // and the subscribers below (search, reposts) hand out its URLs.
          const siteCopy = deps.siteCopy;
          await step("siteCopy", async () => {
            if (siteCopy) await copyEditionToSite(siteCopy.platform, siteCopy.site, e.editionId);
          });
          await step("audit", () => recordEditionPublished(deps.audit, e));
          await step("statuses", async () => {
            await deps.statuses.recordEdition(e.editionId);
            // Inside the step: a crash before the request re-runs both (each idempotent).
            const checkpointRequests = deps.checkpointRequests;
            if (checkpointRequests)
              await requestCheckpoint({ records: checkpointRequests.records, queues: deps.queues });
          });
          // After the statuses, so the index gets the statuses this edition sets.
          const searchIndexing = deps.searchIndexing;
          await step("index", async () => {
            if (searchIndexing) await indexPublishedDocuments(searchIndexing, e.documents);
          });
          // Reposts: one fan-out message per document (idempotent downstream, keyed per document × site).
          await step("fanout", () => enqueueFanout(deps.queues, e));
          // The bodies that sent these documents learn the citation and URLs (idempotent: a
          // submission already published is left alone).
          await deps.submitters?.desk.refreshDocuments(e.documents);
          return;
        }
        case SUBMISSION_CHANGED: {
          if (deps.submitters)
            await deliverSubmissionChange(deps.submitters, deps.audit, body as SubmissionChangedEvent);
          return;
        }
        case "repost.overdue": {
          const e = body as RepostOverdueEvent | LegacyRepostOverdueEvent;
          // One event carries a transaction's escalations; one queued before that, a notice.
          const notices: readonly OverdueNotice[] | undefined = "notices" in e ? e.notices : [e];
          if (
            !Array.isArray(notices) ||
            typeof e.at !== "string" ||
            !notices.every((n) => typeof n?.noticeId === "string" && n.noticeId.length > 0)
          )
            throw new PermanentMessageError("repost.overdue without its notices or time");
          // Audited under each notice (`<documentId>.<siteId>`): one trail entry per site and time;
          // a redelivered event finds the entries written (append is idempotent).
          await mapConcurrently(notices, 8, (n) =>
            deps.audit.append({
              documentId: n.noticeId,
              type: e.type,
              at: e.at,
              actor: "system",
              details: {
                documentId: n.documentId,
                siteId: n.siteId,
                site: n.siteName,
                region: n.region,
                deadline: n.deadline,
              },
            }),
          );
          return;
        }
        case SEARCH_REINDEX_EVENT: {
          const e = body as SearchReindexEvent;
          if (deps.searchIndexing) await reindexEdition(deps.searchIndexing, e.editionId);
          return;
        }
        default:
          // Retrying cannot teach us a new event type: straight to the dead-letter queue.
          throw new PermanentMessageError(`Unknown event type ${String(event.type)}`);
      }
    },
  });
}
