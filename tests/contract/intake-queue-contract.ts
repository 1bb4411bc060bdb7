/**
 * The intake queue's filters on a platform (src/documents/filter-index.ts, DocumentIntake.list):
 * the same answers on the embedded adapters and on the AWS adapters (dynalite + fauxqs). Every
 * combination of state, section, issuer, disclosure, received-date range and search, paged at any
 * page size, returns exactly what a filter over every document returns, newest first; the
 * equality filters read only matching entries however old the matches are.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { DocumentIntake, type ListFilter } from "../../src/documents/intake.js";
import type { DocumentState, DocumentSummary, GazetteDocument } from "../../src/documents/model.js";
import { setDocumentState } from "../../src/editions/document-state.js";
import type { Platform } from "../../src/platform/ports.js";
import { aSubmission } from "../support/factories.js";

export interface IntakeQueueContractEnvironment {
  readonly platform: Platform;
  cleanup(): Promise<void>;
}

const ISSUERS = ["四川省人民政府", "四川省人民政府办公厅", "四川省教育厅", "四川省财政厅"];
const SECTIONS = ["省政府文件", "省政府办公厅文件", "部门文件"];
const DISCLOSURES = ["public", "on_request", "not_public"];
const STATES: DocumentState[] = ["accepted", "placed", "published"];

/** What the queue must answer: every document the filter keeps, newest received first. */
function model(all: readonly GazetteDocument[], f: ListFilter): string[] {
  return all
    .filter(
      (d) =>
        (!f.state || d.state === f.state) &&
        (!f.section || d.section === f.section) &&
        (!f.issuer || d.issuers.includes(f.issuer)) &&
        (!f.disclosure || d.disclosure.attribute === f.disclosure) &&
        (!f.receivedFrom || d.receivedAt >= f.receivedFrom) &&
        (!f.receivedBefore || d.receivedAt < f.receivedBefore) &&
        (!f.q || d.title.includes(f.q) || (d.docNumber ?? "").includes(f.q)),
    )
    .sort((a, b) => (`${b.receivedAt}#${b.id}` < `${a.receivedAt}#${a.id}` ? -1 : 1))
    .map((d) => d.id);
}

async function allPages(intake: DocumentIntake, f: ListFilter, limit: number) {
  const pages: DocumentSummary[][] = [];
  let cursor: string | undefined;
  do {
    const page = await intake.list(f, { limit, cursor });
    pages.push(page.items);
    cursor = page.cursor;
  } while (cursor && pages.length < 5_000);
  return pages;
}

export function describeIntakeQueueContract(
  name: string,
  count: number,
  setup: () => Promise<IntakeQueueContractEnvironment>,
): void {
  describe(`intake queue contract: ${name} (${count} documents)`, () => {
    let env: IntakeQueueContractEnvironment;
    let intake: DocumentIntake;
    let documents: GazetteDocument[] = [];
    /** The oldest documents: the only ones of the rare issuer, a few of them placed. */
    const RARE = 12;

    beforeAll(async () => {
      env = await setup();
      const config = loadConfig({ GAZETTE_DATA_DIR: "/nonexistent" });
      intake = new DocumentIntake({
        platform: env.platform,
        limits: config.limits,
        sections: config.gazette.sections,
        idempotencyTtlSeconds: 3600,
      });
      for (let i = 0; i < count; i++) {
        const issuer = i < RARE ? "四川省审计厅" : ISSUERS[i % ISSUERS.length]!;
        const joint = i % 7 === 3 && i >= RARE ? [issuer, ISSUERS[(i + 1) % ISSUERS.length]!] : [issuer];
        const { document } = await intake.submit({
          input: aSubmission({
            title: `${issuer}关于第${i}号事项的通知`,
            docNumber: `川文〔2025〕${i + 1}号`,
            issuers: joint,
            signer: joint.join("　"),
            section: SECTIONS[i % SECTIONS.length],
            disclosure:
              i % DISCLOSURES.length === 0
                ? { attribute: "public" }
                : { attribute: DISCLOSURES[i % DISCLOSURES.length], reason: "涉及内部事务" },
          }),
          submittedBy: "contract",
        });
        documents.push(document);
      }
      // Some move on, as placing and publishing do (the editions module's writer).
      for (const [i, doc] of documents.entries()) {
        const state = i < RARE ? (i % 3 === 0 ? "placed" : "accepted") : STATES[(i * 5) % 3]!;
        if (state !== "accepted") await setDocumentState(env.platform.records, doc.id, state);
      }
      documents = await Promise.all(documents.map((d) => intake.get(d.id)));
    }, 600_000);

    afterAll(async () => {
      await env?.cleanup();
    });

    it("the oldest documents of an issuer are on the first page, however many newer ones there are", async () => {
      // Act
      const rare = await intake.list({ issuer: "四川省审计厅" }, { limit: 50 });
      const rarePlaced = await intake.list({ issuer: "四川省审计厅", state: "placed" }, { limit: 50 });

      // Assess
      expect(rare.items.map((d) => d.id)).toEqual(model(documents, { issuer: "四川省审计厅" }));
      expect(rare.items).toHaveLength(RARE);
      expect(rare.cursor).toBeUndefined();
      expect(rarePlaced.items.map((d) => d.id)).toEqual(
        model(documents, { issuer: "四川省审计厅", state: "placed" }),
      );
      expect(rarePlaced.items.every((d) => d.state === "placed")).toBe(true);
    });

    it("every combination of filters, paged at any size, returns exactly the documents that match, newest first", async () => {
      const received = documents.map((d) => d.receivedAt).sort();
      await fc.assert(
        fc.asyncProperty(
          fc.record(
            {
              state: fc.constantFrom(...STATES),
              section: fc.constantFrom(...SECTIONS),
              issuer: fc.constantFrom(...ISSUERS, "四川省审计厅"),
              disclosure: fc.constantFrom(...DISCLOSURES),
              range: fc.tuple(fc.nat(received.length - 1), fc.nat(received.length - 1)),
              q: fc.constantFrom("第1", "第2", "教育", "〔2025〕3", "不存在的词"),
            },
            { requiredKeys: [] },
          ),
          fc.integer({ min: 1, max: 400 }),
          async (picked, limit) => {
            // Prepare
            const { range, ...rest } = picked;
            const f: ListFilter = {
              ...rest,
              ...(range
                ? { receivedFrom: received[Math.min(...range)], receivedBefore: received[Math.max(...range)] }
                : {}),
            } as ListFilter;

            // Act
            const pages = await allPages(intake, f, limit);

            // Assess
            const expected = model(documents, f);
            expect(pages.flat().map((d) => d.id)).toEqual(expected);
            // Without a search every page but the last is full.
            if (!f.q) for (const p of pages.slice(0, -1)) expect(p).toHaveLength(limit);
            for (const d of pages.flat()) {
              if (f.state) expect(d.state).toBe(f.state);
            }
          },
        ),
        { numRuns: count > 200 ? 40 : 15 },
      );
    }, 600_000);

    it("a search finds an old document without reading the newer ones page by page", async () => {
      // Prepare: the title of the oldest document
      const oldest = documents[0]!;

      // Act
      const found = await intake.list({ q: oldest.docNumber! }, { limit: 20 });

      // Assess
      expect(found.items.map((d) => d.id)).toContain(oldest.id);
    });
  });
}
