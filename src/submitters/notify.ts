/**
 * Announcing a change of a submission (the `submission.changed` event the outbox sent): an audit
 * entry under the submission, and a POST to the body's webhook where one is configured. The
 * webhook carries the change, never the submitted content; the body's system reads the rest with
 * its token. A refused or failed call throws, so the events queue retries it (and, in the end,
 * keeps it in its dead-letter queue).
 */
import type { AuditLog } from "../audit/audit-log.js";
import { PermanentMessageError } from "../platform/errors.js";
import type { OutboundFetch } from "../reposts/outbound.js";
import type { IssuingBodies } from "./bodies.js";
import type { SubmissionChangedEvent } from "./model.js";
import { SUBMISSION_STATE_LABELS } from "./model.js";
import type { SubmissionDesk } from "./submissions.js";

export interface SubmitterNotifications {
  readonly desk: Pick<SubmissionDesk, "event" | "refreshDocuments">;
  readonly bodies: Pick<IssuingBodies, "get">;
  /** The SSRF-guarded fetch of outbound calls (reposts/outbound.ts). */
  readonly fetch: OutboundFetch;
  /** Public address, for the link to the submission in the payload. */
  readonly baseUrl: string;
}

export async function deliverSubmissionChange(
  deps: SubmitterNotifications,
  audit: AuditLog,
  announced: SubmissionChangedEvent,
): Promise<void> {
  const event = await deps.desk.event(announced.submissionId, announced.seq);
  // The relay sends only what was committed; an event that is not there was never a change.
  if (!event)
    throw new PermanentMessageError(`No change ${announced.seq} of submission ${announced.submissionId}`);
  await audit.append({
    documentId: `submission-${event.submissionId}`,
    type: `submission.${event.state}`,
    at: event.at,
    actor: event.by,
    details: {
      bodyId: event.bodyId,
      seq: event.seq,
      title: event.title,
      docNumber: event.docNumber,
      ...(event.reason ? { reason: event.reason } : {}),
      ...(event.documentId ? { documentId: event.documentId } : {}),
      ...(event.citation ? { citation: event.citation } : {}),
    },
  });
  const body = await deps.bodies.get(event.bodyId);
  if (!body?.webhookUrl) return;
  const payload = {
    type: "submission.changed",
    submissionId: event.submissionId,
    bodyId: event.bodyId,
    seq: event.seq,
    at: event.at,
    state: event.state,
    stateLabel: SUBMISSION_STATE_LABELS[event.state],
    title: event.title,
    docNumber: event.docNumber,
    reason: event.reason ?? null,
    edition: event.edition ?? null,
    citation: event.citation ?? null,
    urls: event.urls ?? null,
    href: `${deps.baseUrl.replace(/\/+$/, "")}/api/bodies/${event.bodyId}/submissions/${event.submissionId}`,
  };
  const response = await deps.fetch(body.webhookUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      // The receiver drops a change it has seen: (submissionId, seq) is unique.
      "idempotency-key": `${event.submissionId}.${event.seq}`,
    },
    body: JSON.stringify(payload),
  });
  if (!response.ok) throw new Error(`Webhook of ${event.bodyId} answered ${response.status}`);
}
