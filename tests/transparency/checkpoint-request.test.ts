import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../src/audit/audit-log.js";
import { loadConfig } from "../../src/config.js";
import { EVENTS_QUEUE } from "../../src/documents/events.js";
import { DocumentIntake } from "../../src/documents/intake.js";
import { editionSettingsFrom } from "../../src/editions/model.js";
import { PUBLISHING_QUEUE } from "../../src/editions/publish.js";
import { EditionService } from "../../src/editions/service.js";
import { createEventsHandler } from "../../src/handlers/events.js";
import { createPublishingHandler } from "../../src/handlers/publishing.js";
import { createEmbeddedPlatform } from "../../src/platform/embedded/index.js";
import type { Platform } from "../../src/platform/ports.js";
import { toSqsEvent } from "../../src/platform/queue-poller.js";
import { createEditionRenderer } from "../../src/publishing/render.js";
import { FANOUT_QUEUE } from "../../src/reposts/messages.js";
import { loadOrCreateLocalKey } from "../../src/signing/local-key.js";
import { createSealer } from "../../src/signing/seal.js";
import { DocumentStatuses } from "../../src/status/service.js";
import { CHECKPOINT_REQUESTED, requestCheckpoint } from "../../src/transparency/checkpoint-request.js";
import { leafData, TransparencyLog } from "../../src/transparency/log.js";
import { leafHash, verifyInclusion } from "../../src/transparency/merkle.js";
import { openCheckpoint } from "../../src/transparency/note.js";
import { createEmulatedPlatform, type Emulators, startEmulators } from "../support/aws-emulators.js";
import { lambdaContext } from "../support/events.js";
import { aSubmission } from "../support/factories.js";

/**
 * Issue 14, point 4 in AWS: status changes and errata enter the log in the events function, which
 * may not sign; it asks the publisher (alone holding kms:Sign) for a checkpoint through the
 * publishing queue, so the checkpoint covers them without waiting for the next publication. The
 * same handlers on both stores: the embedded one (local runtime) and DynamoDB/SQS/S3 (emulated).
 */
let emulators: Emulators;
const cleanups: (() => void)[] = [];
beforeAll(async () => {
  emulators = await startEmulators();
});
afterAll(async () => {
  for (const cleanup of cleanups) cleanup();
  await emulators?.stop();
});

const queues = [EVENTS_QUEUE, PUBLISHING_QUEUE, FANOUT_QUEUE];
let tables = 0;
const stores: [string, () => Promise<Platform>][] = [
  [
    "embedded (SQLite + files)",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "gazette-checkpoint-"));
      const platform = createEmbeddedPlatform({
        dataDir: dir,
        queues: Object.fromEntries(queues.map((q) => [q, { maxReceiveCount: 5 }])),
      });
      cleanups.push(() => {
        platform.close();
        rmSync(dir, { recursive: true, force: true });
      });
      return platform;
    },
  ],
  [
    "aws (dynalite + fauxqs)",
    async () => {
      tables += 1;
      const platform = await createEmulatedPlatform(emulators, {
        tableName: `gazette-checkpoint-${tables}`,
        bucketName: `gazette-checkpoint-${tables}`,
        queues,
        maxReceiveCount: 5,
      });
      cleanups.push(() => platform.close());
      return platform;
    },
  ],
];

/** The publisher and the events function as their composition roots wire them. */
function deployment(platform: Platform) {
  const config = loadConfig({ GAZETTE_MODE: "aws" });
  const keyDir = mkdtempSync(join(tmpdir(), "gazette-checkpoint-key-"));
  cleanups.push(() => rmSync(keyDir, { recursive: true, force: true }));
  const key = loadOrCreateLocalKey(keyDir);
  const now = () => platform.clock.now();
  const seal = createSealer({
    key,
    records: platform.records,
    subject: config.gazette,
    baseUrl: config.baseUrl,
    now,
  });
  const editions = new EditionService({
    platform,
    settings: editionSettingsFrom(config.gazette),
    render: createEditionRenderer({ ...config.gazette, baseUrl: config.baseUrl }),
    seal,
  });
  const intake = new DocumentIntake({
    platform,
    limits: config.limits,
    sections: config.gazette.sections,
    idempotencyTtlSeconds: config.idempotencyTtlSeconds,
  });
  const statuses = new DocumentStatuses(platform);
  const events = createEventsHandler({
    queues: platform.queues,
    audit: new AuditLog(platform.records),
    statuses,
    completion: { records: platform.records, now },
    checkpointRequests: { records: platform.records },
  });
  const publisher = createPublishingHandler({ queues: platform.queues, editions, checkpoints: seal });

  /** Runs one consumer over its queue until it is empty, as Lambda's event source would. */
  async function drain(queue: string, handler: typeof events) {
    const bodies: unknown[] = [];
    for (let round = 0; round < 20; round++) {
      const messages = await platform.queues.receive(queue, {
        maxMessages: 10,
        visibilityTimeoutSeconds: 60,
      });
      if (!messages.length) break;
      const result = await handler(toSqsEvent(queue, messages), lambdaContext);
      expect(result.batchItemFailures).toEqual([]);
      for (const m of messages) {
        bodies.push(JSON.parse(m.body));
        await platform.queues.delete(queue, m.receiptHandle);
      }
    }
    return bodies;
  }

  async function publish(date: string, submissions: Record<string, unknown>[]) {
    const ids: string[] = [];
    for (const input of submissions)
      ids.push((await intake.submit({ input, submittedBy: "editor" })).document.id);
    const edition = await editions.create({ year: 2024, date }, "editor");
    await editions.setDocuments(edition.id, { documents: ids }, "editor");
    await editions.publish(edition.id, "editor");
    return ids;
  }

  const log = new TransparencyLog({ records: platform.records, origin: "" });
  return {
    key,
    log,
    publish,
    runEvents: () => drain(EVENTS_QUEUE, events),
    runPublisher: () => drain(PUBLISHING_QUEUE, publisher),
  };
}

