import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { run } from "../../src/cli/main.js";
import { createEmbeddedPlatform } from "../../src/platform/embedded/index.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { buildComplianceReport } from "../../src/reposts/compliance.js";
import { type RepostNotice, untouchedNotice } from "../../src/reposts/model.js";
import { noticeKeys, type RepostDocument, repostDocumentKeys } from "../../src/reposts/records.js";
import { lockDataDir } from "../../src/runtime/data-dir-lock.js";
import { capture } from "../support/cli-io.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A data directory as an older release left it: a fanned-out document and notices, no counters. */
function legacyDataDir(): string {
  const dataDir = mkdtempSync(join(tmpdir(), "gazette-rebuild-"));
  dirs.push(dataDir);
  return dataDir;
}

async function seedLegacy(dataDir: string) {
  const platform = createEmbeddedPlatform({
    dataDir,
    clock: new ManualClock(Date.parse("2026-03-02T02:00:00Z")),
  });
  const doc: RepostDocument = {
    documentId: "docA",
    editionId: "ed1",
    title: "关于做好春耕工作的通知",
    docNumber: null,
    publishedAt: "2026-03-02T02:00:00.000Z",
    deadline: "2026-03-09",
    deadlineProvisional: false,
  };
  await platform.records.put({ ...repostDocumentKeys(doc.documentId), data: doc });
  for (const [siteId, state] of [
    ["jinjiang", "delivered"],
    ["qingyang", "failed"],
  ] as const) {
    const notice: RepostNotice = {
      id: `docA.${siteId}`,
      documentId: "docA",
      siteId,
      editionId: "ed1",
      createdAt: doc.publishedAt,
      site: { name: siteId, region: "510104", level: "county" },
      document: { title: doc.title, docNumber: null },
      deadline: doc.deadline,
      deadlineProvisional: false,
      ...untouchedNotice(null),
      delivery: { ...untouchedNotice(null).delivery, state, attempts: 1 },
    };
    await platform.records.put({
      ...noticeKeys("docA", siteId),
      data: notice,
      index: { gsi1pk: `SITE_REPOSTS#${siteId}`, gsi1sk: `${notice.createdAt}#docA` },
    });
  }
  await platform.flush();
  platform.close();
}

describe("gazette reposts rebuild", () => {
  it("counts the notices an older release stored, straight in the data directory, and finds nothing to do the second time", async () => {
    // Prepare
    const dataDir = legacyDataDir();
    await seedLegacy(dataDir);
    const first = capture();
    const second = capture();

    // Act
    const code = await run(["reposts", "rebuild"], first.io, { GAZETTE_DATA_DIR: dataDir });
    await run(["reposts", "rebuild"], second.io, { GAZETTE_DATA_DIR: dataDir });

    // Assess
    expect(code).toBe(0);
    expect(first.out.join("\n")).toContain("documents 1  notices 2  rewritten 2");
    expect(second.out.join("\n")).toContain("rewritten 0  counters corrected 0  overdue entries 0");
    const platform = createEmbeddedPlatform({ dataDir });
    const report = await buildComplianceReport(platform, {});
    platform.close();
    expect(report.totals).toMatchObject({ notices: 2, delivered: 1, failed: 1 });
  });

  it("refuses while a running pipeline holds the data directory, and writes nothing", async () => {
    // Prepare
    const dataDir = legacyDataDir();
    await seedLegacy(dataDir);
    const lock = lockDataDir(dataDir);
    const refused = capture();

    // Act
    const code = await run(["reposts", "rebuild"], refused.io, { GAZETTE_DATA_DIR: dataDir });
    lock.release();

    // Assess
    expect(code).not.toBe(0);
    expect(refused.err.join("\n")).toMatch(/in use by another gazette pipeline/);
    const platform = createEmbeddedPlatform({ dataDir });
    const report = await buildComplianceReport(platform, {});
    platform.close();
    expect(report.totals.notices).toBe(0);
  });
});
