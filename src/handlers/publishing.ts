import type { Logger } from "@aws-lambda-powertools/logger";
import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { EditionConflictError } from "../editions/errors.js";
import { PUBLISHING_QUEUE, type PublishRequestedMessage } from "../editions/publish.js";
import type { EditionService } from "../editions/service.js";
import { PermanentMessageError, StorageError } from "../platform/errors.js";
import type { QueuePort } from "../platform/ports.js";
import { createSqsHandler } from "../platform/sqs-consumer.js";
import { CHECKPOINT_REQUESTED } from "../transparency/checkpoint-request.js";

/**
 * The publishing queue → EditionService.publish (render, write-once artifacts, manifest, switch).
 * Publication is idempotent and resumable, so a redelivered or repeated message is harmless.
 * The queue also carries checkpoint requests (transparency/checkpoint-request.ts): the publisher
 * alone holds the signing key, so it signs the log's checkpoints for entries appended elsewhere.
 */
export function createPublishingHandler(deps: {
  readonly queues: QueuePort;
  readonly editions: Pick<EditionService, "publishRequested">;
  /** Signs a checkpoint of the log (the publication sealer); left out, a request cannot be served. */
  readonly checkpoints?: { signCheckpoint(): Promise<void> } | undefined;
  readonly logger?: Logger | undefined;
}): (event: SQSEvent, context: Context) => Promise<SQSBatchResponse> {
  return createSqsHandler({
    queue: PUBLISHING_QUEUE,
    queues: deps.queues,
    logger: deps.logger,
    process: async (body) => {
      if ((body as { type?: unknown }).type === CHECKPOINT_REQUESTED) {
        // Without a key the request cannot succeed however often it is retried.
        if (!deps.checkpoints)
          throw new PermanentMessageError("A checkpoint was requested of a publisher without a signing key");
        // A store or KMS outage is retried; the checkpoint is idempotent.
        await deps.checkpoints.signCheckpoint();
        return;
      }
      const message = body as Partial<PublishRequestedMessage>;
      if (message.type !== "edition.publish" || typeof message.editionId !== "string") {
        throw new PermanentMessageError(`Not a publication request: ${JSON.stringify(body).slice(0, 200)}`);
      }
      try {
        await deps.editions.publishRequested(message.editionId, message.requestedBy ?? "system");
      } catch (error) {
        // A store outage or a concurrent change is retried with backoff. Anything else (the
        // edition is gone, a document vanished, the renderer failed) has lifted the intent and
        // left the reason on the edition as publishFailure: the same message cannot succeed.
        if (error instanceof StorageError || error instanceof EditionConflictError) throw error;
        throw new PermanentMessageError(error instanceof Error ? error.message : String(error), {
          cause: error,
        });
      }
    },
  });
}
