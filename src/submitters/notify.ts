/**
 * Announcing a change of a submission (the `submission.changed` event the outbox sent): an audit
 * entry under the submission, an e-mail to the body's submitter where the body has an address and
 * the gazette sends mail, and a POST to the body's webhook where one is configured. Neither carries
 * the submitted content, only the change (state, reason, edition, citation, URLs); the body's
 * system reads the rest with its token. A refused or failed call throws, so the events queue
 * retries the event (and, in the end, keeps it in its dead-letter queue).
 *
 * Each channel is noted once done (a record under the submission per channel and change), so a
 * retry sends only what failed: a webhook that keeps failing does not mail the submitter again.
 * A crash between sending and noting sends that channel once more, with the same Message-ID /
 * Idempotency-Key (`<submissionId>.<seq>`), so the receiver can tell it is the same change.
 */
import type { AuditLog } from "../audit/audit-log.js";
import { chinaTime } from "../console/time.js";
import { ConditionFailedError, PermanentMessageError } from "../platform/errors.js";
import type { Mailer, OutgoingMail } from "../platform/mail.js";
import type { RecordStore } from "../platform/ports.js";
import type { OutboundFetch } from "../reposts/outbound.js";
import type { IssuingBodies } from "./bodies.js";
import type { IssuingBody, SubmissionChangedEvent, SubmissionEvent } from "./model.js";
import { SUBMISSION_STATE_LABELS } from "./model.js";
import type { SubmissionDesk } from "./submissions.js";

export interface SubmitterNotifications {
  readonly desk: Pick<SubmissionDesk, "event" | "refreshDocuments">;
  readonly bodies: Pick<IssuingBodies, "get">;
  /** The SSRF-guarded fetch of outbound calls (reposts/outbound.ts). */
  readonly fetch: OutboundFetch;
  /** Public address, for the link to the submission in the payload. */
  readonly baseUrl: string;
  /** Where each channel's delivery of a change is noted; left out, a retry sends every channel again. */
  readonly records?: RecordStore | undefined;
  /** Sends e-mail (platform/mail.ts); left out (not configured), nothing is mailed. */
  readonly mailer?: Mailer | undefined;
  /** The gazette's name, for the mail's subject (default 政府公报). */
  readonly gazetteName?: string | undefined;
}

type Channel = "mail" | "webhook";
const deliveredKey = (event: Pick<SubmissionEvent, "submissionId" | "seq">, channel: Channel) => ({
  pk: `SUBMISSION#${event.submissionId}`,
  sk: `NOTIFIED#${channel}#${String(event.seq).padStart(6, "0")}`,
});

/** Runs a channel's delivery unless noted done; notes it once done. */
async function once(
  records: RecordStore | undefined,
  event: SubmissionEvent,
  channel: Channel,
  deliver: () => Promise<Record<string, unknown> | undefined>,
): Promise<void> {
  const key = deliveredKey(event, channel);
  if (records && (await records.get(key))) return;
  const note = await deliver();
  if (!records || !note) return;
  try {
    await records.put({ ...key, data: note }, { kind: "absent" });
  } catch (error) {
    // Another delivery of the same announcement noted it meanwhile.
    if (!(error instanceof ConditionFailedError)) throw error;
  }
}

/**
 * The e-mail of one change, in Chinese, to the body's submitter: the document's title and 发文字号,
 * its state, the reason of a 退文, the edition it is placed in, and once published its citation and
 * the URLs of the document and the edition; then where to see the submission in the console.
 */
export function submissionChangeMail(
  event: SubmissionEvent,
  body: Pick<IssuingBody, "name">,
  to: string,
  options: { readonly baseUrl: string; readonly gazetteName?: string | undefined },
): OutgoingMail {
  const label = SUBMISSION_STATE_LABELS[event.state];
  const gazette = options.gazetteName ? `《${options.gazetteName}》` : "政府公报";
  const lines = [
    `${body.name}：`,
    "",
    `贵单位报送${gazette}的文件有新的状态。`,
    "",
    `文件标题：${event.title}`,
    ...(event.docNumber ? [`发文字号：${event.docNumber}`] : []),
    `状态：${label}`,
    ...(event.state === "returned"
      ? [`退文理由：${event.reason ?? "（未说明）"}`, "请按退文理由修改后重新报送。"]
      : []),
    ...(event.edition ? [`期次：${event.edition.label}`] : []),
    ...(event.citation ? [`刊登：${event.citation}`] : []),
    ...(event.urls?.document?.web ? [`文件网页：${event.urls.document.web}`] : []),
    ...(event.urls?.document?.pdf ? [`文件 PDF：${event.urls.document.pdf}`] : []),
    ...(event.urls?.edition?.web ? [`本期网页：${event.urls.edition.web}`] : []),
    ...(event.urls?.edition?.pdf ? [`本期 PDF：${event.urls.edition.pdf}`] : []),
    `时间：${chinaTime(event.at)?.text ?? event.at}（北京时间）`,
    "",
    `查看这份报送：${options.baseUrl.replace(/\/+$/, "")}/console/body/submissions/${event.submissionId}`,
    "",
    "本邮件由系统自动发送，请勿直接回复。",
  ];
  // One line, whatever the title holds: a subject never carries a line break.
  const title = event.title.replace(/[\r\n\t]+/g, " ").slice(0, 80);
  return {
    to,
    subject: `【${options.gazetteName ?? "政府公报"}】${label}：${title}`,
    text: `${lines.join("\n")}\n`,
    id: `${event.submissionId}.${event.seq}`,
  };
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
  if (!body) return;
  const failures: unknown[] = [];
  const attempt = async (channel: Channel, deliver: () => Promise<Record<string, unknown> | undefined>) => {
    try {
      await once(deps.records, event, channel, deliver);
    } catch (error) {
      failures.push(error);
    }
  };
  const mailer = deps.mailer;
  const email = body.email;
  if (mailer && email)
    await attempt("mail", async () => {
      await mailer.send(submissionChangeMail(event, body, email, deps));
      return { to: email, at: new Date().toISOString() };
    });
  if (body.webhookUrl) await attempt("webhook", () => postWebhook(deps, body, event));
  if (failures.length === 1) throw failures[0];
  if (failures.length) throw new AggregateError(failures, `Notifying ${event.bodyId} failed`);
}

async function postWebhook(
  deps: SubmitterNotifications,
  body: IssuingBody,
  event: SubmissionEvent,
): Promise<Record<string, unknown>> {
  const webhookUrl = body.webhookUrl!;
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
  const response = await deps.fetch(webhookUrl, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      // The receiver drops a change it has seen: (submissionId, seq) is unique.
      "idempotency-key": `${event.submissionId}.${event.seq}`,
    },
    body: JSON.stringify(payload),
  });
  if (!response.ok) throw new Error(`Webhook of ${event.bodyId} answered ${response.status}`);
  return { url: webhookUrl, status: response.status };
}
