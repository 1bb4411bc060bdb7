import { createHash } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { run } from "../../src/cli/main.js";
import { verifyOffline } from "../../src/cli/verify.js";
import { loadConfig } from "../../src/config.js";
import { editionSettingsFrom } from "../../src/editions/model.js";
import { EditionService } from "../../src/editions/service.js";
import { createEmbeddedPlatform } from "../../src/platform/embedded/index.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import type { Platform, RecordStore, StoredRecord } from "../../src/platform/ports.js";
import { type LocalRuntime, startLocal } from "../../src/runtime/local.js";
import { fromPem, readCertificate } from "../../src/signing/certificate.js";
import { listKeyring } from "../../src/signing/keyring.js";
import { loadOrCreateLocalKey } from "../../src/signing/local-key.js";
import { backfillPublicationLog } from "../../src/transparency/backfill.js";
import { TransparencyLog } from "../../src/transparency/log.js";
import { openCheckpoint } from "../../src/transparency/note.js";
import { VerificationService } from "../../src/verify/service.js";
import { fakeRender } from "../editions/harness.js";
import { aSubmission } from "../support/factories.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * Issue 14: editions published before signing existed enter the log, in publication order, once;
 * from then on POST /api/verify finds their files by hash with a log proof.
 */

/** The records as a release before the log wrote them: writes to the log and its index vanish. */
function withoutLog(records: RecordStore): RecordStore {
  const isLog = (pk: string) => pk === "LOG" || pk.startsWith("LOGENTRY#") || pk.startsWith("ARTIFACT#");
  return {
    get: (key) => records.get(key),
    put: async (record, condition) =>
      isLog(record.pk) ? ({ ...record, version: 1 } as StoredRecord<never>) : records.put(record, condition),
    delete: (key, condition) => records.delete(key, condition),
    query: (partition, options) => records.query(partition, options),
    transact: (writes) => records.transact(writes),
    transactEach: (transactions) => records.transactEach(transactions),
    transactEachLimit: records.transactEachLimit,
  };
}

