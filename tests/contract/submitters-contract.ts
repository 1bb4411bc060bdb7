/**
 * The submitters module (issue 16) on a platform: the same behaviour on the embedded adapters and
 * on the AWS adapters (dynalite + fauxqs): bodies and their tokens, one winner when two editors
 * change a submission at once, the summary repaired from the events, the announcement sent
 * through the outbox, registers stored whole.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { EVENTS_QUEUE } from "../../src/documents/events.js";
import { DocumentIntake } from "../../src/documents/intake.js";
import { validateSubmission } from "../../src/documents/submission.js";
import type { Platform } from "../../src/platform/ports.js";
import { createSubmitters, type Submitters } from "../../src/submitters/module.js";
import { aSubmission } from "../support/factories.js";

export interface SubmittersContractEnvironment {
  readonly platform: Platform;
  cleanup(): Promise<void>;
}

const NAME = "四川省教育厅";
const document = (overrides: Record<string, unknown> = {}) =>
  aSubmission({ issuers: [NAME], signer: NAME, section: "部门文件", ...overrides });

async function drain(platform: Platform): Promise<{ type: string; seq?: number; submissionId?: string }[]> {
  const out: { type: string; seq?: number; submissionId?: string }[] = [];
  for (let round = 0; round < 20; round++) {
    const messages = await platform.queues.receive(EVENTS_QUEUE, { maxMessages: 10, waitSeconds: 1 });
    if (!messages.length) break;
    for (const m of messages) {
      out.push(JSON.parse(m.body));
      await platform.queues.delete(EVENTS_QUEUE, m.receiptHandle);
    }
  }
  return out;
}

export function describeSubmittersContract(
  name: string,
  setup: () => Promise<SubmittersContractEnvironment>,
): void {
  describe(`submitters contract: ${name}`, () => {
    let env: SubmittersContractEnvironment;
    let submitters: Submitters;
    let token: string;

    beforeAll(async () => {
      env = await setup();
      const config = loadConfig({ GAZETTE_DATA_DIR: "/nonexistent" });
      const intake = new DocumentIntake({
        platform: env.platform,
        limits: config.limits,
        sections: config.gazette.sections,
        idempotencyTtlSeconds: 3600,
      });
      submitters = createSubmitters({ platform: env.platform, config, intake, validate: validateSubmission });
      ({ token } = await submitters.bodies.create(
        { id: "sc-jyt", name: NAME, regionCode: "510000" },
        "test",
      ));
    });

    afterAll(async () => {
      await env?.cleanup();
    });

    it("a body's token names the body until it is rotated", async () => {
      expect((await submitters.bodies.authenticate(token))?.id).toBe("sc-jyt");
      const next = await submitters.bodies.rotateToken("sc-jyt");
      expect(await submitters.bodies.authenticate(token)).toBeUndefined();
      expect((await submitters.bodies.authenticate(next))?.id).toBe("sc-jyt");
      token = next;
    });

    it("two editors acting on one submission at once: one wins, the other is refused, one event", async () => {
      // Prepare
      const sent = await submitters.desk.submit("sc-jyt", document(), "body:sc-jyt");

      // Act
      const results = await Promise.allSettled([
        submitters.desk.returnSubmission(sent.id, "缺少附件", "editor-a"),
        submitters.desk.returnSubmission(sent.id, "格式不符", "editor-b"),
      ]);

      // Assess
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const after = await submitters.desk.mustGet(sent.id);
      expect(after.history.map((h) => h.state)).toEqual(["received", "returned"]);
      expect(["缺少附件", "格式不符"]).toContain(after.returnReason);
    });

    it("each change is announced once through the outbox, and accepted becomes a document", async () => {
      // Prepare
      await drain(env.platform);
      const sent = await submitters.desk.submit("sc-jyt", document(), "body:sc-jyt");

      // Act
      const accepted = await submitters.desk.accept(sent.id, "editor");

      // Assess
      expect(accepted.state).toBe("accepted");
      expect(accepted.documentId).toBeTruthy();
      const announced = (await drain(env.platform)).filter((e) => e.type === "submission.changed");
      expect(announced.map((e) => [e.submissionId, e.seq])).toEqual([
        [sent.id, 1],
        [sent.id, 2],
      ]);
      expect((await submitters.desk.submissionOfDocument(accepted.documentId!))?.id).toBe(sent.id);
    });

    it("a listing whose summary fell behind its events shows the events' state", async () => {
      // Prepare: a change whose summary write was lost (a crash between the two writes)
      const sent = await submitters.desk.submit("sc-jyt", document(), "body:sc-jyt");
      const summaryKey = { pk: `SUBMISSION#${sent.id}`, sk: "SUMMARY" };
      const stale = await env.platform.records.get(summaryKey);
      await submitters.desk.returnSubmission(sent.id, "请补充解读材料", "editor");
      await env.platform.records.put({ ...summaryKey, data: stale!.data, index: stale!.index });

      // Act
      const listed = await submitters.desk.listForBody("sc-jyt", { limit: 50 });

      // Assess
      expect(listed.items.find((s) => s.id === sent.id)).toMatchObject({
        state: "returned",
        returnReason: "请补充解读材料",
      });
    });

    it("a register batch is stored whole or not at all, and a later entry replaces an earlier one", async () => {
      await submitters.register.add(
        "sc-jyt",
        [
          { docNumber: "川教规〔2025〕1号", title: "甲", dateIssued: "2025-01-01" },
          { docNumber: "川教规〔2025〕2号", title: "乙", dateIssued: "2025-01-02" },
        ],
        { by: "t", source: "import" },
      );
      await expect(
        submitters.register.add(
          "sc-jyt",
          [
            { docNumber: "川教规〔2025〕3号", title: "丙", dateIssued: "2025-01-03" },
            { docNumber: "川教规〔2025〕4号", title: "", dateIssued: "2025-01-04" },
          ],
          { by: "t", source: "import" },
        ),
      ).rejects.toThrow();
      await submitters.register.add(
        "sc-jyt",
        [{ docNumber: "川教规[2025]01号", title: "甲（更正）", dateIssued: "2025-01-01" }],
        { by: "t", source: "api" },
      );
      const entries = await submitters.register.entries("sc-jyt");
      expect(entries.map((e) => [e.docNumber, e.title])).toEqual([
        ["川教规〔2025〕2号", "乙"],
        ["川教规[2025]01号", "甲（更正）"],
      ]);
    });
  });
}
