/**
 * Migration of the stored 发文字号 identities when the number grammar changes.
 *
 * Intake's uniqueness claims (DOCNUM#<issuer>#<docNumberKey>) and the status module's published
 * numbers and pending references (PUBLISHED_DOCNO#<docNumberKey>, PENDING_REF#<docNumberKey>) are
 * keyed by docNumberKey. When the grammar learns a form (令第N号 with its issuers, 院臺×字 with a
 * ROC year…), a number stored under the old key is no longer found under the new one: a duplicate
 * passes intake, a 废止 reference no longer reaches the document it repeals. The migration writes
 * every live document's claims under the current keys and records every published edition again
 * (DocumentStatuses.recordEdition is idempotent and keys by the current grammar), then stores the
 * grammar's fingerprint so that it runs once per grammar. Records under keys the old grammar made
 * stay where they are (the record store cannot be scanned); nothing reads them any more.
 */
import { createHash } from "node:crypto";
import { editionPage } from "../editions/records.js";
import { phaseCursor, readPhaseCursor } from "../migrations/migration.js";
import { ConditionFailedError } from "../platform/errors.js";
import type { Platform } from "../platform/ports.js";
import { docNumberKey } from "./doc-number.js";
import { docNumberClaimKey, docNumberClaimRecord, documentPage } from "./records.js";

/** Where the fingerprint of the grammar the stored keys were made with is kept. */
export const DOC_NUMBER_KEYS_META = { pk: "META#DOCNUMBER_KEYS", sk: "GRAMMAR" } as const;

/** Numbers whose keys a grammar change is likely to move: one of each form. */
const SAMPLES = [
  "川府发[2024]012号",
  "国發〔2016〕23號",
  "中华人民共和国国务院令 第０５８８号",
  "国令第588号",
  "财政部、国家税务总局令第1号",
  "院臺交字第0950001993號",
  "（76）台内字第 5 號",
  "環署空字第0950055340D號",
  "華總（一）義字第 6006號",
  "内政部（64）台内地字第615377号",
  "第356号",
];

/** A fingerprint of docNumberKey: it changes when the grammar gives any sample another key. */
export function docNumberGrammarFingerprint(key: (s: string) => string = docNumberKey): string {
  return createHash("sha256").update(SAMPLES.map(key).join("\n")).digest("base64url").slice(0, 16);
}

export interface RekeyReport {
  /** The fingerprint the keys are now made with. */
  readonly grammar: string;
  /** True when the keys were already made with this grammar and nothing was done. */
  readonly skipped: boolean;
  /** Claims written under their current key. */
  readonly claims: number;
  /** Documents whose current key another document already claims (two spellings now one number). */
  readonly conflicts: readonly {
    readonly documentId: string;
    readonly claimedBy: string;
    readonly key: string;
  }[];
  /** Published editions recorded again. */
  readonly editions: number;
}

export interface Statuses {
  recordEdition(editionId: string): Promise<unknown>;
}

/** The re-key's work from `cursor`: a page of documents' claims, then a page of editions. */
export async function rekeyStep(
  platform: Pick<Platform, "records">,
  statuses: Statuses,
  cursor: string | undefined,
  limit = 100,
): Promise<{
  cursor: string | undefined;
  counts: { claims: number; editions: number };
  conflicts: RekeyReport["conflicts"];
}> {
  const { records } = platform;
  const { phase, cursor: inner } = readPhaseCursor(cursor);
  const conflicts: { documentId: string; claimedBy: string; key: string }[] = [];
  if (phase === 0) {
    let claims = 0;
    const page = await documentPage(records, { limit, cursor: inner, descending: false });
    for (const { data: doc } of page.items) {
      if (!doc.docNumber) continue;
      for (const issuer of doc.issuers) {
        const key = docNumberClaimKey(issuer, doc.docNumber);
        const existing = await records.get<{ documentId: string }>(key);
        if (existing) {
          if (existing.data.documentId !== doc.id)
            conflicts.push({ documentId: doc.id, claimedBy: existing.data.documentId, key: key.pk });
          continue;
        }
        try {
          await records.put(
            docNumberClaimRecord(issuer, {
              id: doc.id,
              receivedAt: doc.receivedAt,
              docNumber: doc.docNumber,
            }),
            { kind: "absent" },
          );
          claims += 1;
        } catch (error) {
          if (!(error instanceof ConditionFailedError)) throw error;
        }
      }
    }
    return {
      cursor: phaseCursor(page.cursor ? 0 : 1, page.cursor),
      counts: { claims, editions: 0 },
      conflicts,
    };
  }
  let editions = 0;
  const page = await editionPage(records, { limit, cursor: inner });
  for (const { data: edition } of page.items) {
    if (edition.status !== "published") continue;
    await statuses.recordEdition(edition.id);
    editions += 1;
  }
  return {
    cursor: page.cursor ? phaseCursor(1, page.cursor) : undefined,
    counts: { claims: 0, editions },
    conflicts,
  };
}

/**
 * Re-keys claims and statuses when the grammar's fingerprint differs from the stored one (or
 * always, with `force`): every step of `rekeyStep` (the migration `doc-number-keys` runs them one
 * at a time). Safe to run again after a crash: every write is conditional or idempotent.
 */
export async function rekeyDocNumbers(
  platform: Pick<Platform, "records">,
  statuses: Statuses,
  options: { readonly force?: boolean; readonly fingerprint?: string } = {},
): Promise<RekeyReport> {
  const grammar = options.fingerprint ?? docNumberGrammarFingerprint();
  const stored = await platform.records.get<{ grammar: string }>(DOC_NUMBER_KEYS_META);
  if (stored?.data.grammar === grammar && !options.force)
    return { grammar, skipped: true, claims: 0, conflicts: [], editions: 0 };

  let claims = 0;
  let editions = 0;
  const conflicts: RekeyReport["conflicts"][number][] = [];
  let cursor: string | undefined;
  do {
    const step = await rekeyStep(platform, statuses, cursor);
    claims += step.counts.claims;
    editions += step.counts.editions;
    conflicts.push(...step.conflicts);
    cursor = step.cursor;
  } while (cursor);
  await platform.records.put({ ...DOC_NUMBER_KEYS_META, data: { grammar } });
  return { grammar, skipped: false, claims, conflicts, editions };
}
