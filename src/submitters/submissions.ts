import { createHash, randomUUID } from "node:crypto";
import { monotonicFactory } from "ulid";
import type { IntakeLimits } from "../config.js";
import { EVENTS_QUEUE } from "../documents/events.js";
import type { DocumentIntake, DocxReader } from "../documents/intake.js";
import type { GazetteDocument } from "../documents/model.js";
import { readDocument } from "../documents/records.js";
import type { validateSubmission } from "../documents/submission.js";
import type { Edition } from "../editions/model.js";
import { attemptBlobKey, getEdition, type PlacementClaim, placementKey } from "../editions/records.js";
import { ConditionFailedError } from "../platform/errors.js";
import { addToOutbox, completeFromOutbox } from "../platform/outbox.js";
import type { Platform, StoredRecord } from "../platform/ports.js";
import { type EditionIndex, editionIndexKey } from "../publishing/edition-index.js";
import type { IssuingBodies } from "./bodies.js";
import { assertOwnBody } from "./bodies.js";
import {
  OtherBodyError,
  problem,
  SubmissionStateError,
  SubmitterConflictError,
  SubmitterInputError,
  SubmitterNotFoundError,
} from "./errors.js";
import {
  type IssuingBody,
  SUBMISSION_CHANGED,
  type SubmissionChangedEvent,
  type SubmissionEdition,
  type SubmissionEvent,
  type SubmissionState,
  type SubmissionView,
  type SubmittedDocx,
} from "./model.js";

/**
 * Submissions of issuing bodies to the gazette office (报送), and what becomes of them.
 *
 * A submission is the list of its events (received, returned, accepted, placed, published), each
 * written once under the submission with its sequence number as the key: a second writer of the
 * same change loses the conditional put, so two editors cannot both accept or return one. The event
 * record is the commit point: its announcement (`submission.changed` on the events queue, whose
 * consumer sends the body's webhook) is noted in the outbox first and sent after it, and a summary
 * record for listings is written after it too; a reader that finds the summary behind the events
 * folds them again. Nothing is half-stored: a change either has its event or did not happen.
 */
export { SUBMISSION_CHANGED, type SubmissionChangedEvent } from "./model.js";

/** The largest submission (JSON) a body may send: it is kept in one record (DynamoDB: 400 KB). */
export const MAX_SUBMISSION_BYTES = 300 * 1024;

const submissionPk = (id: string) => `SUBMISSION#${id}`;
const summaryKey = (id: string) => ({ pk: submissionPk(id), sk: "SUMMARY" });
export const eventKey = (id: string, seq: number) => ({
  pk: submissionPk(id),
  sk: `EVENT#${String(seq).padStart(6, "0")}`,
});
const bodySubmissionsIndex = (bodyId: string) => `BODY#${bodyId}#SUBMISSIONS`;
const bodyInboxIndex = (bodyId: string) => `BODY#${bodyId}#INBOX`;
const documentLinkKey = (documentId: string) => ({ pk: `DOCSUBMISSION#${documentId}`, sk: "LINK" });
const SUBMISSION_ID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

interface Summary {
  readonly view: Omit<SubmissionView, "history">;
  /** The content of the last `received` event (what an editor accepts). */
  readonly input: unknown;
  /** Its .docx, when it came as one. */
  readonly docx?: SubmittedDocx | undefined;
}

/** A .docx as sent with a submission. */
export interface DocxUpload {
  readonly bytes: Uint8Array;
  readonly filename: string | null;
}

