/**
 * The storage contract every Platform adapter set must pass (embedded and AWS alike). Each
 * test works under its own key prefix or queue, so the suite needs one setup per adapter.
 */
import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { acceptedShard, documentIndexKeys, newestAccepted } from "../../src/documents/accepted.js";
import type { DocumentState, GazetteDocument } from "../../src/documents/model.js";
import { docKeys } from "../../src/documents/records.js";
import { setDocumentState } from "../../src/editions/document-state.js";
import { stagingKey, WriteOnceViolationError } from "../../src/platform/blob-policy.js";
import { ConditionFailedError, StorageRequestError } from "../../src/platform/errors.js";
import { promoteStaged } from "../../src/platform/outbox.js";
import {
  MAX_TRANSACTION_WRITES,
  type Platform,
  type QueuePort,
  type ReceivedMessage,
  type ReceiveOptions,
  type StoredRecord,
  type WriteCondition,
} from "../../src/platform/ports.js";

export interface ContractEnvironment {
  readonly platform: Platform;
  cleanup(): Promise<void>;
  readonly capabilities: {
    /** The blob backend honours If-None-Match: * (fauxqs does not). */
    readonly conditionalBlobPut: boolean;
  };
}

/** maxReceiveCount of every contract queue; the redrive test relies on it. */
export const CONTRACT_MAX_RECEIVE_COUNT = 2;

/** Queues the suite uses, one per test so leftovers never leak between tests. Each has a `-dlq`. */
export const CONTRACT_QUEUES = [
  "contract-basic",
  "contract-visibility",
  "contract-release",
  "contract-extend",
  "contract-delay",
  "contract-redrive",
  "contract-batch",
  "contract-stale",
  "contract-depth",
  "contract-unicode",
] as const;

type ContractQueue = (typeof CONTRACT_QUEUES)[number];

/** Receives until something arrives or `timeoutMs` passes (visibility and delay are in whole seconds). */
async function receiveEventually(
  queues: QueuePort,
  queue: string,
  options: ReceiveOptions = {},
  timeoutMs = 6000,
): Promise<ReceivedMessage[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = await queues.receive(queue, { waitSeconds: 1, ...options });
    if (messages.length > 0 || Date.now() > deadline) return messages;
  }
}

function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

const encoder = new TextEncoder();

