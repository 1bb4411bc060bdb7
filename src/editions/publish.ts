import { createHash } from "node:crypto";
import { EVENTS_QUEUE } from "../documents/events.js";
import type { GazetteDocument } from "../documents/model.js";
import { readDocument } from "../documents/records.js";
import { ConditionFailedError, StorageError } from "../platform/errors.js";
import type { BlobMetadata, BlobStore, Platform, RecordStore, StoredRecord } from "../platform/ports.js";
import type { PdfSignatureReservation } from "../signing/placeholder.js";
import { logPublication } from "../transparency/publication-log.js";
import { setDocumentState } from "./document-state.js";
import { EditionConflictError, EditionNotFoundError, PlacementRefusedError, problem } from "./errors.js";
import type { DocumentUrls, Edition, EditionSettings, EditionUrls } from "./model.js";
import {
  attemptBlobKey,
  cumulativeFromId,
  editionPage,
  editionRecord,
  getEdition,
  manifestKey,
} from "./records.js";
import { buildRenderInput } from "./render-input.js";
import type {
  DocumentPlacement,
  EditionInfo,
  EditionRenderInput,
  PreflightFindingView,
} from "./render-model.js";

/** One file a renderer produced. */
export interface RenderedArtifact {
  /** Blob key, e.g. "editions/2024/12.pdf"; also its root-relative URL unless `publicUrl` says otherwise. */
  readonly key: string;
  readonly bytes: Uint8Array;
  readonly contentType: string;
  /** Listed in the manifest with its hash: PDFs and canonical texts. */
  readonly authentic: boolean;
  /**
   * What it is, so the edition can link to it. Without a role, the first application/pdf and the
   * first text/html artifact without a documentId are taken as the edition's PDF and page.
   */
  readonly role?: "edition-pdf" | "edition-web" | "document-pdf" | "document-web" | undefined;
  /** For a per-document artifact: the render entry id (document id, or `${docId}~${interpId}`). */
  readonly documentId?: string | undefined;
}

export interface RenderResult {
  readonly artifacts: readonly RenderedArtifact[];
  /** For previews: pages of the edition PDF and where each entry landed. */
  readonly pageCount?: number | undefined;
  readonly placements?: readonly DocumentPlacement[] | undefined;
  /** The preflight's findings on the rendered edition, with their pages. */
  readonly findings?: readonly PreflightFindingView[] | undefined;
}

/** What a publication asks of the renderer beyond the edition. */
export interface RenderOptions {
  /**
   * Reserve a signature of this description in every PDF (src/signing/placeholder.ts), for the
   * sealer to fill in without parsing the PDF again. A renderer may ignore it; the sealer then
   * adds the reservation itself (slower).
   */
  readonly signature?: PdfSignatureReservation | undefined;
}

/**
 * The renderer(s): deterministic — the same input (and options) must give the same bytes
 * (artifacts are write-once).
 */
export type RenderEdition = (input: EditionRenderInput, options?: RenderOptions) => Promise<RenderResult>;

export interface ManifestEntry {
  readonly url: string;
  readonly sha256: string;
  readonly bytes: number;
}

/** The edition's authentic files and their hashes, written once, before the edition becomes visible. */
export interface EditionManifest {
  readonly edition: EditionInfo;
  readonly publishedAt: string;
  readonly artifacts: readonly ManifestEntry[];
  /**
   * The manifest of the latest edition published before this one (by cumulative number), by
   * hash: each manifest commits to the one before it. Null for the first; absent on manifests
   * published before the chain existed.
   */
  readonly previous?: PreviousManifest | null | undefined;
}

export interface PreviousManifest {
  readonly edition: string;
  readonly url: string;
  /** Hex SHA-256 of that manifest's bytes as published. */
  readonly sha256: string;
}

/** What a sealer is told about the publication it signs for. */
export interface SealContext {
  readonly edition: EditionInfo;
  /** The publication time: the signing time claimed in every signature. */
  readonly publishedAt: string;
  /** What an earlier attempt of this publication already wrote at a public key, if anything. */
  readonly existing: (key: string) => Promise<Uint8Array | undefined>;
}

/**
 * Signs what a publication writes (src/signing/seal.ts): the PDFs get an embedded signature and
 * the manifest a detached one. Signatures are not deterministic, so a sealer keeps what an earlier
 * attempt signed when the signed content is the same (see SealContext.existing). Left out,
 * nothing is signed.
 */
