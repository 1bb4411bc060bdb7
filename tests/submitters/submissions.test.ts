import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { EVENTS_QUEUE } from "../../src/documents/events.js";
import type { SubmissionChangedEvent, SubmissionView } from "../../src/submitters/model.js";
import { deliverSubmissionChange } from "../../src/submitters/notify.js";
import { aSubmission } from "../support/factories.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * Issue 16: an issuing body sends documents to the gazette office, sees them returned (退文) with
 * the reason, sends them again, and finds the citation once published; it can neither send for
 * another body nor read another body's submissions.
 */
let app: TestApp;
let education: string;
let chengdu: string;
const hooks: { url: string; body: Record<string, unknown> }[] = [];

const EDUCATION = "四川省教育厅";
const CHENGDU = "成都市人民政府";

function asBody(token: string, path: string, init: RequestInit & { json?: unknown } = {}) {
  const { json, headers, ...rest } = init;
  const h = new Headers(headers);
  h.set("authorization", `Bearer ${token}`);
  if (json !== undefined) h.set("content-type", "application/json");
  return app.request(path, {
    ...rest,
    editor: false,
    headers: h,
    body: json === undefined ? rest.body : JSON.stringify(json),
  });
}

function asEditor(path: string, init: RequestInit & { json?: unknown } = {}) {
  const { json, headers, ...rest } = init;
  const h = new Headers(headers);
  if (json !== undefined) h.set("content-type", "application/json");
  return app.request(path, {
    ...rest,
    headers: h,
    body: json === undefined ? rest.body : JSON.stringify(json),
  });
}

const educationDocument = (overrides: Record<string, unknown> = {}) =>
  aSubmission({
    title: "四川省教育厅关于规范校外培训机构收费管理的通知",
    issuers: [EDUCATION],
    signer: EDUCATION,
    section: "部门文件",
    ...overrides,
  });

/** Sends what the outbox put on the events queue to the webhook deliverer, as the consumer does. */
async function deliverAnnouncements() {
  const { platform, audit, submitters } = app.container;
  for (;;) {
    const messages = await platform.queues.receive(EVENTS_QUEUE, { maxMessages: 10 });
    if (!messages.length) return;
    for (const message of messages) {
      const event = JSON.parse(message.body) as { type: string };
      if (event.type === "submission.changed")
        await deliverSubmissionChange(
          {
            desk: submitters.desk,
            bodies: submitters.bodies,
            baseUrl: "https://gazette.example.cn",
            fetch: async (url, init) => {
              hooks.push({ url, body: JSON.parse(String(init?.body)) });
              return new Response(null, { status: 204 });
            },
          },
          audit,
          event as SubmissionChangedEvent,
        );
      await platform.queues.delete(EVENTS_QUEUE, message.receiptHandle);
    }
  }
}

beforeAll(async () => {
  app = createTestApp();
  const sections = app.container.config.gazette.sections;
  expect(sections).toContain("部门文件");
  const a = await asEditor("/api/bodies", {
    method: "POST",
    json: {
      id: "sc-jyt",
      name: EDUCATION,
      regionCode: "510000",
      webhookUrl: "https://jyt.example.cn/gazette",
    },
  });
  expect(a.status).toBe(201);
  education = ((await a.json()) as { token: string }).token;
  const b = await asEditor("/api/bodies", {
    method: "POST",
    json: { id: "cd-gov", name: CHENGDU, regionCode: "510100" },
  });
  chengdu = ((await b.json()) as { token: string }).token;
});

afterAll(() => app?.close());

describe("issuing bodies", () => {
  test("a body needs a GB/T 2260 region code and a name", async () => {
    // Act
    const res = await asEditor("/api/bodies", {
      method: "POST",
      json: { id: "x1", name: "", regionCode: "990000" },
    });

    // Assess
    expect(res.status).toBe(400);
    const fields = ((await res.json()) as { error: { field: string }[] }).error.map((p) => p.field);
    expect(fields).toEqual(["name", "regionCode"]);
  });

  test("a second body with the same id is 409", async () => {
    const res = await asEditor("/api/bodies", {
      method: "POST",
      json: { id: "sc-jyt", name: "另一个", regionCode: "510000" },
    });
    expect(res.status).toBe(409);
  });

  test("the body API needs the body's token", async () => {
    const res = await asBody("not-a-token", "/api/bodies/sc-jyt/submissions");
    expect(res.status).toBe(401);
  });
});

