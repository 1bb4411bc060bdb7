import { handle } from "hono/aws-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { EVENTS_QUEUE } from "../../src/documents/intake.js";
import { resumeCompletions } from "../../src/editions/completion.js";
import { loadEdition, PUBLISHING_QUEUE } from "../../src/editions/publish.js";
import { editionRecord } from "../../src/editions/records.js";
import { createApiApp } from "../../src/handlers/api.js";
import { createEventsHandler } from "../../src/handlers/events.js";
import { createPublishingHandler } from "../../src/handlers/publishing.js";
import { toSqsEvent } from "../../src/platform/queue-poller.js";
import { FANOUT_QUEUE } from "../../src/reposts/messages.js";
import { type Container, createContainer } from "../../src/runtime/container.js";
import { createEmulatedPlatform, type Emulators, startEmulators } from "../support/aws-emulators.js";
import { httpApiEvent, lambdaContext } from "../support/events.js";
import { aSubmission } from "../support/factories.js";

/**
 * The Lambda entry points as deployed (hono/aws-lambda for HTTP, the SQS batch handler for
 * events), on the AWS adapters, against DynamoDB/SQS/S3 emulators.
 */
describe("Lambda handlers on the AWS adapters", () => {
  let emulators: Emulators;
  let container: Container;
  let api: ReturnType<typeof handle>;
  const editor = "arn:aws:iam::123456789012:user/editor-zhang";

  beforeAll(async () => {
    emulators = await startEmulators();
    const platform = await createEmulatedPlatform(emulators, {
      tableName: "gazette-lambda",
      bucketName: "gazette-lambda",
      queues: [EVENTS_QUEUE, PUBLISHING_QUEUE, FANOUT_QUEUE],
      maxReceiveCount: 5,
    });
    container = createContainer(loadConfig({ GAZETTE_MODE: "aws" }), platform);
    api = handle(createApiApp(container));
  });
  afterAll(async () => {
    await emulators.stop();
  });

  const post = (body: unknown, headers: Record<string, string> = {}, iamUserArn: string | null = editor) =>
    api(
      httpApiEvent({
        method: "POST",
        path: "/api/documents",
        body: JSON.stringify(body),
        headers: { "content-type": "application/json", ...headers },
        ...(iamUserArn ? { iamUserArn } : {}),
      }),
      lambdaContext,
    );

  it("accepts a document from an IAM-authorised editor and records who submitted it", async () => {
    const res = await post(aSubmission());
    expect(res.statusCode).toBe(201);
    const doc = JSON.parse(res.body) as { id: string; receivedBy: string };
    expect(doc.receivedBy).toBe(editor);
    const got = await api(
      httpApiEvent({ method: "GET", path: `/api/documents/${doc.id}`, iamUserArn: editor }),
      lambdaContext,
    );
    expect(got.statusCode).toBe(200);
  });

  it("refuses a request that reached the function without authoriser context", async () => {
    const res = await post(aSubmission(), {}, null);
    expect(res.statusCode).toBe(401);
  });

  it("keeps 发文字号 unique and Idempotency-Key semantics with DynamoDB conditional writes", async () => {
    const body = aSubmission({ docNumber: "川府函〔2024〕301号" });
    const first = await post(body, { "idempotency-key": "aws-1" });
    const replay = await post(body, { "idempotency-key": "aws-1" });
    const reused = await post({ ...body, title: "别的文件" }, { "idempotency-key": "aws-1" });
    const duplicate = await post(aSubmission({ docNumber: "川府函[2024]301号" }));
    expect(first.statusCode).toBe(201);
    expect(replay.statusCode).toBe(201);
    expect(JSON.parse(replay.body).id).toBe(JSON.parse(first.body).id);
    expect(reused.statusCode).toBe(409);
    expect(duplicate.statusCode).toBe(409);
  });

  it("feeds document.accepted through SQS to the events handler, which writes the audit trail", async () => {
    // Prepare
    const res = await post(aSubmission());
    const id = (JSON.parse(res.body) as { id: string }).id;
    const handler = createEventsHandler({
      queues: container.platform.queues,
      audit: container.audit,
      statuses: container.statuses,
    });
    // Act: drain the queue the way Lambda's event source mapping would.
    for (let round = 0; round < 10; round++) {
      const messages = await container.platform.queues.receive(EVENTS_QUEUE, {
        maxMessages: 10,
        visibilityTimeoutSeconds: 30,
      });
      if (!messages.length) break;
      const result = await handler(toSqsEvent(EVENTS_QUEUE, messages), lambdaContext);
      expect(result.batchItemFailures).toEqual([]);
      for (const m of messages) await container.platform.queues.delete(EVENTS_QUEUE, m.receiptHandle);
    }
    // Assess
    const entries = await container.audit.entries(id);
    expect(entries).toEqual([expect.objectContaining({ type: "document.accepted", actor: editor })]);
  });

  it("answers a publication with 202 and lets the publisher function render it from the queue", async () => {
    // Prepare: an accepted document in a draft edition, through the API as deployed
    const call = (method: string, path: string, body?: unknown) =>
      api(
        httpApiEvent({
          method,
          path,
          iamUserArn: editor,
          ...(body === undefined
            ? {}
            : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
        }),
        lambdaContext,
      );
    const doc = JSON.parse((await post(aSubmission({ docNumber: "川府发〔2024〕77号" }))).body) as {
      id: string;
    };
    const edition = JSON.parse(
      (await call("POST", "/api/editions", { year: 2024, date: "2024-07-01" })).body,
    ) as {
      id: string;
    };
    expect(
      (await call("PUT", `/api/editions/${edition.id}/documents`, { documents: [doc.id] })).statusCode,
    ).toBe(200);
    const publisher = createPublishingHandler({
      queues: container.platform.queues,
      editions: container.editions,
    });

    // Act
    const accepted = await call("POST", `/api/editions/${edition.id}/publish`);
    const messages = await container.platform.queues.receive(PUBLISHING_QUEUE, {
      maxMessages: 10,
      visibilityTimeoutSeconds: 60,
    });
    const result = await publisher(toSqsEvent(PUBLISHING_QUEUE, messages), lambdaContext);
    const after = JSON.parse((await call("GET", `/api/editions/${edition.id}`)).body) as {
      status: string;
      urls: { pdf: string };
    };

    // Assess
    expect(accepted.statusCode).toBe(202);
    expect(messages).toHaveLength(1);
    expect(result.batchItemFailures).toEqual([]);
    expect(after.status).toBe("published");
    const pdf = await container.platform.blobs.get(after.urls.pdf.replace(/^\//, ""));
    expect(new TextDecoder().decode(pdf?.bytes.subarray(0, 5))).toBe("%PDF-");
  }, 60_000);

  it("completes a publication whose announcement a crash lost: the tick announces it, the events function does each step", async () => {
    // Prepare: a published edition as a crash right after the switch leaves it (not announced)
    const doc = JSON.parse((await post(aSubmission({ docNumber: "川府发〔2024〕78号" }))).body) as {
      id: string;
    };
    const edition = await container.editions.create({ year: 2024, date: "2024-07-02" }, editor);
    await container.editions.setDocuments(edition.id, { documents: [doc.id] }, editor);
    await container.editions.publish(edition.id, editor);
    const { records, queues } = container.platform;
    for (;;) {
      const drained = await queues.receive(EVENTS_QUEUE, { maxMessages: 10, visibilityTimeoutSeconds: 30 });
      if (!drained.length) break;
      for (const m of drained) await queues.delete(EVENTS_QUEUE, m.receiptHandle);
    }
    const switched = (await loadEdition(records, edition.id))!;
    await records.put(editionRecord({ ...switched.data, announcedAt: null, completion: {} }), {
      kind: "version",
      version: switched.version,
    });
    const handler = createEventsHandler({
      queues,
      audit: container.audit,
      statuses: container.statuses,
      completion: { records, now: () => container.platform.clock.now() },
    });
    // Act: the scheduled tick (functions/repost-tick.ts), then the events function
    const resumed = await resumeCompletions(container.platform);
    for (let round = 0; round < 10; round++) {
      const messages = await queues.receive(EVENTS_QUEUE, { maxMessages: 10, visibilityTimeoutSeconds: 30 });
      if (!messages.length) break;
      const result = await handler(toSqsEvent(EVENTS_QUEUE, messages), lambdaContext);
      expect(result.batchItemFailures).toEqual([]);
      for (const m of messages) await queues.delete(EVENTS_QUEUE, m.receiptHandle);
    }
    // Assess
    expect(resumed.announced).toEqual([edition.id]);
    const view = await container.editions.get(edition.id);
    expect(view.documents.map((d) => d.state)).toEqual(["published"]);
    expect(view.completion?.complete).toBe(true);
    const audit = await container.audit.entries(doc.id);
    expect(audit.filter((e) => e.type === "edition.published")).toHaveLength(1);
  }, 60_000);
});