export interface PublicationSealer {
  /** The signature every PDF of this publication reserves while it is rendered. */
  reserve(context: SealContext): Promise<PdfSignatureReservation>;
  sealArtifacts(artifacts: readonly RenderedArtifact[], context: SealContext): Promise<RenderedArtifact[]>;
  /** The manifest's signature file (written beside it at `${manifest key}.jws`). */
  signManifest(manifest: Uint8Array, context: SealContext): Promise<Uint8Array>;
  /** Signs a checkpoint of the log (transparency/log.ts) once the publication is in it. */
  signCheckpoint(): Promise<void>;
}

/** Blob key of the manifest's detached signature. */
export function manifestSignatureKey(manifestKey: string): string {
  return `${manifestKey}.jws`;
}

export interface EditionPublishedEvent {
  readonly type: "edition.published";
  readonly editionId: string;
  readonly year: number;
  readonly issue: number;
  readonly cumulative: number;
  readonly date: string;
  readonly publishedAt: string;
  readonly publishedBy: string;
  readonly documents: readonly string[];
  readonly urls: EditionUrls;
}

export interface PublishDeps {
  readonly platform: Platform;
  readonly render: RenderEdition;
  readonly now: () => Date;
  readonly settings: EditionSettings;
  /** Recorded as publishedBy; default "system". */
  readonly publishedBy?: string | undefined;
  /** Public URL of a blob key; default root-relative "/" + key. */
  readonly publicUrl?: ((key: string) => string) | undefined;
  /** Publish despite the preflight's errors, for this reason (noted when the edition freezes). */
  readonly override?: PreflightOverride | undefined;
  /** Signs the PDFs and the manifest (src/signing/seal.ts); left out, nothing is signed. */
  readonly seal?: PublicationSealer | undefined;
}

/** An editor's decision to publish an edition whose preflight found errors. */
export interface PreflightOverride {
  readonly reason: string;
}

export interface PublishResult {
  readonly edition: Edition;
  readonly manifest: EditionManifest;
}

/** Published files never change: a long, immutable cache is safe. */
const IMMUTABLE = "public, max-age=31536000, immutable";

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

function rootRelative(key: string): string {
  return `/${key}`;
}

/**
 * Writes a blob that must never change. An existing blob with the same content is fine (a retry);
 * with different content it is an EditionConflictError. Looks first, then writes with `ifAbsent`
 * (the check that holds under concurrency on stores that honour it), then looks again on a
 * conflict: a concurrent writer of the same bytes is not an error.
 */
export async function writeOnce(
  blobs: BlobStore,
  key: string,
  bytes: Uint8Array,
  contentType: string,
): Promise<BlobMetadata> {
  const sha256 = sha256Hex(bytes);
  const compare = (existing: BlobMetadata): BlobMetadata => {
    if (existing.sha256 === sha256) return existing;
    throw new EditionConflictError(`${key} exists with different content`, [
      problem(
        null,
        "artifact_conflict",
        `The published file ${key} already exists with different content (sha256 ${existing.sha256}, new ${sha256}); published files are never overwritten`,
      ),
    ]);
  };
  const existing = await blobs.head(key);
  if (existing) return compare(existing);
  try {
    return await blobs.put(key, bytes, { contentType, ifAbsent: true, cacheControl: IMMUTABLE });
  } catch (error) {
    if (!(error instanceof ConditionFailedError)) throw error;
    const now = await blobs.head(key);
    if (!now) throw error;
    return compare(now);
  }
}

/** True when a file of this attempt exists with other bytes than those rendered now. */
async function attemptIsStale(
  blobs: BlobStore,
  files: readonly { readonly key: string; readonly bytes: Uint8Array }[],
  attempt: number | undefined,
): Promise<boolean> {
  for (const file of files) {
    const existing = await blobs.head(attemptBlobKey(file.key, attempt));
    if (existing && existing.sha256 !== sha256Hex(file.bytes)) return true;
  }
  return false;
}

export async function loadEdition(
  records: RecordStore,
  editionId: string,
): Promise<StoredRecord<Edition> | undefined> {
  const cumulative = cumulativeFromId(editionId);
  if (cumulative === undefined) return undefined;
  return getEdition(records, cumulative);
}

