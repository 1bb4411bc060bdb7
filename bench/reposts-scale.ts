/**
 * Reposts at scale (issue 15): the cost of one repost tick against the number of notices stored,
 * on the embedded store, with the same 1,000 notices due at every size.
 *
 * Each size seeds its notices straight into the store (no deliveries): 100 documents fanned out
 * to N/100 sites each, every notice delivered with its deadline ahead (open, nothing due), except
 * 1,000 whose reminder day is today. Ours reads the due index (src/reposts/due.ts); the peer is
 * the tick as it was before it (bench/peers/scan-tick.ts), which reads every open notice. Both
 * run on copies of the same seeded database: first the tick that finds the 1,000 due (and marks
 * them), then an idle tick (nothing due).
 */
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { createEmbeddedPlatform } from "../src/platform/embedded/index.js";
import { ManualClock } from "../src/platform/manual-clock.js";
import { reminderDay } from "../src/reposts/due.js";
import type { RepostNotice } from "../src/reposts/model.js";
import { REPOSTS_REBUILD_VERSION } from "../src/reposts/rebuild.js";
import { noticeIndex, noticeKeys, type RepostDocument, repostDocumentKeys } from "../src/reposts/records.js";
import { RepostTick } from "../src/reposts/tick.js";
import { createWorkingDayCalendar } from "../src/reposts/working-days.js";
import { ScanningRepostTick } from "./peers/scan-tick.js";

const DOCUMENTS = 100;
const DUE = 1000;
/** Monday 2026-03-02, 10:00 in China. */
const NOW = Date.parse("2026-03-02T02:00:00Z");

export interface ScaleRun {
  readonly firstTickMs: number;
  readonly idleTickMs: number;
  readonly reminded: number;
  readonly heapDeltaMiB: number;
}

export interface ScaleResult {
  readonly notices: number;
  readonly databaseMiB: number;
  readonly seedSeconds: number;
  readonly ours: ScaleRun;
  readonly peer: ScaleRun;
}

async function seed(dataDir: string, notices: number): Promise<void> {
  const clock = new ManualClock(NOW);
  const platform = createEmbeddedPlatform({ dataDir, clock, synchronous: "normal" });
  const calendar = createWorkingDayCalendar();
  const { records } = platform;
  const now = clock.now();
  const put = (record: Parameters<typeof records.put>[0]) => records.put(record);
  const jobs: Promise<unknown>[] = [];
  // The rebuild has nothing to do on a store seeded with its due keys.
  jobs.push(put({ pk: "REPOST_TICK", sk: "due-index-version", data: { version: REPOSTS_REBUILD_VERSION } }));
  const perDocument = notices / DOCUMENTS;
  for (let d = 0; d < DOCUMENTS; d++) {
    const documentId = `01JDOC${String(d).padStart(20, "0")}`;
    // The due ones: deadline 2026-03-03, so today (03-02) is their reminder day; the rest 03-20.
    const dueHere = Math.round(DUE / DOCUMENTS);
    for (const [deadline, count, offset] of [
      ["2026-03-03", dueHere, 0],
      ["2026-03-20", perDocument - dueHere, dueHere],
    ] as const) {
      if (offset === 0) {
        const doc: RepostDocument = {
          documentId,
          editionId: "1",
          title: `关于第${d}件事的通知`,
          docNumber: null,
          publishedAt: new Date(NOW - 86_400_000).toISOString(),
          deadline,
          deadlineProvisional: false,
        };
        jobs.push(put({ ...repostDocumentKeys(documentId), data: doc }));
      }
      const remindFrom = reminderDay(calendar, deadline);
      for (let s = offset; s < offset + count; s++) {
        const siteId = `01JSITE${String(s).padStart(19, "0")}`;
        const notice: RepostNotice = {
          id: `${documentId}.${siteId}`,
          documentId,
          siteId,
          editionId: "1",
          createdAt: new Date(NOW - 86_400_000).toISOString(),
          site: { name: `第${s}县人民政府`, region: "510104", level: "county" },
          document: { title: `关于第${d}件事的通知`, docNumber: null },
          deadline,
          deadlineProvisional: false,
          delivery: {
            state: "delivered",
            attempts: 1,
            nextAttemptAt: null,
            deliveredAt: new Date(NOW - 86_000_000).toISOString(),
            failedAt: null,
            lastStatus: 200,
            lastError: null,
            lease: null,
          },
          ack: null,
          verification: null,
          reminderSentAt: null,
          overdueAt: null,
          remindFrom,
        };
        jobs.push(put({ ...noticeKeys(documentId, siteId), data: notice, index: noticeIndex(notice, now) }));
      }
    }
  }
  await Promise.all(jobs);
  platform.close();
}