export function describePlatformContract(name: string, setup: () => Promise<ContractEnvironment>): void {
  describe(`platform contract: ${name}`, () => {
    let env: ContractEnvironment;
    // A fresh namespace per run keeps reruns against a long-lived backend independent.
    const run = `c${randomUUID().slice(0, 8)}`;
    const key = (s: string) => `${run}#${s}`;
    const records = () => env.platform.records;
    const blobs = () => env.platform.blobs;
    const queues = () => env.platform.queues;
    const nowSeconds = () => Math.floor(env.platform.clock.now().getTime() / 1000);
    const queue = (q: ContractQueue) => q;

    beforeAll(async () => {
      env = await setup();
    });

    afterAll(async () => {
      await env?.cleanup();
    });

    describe("records", () => {
      it("get returns undefined for a key that was never written", async () => {
        // Prepare / Act
        const found = await records().get({ pk: key("none"), sk: "none" });

        // Assess
        expect(found).toBeUndefined();
      });

      it("put then get round-trips data, index and expiry, starting at version 1", async () => {
        // Prepare
        const expiresAt = nowSeconds() + 3600;
        const record = {
          pk: key("roundtrip"),
          sk: "doc#1",
          data: { title: "公告", n: 1 },
          index: { gsi1pk: key("roundtrip-idx"), gsi1sk: "2025-01-01" },
          expiresAt,
        };

        // Act
        const written = await records().put(record);
        const read = await records().get({ pk: record.pk, sk: record.sk });

        // Assess
        const expected: StoredRecord = { ...record, version: 1 };
        expect(written).toEqual(expected);
        expect(read).toEqual(expected);
      });

      it("each put increments the version by one", async () => {
        // Prepare
        const k = { pk: key("versions"), sk: "a" };
        await records().put({ ...k, data: 1 });

        // Act
        const second = await records().put({ ...k, data: 2 });
        const third = await records().put({ ...k, data: 3 });

        // Assess
        expect(second.version).toBe(2);
        expect(third.version).toBe(3);
        expect((await records().get(k))?.data).toBe(3);
      });

      it("a put conditioned on the current version succeeds and one on a stale version throws ConditionFailedError", async () => {
        // Prepare
        const k = { pk: key("occ"), sk: "a" };
        const first = await records().put({ ...k, data: "v1" });
        await records().put({ ...k, data: "v2" }, { kind: "version", version: first.version });

        // Act
        const stale = records().put(
          { ...k, data: "lost update" },
          { kind: "version", version: first.version },
        );

        // Assess
        await expect(stale).rejects.toBeInstanceOf(ConditionFailedError);
        expect(await records().get(k)).toMatchObject({ data: "v2", version: 2 });
      });

      it("a put conditioned on a version throws ConditionFailedError when the record does not exist", async () => {
        // Prepare
        const k = { pk: key("occ-missing"), sk: "a" };

        // Act
        const attempt = records().put({ ...k, data: 1 }, { kind: "version", version: 1 });

        // Assess
        await expect(attempt).rejects.toBeInstanceOf(ConditionFailedError);
        expect(await records().get(k)).toBeUndefined();
      });

      it("a put conditioned on absence creates a missing record and throws ConditionFailedError for an existing one", async () => {
        // Prepare
        const k = { pk: key("absent"), sk: "a" };

        // Act
        const created = await records().put({ ...k, data: "first" }, { kind: "absent" });
        const second = records().put({ ...k, data: "second" }, { kind: "absent" });

        // Assess
        expect(created.version).toBe(1);
        await expect(second).rejects.toBeInstanceOf(ConditionFailedError);
        expect((await records().get(k))?.data).toBe("first");
      });

      it("a put conditioned on absence succeeds over an expired record", async () => {
        // Prepare
        const k = { pk: key("absent-expired"), sk: "a" };
        const expired = await records().put({ ...k, data: "old", expiresAt: nowSeconds() - 60 });

        // Act
        const replaced = await records().put({ ...k, data: "new" }, { kind: "absent" });

        // Assess
        expect(replaced.data).toBe("new");
        expect(replaced.expiresAt).toBeUndefined();
        expect(replaced.version).toBeGreaterThan(expired.version);
        expect(await records().get(k)).toMatchObject({ data: "new", version: replaced.version });
      });

      it("a put conditioned on a version throws ConditionFailedError when the record has expired", async () => {
        // Prepare
        const k = { pk: key("version-expired"), sk: "a" };
        const expired = await records().put({ ...k, data: "old", expiresAt: nowSeconds() - 60 });

        // Act
        const attempt = records().put({ ...k, data: "new" }, { kind: "version", version: expired.version });

        // Assess
        await expect(attempt).rejects.toBeInstanceOf(ConditionFailedError);
      });

      it("expired records are hidden from get and query", async () => {
        // Prepare
        const pk = key("expiry");
        await records().put({ pk, sk: "live", data: 1, expiresAt: nowSeconds() + 3600 });
        await records().put({
          pk,
          sk: "dead",
          data: 2,
          expiresAt: nowSeconds() - 1,
          index: { gsi1pk: key("expiry-idx"), gsi1sk: "x" },
        });

        // Act
        const dead = await records().get({ pk, sk: "dead" });
        const page = await records().query(pk);
        const indexPage = await records().query(key("expiry-idx"), { index: "gsi1" });

        // Assess
        expect(dead).toBeUndefined();
        expect(page.items.map((r) => r.sk)).toEqual(["live"]);
        expect(indexPage.items).toEqual([]);
      });

      it("delete removes a record, and deleting a missing record is not an error", async () => {
        // Prepare
        const k = { pk: key("delete"), sk: "a" };
        await records().put({ ...k, data: 1 });

        // Act
        await records().delete(k);
        await records().delete(k);

        // Assess
        expect(await records().get(k)).toBeUndefined();
      });

      it("delete conditioned on a stale version throws ConditionFailedError and keeps the record", async () => {
        // Prepare
        const k = { pk: key("delete-occ"), sk: "a" };
        await records().put({ ...k, data: 1 });
        const current = await records().put({ ...k, data: 2 });

        // Act
        const stale = records().delete(k, { kind: "version", version: 1 });

        // Assess
        await expect(stale).rejects.toBeInstanceOf(ConditionFailedError);
        expect(await records().get(k)).toMatchObject({ version: current.version });
        await records().delete(k, { kind: "version", version: current.version });
        expect(await records().get(k)).toBeUndefined();
      });

      it("a put without index keys removes the record from gsi1", async () => {
        // Prepare
        const k = { pk: key("unindex"), sk: "a" };
        await records().put({ ...k, data: 1, index: { gsi1pk: key("unindex-idx"), gsi1sk: "a" } });

        // Act
        const rewritten = await records().put({ ...k, data: 2 });
        const page = await records().query(key("unindex-idx"), { index: "gsi1" });

        // Assess
        expect(rewritten.index).toBeUndefined();
        expect(page.items).toEqual([]);
      });

      it("query by pk returns the partition's items in ascending sort-key order", async () => {
        // Prepare
        const pk = key("order");
        for (const sk of ["c", "a", "b"]) await records().put({ pk, sk, data: sk });
        await records().put({ pk: key("order-other"), sk: "a", data: "other partition" });

        // Act
        const page = await records().query(pk);

        // Assess
        expect(page.items.map((r) => r.sk)).toEqual(["a", "b", "c"]);
        expect(page.items.map((r) => r.data)).toEqual(["a", "b", "c"]);
        expect(page.cursor).toBeUndefined();
      });

      it("sort keys order by UTF-8 bytes, so ASCII sorts before accented and Chinese characters", async () => {
        // Prepare
        const pk = key("utf8-order");
        for (const sk of ["中", "z", "é", "a", "Z"]) await records().put({ pk, sk, data: sk });

        // Act
        const page = await records().query(pk);

        // Assess
        expect(page.items.map((r) => r.sk)).toEqual(["Z", "a", "z", "é", "中"]);
      });

      it("query with a prefix returns only sort keys that start with it", async () => {
        // Prepare
        const pk = key("prefix");
        for (const sk of ["doc#1", "doc#2", "doc", "docs#1", "edition#1", "公报#1", "公报#2", "公告#1"]) {
          await records().put({ pk, sk, data: sk });
        }

        // Act
        const docs = await records().query(pk, { prefix: "doc#" });
        const chinese = await records().query(pk, { prefix: "公报" });

        // Assess
        expect(docs.items.map((r) => r.sk)).toEqual(["doc#1", "doc#2"]);
        expect(chinese.items.map((r) => r.sk)).toEqual(["公报#1", "公报#2"]);
      });

      it("a descending query returns items in reverse sort-key order", async () => {
        // Prepare
        const pk = key("desc");
        for (const sk of ["2025-01", "2025-03", "2025-02", "2024-12"])
          await records().put({ pk, sk, data: sk });

        // Act
        const page = await records().query(pk, { descending: true, prefix: "2025" });

        // Assess
        expect(page.items.map((r) => r.sk)).toEqual(["2025-03", "2025-02", "2025-01"]);
      });

      it("query on gsi1 returns records sharing gsi1pk, ordered by gsi1sk and filtered by prefix", async () => {
        // Prepare
        const gsi1pk = key("by-date");
        const rows = [
          { sk: "doc#3", gsi1sk: "2025-02-01#doc#3" },
          { sk: "doc#1", gsi1sk: "2025-01-15#doc#1" },
          { sk: "doc#2", gsi1sk: "2025-01-20#doc#2" },
          { sk: "doc#4", gsi1sk: "2024-12-31#doc#4" },
        ];
        for (const row of rows) {
          await records().put({
            pk: key(`gsi-item-${row.sk}`),
            sk: row.sk,
            data: row.sk,
            index: { gsi1pk, ...row },
          });
        }

        // Act
        const january = await records().query(gsi1pk, { index: "gsi1", prefix: "2025-01" });
        const allDescending = await records().query(gsi1pk, { index: "gsi1", descending: true });

        // Assess
        expect(january.items.map((r) => r.data)).toEqual(["doc#1", "doc#2"]);
        expect(january.items[0]?.index).toEqual({ gsi1pk, gsi1sk: "2025-01-15#doc#1" });
        expect(allDescending.items.map((r) => r.data)).toEqual(["doc#3", "doc#2", "doc#1", "doc#4"]);
      });

      it("gsi2 is sparse: only records written with gsi2 keys are in it, and a write without them takes a record out", async () => {
        // Prepare
        const gsi2pk = key("due-day");
        const put = (sk: string, gsi2sk?: string) =>
          records().put({
            pk: key(`due-item-${sk}`),
            sk,
            data: sk,
            index: { gsi1pk: key("due-list"), gsi1sk: sk, ...(gsi2sk ? { gsi2pk, gsi2sk } : {}) },
          });
        await put("a", "2025-01-02T00:00:00.000Z#a");
        await put("b", "2025-01-01T00:00:00.000Z#b");
        await put("c");
        await put("d", "2025-01-03T00:00:00.000Z#d");

        // Act: d is due no more
        await put("d");
        const due = await records().query(gsi2pk, { index: "gsi2" });
        const listed = await records().query(key("due-list"), { index: "gsi1" });

        // Assess
        expect(due.items.map((r) => r.data)).toEqual(["b", "a"]);
        expect(due.items[0]?.index).toEqual({
          gsi1pk: key("due-list"),
          gsi1sk: "b",
          gsi2pk,
          gsi2sk: "2025-01-01T00:00:00.000Z#b",
        });
        expect(listed.items.map((r) => r.data)).toEqual(["a", "b", "c", "d"]);
      });

      it("gsi3 is sparse as gsi2: only records written with gsi3 keys are in it, by prefix and a page at a time, and a write without them takes a record out", async () => {
        // Prepare: overdue-list keys on some records (OVERDUE#<document>, <region>#<site>)
        const gsi3pk = key("overdue-doc");
        const put = (sk: string, gsi3sk?: string) =>
          records().put({
            pk: key("overdue-notices"),
            sk,
            data: sk,
            index: { gsi1pk: key("overdue-list"), gsi1sk: sk, ...(gsi3sk ? { gsi3pk, gsi3sk } : {}) },
          });
        await put("a", "510104#a");
        await put("b", "510100#b");
        await put("c");
        await put("d", "510700#d");
        await put("e", "510104#e");

        // Act: d is overdue no more; then pages of one, and a region's range
        await put("d");
        const first = await records().query(gsi3pk, { index: "gsi3", limit: 1 });
        const rest = await records().query(gsi3pk, { index: "gsi3", cursor: first.cursor });
        const region = await records().query(gsi3pk, { index: "gsi3", prefix: "510104#" });

        // Assess
        expect([...first.items, ...rest.items].map((r) => r.data)).toEqual(["b", "a", "e"]);
        expect(rest.cursor).toBeUndefined();
        expect(first.items[0]?.index).toEqual({
          gsi1pk: key("overdue-list"),
          gsi1sk: "b",
          gsi3pk,
          gsi3sk: "510100#b",
        });
        expect(region.items.map((r) => r.data)).toEqual(["a", "e"]);
        expect((await records().get({ pk: key("overdue-notices"), sk: "d" }))?.index?.gsi3pk).toBeUndefined();
      });

      it("the accepted-documents index (sparse gsi2, sharded): newest first across shards, with a limit; a document leaves it when placed and comes back when taken out", async () => {
        // Prepare: documents of this run in every state, received a minute apart
        const ours = (doc: GazetteDocument) => doc.id.startsWith(run);
        const doc = (i: number, state: DocumentState) =>
          ({
            id: `${run}-doc-${String(i).padStart(2, "0")}`,
            receivedAt: new Date(Date.UTC(2025, 0, 1, 8, i)).toISOString(),
            state,
            title: `关于第${i}号事项的通知`,
            docNumber: null,
            issuers: ["四川省人民政府"],
            dateWritten: "2025-01-01",
            kind: "通知",
            section: "省政府文件",
            disclosure: { attribute: i % 5 === 0 ? "on_request" : "public" },
            policy: false,
          }) as unknown as GazetteDocument;
        const states: DocumentState[] = ["accepted", "placed", "published"];
        const docs = Array.from({ length: 24 }, (_, i) =>
          doc(i, states[i % 3 === 0 ? 1 : i % 7 === 0 ? 2 : 0]!),
        );
        for (const d of docs) await records().put({ ...docKeys(d.id), data: d, index: documentIndexKeys(d) });
        const accepted = docs.filter((d) => d.state === "accepted").reverse();
        const old = doc(99, "accepted"); // stored before the index existed: gsi1 keys only
        await records().put({
          ...docKeys(old.id),
          data: { ...old, receivedAt: "2024-12-31T00:00:00.000Z" },
          index: { gsi1pk: `${run}-old`, gsi1sk: "x" },
        });

        // Act
        const newest = await newestAccepted(records(), 3, ours);
        const all = await newestAccepted(records(), 100, ours);
        const publicOnly = await newestAccepted(
          records(),
          100,
          (d) => ours(d) && d.disclosure.attribute === "public",
        );
        await setDocumentState(records(), accepted[0]!.id, "placed");
        const afterPlacing = await newestAccepted(records(), 100, ours);
        await setDocumentState(records(), accepted[0]!.id, "accepted");
        const afterTakingOut = await newestAccepted(records(), 100, ours);

        // Assess
        expect(new Set(accepted.map((d) => acceptedShard(d.id))).size).toBeGreaterThan(1);
        expect(newest.items.map((d) => d.id)).toEqual(accepted.slice(0, 3).map((d) => d.id));
        expect(newest.more).toBe(true);
        expect(all.items.map((d) => d.id)).toEqual(accepted.map((d) => d.id));
        expect(all.more).toBe(false);
        expect(publicOnly.items.map((d) => d.id)).toEqual(
          accepted.filter((d) => d.disclosure.attribute === "public").map((d) => d.id),
        );
        expect(afterPlacing.items.map((d) => d.id)).toEqual(accepted.slice(1).map((d) => d.id));
        expect(afterTakingOut.items.map((d) => d.id)).toEqual(accepted.map((d) => d.id));
        expect(all.items.map((d) => d.id)).not.toContain(old.id);

        // Clean up: out of the index, for later runs against a long-lived store
        for (const d of [...docs, old]) await records().delete(docKeys(d.id));
      });

      it("query with until returns sort keys at or before it, on the table and on an index, with cursors", async () => {
        // Prepare
        const pk = key("until");
        const gsi2pk = key("until-due");
        for (const [i, time] of ["01", "02", "03", "04", "05"].entries()) {
          await records().put({
            pk,
            sk: `2025-01-${time}`,
            data: i,
            index: { gsi1pk: key("until-list"), gsi1sk: time, gsi2pk, gsi2sk: `2025-01-${time}#n${i}` },
          });
        }

        // Act
        const table = await records().query(pk, { until: "2025-01-03" });
        const first = await records().query(gsi2pk, { index: "gsi2", until: "2025-01-04#\uffff", limit: 2 });
        const rest = await records().query(gsi2pk, {
          index: "gsi2",
          until: "2025-01-04#\uffff",
          limit: 2,
          cursor: first.cursor,
        });

        // Assess
        expect(table.items.map((r) => r.sk)).toEqual(["2025-01-01", "2025-01-02", "2025-01-03"]);
        expect(first.items.map((r) => r.data)).toEqual([0, 1]);
        expect(rest.items.map((r) => r.data)).toEqual([2, 3]);
        const after = rest.cursor
          ? await records().query(gsi2pk, { index: "gsi2", until: "2025-01-04#\uffff", cursor: rest.cursor })
          : { items: [] };
        expect(after.items).toEqual([]);
        await expect(records().query(pk, { until: "x", prefix: "2025" })).rejects.toThrow(/until/);
      });

      for (const variant of [
        { label: "main table, ascending", index: undefined, descending: false },
        { label: "main table, descending", index: undefined, descending: true },
        { label: "gsi1, ascending", index: "gsi1" as const, descending: false },
        { label: "gsi1, descending", index: "gsi1" as const, descending: true },
      ]) {
        it(`paging with cursors (${variant.label}) returns every live item exactly once, in order`, async () => {
          // Prepare: 23 live items, with expired ones interleaved so filtered items fall inside pages.
          const partition = key(`paging-${variant.label}`);
          const live: string[] = [];
          for (let i = 0; i < 30; i++) {
            const sk = `item#${String(i).padStart(3, "0")}`;
            const expired = i % 4 === 1;
            if (!expired) live.push(sk);
            await records().put({
              pk: variant.index ? key(`paging-src-${variant.label}-${i}`) : partition,
              sk,
              data: { i },
              index: variant.index ? { gsi1pk: partition, gsi1sk: sk } : undefined,
              expiresAt: expired ? nowSeconds() - 10 : undefined,
            });
          }
          const expected = variant.descending ? [...live].reverse() : live;

          // Act
          const seen: string[] = [];
          let cursor: string | undefined;
          let pages = 0;
          do {
            const page = await records().query(partition, {
              index: variant.index,
              descending: variant.descending,
              limit: 4,
              cursor,
            });
            expect(page.items.length).toBeLessThanOrEqual(4);
            seen.push(...page.items.map((r) => (variant.index ? (r.index?.gsi1sk ?? "") : r.sk)));
            cursor = page.cursor;
            pages++;
          } while (cursor !== undefined && pages < 50);

          // Assess
          expect(seen).toEqual(expected);
        });
      }

      it("a cursor from another partition is refused with StorageRequestError", async () => {
        // Prepare
        const pk = key("cursor-a");
        for (const sk of ["a", "b", "c"]) await records().put({ pk, sk, data: sk });
        const first = await records().query(pk, { limit: 1 });

        // Act
        const misuse = records().query(key("cursor-b"), { cursor: first.cursor });

        // Assess
        expect(first.cursor).toBeDefined();
        await expect(misuse).rejects.toBeInstanceOf(StorageRequestError);
      });

      it("Chinese text, emoji, empty strings, nested arrays and numbers round-trip unchanged", async () => {
        // Prepare
        const data = {
          title: "国务院办公厅关于印发《政府公报》编辑规范的通知",
          issuer: "国务院办公厅",
          rare: "𠮷野家 👍",
          empty: "",
          emptyList: [],
          emptyObject: {},
          nested: [[], [[1, "二", ""]], [{ 三: [null, true, false] }]],
          numbers: [0, -1, 0.1, 1e21, Number.MAX_SAFE_INTEGER, -2.5e-7],
          nothing: null,
          "key with spaces and 中文": "value",
        };
        const k = { pk: key("unicode-数据"), sk: "公报#第1期" };

        // Act
        await records().put({ ...k, data, index: { gsi1pk: key("unicode-索引"), gsi1sk: "二〇二五年" } });
        const read = await records().get(k);
        const viaIndex = await records().query(key("unicode-索引"), { index: "gsi1", prefix: "二〇" });

        // Assess
        expect(read?.data).toEqual(data);
        expect(viaIndex.items.map((r) => r.data)).toEqual([data]);
      });

      it("a lone surrogate in data round-trips unchanged (JSON.stringify escapes it), one in a key is refused", async () => {
        // Prepare
        const data = { high: "a\uD800b", low: "\uDC00", text: "\\uD800 is six characters", pair: "𠮷" };
        const k = { pk: key("surrogate"), sk: "data" };

        // Act
        await records().put({ ...k, data });
        const read = await records().get(k);
        const badKey = records().put({ pk: key("surrogate"), sk: "x\uD800", data: 1 });

        // Assess
        expect(read?.data).toEqual(data);
        await expect(badKey).rejects.toBeInstanceOf(StorageRequestError);
      });

      it("a top-level empty string, array or null is stored as such", async () => {
        // Prepare
        const pk = key("scalars");

        // Act
        await records().put({ pk, sk: "string", data: "" });
        await records().put({ pk, sk: "array", data: [] });
        await records().put({ pk, sk: "null", data: null });

        // Assess
        expect((await records().get({ pk, sk: "string" }))?.data).toBe("");
        expect((await records().get({ pk, sk: "array" }))?.data).toEqual([]);
        expect((await records().get({ pk, sk: "null" }))?.data).toBeNull();
      });

      it("empty keys are refused with StorageRequestError", async () => {
        // Prepare / Act
        const emptyPk = records().put({ pk: "", sk: "a", data: 1 });
        const emptySk = records().get({ pk: key("x"), sk: "" });

        // Assess
        await expect(emptyPk).rejects.toBeInstanceOf(StorageRequestError);
        await expect(emptySk).rejects.toBeInstanceOf(StorageRequestError);
      });

      it("transact writes, deletes and counts together: a counter starts at zero and adds each delta", async () => {
        // Prepare
        const pk = key("tx");
        await records().put({ pk, sk: "gone", data: "old" });
        const counter = { pk, sk: "counter" };

        // Act
        await records().transact([
          {
            put: {
              pk,
              sk: "notice",
              data: { state: "delivered" },
              index: { gsi1pk: key("tx-idx"), gsi1sk: "a" },
            },
            condition: { kind: "absent" },
          },
          { delete: { pk, sk: "gone" } },
          { add: { ...counter, data: { label: "锦江区" } }, counts: { notices: 1, delivered: 1 } },
        ]);
        await records().transact([
          { add: { ...counter, data: { label: "锦江区" } }, counts: { delivered: -1, verified: 2 } },
        ]);

        // Assess
        expect((await records().get({ pk, sk: "notice" }))?.data).toEqual({ state: "delivered" });
        expect(await records().get({ pk, sk: "gone" })).toBeUndefined();
        const read = await records().get(counter);
        expect(read?.data).toEqual({ label: "锦江区" });
        expect(read?.counts).toEqual({ notices: 1, delivered: 0, verified: 2 });
        const listed = await records().query(pk, { prefix: "counter" });
        expect(listed.items[0]?.counts).toEqual({ notices: 1, delivered: 0, verified: 2 });
      });

      it("a query for counts only (countsOnly) returns each counter's sort key, data and counts, pages with cursors, and is refused on an index or with a bad count name", async () => {
        // Prepare
        const pk = key("counts-only");
        for (const [sk, n] of [
          ["a", 1],
          ["b", 2],
          ["c", 3],
        ] as const) {
          await records().transact([
            {
              add: { pk, sk, data: ["锦江区", "510104", "county"] },
              counts: { notices: n, verified: n - 1 },
            },
          ]);
        }
        await records().transact([
          { add: { pk, sk: "b", data: ["青羊区", "510105", "county"] }, counts: { overdue: 1 } },
        ]);

        // Act
        const first = await records().query(pk, { countsOnly: ["notices", "verified", "overdue"], limit: 2 });
        const rest = await records().query(pk, {
          countsOnly: ["notices", "verified", "overdue"],
          cursor: first.cursor,
        });
        const onIndex = records().query(pk, { index: "gsi1", countsOnly: ["notices"] });
        const badName = records().query(pk, { countsOnly: ["no tice"] });

        // Assess
        const read = [...first.items, ...rest.items].map((r) => ({
          pk: r.pk,
          sk: r.sk,
          data: r.data,
          counts: r.counts,
        }));
        expect(read).toEqual([
          { pk, sk: "a", data: ["锦江区", "510104", "county"], counts: { notices: 1, verified: 0 } },
          {
            pk,
            sk: "b",
            data: ["青羊区", "510105", "county"],
            counts: { notices: 2, verified: 1, overdue: 1 },
          },
          { pk, sk: "c", data: ["锦江区", "510104", "county"], counts: { notices: 3, verified: 2 } },
        ]);
        expect(first.cursor).toBeDefined();
        expect(rest.cursor).toBeUndefined();
        await expect(onIndex).rejects.toBeInstanceOf(StorageRequestError);
        await expect(badName).rejects.toBeInstanceOf(StorageRequestError);
        // Not one to write back: its version (NaN where the store left it out) is refused as a condition.
        const [record] = first.items;
        if (Number.isNaN(record!.version))
          await expect(
            records().put({ pk, sk: "a", data: null }, { kind: "version", version: record!.version }),
          ).rejects.toBeInstanceOf(StorageRequestError);
      });

      it("adds to a counter under a condition: absent, or at the version read, else nothing", async () => {
        // Prepare
        const pk = key("tx-add-cond");
        const counter = { pk, sk: "counter" };
        const add = (data: string, n: number, condition: WriteCondition) =>
          records().transact([{ add: { ...counter, data }, counts: { notices: n }, condition }]);

        // Act
        await add("a", 2, { kind: "absent" });
        const first = await records().get(counter);
        const twice = await add("b", 5, { kind: "absent" }).catch((e: unknown) => e);
        await add("c", -1, { kind: "version", version: first!.version });
        const stale = await add("d", 7, { kind: "version", version: first!.version }).catch(
          (e: unknown) => e,
        );

        // Assess
        expect(twice).toBeInstanceOf(ConditionFailedError);
        expect(stale).toBeInstanceOf(ConditionFailedError);
        const read = await records().get(counter);
        expect(read).toMatchObject({ data: "c", counts: { notices: 1 }, version: first!.version + 1 });
      });

      it("a transaction whose condition fails writes nothing and throws ConditionFailedError", async () => {
        // Prepare
        const pk = key("tx-fail");
        const notice = await records().put({ pk, sk: "notice", data: "v1" });
        await records().put({ pk, sk: "notice", data: "v2" });
        const counter = { pk, sk: "counter" };
        await records().transact([{ add: { ...counter, data: null }, counts: { notices: 1 } }]);

        // Act
        const stale = records().transact([
          { add: { ...counter, data: null }, counts: { notices: 1 } },
          { put: { pk, sk: "other", data: "new" } },
          { put: { pk, sk: "notice", data: "v3" }, condition: { kind: "version", version: notice.version } },
        ]);

        // Assess
        await expect(stale).rejects.toBeInstanceOf(ConditionFailedError);
        expect((await records().get(counter))?.counts).toEqual({ notices: 1 });
        expect(await records().get({ pk, sk: "other" })).toBeUndefined();
        expect((await records().get({ pk, sk: "notice" }))?.data).toBe("v2");
      });

      it("transactEach commits each transaction whole or not at all, in order where they share records, and tells which committed", async () => {
        // Prepare: a notice at version 2, a counter at 1
        const pk = key("tx-each");
        const notice = await records().put({ pk, sk: "notice", data: "v1" });
        await records().put({ pk, sk: "notice", data: "v2" });
        const counter = { pk, sk: "counter" };
        await records().transact([{ add: { ...counter, data: null }, counts: { notices: 1 } }]);

        // Act: the second is stale (version 1); the first and third share the counter
        const committed = await records().transactEach([
          [
            { put: { pk, sk: "a", data: "first" }, condition: { kind: "absent" } },
            { add: { ...counter, data: null }, counts: { notices: 2 } },
          ],
          [
            { add: { ...counter, data: null }, counts: { notices: 100 } },
            { put: { pk, sk: "b", data: "stale" } },
            {
              put: { pk, sk: "notice", data: "v3" },
              condition: { kind: "version", version: notice.version },
            },
          ],
          [
            { put: { pk, sk: "a", data: "third" }, condition: { kind: "version", version: 1 } },
            { add: { ...counter, data: null }, counts: { notices: -1, delivered: 1 } },
          ],
        ]);

        // Assess
        expect(committed).toEqual([true, false, true]);
        expect((await records().get(counter))?.counts).toEqual({ notices: 2, delivered: 1 });
        expect(await records().get({ pk, sk: "b" })).toBeUndefined();
        expect((await records().get({ pk, sk: "notice" }))?.data).toBe("v2");
        expect(await records().get({ pk, sk: "a" })).toMatchObject({ data: "third", version: 2 });
      });

      it("transactEach: a counter's adds from several transactions sum (each one a version), the writes of a failed one do not count, and a later conditioned write or delete finds a record as the earlier ones left it", async () => {
        // Prepare: a notice at version 2; counters A (absent) and B (at version 1)
        const pk = key("tx-each-adds");
        const notice = await records().put({ pk, sk: "notice", data: "v1" });
        await records().put({ pk, sk: "notice", data: "v2" });
        const a = { pk, sk: "counter-a" };
        const b = { pk, sk: "counter-b" };
        await records().transact([{ add: { ...b, data: "b0" }, counts: { notices: 1 } }]);
        const stale = { kind: "version", version: notice.version } as const;

        // Act
        const committed = await records().transactEach([
          [
            { add: { ...a, data: "a1" }, counts: { notices: 1, overdue: 1 } },
            { add: { ...b, data: "b1" }, counts: { notices: 1 } },
          ],
          [
            { add: { ...a, data: "stale" }, counts: { notices: 100 } },
            { put: { pk, sk: "notice", data: "v3" }, condition: stale },
          ],
          [{ add: { ...a, data: "a2" }, counts: { overdue: -1, delivered: 2 } }],
          // A at version 2 after the first and third: this one commits (version 3)
          [{ add: { ...a, data: "a3" }, counts: { notices: 1 }, condition: { kind: "version", version: 2 } }],
          // and this one does not: A exists
          [{ add: { ...a, data: "absent" }, counts: { notices: 1000 }, condition: { kind: "absent" } }],
          [{ add: { ...a, data: "a4" }, counts: { notices: 1 } }],
          // B moved by the first: deleted here, so nothing of it is left
          [
            { add: { ...b, data: "b2" }, counts: { notices: 5 } },
            { put: { pk, sk: "other", data: "x" } },
            { put: { pk, sk: "notice", data: "v3" }, condition: stale },
          ],
          [{ delete: b }],
          // plain puts: the second finds the first (version 1), the third replaces it (version 3)
          [{ put: { pk, sk: "entry", data: "e1" } }],
          [{ put: { pk, sk: "entry", data: "e2" }, condition: { kind: "version", version: 1 } }],
          [{ put: { pk, sk: "entry", data: "e3" } }],
        ]);

        // Assess
        expect(committed).toEqual([true, false, true, true, false, true, false, true, true, true, true]);
        expect(await records().get({ pk, sk: "entry" })).toMatchObject({ data: "e3", version: 3 });
        const read = await records().get(a);
        expect(read).toMatchObject({ data: "a4", version: 4 });
        expect(read?.counts).toEqual({ notices: 3, overdue: 0, delivered: 2 });
        expect(await records().get(b)).toBeUndefined();
        expect(await records().get({ pk, sk: "other" })).toBeUndefined();
        expect((await records().get({ pk, sk: "notice" }))?.data).toBe("v2");
      });

      it("a transaction is refused with StorageRequestError when empty, when it writes a record twice or when a count is not an integer", async () => {
        // Prepare
        const pk = key("tx-bad");

        // Act
        const empty = records().transact([]);
        const twice = records().transact([
          { put: { pk, sk: "a", data: 1 } },
          { add: { pk, sk: "a", data: 1 }, counts: { n: 1 } },
        ]);
        const fraction = records().transact([{ add: { pk, sk: "b", data: 1 }, counts: { n: 0.5 } }]);

        // Assess
        await expect(empty).rejects.toBeInstanceOf(StorageRequestError);
        await expect(twice).rejects.toBeInstanceOf(StorageRequestError);
        await expect(fraction).rejects.toBeInstanceOf(StorageRequestError);
        expect(await records().get({ pk, sk: "a" })).toBeUndefined();
      });

      it("transactEach takes a transaction of the store's transactEachLimit writes and refuses one more; transact takes MAX_TRANSACTION_WRITES", async () => {
        // Prepare
        const pk = key("tx-limit");
        const limit = records().transactEachLimit;
        const puts = (n: number, prefix: string) =>
          Array.from({ length: n }, (_, i) => ({
            put: { pk, sk: `${prefix}${String(i).padStart(5, "0")}`, data: i },
          }));

        // Act
        const atLimit = await records().transactEach([puts(limit, "a")]);
        const overLimit = records().transactEach([puts(limit + 1, "b")]);
        const transactOver = records().transact(puts(MAX_TRANSACTION_WRITES + 1, "c"));

        // Assess
        expect(limit).toBeGreaterThanOrEqual(MAX_TRANSACTION_WRITES);
        expect(atLimit).toEqual([true]);
        await expect(overLimit).rejects.toBeInstanceOf(StorageRequestError);
        await expect(transactOver).rejects.toBeInstanceOf(StorageRequestError);
        let stored = 0;
        let cursor: string | undefined;
        do {
          const page = await records().query(pk, { cursor, limit: 1000 });
          stored += page.items.length;
          expect(page.items.every((r) => r.sk.startsWith("a"))).toBe(true);
          cursor = page.cursor;
        } while (cursor);
        expect(stored).toBe(limit);
      });

      it("transactEach with an invalid transaction after valid ones is refused with StorageRequestError and stores nothing of any", async () => {
        // Prepare
        const pk = key("tx-each-bad");

        // Act
        const attempt = records().transactEach([
          [{ put: { pk, sk: "first", data: 1 } }, { add: { pk, sk: "counter", data: {} }, counts: { n: 1 } }],
          [{ put: { pk, sk: "second", data: 2 } }],
          [{ add: { pk, sk: "bad", data: 1 }, counts: { n: 0.5 } }],
        ]);

        // Assess
        await expect(attempt).rejects.toBeInstanceOf(StorageRequestError);
        expect((await records().query(pk)).items).toEqual([]);
      });
    });

    describe("blobs", () => {
      const blobKey = (s: string) => `${run}/${s}`;

      it("put then get round-trips bytes, content type and sha256", async () => {
        // Prepare
        const bytes = encoder.encode("<html><body>政府公报 第1期</body></html>");

        // Act
        const meta = await blobs().put(blobKey("site/index.html"), bytes, {
          contentType: "text/html; charset=utf-8",
          cacheControl: "max-age=60",
        });
        const blob = await blobs().get(blobKey("site/index.html"));

        // Assess
        const expected = {
          contentType: "text/html; charset=utf-8",
          size: bytes.byteLength,
          sha256: sha256Hex(bytes),
        };
        expect(meta).toEqual(expected);
        expect(blob).toEqual({ ...expected, bytes });
      });

      it("binary content, including every byte value, round-trips exactly", async () => {
        // Prepare
        const bytes = new Uint8Array(256 * 4).map((_, i) => i % 256);

        // Act
        await blobs().put(blobKey("binary.bin"), bytes, { contentType: "application/octet-stream" });
        const blob = await blobs().get(blobKey("binary.bin"));

        // Assess
        expect(blob?.bytes).toEqual(bytes);
        expect(blob?.sha256).toBe(sha256Hex(bytes));
      });

      it("head returns metadata for an existing blob and undefined for a missing one", async () => {
        // Prepare
        const bytes = encoder.encode("%PDF-1.7 …");
        await blobs().put(blobKey("editions/2025/1.pdf"), bytes, { contentType: "application/pdf" });

        // Act
        const head = await blobs().head(blobKey("editions/2025/1.pdf"));
        const missing = await blobs().head(blobKey("editions/2025/404.pdf"));

        // Assess
        expect(head).toEqual({
          contentType: "application/pdf",
          size: bytes.byteLength,
          sha256: sha256Hex(bytes),
        });
        expect(missing).toBeUndefined();
      });

      it("get returns undefined for a missing blob", async () => {
        // Prepare / Act
        const missing = await blobs().get(blobKey("never/written.txt"));

        // Assess
        expect(missing).toBeUndefined();
      });

      it("overwriting a blob replaces its bytes and metadata", async () => {
        // Prepare
        const k = blobKey("overwrite.txt");
        await blobs().put(k, encoder.encode("first version"), { contentType: "text/plain" });
        const second = encoder.encode("第二版");

        // Act
        await blobs().put(k, second, { contentType: "text/markdown" });
        const blob = await blobs().get(k);

        // Assess
        expect(blob).toEqual({
          bytes: second,
          contentType: "text/markdown",
          size: second.byteLength,
          sha256: sha256Hex(second),
        });
      });

      it("an empty blob round-trips", async () => {
        // Prepare / Act
        const meta = await blobs().put(blobKey("empty"), new Uint8Array(0), { contentType: "text/plain" });
        const blob = await blobs().get(blobKey("empty"));

        // Assess
        expect(meta.size).toBe(0);
        expect(blob?.bytes).toEqual(new Uint8Array(0));
        expect(blob?.sha256).toBe(sha256Hex(new Uint8Array(0)));
      });

      it("list returns the keys under a prefix in lexical order", async () => {
        // Prepare
        const keys = [
          "list/b.txt",
          "list/a/2.txt",
          "list/a/1.txt",
          "list/公报.txt",
          "listing/x.txt",
          "other/y.txt",
        ];
        for (const k of keys) await blobs().put(blobKey(k), encoder.encode(k), { contentType: "text/plain" });

        // Act
        const underList = await blobs().list(blobKey("list/"));
        const underA = await blobs().list(blobKey("list/a"));
        const none = await blobs().list(blobKey("nothing-here/"));

        // Assess
        expect(underList).toEqual(
          ["list/a/1.txt", "list/a/2.txt", "list/b.txt", "list/公报.txt"].map(blobKey),
        );
        expect(underA).toEqual(["list/a/1.txt", "list/a/2.txt"].map(blobKey));
        expect(none).toEqual([]);
      });

      it("delete removes a blob, and deleting a missing blob is not an error", async () => {
        // Prepare
        const k = blobKey("delete/me.txt");
        await blobs().put(k, encoder.encode("bye"), { contentType: "text/plain" });

        // Act
        await blobs().delete(k);
        await blobs().delete(k);

        // Assess
        expect(await blobs().get(k)).toBeUndefined();
        expect(await blobs().head(k)).toBeUndefined();
        expect(await blobs().list(blobKey("delete/"))).toEqual([]);
      });

      it("put with ifAbsent creates a blob that does not exist yet", async () => {
        // Prepare
        const bytes = encoder.encode("original");

        // Act
        await blobs().put(blobKey("if-absent/new.txt"), bytes, { contentType: "text/plain", ifAbsent: true });

        // Assess
        expect((await blobs().get(blobKey("if-absent/new.txt")))?.bytes).toEqual(bytes);
      });

      // fauxqs ignores If-None-Match on PutObject, so the refusal can only be observed where the
      // backend honours it (embedded here; real S3 does too). Where it cannot, the test pins the
      // emulator's behaviour instead, so the capability flag cannot silently go stale.
      it("put with ifAbsent refuses to overwrite an existing blob where the backend supports conditional puts (fauxqs: documents that it overwrites)", async () => {
        // Prepare
        const k = blobKey("if-absent/existing.txt");
        await blobs().put(k, encoder.encode("original"), { contentType: "text/plain" });

        // Act
        const attempt = blobs().put(k, encoder.encode("replacement"), {
          contentType: "text/plain",
          ifAbsent: true,
        });

        // Assess
        if (env.capabilities.conditionalBlobPut) {
          await expect(attempt).rejects.toBeInstanceOf(ConditionFailedError);
          expect((await blobs().get(k))?.bytes).toEqual(encoder.encode("original"));
        } else {
          await attempt;
          expect((await blobs().get(k))?.bytes).toEqual(encoder.encode("replacement"));
        }
      });

      it("a blob under a write-once prefix is written once with ifAbsent, and never overwritten or deleted", async () => {
        // Prepare: a long document's content, as promoted from staging
        const k = `documents/${run}/content.json`;
        const original = encoder.encode('{"blocks":["第一条"]}');
        await blobs().put(k, original, { contentType: "application/json", ifAbsent: true });

        // Act
        const overwrite = blobs().put(k, encoder.encode("{}"), { contentType: "application/json" });
        const removal = blobs().delete(k);

        // Assess: refused as the AWS blob bucket's policy refuses it, before anything changes
        await expect(overwrite).rejects.toBeInstanceOf(WriteOnceViolationError);
        await expect(removal).rejects.toBeInstanceOf(WriteOnceViolationError);
        expect((await blobs().get(k))?.bytes).toEqual(original);
        expect(await blobs().list(`documents/${run}/`)).toEqual([k]);
      });

      it("a staged blob is listed under staging/, read back, and gone once deleted", async () => {
        // Prepare
        const k = stagingKey(run, "originals/abc.docx");
        const bytes = encoder.encode("PK staged original");
        await blobs().put(k, bytes, { contentType: "application/octet-stream", ifAbsent: true });
        const listed = await blobs().list(`staging/${run}/`);
        const read = await blobs().get(k);

        // Act
        await blobs().delete(k);

        // Assess
        expect(listed).toEqual([k]);
        expect(read?.bytes).toEqual(bytes);
        expect(await blobs().get(k)).toBeUndefined();
        expect(await blobs().list(`staging/${run}/`)).toEqual([]);
      });

      it("promoting a staged blob writes it once under its final key and deletes the staged copy, and can be repeated", async () => {
        // Prepare
        const final = `originals/${run}-promoted.docx`;
        const staged = stagingKey(run, final);
        const bytes = encoder.encode("PK promoted original");
        await blobs().put(staged, bytes, { contentType: "application/octet-stream", ifAbsent: true });
        const item = { staged, final, contentType: "application/octet-stream" };

        // Act: a crash after the first promotion's copy would repeat it
        await promoteStaged(blobs(), [item]);
        await promoteStaged(blobs(), [item]);

        // Assess
        expect((await blobs().get(final))?.bytes).toEqual(bytes);
        expect(await blobs().list(`staging/${run}/`)).toEqual([]);
        expect(await blobs().list(`originals/${run}-`)).toEqual([final]);
      });

      it("keys with '..', a leading '/', a NUL or an empty segment are refused with StorageRequestError", async () => {
        // Prepare
        const bad = [
          "../escape.txt",
          `${run}/../../etc/passwd`,
          "/abs/path",
          `${run}/nul\u0000.txt`,
          `${run}//x`,
          "",
        ];

        // Act
        const attempts = bad.map((k) =>
          blobs()
            .put(k, encoder.encode("x"), { contentType: "text/plain" })
            .then(
              () => "accepted",
              (error: unknown) => error,
            ),
        );

        // Assess
        for (const outcome of await Promise.all(attempts)) {
          expect(outcome).toBeInstanceOf(StorageRequestError);
        }
        await expect(blobs().get("../x")).rejects.toBeInstanceOf(StorageRequestError);
      });
    });

    describe("queues", () => {
      it("a sent message is received with receiveCount 1 and its sent time, and is gone once deleted", async () => {
        // Prepare
        const q = queue("contract-basic");
        const before = Date.now();
        const [id] = await queues().send(q, [{ body: JSON.stringify({ type: "document.accepted", n: 1 }) }]);

        // Act
        const [message] = await receiveEventually(queues(), q, { visibilityTimeoutSeconds: 30 });
        await queues().delete(q, message?.receiptHandle ?? "");

        // Assess
        expect(message).toMatchObject({ messageId: id, receiveCount: 1 });
        expect(JSON.parse(message?.body ?? "null")).toEqual({ type: "document.accepted", n: 1 });
        expect(message?.sentAt).toBeGreaterThanOrEqual(before - 5000);
        expect(await queues().depth(q)).toBe(0);
        expect(await queues().receive(q)).toEqual([]);
      });

      it("Chinese text and full-width punctuation in a message body arrive unchanged", async () => {
        // Prepare
        const q = queue("contract-unicode");
        const body = JSON.stringify({
          title: "关于发布《政府公报》2025年第1期的通知",
          note: "“引号”、『括号』",
        });

        // Act
        await queues().send(q, [{ body }]);
        const [message] = await receiveEventually(queues(), q);

        // Assess
        expect(message?.body).toBe(body);
      });

      it("a received message stays hidden for its visibility timeout, then returns with a new receipt and a higher receiveCount", async () => {
        // Prepare
        const q = queue("contract-visibility");
        await queues().send(q, [{ body: '"retry me"' }]);
        const [first] = await receiveEventually(queues(), q, { visibilityTimeoutSeconds: 1 });

        // Act
        const whileHidden = await queues().receive(q);
        const [again] = await receiveEventually(queues(), q, { visibilityTimeoutSeconds: 30 });

        // Assess
        expect(first?.receiveCount).toBe(1);
        expect(whileHidden).toEqual([]);
        expect(again).toMatchObject({ messageId: first?.messageId, body: '"retry me"', receiveCount: 2 });
        expect(again?.receiptHandle).not.toBe(first?.receiptHandle);
      });

      it("changeVisibility to zero makes an in-flight message available again at once", async () => {
        // Prepare
        const q = queue("contract-release");
        await queues().send(q, [{ body: '"release"' }]);
        const [first] = await receiveEventually(queues(), q, { visibilityTimeoutSeconds: 300 });

        // Act
        await queues().changeVisibility(q, first?.receiptHandle ?? "", 0);
        const [again] = await receiveEventually(queues(), q, { visibilityTimeoutSeconds: 300 });

        // Assess
        expect(again).toMatchObject({ messageId: first?.messageId, receiveCount: 2 });
      });

      it("changeVisibility can extend the time a message stays hidden", async () => {
        // Prepare
        const q = queue("contract-extend");
        await queues().send(q, [{ body: '"slow work"' }]);
        const [first] = await receiveEventually(queues(), q, { visibilityTimeoutSeconds: 1 });

        // Act
        await queues().changeVisibility(q, first?.receiptHandle ?? "", 300);
        await new Promise((r) => setTimeout(r, 2000));
        const afterOriginalTimeout = await queues().receive(q);

        // Assess
        expect(afterOriginalTimeout).toEqual([]);
        expect(await queues().depth(q)).toBe(1);
      });

      it("a delayed message is not delivered before its delay and is delivered after it", async () => {
        // Prepare
        const q = queue("contract-delay");
        await queues().send(q, [{ body: '"later"', delaySeconds: 1 }]);

        // Act
        const immediately = await queues().receive(q);
        const [later] = await receiveEventually(queues(), q);

        // Assess
        expect(immediately).toEqual([]);
        expect(later?.body).toBe('"later"');
      });

      it(`a message received maxReceiveCount (${CONTRACT_MAX_RECEIVE_COUNT}) times without delete moves to the dead-letter queue`, async () => {
        // Prepare
        const q = queue("contract-redrive");
        const dlq = queues().deadLetterQueueOf(q);
        const [id] = await queues().send(q, [{ body: '"poison"' }]);
        const counts: number[] = [];
        for (let i = 0; i < CONTRACT_MAX_RECEIVE_COUNT; i++) {
          const [m] = await receiveEventually(queues(), q, { visibilityTimeoutSeconds: 0 });
          counts.push(m?.receiveCount ?? -1);
        }

        // Act
        const beyondLimit = await queues().receive(q, { visibilityTimeoutSeconds: 0 });
        const [dead] = await receiveEventually(queues(), dlq);

        // Assess
        expect(counts).toEqual([1, 2]);
        expect(beyondLimit).toEqual([]);
        expect(dead).toMatchObject({ messageId: id, body: '"poison"' });
        expect(await queues().depth(q)).toBe(0);
      });

      it("sending more than ten messages in one call delivers every one of them", async () => {
        // Prepare
        const q = queue("contract-batch");
        const bodies = Array.from({ length: 23 }, (_, i) => JSON.stringify({ seq: i, text: `第${i}条` }));

        // Act
        const ids = await queues().send(
          q,
          bodies.map((body) => ({ body })),
        );
        const received = new Map<string, string>();
        const deadline = Date.now() + 10_000;
        while (received.size < bodies.length && Date.now() < deadline) {
          const batch = await queues().receive(q, {
            maxMessages: 10,
            visibilityTimeoutSeconds: 300,
            waitSeconds: 1,
          });
          for (const m of batch) received.set(m.messageId, m.body);
        }

        // Assess
        expect(new Set(ids).size).toBe(bodies.length);
        expect([...received.keys()].sort()).toEqual([...ids].sort());
        expect([...received.values()].sort()).toEqual([...bodies].sort());
      });

      it("a stale receipt handle neither deletes nor re-hides a message that was received again", async () => {
        // Prepare
        const q = queue("contract-stale");
        await queues().send(q, [{ body: '"contested"' }]);
        const [first] = await receiveEventually(queues(), q, { visibilityTimeoutSeconds: 0 });
        const [second] = await receiveEventually(queues(), q, { visibilityTimeoutSeconds: 300 });

        // Act
        await queues().delete(q, first?.receiptHandle ?? "");
        const staleChange = queues().changeVisibility(q, first?.receiptHandle ?? "", 0);

        // Assess
        await expect(staleChange).rejects.toBeInstanceOf(ConditionFailedError);
        expect(second?.receiveCount).toBe(2);
        expect(await queues().depth(q)).toBe(1);
        await queues().delete(q, second?.receiptHandle ?? "");
        expect(await queues().depth(q)).toBe(0);
      });

      it("depth counts visible, in-flight and delayed messages", async () => {
        // Prepare
        const q = queue("contract-depth");
        await queues().send(q, [{ body: '"a"' }, { body: '"b"' }, { body: '"c"', delaySeconds: 300 }]);
        await receiveEventually(queues(), q, { visibilityTimeoutSeconds: 300 });

        // Act
        const depth = await queues().depth(q);

        // Assess
        expect(depth).toBe(3);
      });

      it('the dead-letter queue of a queue is the queue name plus "-dlq"', () => {
        // Prepare / Act
        const dlq = queues().deadLetterQueueOf("contract-basic");

        // Assess
        expect(dlq).toBe("contract-basic-dlq");
      });

      it("empty bodies, characters SQS refuses and delays over 900 s are refused with StorageRequestError", async () => {
        // Prepare
        const q = queue("contract-basic");

        // Act
        const empty = queues().send(q, [{ body: "" }]);
        const control = queues().send(q, [{ body: "bad\u0000char" }]);
        const delay = queues().send(q, [{ body: '"x"', delaySeconds: 901 }]);

        // Assess
        await expect(empty).rejects.toBeInstanceOf(StorageRequestError);
        await expect(control).rejects.toBeInstanceOf(StorageRequestError);
        await expect(delay).rejects.toBeInstanceOf(StorageRequestError);
      });
    });
  });
}