async function mustLoad(records: RecordStore, editionId: string): Promise<StoredRecord<Edition>> {
  const record = await loadEdition(records, editionId);
  if (!record) {
    throw new EditionNotFoundError(`No edition ${editionId}`, [
      problem("id", "not_found", `No edition with id ${editionId}`),
    ]);
  }
  return record;
}

async function putEdition(records: RecordStore, edition: Edition, version: number) {
  return records.put(editionRecord(edition), { kind: "version", version });
}

/** The documents of an edition, in its order; refuses when one has disappeared. */
export async function loadEditionDocuments(
  platform: Pick<Platform, "records" | "blobs">,
  edition: Edition,
): Promise<GazetteDocument[]> {
  const loaded = await Promise.all(edition.documents.map((id) => readDocument(platform, id)));
  const problems = loaded.flatMap((r, n) =>
    r ? [] : [problem(`documents.${n}`, "not_found", `Document ${edition.documents[n]} no longer exists`)],
  );
  if (problems.length) throw new PlacementRefusedError("Documents of the edition are missing", problems);
  return loaded.map((r) => r!.document);
}

function editionInfo(edition: EditionInfo): EditionInfo {
  const { id, year, issue, cumulative, date } = edition;
  return { id, year, issue, cumulative, date };
}

function checkArtifacts(artifacts: readonly RenderedArtifact[], manifest: string) {
  const seen = new Set<string>();
  for (const a of artifacts) {
    const bad =
      !a.key ||
      a.key.startsWith("/") ||
      a.key.split("/").some((part) => part === "" || part === "." || part === "..") ||
      a.key === manifest ||
      seen.has(a.key);
    if (bad) throw new Error(`The renderer returned an unusable or repeated artifact key "${a.key}"`);
    seen.add(a.key);
  }
}

function linkUrls(artifacts: readonly RenderedArtifact[], url: (key: string) => string, manifest: string) {
  const editionLevel = artifacts.filter((a) => a.documentId === undefined);
  const pick = (role: RenderedArtifact["role"], type: string, from: readonly RenderedArtifact[]) =>
    from.find((a) => a.role === role) ??
    from.find((a) => a.role === undefined && a.contentType.startsWith(type));
  const pdf = pick("edition-pdf", "application/pdf", editionLevel);
  const web = pick("edition-web", "text/html", editionLevel);
  const urls: EditionUrls = {
    pdf: pdf ? url(pdf.key) : null,
    web: web ? url(web.key) : null,
    manifest: url(manifest),
  };
  const documentUrls: Record<string, DocumentUrls> = {};
  const ids = [...new Set(artifacts.flatMap((a) => (a.documentId === undefined ? [] : [a.documentId])))];
  for (const id of ids) {
    const mine = artifacts.filter((a) => a.documentId === id);
    const docPdf = pick("document-pdf", "application/pdf", mine);
    const docWeb = pick("document-web", "text/html", mine);
    documentUrls[id] = { pdf: docPdf ? url(docPdf.key) : null, web: docWeb ? url(docWeb.key) : null };
  }
  return { urls, documentUrls };
}

/** Same manifest → same bytes: fixed field order, artifacts sorted by URL. */
export function serializeManifest(manifest: EditionManifest): Uint8Array {
  const ordered: EditionManifest = {
    edition: editionInfo(manifest.edition),
    publishedAt: manifest.publishedAt,
    artifacts: [...manifest.artifacts]
      .map(({ url, sha256, bytes }) => ({ url, sha256, bytes }))
      .sort((a, b) => (a.url < b.url ? -1 : a.url > b.url ? 1 : 0)),
    ...(manifest.previous === undefined
      ? {}
      : {
          previous: manifest.previous && {
            edition: manifest.previous.edition,
            url: manifest.previous.url,
            sha256: manifest.previous.sha256,
          },
        }),
  };
  return new TextEncoder().encode(`${JSON.stringify(ordered, null, 2)}\n`);
}

/**
 * The manifest of the latest edition published before `cumulative`, by hash (null when there is
 * none). Fixed for a publication as long as no earlier edition is published meanwhile; when one
 * is, the manifest changes and a retried publication moves to a new attempt (attemptIsStale).
 */