async function measure(dataDir: string, kind: "ours" | "peer"): Promise<ScaleRun> {
  // A day earlier, nothing is due yet: ours runs once then, as a running deployment has, so its
  // watermark is set (it then reads the due partitions of the days since, not 100 days back).
  const clock = new ManualClock(NOW - 86_400_000);
  const platform = createEmbeddedPlatform({ dataDir, clock, synchronous: "normal" });
  const calendar = createWorkingDayCalendar();
  const tick =
    kind === "ours" ? new RepostTick({ platform, calendar }) : new ScanningRepostTick({ platform, calendar });
  if (kind === "ours") await tick.run();
  clock.advance(86_400_000);
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let t0 = performance.now();
  const first = await tick.run();
  const firstTickMs = performance.now() - t0;
  const heapDeltaMiB = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
  t0 = performance.now();
  await tick.run();
  const idleTickMs = performance.now() - t0;
  platform.close();
  return { firstTickMs, idleTickMs, reminded: first.reminded, heapDeltaMiB };
}

function copyDir(from: string, to: string): void {
  for (const f of readdirSync(from)) {
    const src = join(from, f);
    if (statSync(src).isFile()) copyFileSync(src, join(to, f));
  }
}

export async function benchRepostsScale(sizes: readonly number[]): Promise<ScaleResult[]> {
  const results: ScaleResult[] = [];
  for (const notices of sizes) {
    const seeded = mkdtempSync(join(tmpdir(), "gazette-scale-"));
    const copy = mkdtempSync(join(tmpdir(), "gazette-scale-peer-"));
    try {
      const t0 = performance.now();
      await seed(seeded, notices);
      const seedSeconds = (performance.now() - t0) / 1000;
      copyDir(seeded, copy);
      const databaseMiB =
        readdirSync(seeded)
          .filter((f) => f.startsWith("gazette.sqlite"))
          .reduce((n, f) => n + statSync(join(seeded, f)).size, 0) /
        2 ** 20;
      // One at a time: the peer first on its copy, then ours.
      const peer = await measure(copy, "peer");
      const ours = await measure(seeded, "ours");
      results.push({ notices, databaseMiB, seedSeconds, ours, peer });
      console.log(
        `${notices} notices: ours ${ours.firstTickMs.toFixed(0)} ms (idle ${ours.idleTickMs.toFixed(0)} ms), peer ${peer.firstTickMs.toFixed(0)} ms (idle ${peer.idleTickMs.toFixed(0)} ms)`,
      );
    } finally {
      rmSync(seeded, { recursive: true, force: true });
      rmSync(copy, { recursive: true, force: true });
    }
  }
  return results;
}

export function repostsScaleReport(results: readonly ScaleResult[], machine: string): string[] {
  const lines = [
    `# Repost tick at scale (${new Date().toISOString()})`,
    machine,
    `embedded store (SQLite, synchronous=normal), ${DOCUMENTS} documents, the same ${DUE} notices due (reminders) at every size, the rest open and not due`,
    "ours: the due index (gsi2, partial SQLite index); peer: the tick before it (bench/peers/scan-tick.ts), reading every open notice",
    "",
    "| notices | database | ours: tick with 1,000 due | ours: idle tick | peer: tick with 1,000 due | peer: idle tick | ratio peer/ours (due) | heap Δ ours / peer |",
    "| --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const r of results) {
    lines.push(
      `| ${r.notices.toLocaleString("en")} | ${r.databaseMiB.toFixed(0)} MiB | ${r.ours.firstTickMs.toFixed(0)} ms (${r.ours.reminded} reminded) | ${r.ours.idleTickMs.toFixed(1)} ms | ${r.peer.firstTickMs.toFixed(0)} ms (${r.peer.reminded} reminded) | ${r.peer.idleTickMs.toFixed(0)} ms | ${(r.peer.firstTickMs / r.ours.firstTickMs).toFixed(1)}× | ${r.ours.heapDeltaMiB.toFixed(1)} / ${r.peer.heapDeltaMiB.toFixed(1)} MiB |`,
    );
  }
  const first = results[0];
  const last = results.at(-1);
  if (first && last && first !== last) {
    lines.push(
      "",
      `ours, ${last.notices.toLocaleString("en")} vs ${first.notices.toLocaleString("en")} notices: tick with 1,000 due ×${(last.ours.firstTickMs / first.ours.firstTickMs).toFixed(2)}, idle ×${(last.ours.idleTickMs / first.ours.idleTickMs).toFixed(2)}; peer: ×${(last.peer.firstTickMs / first.peer.firstTickMs).toFixed(2)}, idle ×${(last.peer.idleTickMs / first.peer.idleTickMs).toFixed(2)}`,
    );
  }
  return [...lines, ""];
}
