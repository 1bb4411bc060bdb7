import { createHash, randomFillSync } from "node:crypto";
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyValidationError,
  makeIdempotent,
} from "@aws-lambda-powertools/idempotency";
import { monotonicFactory } from "ulid";
import type { IntakeLimits } from "../config.js";
import { RecordStorePersistenceLayer } from "../idempotency/record-store-persistence.js";
import { stagingKey } from "../platform/blob-policy.js";
import { ConditionFailedError } from "../platform/errors.js";
import {
  commitWithStaged,
  completeFromOutbox,
  type OutboxNote,
  type StagedBlob,
} from "../platform/outbox.js";
import type { Platform, WriteCondition } from "../platform/ports.js";
import {
  DuplicateDocumentError,
  IdempotencyConflictError,
  PayloadTooLargeError,
  problem,
  UnsupportedMediaError,
} from "./errors.js";
import { type DocumentAcceptedEvent, EVENTS_QUEUE } from "./events.js";
import { writeDocumentRecord } from "./filter-index.js";
import type { GazetteDocument } from "./model.js";
import { DOCX_MIME, DocumentReading, type ListFilter, type ListResult } from "./reading.js";
import { docKeys, docNumberClaimRecord, toStoredDocument } from "./records.js";
import { type Submission, validateSubmission } from "./submission.js";

export { type DocumentAcceptedEvent, EVENTS_QUEUE, type ListFilter, type ListResult };

function acceptedEvent(document: GazetteDocument): DocumentAcceptedEvent {
  return {
    type: "document.accepted",
    documentId: document.id,
    title: document.title,
    docNumber: document.docNumber,
    issuers: document.issuers,
    receivedBy: document.receivedBy,
    at: document.receivedAt,
  };
}

export interface IntakeOptions {
  readonly platform: Platform;
  readonly limits: IntakeLimits;
  readonly sections: readonly string[];
  readonly idempotencyTtlSeconds: number;
  /** How long a 发文字号 claim without its document counts as "in progress" before it is reclaimed. */
  readonly staleClaimSeconds?: number;
  readonly onEventError?: (error: unknown, event: DocumentAcceptedEvent) => void;
  /**
   * The .docx reader (mammoth, htmlparser2, xmldom), loaded on the first upload:
   * `() => import("./docx.js")`. Only the processes that accept submissions pass it, so the
   * functions that only list and read documents do not bundle it; without it a .docx is 415.
   */
  readonly docxReader?: (() => Promise<DocxReader>) | undefined;
}

/** What intake uses of ./docx.js. */
export type DocxReader = Pick<typeof import("./docx.js"), "convertDocx" | "DocxError">;

export interface SubmitRequest {
  /** Parsed JSON body (or the metadata of a .docx upload). */
  readonly input: unknown;
  readonly submittedBy: string;
  readonly idempotencyKey?: string | undefined;
  readonly docx?: { readonly bytes: Uint8Array; readonly filename: string | null } | undefined;
}

export interface SubmitResult {
  readonly status: 201;
  readonly document: GazetteDocument;
}

/**
 * ulid's default PRNG asks the OS for one byte per character; drawing them from a pooled buffer of
 * the same cryptographic source keeps id generation off the profile.
 */
function bufferedRandom(): () => number {
  const pool = new Uint8Array(4096);
  let next = pool.length;
  return () => {
    if (next >= pool.length) {
      randomFillSync(pool);
      next = 0;
    }
    return pool[next++]! / 256;
  };
}

