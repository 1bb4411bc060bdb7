import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { SqliteRecordStore } from "../../src/platform/embedded/sqlite-records.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import type { RecordStore } from "../../src/platform/ports.js";
import { complianceOverdueCsv, OVERDUE_STREAM_PAGE } from "../../src/reposts/compliance.js";
import type { RepostNotice } from "../../src/reposts/model.js";
import {
  noticeIndex,
  noticeKeys,
  type RepostDocument,
  repostDocumentKeys,
} from "../../src/reposts/records.js";

const NOW = Date.parse("2026-03-02T02:00:00Z");

function documentOf(n: number, deadline: string): RepostDocument {
  return {
    documentId: `01JDOC${String(n).padStart(20, "0")}`,
    editionId: "1",
    title: `关于第${n}件事的通知`,
    docNumber: `川府发〔2026〕${n}号`,
    publishedAt: "2026-02-10T02:00:00.000Z",
    deadline,
    deadlineProvisional: false,
  };
}

/** A notice the tick has escalated: delivered, never acknowledged, past its deadline. */
function overdueNotice(doc: RepostDocument, s: number): RepostNotice {
  const siteId = `01JSITE${String(s).padStart(19, "0")}`;
  return {
    id: `${doc.documentId}.${siteId}`,
    documentId: doc.documentId,
    siteId,
    editionId: "1",
    createdAt: doc.publishedAt,
    site: {
      name: `第${s}县人民政府`,
      region: `51${String(1 + (s % 20)).padStart(2, "0")}${String(1 + (s % 7)).padStart(2, "0")}`,
      level: "county",
    },
    document: { title: doc.title, docNumber: doc.docNumber, publishedAt: doc.publishedAt },
    deadline: doc.deadline,
    deadlineProvisional: false,
    delivery: {
      state: "delivered",
      attempts: 1,
      nextAttemptAt: null,
      deliveredAt: doc.publishedAt,
      failedAt: null,
      lastStatus: 200,
      lastError: null,
      lease: null,
    },
    ack: null,
    verification: null,
    reminderSentAt: "2026-02-20T02:00:00.000Z",
    overdueAt: "2026-02-28T16:00:00.000Z",
  };
}

describe("overdue list streamed at scale", () => {
  it("lists every overdue notice of several documents past several pages, in deadline, document and region order, each page asked for before the one before it is written out", async () => {
    // Prepare: 2.4 stream pages of overdue notices over three documents; a store that notes how
    // many rows the caller had been handed when each query was asked
    const clock = new ManualClock(NOW);
    const store = new SqliteRecordStore(new Database(":memory:"), clock);
    const late = documentOf(1, "2026-02-25");
    const early = documentOf(2, "2026-02-20");
    const earlyToo = documentOf(3, "2026-02-20");
    const sizes = new Map([
      [late, 900],
      [early, 1200],
      [earlyToo, 300],
    ]);
    const expected: string[] = [];
    for (const doc of sizes.keys()) await store.put({ ...repostDocumentKeys(doc.documentId), data: doc });
    for (const doc of [early, earlyToo, late]) {
      const notices = Array.from({ length: sizes.get(doc)! }, (_, s) => overdueNotice(doc, s));
      for (const n of notices) {
        await store.put({
          ...noticeKeys(n.documentId, n.siteId),
          data: n,
          index: noticeIndex(n, new Date(NOW)),
        });
      }
      expected.push(
        ...notices
          .sort((a, b) => `${a.site.region}#${a.siteId}`.localeCompare(`${b.site.region}#${b.siteId}`))
          .map((n) => n.id),
      );
    }
    let rowsHanded = 0;
    const asked: number[] = [];
    const records = new Proxy(store, {
      get(target, name, receiver) {
        if (name !== "query") return Reflect.get(target, name, receiver);
        return (partition: string, options: Parameters<RecordStore["query"]>[1]) => {
          if (partition.startsWith("OVERDUE#")) asked.push(rowsHanded);
          return target.query(partition, options);
        };
      },
    }) as RecordStore;

    // Act
    const lines: string[] = [];
    for await (const line of await complianceOverdueCsv({ records }, {})) {
      lines.push(line);
      if (lines.length > 1) rowsHanded++;
    }

    // Assess
    const ids = lines.slice(1).map((l) => l.split(",")[0]!.replaceAll('"', ""));
    expect(ids).toHaveLength(2400);
    expect(ids).toEqual(expected);
    expect(OVERDUE_STREAM_PAGE).toBe(1000);
    // Page 2 asked with page 1, before any row; page 3 once page 2 came, while page 1 was written.
    expect(Math.max(...asked)).toBe(OVERDUE_STREAM_PAGE);
    expect(asked.filter((at) => at === 0).length).toBeGreaterThan(1);
  });
});