describe("a submitter sends for its own body only", () => {
  test("a body's token on another body's path is 403 and stores nothing", async () => {
    // Act
    const res = await asBody(education, "/api/bodies/cd-gov/submissions", {
      method: "POST",
      json: aSubmission({ issuers: [CHENGDU], signer: CHENGDU }),
    });

    // Assess
    expect(res.status).toBe(403);
    const list = await asBody(chengdu, "/api/bodies/cd-gov/submissions");
    expect(((await list.json()) as { items: unknown[] }).items).toEqual([]);
  });

  test("a document whose issuers do not include the body is 403", async () => {
    const res = await asBody(education, "/api/bodies/sc-jyt/submissions", {
      method: "POST",
      json: aSubmission({ issuers: [CHENGDU], signer: CHENGDU }),
    });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe("issuers");
  });

  test("what intake would refuse is refused at once, with intake's reasons", async () => {
    const res = await asBody(education, "/api/bodies/sc-jyt/submissions", {
      method: "POST",
      json: educationDocument({ policy: true, interpretations: [] }),
    });
    expect(res.status).toBe(422);
    expect(JSON.stringify(await res.json())).toContain("interpretation_required");
  });

  test("another body cannot read a body's submission", async () => {
    // Prepare
    const sent = (await (
      await asBody(education, "/api/bodies/sc-jyt/submissions", { method: "POST", json: educationDocument() })
    ).json()) as SubmissionView;

    // Act
    const onItsPath = await asBody(chengdu, `/api/bodies/sc-jyt/submissions/${sent.id}`);
    const onOwnPath = await asBody(chengdu, `/api/bodies/cd-gov/submissions/${sent.id}`);

    // Assess
    expect(onItsPath.status).toBe(403);
    expect(onOwnPath.status).toBe(403);
    expect((await asBody(education, `/api/bodies/sc-jyt/submissions/${sent.id}`)).status).toBe(200);
  });
});