const dirs: string[] = [];
const apps: TestApp[] = [];
const runtimes: LocalRuntime[] = [];
afterEach(async () => {
  for (const r of runtimes.splice(0)) await r.stop();
  for (const a of apps.splice(0)) a.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Publishes editions on these dates (one document each) as a release before the log did. */
async function publishUnlogged(
  app: TestApp,
  dates: readonly string[],
  clock?: ManualClock,
): Promise<string[]> {
  const p = app.container.platform;
  const older = new EditionService({
    platform: {
      ...p,
      records: withoutLog(p.records),
      blobs: p.blobs,
      queues: p.queues,
      clock: p.clock,
    } as Platform,
    settings: editionSettingsFrom(app.container.config.gazette),
    render: fakeRender,
  });
  const ids: string[] = [];
  for (const date of dates) {
    const res = await app.postJson(aSubmission());
    const body = (await res.json()) as { id: string };
    expect(res.status, JSON.stringify(body)).toBe(201);
    const edition = await older.create({ year: 2024, date }, "editor");
    await older.setDocuments(edition.id, { documents: [body.id] }, "editor");
    await older.publish(edition.id, "editor");
    ids.push(edition.id);
    clock?.advance(3_600_000);
  }
  return ids;
}

function legacyApp(clock = new ManualClock(Date.UTC(2024, 5, 1))): TestApp {
  const dataDir = mkdtempSync(join(tmpdir(), "gazette-backfill-"));
  dirs.push(dataDir);
  const app = createTestApp({ dataDir, clock });
  apps.push(app);
  return app;
}

describe("the log backfill", () => {
  it("appends the manifests of editions published before the log, in publication order, once", async () => {
    // Prepare: two editions an older release published, then one this release published
    const clock = new ManualClock(Date.UTC(2024, 5, 1));
    const app = legacyApp(clock);
    const legacy = await publishUnlogged(app, ["2024-06-01", "2024-06-15"], clock);
    const { platform } = app.container;
    const log = new TransparencyLog({ records: platform.records, origin: "" });
    const sizeBefore = await log.size();

    // Act
    const first = await backfillPublicationLog(platform);
    const second = await backfillPublicationLog(platform);
    const forced = await backfillPublicationLog(platform, { force: true });

    // Assess
    expect(sizeBefore).toBe(0);
    expect(first).toEqual({ skipped: false, appended: legacy, alreadyLogged: 0, withoutManifest: [] });
    expect(second.skipped).toBe(true);
    expect(forced).toEqual({ skipped: false, appended: [], alreadyLogged: 2, withoutManifest: [] });
    expect(await log.size()).toBe(2);
    for (const [index, id] of legacy.entries()) {
      const view = await app.container.editions.get(id);
      const manifest = await platform.blobs.get(view.urls!.manifest.replace(/^\//, ""));
      expect((await log.entry(index))?.entry).toEqual({
        type: "edition.manifest",
        edition: id,
        url: view.urls!.manifest,
        sha256: sha256(manifest!.bytes),
        publishedAt: view.publishedAt,
      });
    }
  }, 60_000);

  it("adds them after what the log holds, and POST /api/verify then finds their files with a proof", async () => {
    // Prepare: a legacy edition, then one published by this release (logged and signed)
    const app = legacyApp();
    const [legacy] = await publishUnlogged(app, ["2024-06-01"]);
    const res = await app.postJson(aSubmission());
    const { id: documentId } = (await res.json()) as { id: string };
    const signed = await app.container.editions.create({ year: 2024, date: "2024-07-01" }, "editor");
    await app.container.editions.setDocuments(signed.id, { documents: [documentId] }, "editor");
    await app.container.editions.publish(signed.id, "editor");
    const { platform } = app.container;
    const legacyPdf = (await app.container.editions.get(legacy!)).urls?.pdf ?? "";
    const pdf = (await platform.blobs.get(legacyPdf.replace(/^\//, "")))!;
    const verify = new VerificationService(platform.records, "localhost/log");
    const unknownBefore = await verify.verifyHash(pdf.sha256);

    // Act
    const result = await backfillPublicationLog(platform);
    await app.container.seal!.signCheckpoint();
    const report = await verify.verifyFile(pdf.bytes);

    // Assess: after the signed edition's entry; the legacy file is found, with its proof
    expect(unknownBefore.verdict).toBe("unknown");
    expect(result).toMatchObject({ appended: [legacy], alreadyLogged: 1 });
    expect(report.verdict).toBe("authentic");
    expect(report.published?.edition.id).toBe(legacy);
    expect(report.log).toMatchObject({ index: 1, size: 2 });
    expect(report.reasons.join("\n")).toContain("carries no signature");
  }, 60_000);

  it("verifies such an unsigned file offline by its hash, with the report, the logged manifest and a checkpoint", async () => {
    // Prepare: a legacy edition, backfilled and checkpointed; what a reader kept
    const app = legacyApp();
    const [legacy, later] = await publishUnlogged(app, ["2024-06-01", "2024-06-15"]);
    const { platform } = app.container;
    await backfillPublicationLog(platform);
    await app.container.seal!.signCheckpoint();
    const urls = (await app.container.editions.get(legacy!)).urls!;
    const blob = async (url: string | null) =>
      (await platform.blobs.get(String(url).replace(/^\//, "")))!.bytes;
    const pdf = await blob(urls.pdf);
    const manifest = await blob(urls.manifest);
    const otherManifest = await blob((await app.container.editions.get(later!)).urls!.manifest);
    const verify = new VerificationService(platform.records, "localhost/log");
    const report = (await verify.verifyFile(pdf)) as never;
    const { note: checkpoint } = (await new TransparencyLog({
      records: platform.records,
      origin: "",
    }).latestCheckpoint())!;
    // The certificate is published once the checkpoint is signed, though nothing else was.
    const certificates = (await listKeyring(platform.records)).flatMap((e) =>
      fromPem(e.pem).map(readCertificate),
    );
    const changed = pdf.slice();
    changed[20] = changed[20]! ^ 1;

    // Act
    const lines = verifyOffline({ file: pdf, certificates, report, manifest, checkpoint });
    const withoutManifest = () => verifyOffline({ file: pdf, certificates, report, checkpoint });
    const withAnotherManifest = () =>
      verifyOffline({ file: pdf, certificates, report, manifest: otherManifest, checkpoint });
    const changedFile = () => verifyOffline({ file: changed, certificates, report, manifest, checkpoint });

    // Assess
    expect(lines.join("\n")).toMatch(
      /signature: none[\s\S]*manifest: .* lists this file[\s\S]*log: entry 0 included/,
    );
    expect(withoutManifest).toThrow(/no signature/);
    expect(withAnotherManifest).toThrow(/not the one in the log entry/);
    expect(changedFile).toThrow(/not the published one/);
  }, 60_000);

  it("runs as `gazette log backfill` on a stopped data directory and signs the checkpoint", async () => {
    // Prepare
    const app = legacyApp();
    const legacy = await publishUnlogged(app, ["2024-06-01", "2024-06-15"]);
    app.close();
    apps.splice(apps.indexOf(app), 1);
    const out: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => out.push(l), isTTY: false };

    // Act
    const code = await run(["log", "backfill"], io, { GAZETTE_DATA_DIR: app.dataDir });
    const again = await run(["log", "backfill"], io, { GAZETTE_DATA_DIR: app.dataDir });

    // Assess
    expect([code, again]).toEqual([0, 0]);
    expect(out).toEqual([
      `appended 2 (editions ${legacy.join(", ")})  already in the log 0`,
      "checkpoint: 2 entries, signed",
      "appended 0  already in the log 2",
      "checkpoint: 2 entries, signed",
    ]);
    const platform = createEmbeddedPlatform({ dataDir: app.dataDir });
    try {
      const latest = await new TransparencyLog({ records: platform.records, origin: "" }).latestCheckpoint();
      const key = loadOrCreateLocalKey(app.dataDir);
      expect(openCheckpoint(latest!.note, [await key.publicKey()]).size).toBe(2);
    } finally {
      platform.close();
    }
  }, 60_000);

  it("runs once when the server starts (npm start) on a data directory with such editions", async () => {
    // Prepare
    const app = legacyApp();
    const legacy = await publishUnlogged(app, ["2024-06-01"]);
    app.close();
    apps.splice(apps.indexOf(app), 1);

    // Act
    const runtime = await startLocal(loadConfig({ GAZETTE_DATA_DIR: app.dataDir, PORT: "0" }));
    runtimes.push(runtime);
    const entry = await fetch(`${runtime.url}/api/log/entries/0`);

    // Assess
    expect(entry.status).toBe(200);
    expect(((await entry.json()) as { entry: { edition: string } }).entry.edition).toBe(legacy[0]);
  }, 60_000);
});
