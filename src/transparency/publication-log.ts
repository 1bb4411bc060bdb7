/**
 * What a publication adds to the log: its manifest as one entry, and an index from each published
 * file's SHA-256 to where and when it was published (for POST /api/verify). Both idempotent, done
 * as the first completion step of a published edition (editions/publish.ts completePublication),
 * so a crash after the switch is completed by the tick like the other steps.
 */

import { createHash } from "node:crypto";
import type { Edition } from "../editions/model.js";
import { attemptBlobKey, manifestKey } from "../editions/records.js";
import type { EditionInfo } from "../editions/render-model.js";
import { ConditionFailedError } from "../platform/errors.js";
import type { Platform } from "../platform/ports.js";
import { type LogEntry, TransparencyLog } from "./log.js";

export interface ArtifactIndexEntry {
  readonly url: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly edition: EditionInfo;
  /** The document a per-document file belongs to. */
  readonly document: string | null;
  readonly publishedAt: string;
  readonly manifest: { readonly url: string; readonly sha256: string };
  /** The log entry of the edition's manifest, which proves this file's listing. */
  readonly logEntry: LogEntry;
}

export function artifactKeys(sha256: string) {
  return { pk: `ARTIFACT#${sha256}`, sk: "ARTIFACT" };
}

/** Returns the index of the manifest's log entry (undefined for an edition not published). */
export async function logPublication(
  platform: Pick<Platform, "records" | "blobs">,
  edition: Edition,
): Promise<number | undefined> {
  if (edition.status !== "published" || !edition.urls || !edition.publishedAt) return undefined;
  const blob = await platform.blobs.get(attemptBlobKey(manifestKey(edition), edition.attempt));
  if (!blob) throw new Error(`Edition ${edition.id} is published but its manifest is missing`);
  const manifestSha = createHash("sha256").update(blob.bytes).digest("hex");
  const manifest = JSON.parse(new TextDecoder().decode(blob.bytes)) as {
    artifacts: { url: string; sha256: string; bytes: number }[];
  };
  const logEntry: LogEntry = {
    type: "edition.manifest",
    edition: edition.id,
    url: edition.urls.manifest,
    sha256: manifestSha,
    publishedAt: edition.publishedAt,
  };
  const index = await new TransparencyLog({ records: platform.records, origin: "" }).append(logEntry);
  const { id, year, issue, cumulative, date } = edition;
  const documentOf = (url: string) =>
    Object.entries(edition.documentUrls ?? {}).find(([, u]) => u.pdf === url || u.web === url)?.[0] ??
    /\/documents\/([^/.~]+)[^/]*\.json$/.exec(url)?.[1] ??
    null;
  const files = [
    ...manifest.artifacts,
    { url: edition.urls.manifest, sha256: manifestSha, bytes: blob.bytes.byteLength },
  ];
  for (const file of files) {
    const entry: ArtifactIndexEntry = {
      url: file.url,
      sha256: file.sha256,
      bytes: file.bytes,
      edition: { id, year, issue, cumulative, date },
      document: documentOf(file.url),
      publishedAt: edition.publishedAt,
      manifest: { url: edition.urls.manifest, sha256: manifestSha },
      logEntry,
    };
    try {
      await platform.records.put({ ...artifactKeys(file.sha256), data: entry }, { kind: "absent" });
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
    }
  }
  return index;
}
