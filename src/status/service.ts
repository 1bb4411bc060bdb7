import { docNumberKey, parseDocNumber } from "../documents/doc-number.js";
import type { GazetteDocument, NormativeValidity } from "../documents/model.js";
import { docKeys } from "../documents/records.js";
import type { Edition } from "../editions/model.js";
import { loadEdition, loadEditionDocuments } from "../editions/publish.js";
import { ConditionFailedError } from "../platform/errors.js";
import type { NewRecord, Platform, RecordStore, StoredRecord } from "../platform/ports.js";
import type { DocumentLink, DocumentStatusView } from "../site/model.js";
import { documentPath, href } from "../site/urls.js";
import { TransparencyLog } from "../transparency/log.js";
import {
  type ChangeKind,
  changeKeys,
  type PendingReference,
  type PublishedDocNumber,
  pendingKeys,
  pendingPartition,
  publishedDocNumberKeys,
  publishedDocNumberPartition,
  type StatusChange,
  statusPartition,
} from "./records.js";

/** Today's date in China (UTC+8, no daylight saving), YYYY-MM-DD. */
export function chinaToday(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

function nextDay(isoDate: string): string {
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** Writes a record that is never rewritten; an existing one means this was done before. */
async function putOnce<T>(records: RecordStore, record: NewRecord<T>): Promise<boolean> {
  try {
    await records.put(record, { kind: "absent" });
    return true;
  } catch (error) {
    if (error instanceof ConditionFailedError) return false;
    throw error;
  }
}

async function queryAll<T>(records: RecordStore, partition: string): Promise<StoredRecord<T>[]> {
  const out: StoredRecord<T>[] = [];
  let cursor: string | undefined;
  do {
    const page = await records.query<T>(partition, { cursor, limit: 100 });
    out.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return out;
}

/**
 * Whether a reference written by `sourceIssuers` designates a document published by
 * `targetIssuer`. A 发文字号 with its 机关代字 (川府发〔2024〕12号, 四川省人民政府令第356号) names its
 * issuer itself; a bare 第356号 means the referring issuer's own series.
 */
function referenceMatches(
  reference: string,
  sourceIssuers: readonly string[],
  targetIssuer: string,
): boolean {
  const parsed = parseDocNumber(reference);
  if (parsed && parsed.prefix !== "") return true;
  return sourceIssuers.map((i) => i.trim()).includes(targetIssuer);
}

function referencesOf(doc: GazetteDocument): { kind: ChangeKind; reference: string }[] {
  const refs = (kind: ChangeKind, list: readonly string[] | undefined) =>
    (list ?? []).map((reference) => ({ kind, reference }));
  return [
    ...refs("repeals", doc.relations?.repeals),
    ...refs("amends", doc.relations?.amends),
    ...refs("expires", doc.relations?.expires),
    ...refs("corrects", doc.corrects),
  ];
}

/** One of a document's own references to an earlier document, and what it resolved to. */
export interface DocumentReferenceView {
  readonly kind: ChangeKind;
  /** The 发文字号 as the document wrote it. */
  readonly reference: string;
  readonly resolved: boolean;
  /** Ids of the published documents it designates. */
  readonly targets: readonly string[];
}

export interface DocumentStatusesOptions {
  /** Link to a document's page; default root-relative /documents/{id}.html. */
  readonly documentUrl?: ((id: string) => string) | undefined;
}

/**
 * 效力状态 of published documents. Publishing an edition records (idempotently) its 发文字号 and
 * what its documents do to earlier ones (repeal, amend, correct); the status of a document is then
 * computed on request from those records and its validity period. Published files never change:
 * the status lives in the table, the API, the feeds and the re-rendered pages.
 */
export class DocumentStatuses {
  private readonly documentUrl: (id: string) => string;

  constructor(
    private readonly platform: Pick<Platform, "records" | "blobs">,
    options: DocumentStatusesOptions = {},
  ) {
    this.documentUrl = options.documentUrl ?? ((id) => href(documentPath(id)));
  }

  /**
   * Records what a published edition changes. Safe to run any number of times, in any order
   * relative to other editions: references to documents not yet published wait as pending
   * references and are resolved when their target is published.
   */
  async recordEdition(editionId: string): Promise<{ changes: number; pending: number }> {
    const record = await loadEdition(this.platform.records, editionId);
    if (!record) throw new Error(`No edition ${editionId}`);
    const edition = record.data;
    if (edition.status !== "published" || !edition.publishedAt) {
      throw new Error(`Edition ${editionId} is not published`);
    }
    const documents = await loadEditionDocuments(this.platform, edition);
    const counts = { changes: 0, pending: 0 };
    // 1. The index first, so a concurrent edition referring to these documents either finds them
    //    here or leaves a pending reference that step 2 (or its own re-check) resolves.
    for (const doc of documents) await this.indexDocument(doc, edition);
    // 2. Earlier references to these documents.
    for (const doc of documents) counts.changes += await this.resolvePending(doc);
    // 3. What these documents do to earlier ones.
    for (const doc of documents) {
      for (const { kind, reference } of referencesOf(doc)) {
        const pending: PendingReference = {
          kind,
          reference,
          sourceId: doc.id,
          sourceTitle: doc.title,
          sourceDocNumber: doc.docNumber,
          sourceIssuers: doc.issuers,
          sourceEditionId: edition.id,
          sourceDate: edition.date,
          publishedAt: edition.publishedAt,
        };
        const n = await this.resolveReference(pending);
        if (n > 0) {
          counts.changes += n;
          continue;
        }
        const key = docNumberKey(reference);
        await putOnce(this.platform.records, { ...pendingKeys(key, pending), data: pending });
        // The target may have been indexed meanwhile, after looking for pending references.
        const late = await this.resolveReference(pending);
        if (late > 0) {
          counts.changes += late;
          await this.platform.records.delete(pendingKeys(key, pending));
        } else counts.pending += 1;
      }
    }
    return counts;
  }

  private async indexDocument(doc: GazetteDocument, edition: Edition): Promise<void> {
    if (!doc.docNumber) return;
    const key = docNumberKey(doc.docNumber);
    for (const issuer of doc.issuers) {
      const data: PublishedDocNumber = {
        documentId: doc.id,
        editionId: edition.id,
        title: doc.title,
        docNumber: doc.docNumber,
        issuer: issuer.trim(),
        publishedAt: edition.publishedAt!,
      };
      await putOnce(this.platform.records, { ...publishedDocNumberKeys(key, issuer), data });
    }
  }

  /** Published documents a reference designates (not the source itself). */
  private async targetsOf(reference: PendingReference): Promise<string[]> {
    const found = await queryAll<PublishedDocNumber>(
      this.platform.records,
      publishedDocNumberPartition(docNumberKey(reference.reference)),
    );
    const ids = found
      .filter((r) => referenceMatches(reference.reference, reference.sourceIssuers, r.data.issuer))
      .map((r) => r.data.documentId)
      .filter((id) => id !== reference.sourceId);
    return [...new Set(ids)];
  }

  private async recordChange(change: StatusChange): Promise<boolean> {
    const added = await putOnce(this.platform.records, { ...changeKeys(change), data: change });
    // Into the public log too (idempotent: a repeated change is one entry).
    await new TransparencyLog({ records: this.platform.records, origin: "" }).append({
      type: "document.status",
      document: change.targetId,
      at: change.publishedAt,
      kind: change.kind,
      source: change.sourceId,
      sourceEdition: change.sourceEditionId,
      reference: change.reference,
    });
    return added;
  }

  private async resolveReference(reference: PendingReference): Promise<number> {
    const targets = await this.targetsOf(reference);
    for (const targetId of targets) {
      const { sourceIssuers: _, ...change } = reference;
      await this.recordChange({ ...change, targetId });
    }
    return targets.length;
  }

  private async resolvePending(doc: GazetteDocument): Promise<number> {
    if (!doc.docNumber) return 0;
    const key = docNumberKey(doc.docNumber);
    const waiting = await queryAll<PendingReference>(this.platform.records, pendingPartition(key));
    let n = 0;
    for (const { data: pending } of waiting) {
      if (pending.sourceId === doc.id) continue;
      if (
        !doc.issuers.some((issuer) =>
          referenceMatches(pending.reference, pending.sourceIssuers, issuer.trim()),
        )
      )
        continue;
      const { sourceIssuers: _, ...change } = pending;
      await this.recordChange({ ...change, targetId: doc.id });
      await this.platform.records.delete(pendingKeys(key, pending));
      n += 1;
    }
    return n;
  }

  /**
   * What a published document's own repeals / amends / corrects point at, for editors: each
   * reference with the published documents it resolved to, or none yet — a reference that stays
   * unresolved (a typo in a 发文字号, a document never published here) is visible, not silent.
   */
  async referencesFrom(doc: GazetteDocument): Promise<DocumentReferenceView[]> {
    return Promise.all(
      referencesOf(doc).map(async ({ kind, reference }) => {
        const targets = await this.targetsOf({
          kind,
          reference,
          sourceId: doc.id,
          sourceIssuers: doc.issuers,
          sourceTitle: doc.title,
          sourceDocNumber: doc.docNumber,
          sourceEditionId: "",
          sourceDate: "",
          publishedAt: "",
        });
        return { kind, reference, resolved: targets.length > 0, targets };
      }),
    );
  }

  /** Everything later documents did to this one, oldest first. */
  async changesOf(documentId: string): Promise<StatusChange[]> {
    const records = await queryAll<StatusChange>(this.platform.records, statusPartition(documentId));
    return records.map((r) => r.data);
  }

  /**
   * The status of a document on `today` (YYYY-MM-DD, China): 已废止 when a later document repealed
   * it, else 失效 when one declared it no longer in force (宣布失效), else 已修改 when one amended
   * it, else 失效 once its validity period has ended, else 有效.
   * `normative` is read from the document record unless given.
   */
  async statusOf(
    documentId: string,
    today: string,
    normative?: NormativeValidity | null,
  ): Promise<DocumentStatusView> {
    const [changes, validity] = await Promise.all([
      this.changesOf(documentId),
      normative !== undefined ? Promise.resolve(normative) : this.normativeOf(documentId),
    ]);
    const link = (c: StatusChange): DocumentLink => ({
      id: c.sourceId,
      title: c.sourceTitle,
      docNumber: c.sourceDocNumber,
      url: this.documentUrl(c.sourceId),
    });
    const corrections = changes.filter((c) => c.kind === "corrects").map(link);
    const correctedBy = corrections.length ? { correctedBy: corrections } : {};
    const repeal = changes.find((c) => c.kind === "repeals");
    if (repeal) {
      return { status: "已废止", changedAt: repeal.sourceDate, changedBy: link(repeal), ...correctedBy };
    }
    const expiry = changes.find((c) => c.kind === "expires");
    if (expiry)
      return { status: "失效", changedAt: expiry.sourceDate, changedBy: link(expiry), ...correctedBy };
    const amend = changes.filter((c) => c.kind === "amends").at(-1);
    if (amend)
      return { status: "已修改", changedAt: amend.sourceDate, changedBy: link(amend), ...correctedBy };
    if (validity && validity.validUntil < today) {
      return { status: "失效", changedAt: nextDay(validity.validUntil), ...correctedBy };
    }
    return { status: "有效", ...correctedBy };
  }

  /** Statuses of several documents; interpretation entries (`id~x`) have none of their own. */
  async statusMap(ids: readonly string[], today: string): Promise<Map<string, DocumentStatusView>> {
    const documents = ids.filter((id) => !id.includes("~"));
    const entries = await Promise.all(
      documents.map(async (id) => [id, await this.statusOf(id, today)] as const),
    );
    return new Map(entries);
  }

  private async normativeOf(documentId: string): Promise<NormativeValidity | null> {
    const record = await this.platform.records.get<GazetteDocument>(docKeys(documentId));
    return record?.data.normative ?? null;
  }
}