export async function previousManifest(
  platform: Pick<Platform, "records" | "blobs">,
  cumulative: number,
  url: (key: string) => string,
): Promise<PreviousManifest | null> {
  let best: Edition | undefined;
  let cursor: string | undefined;
  do {
    const page = await editionPage(platform.records, { cursor, limit: 100 });
    cursor = page.cursor;
    for (const { data } of page.items) {
      if (
        data.status === "published" &&
        data.cumulative < cumulative &&
        (!best || data.cumulative > best.cumulative)
      )
        best = data;
    }
  } while (cursor);
  if (!best) return null;
  const key = manifestKey(best);
  const blob = await platform.blobs.get(attemptBlobKey(key, best.attempt));
  if (!blob) throw new Error(`Edition ${best.id} is published but its manifest is missing`);
  return { edition: best.id, url: url(key), sha256: sha256Hex(blob.bytes) };
}

export async function readManifest(blobs: BlobStore, edition: Edition): Promise<EditionManifest> {
  const blob = await blobs.get(attemptBlobKey(manifestKey(edition), edition.attempt));
  if (!blob) throw new Error(`Edition ${edition.id} is published but its manifest is missing`);
  return JSON.parse(new TextDecoder().decode(blob.bytes)) as EditionManifest;
}

/**
 * After the switch: documents become "published", edition.published is queued, and the edition
 * notes that both are done (completion.documents, completion.announced, announcedAt). Each step is
 * idempotent; a crash anywhere here is completed by the tick (see completion.ts) or the next
 * publish call, both of which find announcedAt unset, so the event goes out at least once and,
 * short of a crash between sending and noting it, exactly once. Consumers must still be idempotent.
 */
export async function completePublication(
  platform: Pick<Platform, "records" | "queues" | "blobs">,
  record: StoredRecord<Edition>,
  now: () => Date,
): Promise<Edition> {
  const edition = record.data;
  if (edition.status !== "published" || edition.announcedAt) return edition;
  // The manifest into the public log, and each file into the index POST /api/verify reads.
  await logPublication(platform, edition);
  for (const id of edition.documents) await setDocumentState(platform.records, id, "published");
  await platform.queues.send(EVENTS_QUEUE, [{ body: JSON.stringify(publishedEvent(edition)) }]);
  const at = now().toISOString();
  const announced: Edition = {
    ...edition,
    announcedAt: at,
    completion: { ...edition.completion, documents: at, announced: at },
  };
  try {
    await putEdition(platform.records, announced, record.version);
    return announced;
  } catch (error) {
    if (error instanceof ConditionFailedError) return (await mustLoad(platform.records, edition.id)).data;
    throw error;
  }
}

/** The edition.published event of a published edition (the same on every send). */
export function publishedEvent(edition: Edition): EditionPublishedEvent {
  return {
    type: "edition.published",
    editionId: edition.id,
    year: edition.year,
    issue: edition.issue,
    cumulative: edition.cumulative,
    date: edition.date,
    publishedAt: edition.publishedAt!,
    publishedBy: edition.publishedBy ?? "system",
    documents: edition.documents,
    urls: edition.urls!,
  };
}

function failureMessage(error: unknown): string {
  if (error instanceof PlacementRefusedError && error.problems.length) {
    return error.problems.map((p) => p.message).join("; ");
  }
  return error instanceof Error ? error.message : String(error);
}

/**
 * Step 1 of a publication: notes the intent on a draft (fixing its documents and publishedAt).
 * Returns the frozen record, or undefined when the edition changed meanwhile (look again).
 */
async function freeze(
  records: RecordStore,
  record: StoredRecord<Edition>,
  now: () => Date,
  by: string,
  override?: PreflightOverride,
): Promise<StoredRecord<Edition> | undefined> {
  if (record.data.documents.length === 0) {
    throw new PlacementRefusedError(`Edition ${record.data.id} has no documents`, [
      problem("documents", "edition_empty", "An edition needs at least one document to be published"),
    ]);
  }
  if (record.data.publishing) return record;
  const intent: Edition = {
    ...record.data,
    publishing: {
      startedAt: now().toISOString(),
      by,
      ...(override ? { override: { reason: override.reason } } : {}),
    },
    publishFailure: null,
  };
  try {
    return await putEdition(records, intent, record.version);
  } catch (error) {
    if (error instanceof ConditionFailedError) return undefined;
    throw error;
  }
}

/** Queue that carries publication requests to the renderer (its own Lambda in AWS). */
export const PUBLISHING_QUEUE = "publishing";