export interface SubmissionDeskOptions {
  readonly platform: Pick<Platform, "records" | "blobs" | "queues" | "clock">;
  readonly bodies: IssuingBodies;
  /** Intake of the gazette office; an accepted submission becomes one of its documents. */
  readonly intake?: Pick<DocumentIntake, "submit"> | undefined;
  /**
   * Intake's checks of a submission (documents/submission.ts), passed by the processes that take
   * submissions, so that the events consumer, which only moves them on, does not bundle them.
   */
  readonly validate?: typeof validateSubmission | undefined;
  /**
   * The .docx reader (documents/docx.ts), for submissions sent as a .docx (the console's form);
   * left out, a .docx is refused (415) and submissions come as JSON only.
   */
  readonly docxReader?: (() => Promise<DocxReader>) | undefined;
  readonly limits: IntakeLimits;
  readonly sections: readonly string[];
  /** The gazette's name, for citations: 四川省人民政府公报. */
  readonly gazetteName: string;
  /** Public address of the site, for absolute URLs in what is sent; "" keeps them root-relative. */
  readonly baseUrl?: string | undefined;
}

function chinaToday(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

function editionOf(edition: Pick<Edition, "id" | "year" | "issue" | "cumulative">): SubmissionEdition {
  return {
    id: edition.id,
    year: edition.year,
    issue: edition.issue,
    cumulative: edition.cumulative,
    label: `${edition.year}年第${edition.issue}期（总第${edition.cumulative}期）`,
  };
}

export class SubmissionDesk {
  private readonly ulid = monotonicFactory();

  constructor(private readonly options: SubmissionDeskOptions) {}

  private get records() {
    return this.options.platform.records;
  }

  private now() {
    return this.options.platform.clock.now();
  }

  /**
   * Checks a submission as intake would (the same 400/422 problems, so a body learns at once what
   * the office would refuse), and that the body is among its issuers (403 otherwise).
   */
  private check(
    body: IssuingBody,
    input: unknown,
    convertedBody?: Parameters<typeof validateSubmission>[1]["convertedBody"],
  ): { title: string; docNumber: string | null } {
    const size = Buffer.byteLength(JSON.stringify(input ?? null));
    if (size > MAX_SUBMISSION_BYTES)
      throw new SubmitterInputError("submission too large", [
        problem(null, "too_large", `A submission must be at most ${MAX_SUBMISSION_BYTES} bytes of JSON`),
      ]);
    const validate = this.options.validate;
    if (!validate) throw new Error("SubmissionDesk: taking submissions needs intake's checks (validate)");
    const submission = validate(input, {
      limits: this.options.limits,
      sections: this.options.sections,
      today: chinaToday(this.now()),
      convertedBody,
    });
    if (!submission.issuers.includes(body.name))
      throw new OtherBodyError([
        problem(
          "issuers",
          "other_body",
          `${body.name} submits its own documents only: it is not among the issuers (${submission.issuers.join("、")})`,
        ),
      ]);
    return { title: submission.title, docNumber: submission.docNumber };
  }

  /** A body's submitter sends a document: state `received`. */
  async submit(bodyId: string, input: unknown, by: string, docx?: DocxUpload): Promise<SubmissionView> {
    const body = await this.options.bodies.mustGet(bodyId);
    const converted = docx ? await this.convert(input, docx) : undefined;
    const { title, docNumber } = this.check(body, input, converted);
    const stored = docx ? await this.keepDocx(docx) : undefined;
    const id = this.ulid(this.now().getTime());
    await this.append(
      undefined,
      {
        submissionId: id,
        bodyId,
        seq: 1,
        at: this.now().toISOString(),
        state: "received",
        by,
        input,
        ...(stored ? { docx: stored } : {}),
        title,
        docNumber,
      },
      body,
    );
    return this.mustGet(id);
  }

  /**
   * A .docx's text as intake will read it (the same reader, limits and hints), so that what the
   * office would refuse is refused now: 413 too large, 415 not a readable .docx or without text.
   */
  private async convert(input: unknown, docx: DocxUpload) {
    const { limits, docxReader } = this.options;
    if (docx.bytes.byteLength > limits.maxDocxBytes)
      throw new SubmitterInputError("docx too large", [
        problem("file", "too_large", `The .docx file must be at most ${limits.maxDocxBytes} bytes`),
      ]);
    if (!docxReader)
      throw new SubmitterInputError("no .docx reader", [
        problem("file", "unsupported", "This service reads no .docx files: send the document as JSON"),
      ]);
    const { convertDocx, DocxError } = await docxReader();
    const o = (input && typeof input === "object" ? input : {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === "string" ? v : undefined);
    try {
      const converted = await convertDocx(
        docx.bytes,
        {
          maxBytes: limits.maxDocxBytes,
          maxUncompressedBytes: limits.maxDocxUncompressedBytes,
          maxEntries: limits.maxDocxEntries,
        },
        {
          title: str(o.title),
          docNumber: str(o.docNumber),
          issuers: Array.isArray(o.issuers)
            ? o.issuers.filter((x): x is string => typeof x === "string")
            : undefined,
          addressees: str(o.addressees),
          signer: str(o.signer),
          dateWritten: str(o.dateWritten),
        },
      );
      if (converted.blocks.length === 0)
        throw new SubmitterInputError("docx without text", [
          problem("file", "docx_empty", "The .docx file contains no paragraphs of text"),
        ]);
      return { blocks: converted.blocks, attachments: converted.attachments };
    } catch (error) {
      if (error instanceof DocxError)
        throw new SubmitterInputError(error.message, [problem("file", error.code, error.message)]);
      throw error;
    }
  }

  /** Keeps a sent .docx content-addressed (write-once: the same bytes are one blob). */
  private async keepDocx(docx: DocxUpload): Promise<SubmittedDocx> {
    const sha256 = createHash("sha256").update(docx.bytes).digest("hex");
    const blobKey = `originals/${sha256}.docx`;
    const blobs = this.options.platform.blobs;
    if (!(await blobs.head(blobKey))) {
      try {
        await blobs.put(blobKey, docx.bytes, {
          contentType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
          ifAbsent: true,
        });
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error; // the same bytes, written meanwhile
      }
    }
    return { blobKey, sha256, filename: docx.filename?.slice(0, 200) ?? null };
  }

  /** Sends a returned submission again, corrected: state `received` again. */
  async resubmit(
    bodyId: string,
    id: string,
    input: unknown,
    by: string,
    docx?: DocxUpload,
  ): Promise<SubmissionView> {
    const body = await this.options.bodies.mustGet(bodyId);
    const current = await this.load(id);
    assertOwnBody(bodyId, current.view.bodyId);
    if (current.view.state !== "returned")
      throw new SubmissionStateError("not returned", [
        problem(
          "state",
          "not_returned",
          `Only a returned submission can be sent again; this one is ${current.view.state}`,
        ),
      ]);
    // Sent again without a new .docx nor a typed body: the .docx sent last time is the body still.
    const o = (input && typeof input === "object" ? input : {}) as Record<string, unknown>;
    const previous =
      !docx && current.docx && o.body === undefined && o.blocks === undefined
        ? await this.options.platform.blobs.get(current.docx.blobKey)
        : undefined;
    const file = docx ?? (previous && { bytes: previous.bytes, filename: current.docx?.filename ?? null });
    const converted = file ? await this.convert(input, file) : undefined;
    const { title, docNumber } = this.check(body, input, converted);
    const stored = file ? await this.keepDocx(file) : undefined;
    await this.append(
      current,
      {
        ...this.next(current),
        state: "received",
        by,
        input,
        ...(stored ? { docx: stored } : {}),
        title,
        docNumber,
      },
      body,
    );
    return this.mustGet(id);
  }

  /** 退文: an editor returns a received submission with the reason. */
  async returnSubmission(id: string, reason: unknown, by: string): Promise<SubmissionView> {
    const text = typeof reason === "string" ? reason.trim() : "";
    if (!text || text.length > 1000)
      throw new SubmitterInputError("reason required", [
        problem("reason", text ? "too_long" : "required", "退文 needs its reason (1–1000 characters)"),
      ]);
    const current = await this.load(id);
    this.expectState(current, "received");
    await this.append(current, {
      ...this.next(current),
      state: "returned",
      by,
      reason: text,
      title: current.view.title,
      docNumber: current.view.docNumber,
    });
    return this.mustGet(id);
  }

  /**
   * 受理: an editor accepts a received submission; it goes through intake as the body sent it
   * (intake may still refuse it, e.g. a duplicate 发文字号: then nothing changes here). Retrying
   * after a failure is safe: intake's idempotency key is the submission's revision.
   */
  async accept(id: string, by: string): Promise<SubmissionView> {
    const intake = this.options.intake;
    if (!intake) throw new Error("SubmissionDesk: accepting needs intake");
    const current = await this.load(id);
    this.expectState(current, "received");
    const docx = current.docx && (await this.options.platform.blobs.get(current.docx.blobKey));
    if (current.docx && !docx)
      throw new Error(`The .docx ${current.docx.blobKey} of submission ${id} is missing`);
    const result = await intake.submit({
      input: current.input,
      ...(docx ? { docx: { bytes: docx.bytes, filename: current.docx?.filename ?? null } } : {}),
      submittedBy: current.view.submittedBy,
      idempotencyKey: `submission:${id}:${current.view.seq}`,
    });
    const documentId = result.document.id;
    await this.records.put({ ...documentLinkKey(documentId), data: { submissionId: id } });
    await this.append(current, {
      ...this.next(current),
      state: "accepted",
      by,
      documentId,
      title: current.view.title,
      docNumber: current.view.docNumber,
    });
    return this.mustGet(id);
  }

  /**
   * Brings an accepted submission up to date with its document: placed in an edition (or taken
   * out again), published with the citation and URLs. Each change is one event, as any other.
   */
  async refresh(id: string): Promise<SubmissionView> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const current = await this.load(id);
      const documentId = current.view.documentId;
      if (!documentId || current.view.state === "published") break;
      const change = await this.documentProgress(documentId);
      if (!change) break;
      const same =
        change.state === current.view.state &&
        (change.edition?.id ?? null) === (current.view.edition?.id ?? null);
      if (same) break;
      try {
        await this.append(current, {
          ...this.next(current),
          by: "system",
          documentId,
          title: current.view.title,
          docNumber: current.view.docNumber,
          ...change,
        });
        break;
      } catch (error) {
        if (!(error instanceof SubmitterConflictError)) throw error; // someone else moved it: look again
      }
    }
    return this.mustGet(id);
  }

  /** The submission of a document of intake, when a body sent it. */
  async submissionOfDocument(documentId: string): Promise<SubmissionView | undefined> {
    const link = await this.records.get<{ submissionId: string }>(documentLinkKey(documentId));
    return link ? this.get(link.data.submissionId) : undefined;
  }

  /** After an edition is published: every document in it that a body sent moves on. */
  async refreshDocuments(documentIds: readonly string[]): Promise<void> {
    for (const documentId of documentIds) {
      const link = await this.records.get<{ submissionId: string }>(documentLinkKey(documentId));
      if (link) await this.refresh(link.data.submissionId);
    }
  }

  private async documentProgress(
    documentId: string,
  ): Promise<Pick<SubmissionEvent, "state" | "edition" | "citation" | "urls"> | undefined> {
    const { platform } = this.options;
    const doc: GazetteDocument | undefined = (await readDocument(platform, documentId))?.document;
    if (!doc) return undefined;
    if (doc.state === "accepted") return { state: "accepted" };
    const claim = await this.records.get<PlacementClaim>(placementKey(documentId));
    const cumulative = claim ? Number(claim.data.editionId) : Number.NaN;
    const edition = Number.isInteger(cumulative)
      ? (await getEdition(this.records, cumulative))?.data
      : undefined;
    if (!edition) return undefined;
    if (doc.state === "placed" || edition.status !== "published")
      return { state: "placed", edition: editionOf(edition) };
    const base = (this.options.baseUrl ?? "").replace(/\/+$/, "");
    const absolute = (url: string | null | undefined) =>
      url ? (/^https?:/.test(url) ? url : `${base}${url}`) : null;
    const documentUrls = edition.documentUrls?.[documentId];
    const pages = await this.pagesOf(edition, documentId);
    const label = editionOf(edition).label;
    return {
      state: "published",
      edition: editionOf(edition),
      citation: `《${this.options.gazetteName}》${label}${pages}`,
      urls: {
        document: documentUrls ? { pdf: absolute(documentUrls.pdf), web: absolute(documentUrls.web) } : null,
        edition: edition.urls
          ? {
              pdf: absolute(edition.urls.pdf),
              web: absolute(edition.urls.web),
              manifest: absolute(edition.urls.manifest) ?? "",
            }
          : null,
      },
    };
  }

  /** 第5页 or 第5—7页 from the published edition's index; "" when it cannot be read. */
  private async pagesOf(edition: Edition, documentId: string): Promise<string> {
    const blob = await this.options.platform.blobs
      .get(attemptBlobKey(editionIndexKey(edition), edition.attempt))
      .catch(() => undefined);
    if (!blob) return "";
    const index = JSON.parse(new TextDecoder().decode(blob.bytes)) as EditionIndex;
    const placement = index.placements.find((p) => p.id === documentId);
    if (!placement) return "";
    return placement.lastPage > placement.firstPage
      ? `第${placement.firstPage}—${placement.lastPage}页`
      : `第${placement.firstPage}页`;
  }

  /** A submission, for its own body's submitter (403 for another body's). */
  async getForBody(bodyId: string, id: string): Promise<SubmissionView> {
    const view = await this.mustGet(id);
    assertOwnBody(bodyId, view.bodyId);
    return view.documentId && view.state !== "published" ? this.refresh(id) : view;
  }

  async mustGet(id: string): Promise<SubmissionView> {
    const view = await this.get(id);
    if (!view) throw notFound(id);
    return view;
  }

  async get(id: string): Promise<SubmissionView | undefined> {
    if (!SUBMISSION_ID.test(id)) return undefined;
    const events = await this.events(id);
    if (!events.length) return undefined;
    const body = await this.options.bodies.get(events[0]!.bodyId);
    const summary = fold(events, body?.name ?? events[0]!.bodyId);
    return {
      ...summary.view,
      docxFilename: summary.docx ? summary.docx.filename : undefined,
      history: events.map(({ input: _content, writeId: _w, docx: _d, ...event }) => event),
    };
  }

  /** The content of the last `received` event: what was sent (the form shows it for a resubmission). */
  async contentOf(id: string): Promise<unknown> {
    return (await this.load(id)).input;
  }

  /** The .docx sent last with it (its name and key), if it came as one. */
  async docxOf(id: string): Promise<SubmittedDocx | undefined> {
    return (await this.load(id)).docx;
  }

  /** A body's submissions, newest first. */
  async listForBody(
    bodyId: string,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<{ items: Omit<SubmissionView, "history">[]; cursor?: string | undefined }> {
    const result = await this.records.query<Summary>(bodySubmissionsIndex(bodyId), {
      index: "gsi1",
      descending: true,
      limit: page.limit,
      cursor: page.cursor,
    });
    const items = await Promise.all(result.items.map((r) => this.current(r)));
    return { items, cursor: result.cursor };
  }

  /** Every body's submissions (editors), newest first within each body; optionally one state only. */
  async listAll(state?: SubmissionState): Promise<Omit<SubmissionView, "history">[]> {
    const out: Omit<SubmissionView, "history">[] = [];
    for (const body of await this.options.bodies.list()) {
      let cursor: string | undefined;
      do {
        const page = await this.listForBody(body.id, { limit: 100, cursor });
        out.push(...page.items.filter((s) => !state || s.state === state));
        cursor = page.cursor;
      } while (cursor);
    }
    return out.sort((a, b) => (a.updatedAt < b.updatedAt ? 1 : a.updatedAt > b.updatedAt ? -1 : 0));
  }

  /** A body's inbox: every change of its submissions, newest first. */
  async inbox(
    bodyId: string,
    page: { limit: number; cursor?: string | undefined },
  ): Promise<{ items: Omit<SubmissionEvent, "input" | "writeId" | "docx">[]; cursor?: string | undefined }> {
    const result = await this.records.query<SubmissionEvent>(bodyInboxIndex(bodyId), {
      index: "gsi1",
      descending: true,
      limit: page.limit,
      cursor: page.cursor,
    });
    return {
      items: result.items.map(({ data: { input: _content, writeId: _w, docx: _d, ...event } }) => event),
      cursor: result.cursor,
    };
  }

  /** The event of a change (the events consumer reads what it announces). */
  async event(id: string, seq: number): Promise<SubmissionEvent | undefined> {
    return (await this.records.get<SubmissionEvent>(eventKey(id, seq)))?.data;
  }

  // -------------------------------------------------------------------------------------------

  private next(current: Summary) {
    return {
      submissionId: current.view.id,
      bodyId: current.view.bodyId,
      seq: current.view.seq + 1,
      at: this.now().toISOString(),
    };
  }

  private expectState(current: Summary, state: SubmissionState) {
    if (current.view.state !== state)
      throw new SubmissionStateError(`not ${state}`, [
        problem(
          "state",
          "wrong_state",
          `The submission is ${current.view.state}, not ${state}: it changed meanwhile`,
        ),
      ]);
  }

  private async events(id: string): Promise<SubmissionEvent[]> {
    const out: SubmissionEvent[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.records.query<SubmissionEvent>(submissionPk(id), { prefix: "EVENT#", cursor });
      out.push(...page.items.map((r) => r.data));
      cursor = page.cursor;
    } while (cursor);
    return out;
  }

  private async load(id: string): Promise<Summary> {
    const events = SUBMISSION_ID.test(id) ? await this.events(id) : [];
    if (!events.length) throw notFound(id);
    const body = await this.options.bodies.get(events[0]!.bodyId);
    return fold(events, body?.name ?? events[0]!.bodyId);
  }

  /** A listed summary, folded again when events were written after it (a crash between the two). */
  private async current(record: StoredRecord<Summary>): Promise<Omit<SubmissionView, "history">> {
    const summary = record.data;
    const newer = await this.records.get(eventKey(summary.view.id, summary.view.seq + 1));
    if (!newer) return summary.view;
    const repaired = await this.load(summary.view.id);
    await this.writeSummary(repaired).catch(() => undefined);
    return repaired.view;
  }

  /**
   * Writes one change: its announcement into the outbox, the event (the commit point: a concurrent
   * change with the same seq makes this one fail with 409, and leaves nothing), the summary, then
   * the announcement is sent (or the outbox relay sends it later).
   */
  private async append(
    current: Summary | undefined,
    event: SubmissionEvent,
    body?: IssuingBody,
  ): Promise<void> {
    const { platform } = this.options;
    const key = eventKey(event.submissionId, event.seq);
    const announcement: SubmissionChangedEvent = {
      type: SUBMISSION_CHANGED,
      submissionId: event.submissionId,
      bodyId: event.bodyId,
      seq: event.seq,
    };
    // The outbox entry first; then the event, which only one writer of this seq gets to write.
    // (outbox.ts commitWithStaged is for keys no one else writes: it takes a record that stands
    // for its own.) A write refused by its own earlier attempt is recognised by its writeId.
    const written: SubmissionEvent = { ...event, writeId: randomUUID() };
    const entry = { queue: EVENTS_QUEUE, body: JSON.stringify(announcement) };
    const outboxKey = await addToOutbox(this.records, { ...entry, requires: key }, this.now());
    try {
      await this.records.put(
        {
          ...key,
          data: written,
          index: {
            gsi1pk: bodyInboxIndex(event.bodyId),
            gsi1sk: `${event.at}#${event.submissionId}#${key.sk}`,
          },
        },
        { kind: "absent" },
      );
    } catch (error) {
      const stored = await this.records.get<SubmissionEvent>(key).catch(() => undefined);
      if (stored?.data.writeId !== written.writeId) {
        // Not ours (or not known): the entry goes; were it left, the relay would announce the
        // other writer's change, which its consumer reads from the event itself (no harm).
        await this.records.delete(outboxKey).catch(() => undefined);
        if (error instanceof ConditionFailedError)
          throw new SubmitterConflictError("changed meanwhile", [
            problem(
              null,
              "changed_meanwhile",
              "The submission was changed by someone else meanwhile; reload it",
            ),
          ]);
        throw error;
      }
    }
    const notes = [{ key: outboxKey, entry }];
    const bodyName = body?.name ?? current?.view.bodyName ?? event.bodyId;
    const events = current ? undefined : [event];
    const summary = events ? fold(events, bodyName) : applyEvent(current!, event);
    await this.writeSummary(summary);
    try {
      await completeFromOutbox(platform, notes);
    } catch {
      // The event is committed and its announcement noted: the outbox relay (tick) sends it.
    }
  }

  private async writeSummary(summary: Summary) {
    const key = summaryKey(summary.view.id);
    const existing = await this.records.get<Summary>(key);
    if (existing && existing.data.view.seq >= summary.view.seq) return;
    try {
      await this.records.put(
        {
          ...key,
          data: summary,
          index: {
            gsi1pk: bodySubmissionsIndex(summary.view.bodyId),
            gsi1sk: `${summary.view.submittedAt}#${summary.view.id}`,
          },
        },
        existing ? { kind: "version", version: existing.version } : { kind: "absent" },
      );
    } catch (error) {
      // A concurrent writer got there first; readers fold the events again if it was behind.
      if (!(error instanceof ConditionFailedError)) throw error;
    }
  }
}

function fold(events: readonly SubmissionEvent[], bodyName: string): Summary {
  const first = events[0]!;
  let summary: Summary = {
    view: {
      id: first.submissionId,
      bodyId: first.bodyId,
      bodyName,
      submittedBy: first.by,
      submittedAt: first.at,
      title: first.title,
      docNumber: first.docNumber,
      state: first.state,
      updatedAt: first.at,
      seq: first.seq,
      returnReason: null,
      documentId: null,
      edition: null,
      citation: null,
      urls: null,
    },
    input: first.input,
    docx: first.docx,
  };
  for (const event of events.slice(1)) summary = applyEvent(summary, event);
  return summary;
}

function applyEvent(summary: Summary, event: SubmissionEvent): Summary {
  const view = summary.view;
  return {
    view: {
      ...view,
      title: event.title,
      docNumber: event.docNumber,
      state: event.state,
      updatedAt: event.at,
      seq: event.seq,
      returnReason:
        event.state === "returned"
          ? (event.reason ?? null)
          : event.state === "received"
            ? null
            : view.returnReason,
      documentId: event.documentId ?? (event.state === "received" ? null : view.documentId),
      edition: event.edition ?? null,
      citation: event.citation ?? null,
      urls: event.urls ?? null,
    },
    input: event.state === "received" ? event.input : summary.input,
    docx: event.state === "received" ? event.docx : summary.docx,
  };
}

function notFound(id: string) {
  return new SubmitterNotFoundError(`No submission ${id}`, [
    problem("id", "not_found", `No submission ${id}`),
  ]);
}