describe("received → returned (退文) → received → accepted → placed → published", () => {
  test("the submitter sees each state, the reason, the edition and the citation; each change is announced", async () => {
    // Prepare: the body sends a document
    const sent = await asBody(education, "/api/bodies/sc-jyt/submissions", {
      method: "POST",
      json: educationDocument({ docNumber: "川教发〔2025〕7号", dateWritten: "2025-01-06" }),
    });
    expect(sent.status).toBe(201);
    const submission = (await sent.json()) as SubmissionView;
    expect(submission).toMatchObject({ state: "received", bodyName: EDUCATION, submittedBy: "body:sc-jyt" });

    // Act 1: editors see who sent it, and return it with the reason
    const desk = (await (await asEditor("/api/submissions?state=received")).json()) as {
      items: SubmissionView[];
    };
    expect(desk.items.find((s) => s.id === submission.id)).toMatchObject({
      bodyId: "sc-jyt",
      bodyName: EDUCATION,
      submittedBy: "body:sc-jyt",
    });
    const returned = await asEditor(`/api/submissions/${submission.id}/return`, {
      method: "POST",
      json: { reason: "附件缺少收费标准表，请补充后重新报送" },
    });
    expect(returned.status).toBe(200);

    // Assess 1
    const seen = (await (
      await asBody(education, `/api/bodies/sc-jyt/submissions/${submission.id}`)
    ).json()) as SubmissionView;
    expect(seen).toMatchObject({ state: "returned", returnReason: "附件缺少收费标准表，请补充后重新报送" });
    expect((await asEditor(`/api/submissions/${submission.id}/accept`, { method: "POST" })).status).toBe(422);

    // Act 2: sent again, corrected, and accepted
    const again = await asBody(education, `/api/bodies/sc-jyt/submissions/${submission.id}`, {
      method: "PUT",
      json: educationDocument({
        docNumber: "川教发〔2025〕7号",
        dateWritten: "2025-01-06",
        attachments: [{ title: "收费标准表", body: "项目\t标准" }],
      }),
    });
    expect(again.status).toBe(200);
    expect(((await again.json()) as SubmissionView).state).toBe("received");
    const accepted = (await (
      await asEditor(`/api/submissions/${submission.id}/accept`, { method: "POST" })
    ).json()) as SubmissionView;
    expect(accepted.state).toBe("accepted");
    expect(accepted.documentId).toMatch(/^[0-9A-Z]{26}$/);
    const document = (await (await asEditor(`/api/documents/${accepted.documentId}`)).json()) as {
      receivedBy: string;
    };
    expect(document.receivedBy).toBe("body:sc-jyt");

    // Act 3: placed in an edition, then published
    const edition = (await (
      await asEditor("/api/editions", { method: "POST", json: { year: 2025, date: "2025-02-10" } })
    ).json()) as { id: string; issue: number; cumulative: number };
    expect(
      (
        await asEditor(`/api/editions/${edition.id}/documents`, {
          method: "PUT",
          json: { documents: [accepted.documentId] },
        })
      ).status,
    ).toBe(200);
    const placed = (await (
      await asBody(education, `/api/bodies/sc-jyt/submissions/${submission.id}`)
    ).json()) as SubmissionView;
    expect(placed.state).toBe("placed");
    expect(placed.edition).toMatchObject({
      id: edition.id,
      label: `2025年第${edition.issue}期（总第${edition.cumulative}期）`,
    });
    expect((await asEditor(`/api/editions/${edition.id}/publish`, { method: "POST" })).status).toBe(200);

    // Assess 3: the citation and URLs, and the whole history in the inbox
    const published = (await (
      await asBody(education, `/api/bodies/sc-jyt/submissions/${submission.id}`)
    ).json()) as SubmissionView;
    expect(published.state).toBe("published");
    expect(published.citation).toMatch(
      new RegExp(
        `^《${app.container.config.gazette.name}》2025年第${edition.issue}期（总第${edition.cumulative}期）第1(—\\d+)?页$`,
      ),
    );
    expect(published.urls?.document?.pdf).toContain(`/documents/${accepted.documentId}`);
    expect(published.history.map((h) => h.state)).toEqual([
      "received",
      "returned",
      "received",
      "accepted",
      "placed",
      "published",
    ]);
    const inbox = (await (await asBody(education, "/api/bodies/sc-jyt/inbox")).json()) as {
      items: { submissionId: string; state: string }[];
    };
    expect(inbox.items.filter((i) => i.submissionId === submission.id).map((i) => i.state)).toEqual([
      "published",
      "placed",
      "accepted",
      "received",
      "returned",
      "received",
    ]);

    // Assess 4: each change went to the body's webhook, without the document's content
    await deliverAnnouncements();
    const mine = hooks.filter((h) => h.body.submissionId === submission.id);
    expect(mine.map((h) => h.body.state)).toEqual([
      "received",
      "returned",
      "received",
      "accepted",
      "placed",
      "published",
    ]);
    expect(mine.every((h) => h.url === "https://jyt.example.cn/gazette")).toBe(true);
    expect(mine[1]!.body.reason).toBe("附件缺少收费标准表，请补充后重新报送");
    expect(mine[5]!.body.citation).toBe(published.citation);
    expect(JSON.stringify(mine)).not.toContain("收费标准表\\t");
  });

  test("only a returned submission can be sent again", async () => {
    const sent = (await (
      await asBody(education, "/api/bodies/sc-jyt/submissions", { method: "POST", json: educationDocument() })
    ).json()) as SubmissionView;
    const res = await asBody(education, `/api/bodies/sc-jyt/submissions/${sent.id}`, {
      method: "PUT",
      json: educationDocument(),
    });
    expect(res.status).toBe(422);
  });

  test("退文 needs a reason", async () => {
    const sent = (await (
      await asBody(education, "/api/bodies/sc-jyt/submissions", { method: "POST", json: educationDocument() })
    ).json()) as SubmissionView;
    const res = await asEditor(`/api/submissions/${sent.id}/return`, {
      method: "POST",
      json: { reason: "  " },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe("reason");
  });
});
