/**
 * Checkpoints between publications. Only the publisher may sign (in AWS it alone has kms:Sign on
 * the key), yet entries reach the log elsewhere too: the events consumer logs the status changes
 * and errata an edition makes (status/service.ts). Whoever appends asks the publisher for a
 * checkpoint with a message on its own queue; the publisher signs one covering the whole log
 * (TransparencyLog.checkpoint, idempotent), so a repeated or late request costs two reads.
 * Locally the same message goes through the same queue to the same handler.
 */
import { PUBLISHING_QUEUE } from "../editions/publish.js";
import type { QueuePort, RecordStore } from "../platform/ports.js";
import { TransparencyLog } from "./log.js";

export const CHECKPOINT_REQUESTED = "log.checkpoint";

/** Message on PUBLISHING_QUEUE: sign a checkpoint of the log as it stands (at least `size`). */
export interface CheckpointRequestedMessage {
  readonly type: typeof CHECKPOINT_REQUESTED;
  /** The log's size when the request was made, for the logs. */
  readonly size: number;
}

/**
 * Asks the publisher for a checkpoint when the log has entries no checkpoint covers; returns
 * whether it asked.
 */
export async function requestCheckpoint(deps: {
  readonly records: RecordStore;
  readonly queues: QueuePort;
}): Promise<boolean> {
  const log = new TransparencyLog({ records: deps.records, origin: "" });
  if ((await log.uncheckpointed()) === 0) return false;
  const message: CheckpointRequestedMessage = { type: CHECKPOINT_REQUESTED, size: await log.size() };
  await deps.queues.send(PUBLISHING_QUEUE, [{ body: JSON.stringify(message) }]);
  return true;
}