describe.each(stores)("checkpoints after status changes, %s", (_, makePlatform) => {
  let d: ReturnType<typeof deployment>;
  let platform: Platform;
  beforeAll(async () => {
    platform = await makePlatform();
    d = deployment(platform);
  });

  it("asks the publisher for nothing when the publication's own checkpoint covers the log", async () => {
    // Prepare / Act: an edition that changes no earlier document
    await d.publish("2024-06-01", [aSubmission({ docNumber: "川府发〔2024〕601号" })]);
    const events = await d.runEvents();
    const requests = await d.runPublisher();

    // Assess
    expect(events.length).toBeGreaterThan(0);
    expect(requests).toEqual([]);
    expect((await d.log.latestCheckpoint())?.size).toBe(await d.log.size());
  }, 120_000);

  it("signs a checkpoint covering a repeal and an erratum as soon as the events function logged them", async () => {
    // Prepare: a later edition repeals and corrects 601号
    await d.publish("2024-06-15", [
      aSubmission({ docNumber: "川府发〔2024〕602号", relations: { repeals: ["川府发〔2024〕601号"] } }),
      aSubmission({ docNumber: "川府函〔2024〕603号", kind: "其他", corrects: ["川府发〔2024〕601号"] }),
    ]);
    const publishedSize = await d.log.size();

    // Act: the events function logs the changes; the publisher serves the request it made
    await d.runEvents();
    const logged = await d.log.size();
    const before = (await d.log.latestCheckpoint())?.size;
    const requests = await d.runPublisher();
    const latest = await d.log.latestCheckpoint();

    // Assess: two entries past the publication's checkpoint, then a checkpoint covering them,
    // signed by the publisher's key, in which each proves included.
    expect(logged).toBe(publishedSize + 2);
    expect(before).toBe(publishedSize);
    expect(requests).toEqual([{ type: CHECKPOINT_REQUESTED, size: logged }]);
    expect(latest?.size).toBe(logged);
    const checkpoint = openCheckpoint(latest!.note, [await d.key.publicKey()]);
    const kinds: unknown[] = [];
    for (let index = publishedSize; index < logged; index++) {
      const entry = (await d.log.entry(index))!;
      kinds.push(entry.entry.type === "document.status" ? entry.entry.kind : entry.entry.type);
      const proof = await d.log.inclusion(index, logged);
      expect(verifyInclusion(index, logged, leafHash(leafData(entry.entry)), proof, checkpoint.root)).toBe(
        true,
      );
    }
    expect(kinds.sort()).toEqual(["corrects", "repeals"]);
  }, 120_000);

  it("asks again while entries stay uncovered (the tick's safety net), and not once covered", async () => {
    // Prepare: an entry appended with no checkpoint (a request lost with a crash)
    await d.log.append({
      type: "document.status",
      document: "lost",
      at: "2024-06-20T00:00:00.000Z",
      kind: "expires",
    });

    // Act
    const asked = await requestCheckpoint(platform);
    const served = await d.runPublisher();
    const askedAgain = await requestCheckpoint(platform);

    // Assess
    expect(asked).toBe(true);
    expect(served).toHaveLength(1);
    expect((await d.log.latestCheckpoint())?.size).toBe(await d.log.size());
    expect(askedAgain).toBe(false);
    expect(await d.runPublisher()).toEqual([]);
  }, 60_000);
});
