import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ACCEPTED_INDEX_META,
  backfillAcceptedIndex,
  documentIndexKeys,
  newestAccepted,
} from "../../src/documents/accepted.js";
import type { DocumentState, GazetteDocument } from "../../src/documents/model.js";
import { DOCUMENTS_INDEX, docKeys } from "../../src/documents/records.js";
import { createEmbeddedPlatform, type EmbeddedPlatform } from "../../src/platform/embedded/index.js";

/**
 * The accepted-documents index (src/documents/accepted.ts): the console's home page counts what
 * waits to be placed and an edition page offers it, reading only the accepted documents.
 */

function aDocument(id: string, receivedAt: string, state: DocumentState, disclosure = "public") {
  return {
    id,
    receivedAt,
    state,
    title: `关于${id}的通知`,
    docNumber: null,
    issuers: ["四川省人民政府"],
    dateWritten: receivedAt.slice(0, 10),
    kind: "通知",
    section: "省政府文件",
    disclosure: { attribute: disclosure },
    policy: false,
  } as unknown as GazetteDocument;
}

describe("the accepted-documents index", () => {
  let dir: string;
  let platform: EmbeddedPlatform;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "gazette-accepted-"));
    platform = createEmbeddedPlatform({ dataDir: dir });
  });
  afterEach(() => {
    platform.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lists the newest accepted documents the filter keeps, newest first, says when more wait, and pages on to the oldest", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            minute: fc.integer({ min: 0, max: 10_000 }),
            state: fc.constantFrom<DocumentState>("accepted", "placed", "published"),
            disclosure: fc.constantFrom("public", "on_request", "not_disclosed"),
          }),
          { maxLength: 40 },
        ),
        fc.integer({ min: 1, max: 30 }),
        fc.boolean(),
        async (specs, limit, publicOnly) => {
          // Prepare: this run's documents (ids of their own, so runs share one store)
          run += 1;
          const prefix = `r${String(run).padStart(4, "0")}`;
          const docs = specs.map((s, i) =>
            aDocument(
              `${prefix}-${String(i).padStart(2, "0")}`,
              new Date(Date.UTC(2025, 0, 1) + s.minute * 60_000).toISOString(),
              s.state,
              s.disclosure,
            ),
          );
          for (const d of docs)
            await platform.records.put({ ...docKeys(d.id), data: d, index: documentIndexKeys(d) });
          const keep = (d: GazetteDocument) =>
            d.id.startsWith(prefix) && (!publicOnly || d.disclosure.attribute === "public");

          // Act: the first page, then every page after it
          const page = await newestAccepted(platform.records, limit, keep);
          const pages = [page];
          while (pages.at(-1)!.more && pages.length < 50)
            pages.push(await newestAccepted(platform.records, limit, keep, pages.at(-1)!.next));
          for (const d of docs) await platform.records.delete(docKeys(d.id)); // the next run starts empty

          // Assess: the model is every document sorted newest first, filtered, cut at the limit
          const expected = docs
            .filter((d) => d.state === "accepted" && keep(d))
            .sort((a, b) => `${b.receivedAt}#${b.id}`.localeCompare(`${a.receivedAt}#${a.id}`));
          expect(page.items.map((d) => d.id)).toEqual(expected.slice(0, limit).map((d) => d.id));
          expect(page.more).toBe(expected.length > limit);
          expect(pages.flatMap((p) => p.items.map((d) => d.id))).toEqual(expected.map((d) => d.id));
          expect(pages.slice(0, -1).every((p) => p.items.length === limit)).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it("the backfill gives documents stored before the index its keys, once", async () => {
    // Prepare: documents as intake stored them before the index (gsi1 keys only)
    const before = [
      aDocument("a", "2025-01-01T08:00:00.000Z", "accepted"),
      aDocument("b", "2025-01-02T08:00:00.000Z", "placed"),
      aDocument("c", "2025-01-03T08:00:00.000Z", "accepted"),
    ];
    for (const d of before)
      await platform.records.put({
        ...docKeys(d.id),
        data: d,
        index: { gsi1pk: DOCUMENTS_INDEX, gsi1sk: `${d.receivedAt}#${d.id}` },
      });
    const unindexed = await newestAccepted(platform.records, 10);

    // Act
    const first = await backfillAcceptedIndex(platform);
    const second = await backfillAcceptedIndex(platform);
    const listed = await newestAccepted(platform.records, 10);

    // Assess
    expect(unindexed.items).toEqual([]);
    expect(first).toEqual({ skipped: false, indexed: 2 });
    expect(second).toEqual({ skipped: true, indexed: 0 });
    expect(listed.items.map((d) => d.id)).toEqual(["c", "a"]);
    expect(await platform.records.get(ACCEPTED_INDEX_META)).toBeDefined();
    expect((await platform.records.get(docKeys("b")))?.index).toEqual(documentIndexKeys(before[1]!));
  });
});