/** Message on PUBLISHING_QUEUE: render and publish this edition (idempotent; repeats are harmless). */
export interface PublishRequestedMessage {
  readonly type: "edition.publish";
  readonly editionId: string;
  readonly requestedBy: string;
}

/**
 * Publication through the queue, for where the request cannot wait for the render (API Gateway
 * answers within 30 s; a big edition renders for longer). Notes the intent — which freezes the
 * edition exactly as publishEdition's first step does — and queues the work for publishEdition.
 * Sends the message even when the intent was already there, so calling again re-triggers a
 * publication whose message went to the dead-letter queue.
 */
export async function requestPublication(
  editionId: string,
  deps: Pick<PublishDeps, "platform" | "now" | "publishedBy" | "override">,
): Promise<Edition> {
  const { platform, now } = deps;
  const by = deps.publishedBy ?? "system";
  for (let attempt = 0; attempt < 10; attempt++) {
    let record = await mustLoad(platform.records, editionId);
    if (record.data.status === "published") return record.data;
    const frozen = await freeze(platform.records, record, now, by, deps.override);
    if (!frozen) continue; // changed meanwhile: look again
    record = frozen;
    const message: PublishRequestedMessage = { type: "edition.publish", editionId, requestedBy: by };
    await platform.queues.send(PUBLISHING_QUEUE, [{ body: JSON.stringify(message) }]);
    return record.data;
  }
  throw new EditionConflictError(`Edition ${editionId} kept changing while being published`, [
    problem(null, "edition_modified", "The edition changed concurrently; retry the publication"),
  ]);
}

/**
 * Publishes a draft edition, renderer-agnostic. Only single-item conditional writes, in an order
 * that makes the publication all-or-nothing for readers:
 *   1. note the intent on the edition record (freezes its documents, fixes publishedAt);
 *   2. render, and write every artifact to its write-once key;
 *   3. write the manifest (authentic artifacts with sha256) to its write-once key;
 *   4. flush, then flip the edition record to "published" with its URLs — the one switch;
 *   5. mark the documents published and queue edition.published (completePublication).
 * A crash before 4 leaves a draft (with unreferenced artifacts a retry finds identical and
 * keeps — or, when what is rendered has changed since, leaves behind and writes anew under the
 * next attempt's keys); a crash after 4 leaves a published edition that the tick (completion.ts)
 * or the next call completes. Calling it
 * again on a published edition returns the same manifest.
 */
