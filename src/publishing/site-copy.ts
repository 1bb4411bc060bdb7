/**
 * The public copies of a published edition's authentic files (edition PDF, per-document PDFs,
 * canonical texts, manifest) in the site bucket, which CloudFront serves straight from S3.
 *
 * Publishing writes to the blob store and switches the edition record; this step, run by the
 * events consumer on edition.published, copies the files and then notes `siteCopiedAt` on the
 * edition. Where a site copy is configured, the public site shows an edition only once it is
 * noted, so no page links a PDF that CloudFront cannot serve yet (同步上网). Idempotent: copies
 * are of immutable files, and repeating one writes the same bytes.
 */
import type { Edition } from "../editions/model.js";
import { loadEdition, manifestSignatureKey } from "../editions/publish.js";
import { attemptBlobKey, editionRecord, manifestKey } from "../editions/records.js";
import { ConditionFailedError } from "../platform/errors.js";
import type { BlobStore, Platform } from "../platform/ports.js";

const IMMUTABLE = "public, max-age=31536000, immutable";

export interface SiteCopyResult {
  /** Files copied (or found identical) in the site store. */
  readonly files: number;
  /** False when the edition is not published (nothing to copy yet). */
  readonly published: boolean;
}

/** Blob key of a manifest URL: root-relative ("/documents/x.pdf") or absolute. */
function keyOf(url: string): string {
  return decodeURIComponent(new URL(url, "http://site.invalid").pathname.replace(/^\/+/, ""));
}

export async function copyEditionToSite(
  platform: Pick<Platform, "records" | "blobs" | "clock">,
  site: BlobStore,
  editionId: string,
): Promise<SiteCopyResult> {
  const record = await loadEdition(platform.records, editionId);
  if (record?.data.status !== "published") return { files: 0, published: false };
  const edition = record.data;
  const manifestBlob = await platform.blobs.get(attemptBlobKey(manifestKey(edition), edition.attempt));
  if (!manifestBlob) throw new Error(`Edition ${edition.id} is published but its manifest is missing`);
  const manifest = JSON.parse(new TextDecoder().decode(manifestBlob.bytes)) as {
    artifacts: { url: string; sha256: string }[];
  };
  const keys = [...manifest.artifacts.map((a) => keyOf(a.url)), manifestKey(edition)];
  // The manifest's signature, where the edition was published with a signing key.
  const signature = manifestSignatureKey(manifestKey(edition));
  if (await platform.blobs.head(attemptBlobKey(signature, edition.attempt))) keys.push(signature);
  for (const key of keys) {
    const existing = await site.head(key);
    // Stored under the edition's attempt, copied to the path it is served at.
    const source = await platform.blobs.get(attemptBlobKey(key, edition.attempt));
    if (!source)
      throw new Error(`Edition ${edition.id}: published file ${key} is missing from the blob store`);
    if (existing?.sha256 === source.sha256) continue;
    await site.put(key, source.bytes, { contentType: source.contentType, cacheControl: IMMUTABLE });
  }
  await noteCopied(platform, edition);
  return { files: keys.length, published: true };
}

async function noteCopied(platform: Pick<Platform, "records" | "clock">, first: Edition): Promise<void> {
  let edition = first;
  for (let attempt = 0; attempt < 10; attempt++) {
    const current = await loadEdition(platform.records, edition.id);
    if (!current) return;
    if (current.data.siteCopiedAt) return;
    try {
      await platform.records.put(
        editionRecord({ ...current.data, siteCopiedAt: platform.clock.now().toISOString() }),
        { kind: "version", version: current.version },
      );
      return;
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
      edition = current.data; // changed meanwhile (e.g. announcedAt): look again
    }
  }
  throw new Error(`Edition ${first.id} kept changing while noting its site copy`);
}