/** Today's date in China, where the gazette's dates live. */
function chinaToday(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

function sha256Hex(data: Uint8Array | string): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Stable JSON for hashing: object keys sorted. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * Intake of approved documents. Accepting one is a sequence of idempotent single-record steps
 * (no multi-item transactions on the AWS side):
 *   1. claim each issuer's 发文字号 with a conditional put (the uniqueness guard);
 *   2. note document.accepted in the outbox, stage the original upload and a long document's
 *      content under staging/ (platform/blob-policy.ts), where they can still be deleted;
 *   3. write the document record (the commit point), which names the blobs' final keys;
 *   4. promote the staged blobs to their write-once keys and announce document.accepted.
 * A failure before 3 releases the claims and deletes the staged blobs (a refused duplicate stores
 * nothing); a crash leaves claims without a document, which a later submission reclaims once they
 * are stale, and an outbox entry whose relay deletes the staged blobs (or, if the record was
 * committed, finishes step 4). Nothing under a write-once prefix is ever written for a request that
 * is then refused. Nothing is half-visible: readers only ever see
 * documents whose record exists.
 */
export class DocumentIntake extends DocumentReading {
  private readonly ulid = monotonicFactory(bufferedRandom());
  private readonly idempotentSubmit: (req: {
    key: string;
    payloadHash: string;
    request: SubmitRequest;
  }) => Promise<{ status: 201; documentId: string }>;
  private readonly idempotencyConfig: IdempotencyConfig;
  /** The document a first (not replayed) request just stored, so it need not be read back. */
  private readonly justAccepted = new WeakMap<SubmitRequest, GazetteDocument>();

  constructor(private readonly options: IntakeOptions) {
    super(options.platform);
    this.idempotencyConfig = new IdempotencyConfig({
      eventKeyJmesPath: "key",
      payloadValidationJmesPath: "payloadHash",
      expiresAfterSeconds: options.idempotencyTtlSeconds,
      throwOnNoIdempotencyKey: true,
    });
    this.idempotentSubmit = makeIdempotent(
      async (req: { key: string; payloadHash: string; request: SubmitRequest }) => {
        const doc = await this.accept(req.request);
        this.justAccepted.set(req.request, doc);
        return { status: 201 as const, documentId: doc.id };
      },
      {
        persistenceStore: new RecordStorePersistenceLayer(options.platform.records, options.platform.clock),
        config: this.idempotencyConfig,
      },
    );
  }

  async submit(request: SubmitRequest): Promise<SubmitResult> {
    if (!request.idempotencyKey) {
      return { status: 201, document: await this.accept(request) };
    }
    const payloadHash = sha256Hex(
      canonicalJson({ input: request.input, docx: request.docx ? sha256Hex(request.docx.bytes) : null }),
    );
    // Keys are scoped to the caller, so two editors cannot collide on the same key.
    const key = sha256Hex(`${request.submittedBy}\u0000${request.idempotencyKey}`);
    // Outside Lambda there is no invocation deadline; a 30 s in-progress lock lets a crashed
    // request's key be retried instead of blocking it until the record expires.
    this.idempotencyConfig.registerLambdaContext({ getRemainingTimeInMillis: () => 30_000 } as never);
    try {
      const { documentId } = await this.idempotentSubmit({ key, payloadHash, request });
      return { status: 201, document: this.justAccepted.get(request) ?? (await this.get(documentId)) };
    } catch (error) {
      if (error instanceof IdempotencyValidationError) {
        throw new IdempotencyConflictError("Idempotency-Key was already used with a different request", [
          problem(
            "Idempotency-Key",
            "idempotency_key_reused",
            "This Idempotency-Key was used for a different document; use a new key for a new submission",
          ),
        ]);
      }
      if (error instanceof IdempotencyAlreadyInProgressError) {
        throw new IdempotencyConflictError("A request with this Idempotency-Key is still being processed", [
          problem(
            "Idempotency-Key",
            "idempotency_in_progress",
            "The first request with this key is still running; retry shortly",
          ),
        ]);
      }
      // makeIdempotent wraps errors of the function it guards; surface the domain error.
      if (error instanceof Error && error.cause instanceof Error && error.name.startsWith("Idempotency")) {
        throw error.cause;
      }
      throw error;
    }
  }

  private async accept(request: SubmitRequest): Promise<GazetteDocument> {
    const { platform, limits, sections } = this.options;
    const now = platform.clock.now();
    let convertedBody:
      | { blocks: GazetteDocument["blocks"]; attachments: GazetteDocument["attachments"] }
      | undefined;
    let source: GazetteDocument["source"] = { format: "json", blobKey: null, sha256: null, filename: null };
    if (request.docx) {
      const { bytes, filename } = request.docx;
      if (bytes.byteLength > limits.maxDocxBytes) {
        throw new PayloadTooLargeError("The .docx file is too large", [
          problem("file", "too_large", `The .docx file must be at most ${limits.maxDocxBytes} bytes`),
        ]);
      }
      const hints = hintsFrom(request.input);
      if (!this.options.docxReader) {
        throw new UnsupportedMediaError("no .docx reader", [
          problem("file", "unsupported", "This service reads no .docx files: send the document as JSON"),
        ]);
      }
      const { convertDocx, DocxError } = await this.options.docxReader();
      try {
        const converted = await convertDocx(
          bytes,
          {
            maxBytes: limits.maxDocxBytes,
            maxUncompressedBytes: limits.maxDocxUncompressedBytes,
            maxEntries: limits.maxDocxEntries,
          },
          hints,
        );
        convertedBody = { blocks: converted.blocks, attachments: converted.attachments };
      } catch (error) {
        if (error instanceof DocxError) {
          throw new UnsupportedMediaError(error.message, [problem("file", error.code, error.message)], {
            cause: error,
          });
        }
        throw error;
      }
      const sha256 = sha256Hex(bytes);
      source = { format: "docx", blobKey: `originals/${sha256}.docx`, sha256, filename };
    }
    // A JSON submission is kept as received too (re-serialised from the parsed body), so an editor
    // can open what was sent next to what was made of it.
    const originalJson =
      request.docx || request.input === undefined
        ? undefined
        : new TextEncoder().encode(`${JSON.stringify(request.input, null, 2)}\n`);
    if (originalJson) {
      const sha256 = sha256Hex(originalJson);
      source = { format: "json", blobKey: `originals/${sha256}.json`, sha256, filename: null };
    }

    const submission = validateSubmission(request.input, {
      limits,
      sections,
      today: chinaToday(now),
      convertedBody,
    });
    if (convertedBody && convertedBody.blocks.length === 0) {
      throw new UnsupportedMediaError("The .docx file has no text", [
        problem("file", "docx_empty", "The .docx file contains no paragraphs of text"),
      ]);
    }

    const document: GazetteDocument = {
      id: this.ulid(now.getTime()),
      state: "accepted",
      receivedAt: now.toISOString(),
      receivedBy: request.submittedBy,
      ...submission,
      source,
    };
    const stored = toStoredDocument(document);
    // Claims first: a refused duplicate stores nothing. Blobs are staged (blob-policy.ts) where they
    // can still be taken back, then the record (naming their final keys) is committed, then they
    // are promoted to the write-once prefixes. A failure before the commit releases the claims and
    // deletes the staged blobs, so nothing is left half-stored; a crash leaves the outbox entry,
    // whose relay deletes them (or, committed, promotes them).
    const claims = await this.claimDocNumbers(document, submission);
    const staged: StagedBlob[] = [];
    if (source.blobKey) {
      staged.push({
        staged: stagingKey(document.id, source.blobKey),
        final: source.blobKey,
        contentType: request.docx ? DOCX_MIME : "application/json",
      });
    }
    if (stored.content) {
      staged.push({
        staged: stagingKey(document.id, stored.content.key),
        final: stored.content.key,
        contentType: "application/json",
      });
    }
    const event = acceptedEvent(document);
    let outbox: OutboxNote[];
    try {
      // The audit event is noted before the commit, so it cannot be lost after it (outbox.ts).
      outbox = await commitWithStaged(
        platform,
        { queue: EVENTS_QUEUE, body: JSON.stringify(event), requires: docKeys(document.id) },
        staged.map((item) => ({
          ...item,
          bytes:
            item.final === source.blobKey ? (request.docx?.bytes ?? originalJson!) : stored.content!.bytes,
        })),
        // The record with its index keys and its filter entries (filter-index.ts).
        () => writeDocumentRecord(platform.records, { data: stored.record }, { kind: "absent" }),
        now,
      );
    } catch (error) {
      await this.releaseClaims(claims, document.id);
      throw error;
    }
    await this.announce(outbox, event);
    platform.metrics?.count("DocumentsAccepted");
    return document;
  }

  /** One conditional put per issuer: joint documents are unique per issuer. */
  private async claimDocNumbers(document: GazetteDocument, submission: Submission) {
    const claimed: { pk: string; sk: string }[] = [];
    if (!submission.docNumberNormalized) return claimed;
    const { records, clock } = this.options.platform;
    const staleMs = (this.options.staleClaimSeconds ?? 300) * 1000;
    for (const issuer of submission.issuers) {
      const claim = docNumberClaimRecord(issuer, {
        id: document.id,
        receivedAt: document.receivedAt,
        docNumber: submission.docNumberNormalized,
      });
      const key = { pk: claim.pk, sk: claim.sk };
      const tryClaim = async (condition: WriteCondition): Promise<boolean> => {
        try {
          await records.put(claim, condition);
          claimed.push(key);
          return true;
        } catch (error) {
          if (error instanceof ConditionFailedError) return false;
          await this.releaseClaims(claimed, document.id);
          throw error;
        }
      };
      if (await tryClaim({ kind: "absent" })) continue;
      const existing = await records.get<{ documentId: string; claimedAt: string }>(key);
      const owner = existing ? await records.get(docKeys(existing.data.documentId)) : undefined;
      // A claim whose document never got written (a crash between the steps) is reclaimed once stale.
      const stale =
        existing && !owner && clock.now().getTime() - Date.parse(existing.data.claimedAt) > staleMs;
      if (existing && stale && (await tryClaim({ kind: "version", version: existing.version }))) continue;
      await this.releaseClaims(claimed, document.id);
      throw new DuplicateDocumentError(
        `${issuer} has already submitted ${submission.docNumber}`,
        [
          problem(
            "docNumber",
            "duplicate_doc_number",
            `发文字号 ${submission.docNumber} from ${issuer} was already accepted${existing ? ` as document ${existing.data.documentId}` : ""}`,
          ),
        ],
        existing?.data.documentId,
      );
    }
    return claimed;
  }

  private async releaseClaims(claims: readonly { pk: string; sk: string }[], documentId: string) {
    const { records } = this.options.platform;
    for (const key of claims) {
      const current = await records.get<{ documentId: string }>(key).catch(() => undefined);
      if (current?.data.documentId !== documentId) continue;
      await records.delete(key, { kind: "version", version: current.version }).catch(() => {
        // Left behind, the claim goes stale and is reclaimed by the next submission.
      });
    }
  }

  /**
   * Promotes the staged blobs, sends document.accepted and clears the outbox entry; on failure the
   * relay finishes it later (readers use the staged copy meanwhile, records.ts readDocument).
   */
  private async announce(outbox: readonly OutboxNote[], event: DocumentAcceptedEvent) {
    try {
      await completeFromOutbox(this.options.platform, outbox);
    } catch (error) {
      // The document is committed and the event is in the outbox: the relay (tick) sends it.
      this.options.onEventError?.(error, event);
    }
  }
}

function hintsFrom(input: unknown) {
  const o = (input && typeof input === "object" ? input : {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === "string" ? v : undefined);
  return {
    title: str(o.title),
    docNumber: str(o.docNumber),
    issuers: Array.isArray(o.issuers)
      ? o.issuers.filter((x): x is string => typeof x === "string")
      : undefined,
    addressees: str(o.addressees),
    signer: str(o.signer),
    dateWritten: str(o.dateWritten),
  };
}
