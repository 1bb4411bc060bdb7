import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { docNumberKey } from "../../src/documents/doc-number.js";
import { DOCUMENTS_INDEX, docKeys, docNumberClaimKey } from "../../src/documents/records.js";
import {
  DOC_NUMBER_KEYS_META,
  docNumberGrammarFingerprint,
  rekeyDocNumbers,
} from "../../src/documents/rekey.js";
import { EDITIONS_PARTITION, editionSortKey } from "../../src/editions/records.js";
import { createEmbeddedPlatform, type EmbeddedPlatform } from "../../src/platform/embedded/index.js";

/** A grammar older than today's: it kept the spelling as printed (brackets, 號, spaces). */
const oldKey = (s: string) => s.replace(/\s+/g, "");

describe("re-keying stored 发文字号 claims and statuses when the grammar changes", () => {
  let dir: string;
  let platform: EmbeddedPlatform;
  const recorded: string[] = [];
  const statuses = {
    async recordEdition(id: string) {
      recorded.push(id);
    },
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "gazette-rekey-"));
    platform = createEmbeddedPlatform({ dataDir: dir });
    recorded.length = 0;
  });
  afterEach(() => {
    platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function storeDocument(id: string, docNumber: string, issuers: string[]) {
    const receivedAt = `2024-05-0${id.length}T08:00:00.000Z`;
    await platform.records.put({
      ...docKeys(id),
      data: { id, docNumber, issuers, receivedAt, title: `${id}的通知` },
      index: { gsi1pk: DOCUMENTS_INDEX, gsi1sk: `${receivedAt}#${id}` },
    });
    // Its claim as intake wrote it under the older grammar's key.
    for (const issuer of issuers)
      await platform.records.put({
        pk: `DOCNUM#${issuer}#${oldKey(docNumber)}`,
        sk: "CLAIM",
        data: { documentId: id, claimedAt: receivedAt },
      });
  }

  it("writes every document's claim under the current key, once per grammar", async () => {
    // Prepare
    await storeDocument("a", "川府发[2024]012号", ["四川省人民政府"]);
    await storeDocument("bb", "财政部、国家税务总局令 第１号", ["财政部", "国家税务总局"]);
    const current = docNumberClaimKey("四川省人民政府", "川府发〔2024〕12号");
    const before = await platform.records.get(current);

    // Act
    const first = await rekeyDocNumbers(platform, statuses);
    const second = await rekeyDocNumbers(platform, statuses);

    // Assess
    expect(before).toBeUndefined();
    expect((await platform.records.get<{ documentId: string }>(current))?.data.documentId).toBe("a");
    expect(
      (
        await platform.records.get<{ documentId: string }>(
          docNumberClaimKey("国家税务总局", "财政部、国家税务总局令第1号"),
        )
      )?.data.documentId,
    ).toBe("bb");
    expect(first).toMatchObject({ skipped: false, claims: 3, conflicts: [] });
    expect(second).toMatchObject({ skipped: true, claims: 0 });
    expect((await platform.records.get<{ grammar: string }>(DOC_NUMBER_KEYS_META))?.data.grammar).toBe(
      docNumberGrammarFingerprint(),
    );
  });

  it("records every published edition again, so statuses are found under the current keys", async () => {
    // Prepare
    await platform.records.put({
      pk: EDITIONS_PARTITION,
      sk: editionSortKey(1),
      data: { id: "2024-1", status: "published" },
    });
    await platform.records.put({
      pk: EDITIONS_PARTITION,
      sk: editionSortKey(2),
      data: { id: "2024-2", status: "draft" },
    });

    // Act
    const report = await rekeyDocNumbers(platform, statuses);

    // Assess
    expect(recorded).toEqual(["2024-1"]);
    expect(report.editions).toBe(1);
  });

  it("reports two documents whose spellings the new grammar makes one number, and overwrites neither", async () => {
    // Prepare
    await storeDocument("a", "川府发〔2024〕12号", ["四川省人民政府"]);
    await storeDocument("bb", "川府發[2024]012號", ["四川省人民政府"]);

    // Act
    const report = await rekeyDocNumbers(platform, statuses);

    // Assess
    expect(report.conflicts).toEqual([
      {
        documentId: "bb",
        claimedBy: "a",
        key: `DOCNUM#四川省人民政府#${docNumberKey("川府发〔2024〕12号")}`,
      },
    ]);
    expect(
      (
        await platform.records.get<{ documentId: string }>(
          docNumberClaimKey("四川省人民政府", "川府发〔2024〕12号"),
        )
      )?.data.documentId,
    ).toBe("a");
  });

  it("runs again when the grammar's fingerprint changes", async () => {
    // Prepare
    await rekeyDocNumbers(platform, statuses);
    await storeDocument("a", "国发[2016]023号", ["国务院"]);

    // Act
    const unchanged = await rekeyDocNumbers(platform, statuses);
    const changed = await rekeyDocNumbers(platform, statuses, {
      fingerprint: docNumberGrammarFingerprint(oldKey),
    });

    // Assess
    expect(unchanged.skipped).toBe(true);
    expect(changed).toMatchObject({ skipped: false, claims: 1 });
  });
});