export async function publishEdition(editionId: string, deps: PublishDeps): Promise<PublishResult> {
  const { platform, render, now, settings } = deps;
  const url = deps.publicUrl ?? rootRelative;
  const by = deps.publishedBy ?? "system";
  for (let attempt = 0; attempt < 10; attempt++) {
    let record = await mustLoad(platform.records, editionId);
    if (record.data.status === "published") {
      const edition = await completePublication(platform, record, now);
      await deps.seal?.signCheckpoint();
      return { edition, manifest: await readManifest(platform.blobs, edition) };
    }
    const frozen = await freeze(platform.records, record, now, by, deps.override);
    if (!frozen) continue; // changed meanwhile: look again
    record = frozen;
    const edition = record.data;
    const publishing = edition.publishing!;
    const sealContext: SealContext = {
      edition: editionInfo(edition),
      publishedAt: publishing.startedAt,
      existing: async (key) => (await platform.blobs.get(attemptBlobKey(key, edition.attempt)))?.bytes,
    };
    // The signing key and certificate are asked first: a key outage is retried like a store's.
    const signature = await deps.seal?.reserve(sealContext);
    let rendered: RenderResult;
    try {
      const documents = await loadEditionDocuments(platform, edition);
      rendered = await render(buildRenderInput(edition, documents, settings), { signature });
    } catch (error) {
      // A store outage is retried as it is. Anything else (a document gone, a renderer error) will
      // not heal by retrying the same input: nothing of it was written, so the intent is lifted —
      // the editor may fix the edition — and the reason is kept on it.
      if (!(error instanceof StorageError) || error instanceof ConditionFailedError) {
        const failed: Edition = {
          ...edition,
          publishing: null,
          publishFailure: { at: now().toISOString(), message: failureMessage(error) },
        };
        await putEdition(platform.records, failed, record.version).catch(() => {});
      }
      throw error;
    }
    // The preflight's errors stop the publication unless the editor overrode them with a reason:
    // the intent is lifted (the editor may fix the edition) and the findings say what to fix.
    const errors = (rendered.findings ?? []).filter((f) => f.severity === "error");
    if (errors.length > 0 && !publishing.override) {
      const message = `预检发现${errors.length}处错误：${errors
        .slice(0, 5)
        .map((f) => f.message)
        .join("；")}`;
      await putEdition(
        platform.records,
        { ...edition, publishing: null, publishFailure: { at: now().toISOString(), message } },
        record.version,
      ).catch(() => {});
      throw new PlacementRefusedError(
        `The preflight found ${errors.length} error(s) in edition ${edition.id}`,
        errors.map((f) =>
          problem(
            null,
            `preflight_${f.code}`,
            `${f.message}; publish with {"override": {"reason": …}} to publish anyway`,
          ),
        ),
      );
    }
    const preflightOverride =
      errors.length > 0 && publishing.override
        ? {
            reason: publishing.override.reason,
            by: publishing.by,
            at: publishing.startedAt,
            errors: errors.length,
          }
        : null;
    const manifestBlobKey = manifestKey(edition);
    checkArtifacts(rendered.artifacts, manifestBlobKey);
    const artifacts = deps.seal
      ? await deps.seal.sealArtifacts(rendered.artifacts, sealContext)
      : rendered.artifacts;
    const manifest: EditionManifest = {
      edition: editionInfo(edition),
      publishedAt: publishing.startedAt,
      artifacts: artifacts.flatMap((a) =>
        a.authentic ? [{ url: url(a.key), sha256: sha256Hex(a.bytes), bytes: a.bytes.byteLength }] : [],
      ),
      ...(deps.seal ? { previous: await previousManifest(platform, edition.cumulative, url) } : {}),
    };
    const manifestBytes = serializeManifest(manifest);
    const files = [
      ...artifacts.map((a) => ({ key: a.key, bytes: a.bytes, contentType: a.contentType })),
      { key: manifestBlobKey, bytes: manifestBytes, contentType: "application/json" },
      ...(deps.seal
        ? [
            {
              key: manifestSignatureKey(manifestBlobKey),
              bytes: await deps.seal.signManifest(manifestBytes, sealContext),
              contentType: "application/jose",
            },
          ]
        : []),
    ];
    // Files a crashed attempt left that differ from what is rendered now (a setting, template,
    // font or release changed since): never published, so not the record; write-once, so not
    // overwritten. The publication moves on to a new attempt, stored under new keys.
    if (await attemptIsStale(platform.blobs, files, edition.attempt)) {
      try {
        await putEdition(
          platform.records,
          { ...edition, attempt: (edition.attempt ?? 1) + 1 },
          record.version,
        );
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error;
      }
      continue; // look again (and render for the new attempt)
    }
    try {
      for (const file of files) {
        await writeOnce(
          platform.blobs,
          attemptBlobKey(file.key, edition.attempt),
          file.bytes,
          file.contentType,
        );
      }
    } catch (error) {
      // A concurrent attempt wrote other bytes meanwhile: the next round sees it and moves on.
      if (error instanceof EditionConflictError) continue;
      throw error;
    }
    // Everything the switch points at must be durable before the switch can be.
    await platform.flush();
    const { urls, documentUrls } = linkUrls(artifacts, url, manifestBlobKey);
    const published: Edition = {
      ...edition,
      status: "published",
      publishing: null,
      publishedAt: publishing.startedAt,
      publishedBy: publishing.by,
      urls,
      documentUrls,
      completion: {},
      preflightOverride,
    };
    let switched: StoredRecord<Edition>;
    try {
      switched = await putEdition(platform.records, published, record.version);
    } catch (error) {
      if (error instanceof ConditionFailedError) continue; // a concurrent publish won: return its result
      throw error;
    }
    await platform.flush();
    platform.metrics?.count("EditionsPublished");
    const done = await completePublication(platform, switched, now);
    await deps.seal?.signCheckpoint();
    return { edition: done, manifest: await readManifest(platform.blobs, done) };
  }
  throw new EditionConflictError(`Edition ${editionId} kept changing while being published`, [
    problem(null, "edition_modified", "The edition changed concurrently; retry the publication"),
  ]);
}
