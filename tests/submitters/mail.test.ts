import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { EVENTS_QUEUE } from "../../src/documents/events.js";
import { SmtpMailer } from "../../src/platform/embedded/smtp-mailer.js";
import type { Mailer, OutgoingMail } from "../../src/platform/mail.js";
import type { IssuingBody, SubmissionChangedEvent, SubmissionView } from "../../src/submitters/model.js";
import { deliverSubmissionChange } from "../../src/submitters/notify.js";
import { aSubmission } from "../support/factories.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * Issue 16: a body's submitter is e-mailed each change of the body's submissions (退文 with the
 * reason, published with the citation and URLs), through the outbox and the events consumer, over
 * SMTP to a real (local) SMTP server: once per change, whatever the retries.
 */
const EDUCATION = "四川省教育厅";
const SUBMITTER = "baosong.li@jyt.sc.gov.cn";
const FROM = "四川省人民政府公报 <gazette@gzb.sc.gov.cn>";

interface Received {
  readonly envelopeTo: string[];
  readonly raw: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly messageId: string;
}

let server: SMTPServer;
let smtpUrl: string;
const inbox: Received[] = [];
/** The server refuses this many messages (451, try later) before taking them again. */
let refuseNext = 0;

let app: TestApp;
let token: string;
const hooks: { body: Record<string, unknown> }[] = [];
let webhookFails = false;

function asBody(path: string, init: RequestInit & { json?: unknown } = {}) {
  const { json, ...rest } = init;
  return app.request(path, {
    ...rest,
    editor: false,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: json === undefined ? rest.body : JSON.stringify(json),
  });
}

function asEditor(path: string, init: RequestInit & { json?: unknown } = {}) {
  const { json, ...rest } = init;
  return app.request(path, {
    ...rest,
    headers: json === undefined ? {} : { "content-type": "application/json" },
    body: json === undefined ? rest.body : JSON.stringify(json),
  });
}

/**
 * What the events consumer does with each `submission.changed` the outbox sent: a message that
 * fails stays on the queue (here: is received again by the next call), as SQS redelivers it.
 */
async function deliverAnnouncements(mailer: Mailer): Promise<number> {
  const { platform, audit, submitters } = app.container;
  let failed = 0;
  const messages = await platform.queues.receive(EVENTS_QUEUE, {
    maxMessages: 10,
    visibilityTimeoutSeconds: 0,
  });
  for (const message of messages) {
    const event = JSON.parse(message.body) as { type: string };
    if (event.type !== "submission.changed") {
      await platform.queues.delete(EVENTS_QUEUE, message.receiptHandle);
      continue;
    }
    try {
      await deliverSubmissionChange(
        {
          desk: submitters.desk,
          bodies: submitters.bodies,
          records: platform.records,
          mailer,
          gazetteName: app.container.config.gazette.name,
          baseUrl: "https://gzb.sc.gov.cn",
          fetch: async (_url, init) => {
            if (webhookFails) return new Response(null, { status: 503 });
            hooks.push({ body: JSON.parse(String(init?.body)) });
            return new Response(null, { status: 204 });
          },
        },
        audit,
        event as SubmissionChangedEvent,
      );
      await platform.queues.delete(EVENTS_QUEUE, message.receiptHandle);
    } catch {
      failed += 1;
    }
  }
  return failed;
}

async function drain(mailer: Mailer) {
  for (let round = 0; round < 20; round += 1) {
    const depth = await app.container.platform.queues.depth(EVENTS_QUEUE);
    if (!depth) return;
    await deliverAnnouncements(mailer);
  }
}

type Problem = { field: string; code: string; message: string };
/** The answer's problems: one is an object, several an array. */
async function problemsOf(res: Response): Promise<Problem[]> {
  const { error } = (await res.json()) as { error: Problem | Problem[] };
  return Array.isArray(error) ? error : [error];
}

const document = (docNumber: string) =>
  aSubmission({
    title: "四川省教育厅关于规范中小学课后服务收费的通知",
    docNumber,
    issuers: [EDUCATION],
    signer: EDUCATION,
    section: "部门文件",
  });

beforeAll(async () => {
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", async () => {
        if (refuseNext > 0) {
          refuseNext -= 1;
          const error = new Error("Try again later") as Error & { responseCode: number };
          error.responseCode = 451;
          callback(error);
          return;
        }
        const raw = Buffer.concat(chunks).toString("latin1");
        const parsed = await simpleParser(Buffer.concat(chunks));
        inbox.push({
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          raw,
          to: Array.isArray(parsed.to) ? parsed.to[0]!.text : (parsed.to?.text ?? ""),
          subject: parsed.subject ?? "",
          text: parsed.text ?? "",
          messageId: parsed.messageId ?? "",
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  smtpUrl = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;

  app = createTestApp();
  const created = await asEditor("/api/bodies", {
    method: "POST",
    json: { id: "sc-jyt", name: EDUCATION, regionCode: "510000", email: SUBMITTER },
  });
  expect(created.status).toBe(201);
  token = ((await created.json()) as { token: string }).token;
});

afterAll(async () => {
  app?.close();
  await new Promise<void>((resolve) => server?.close(() => resolve()));
});

beforeEach(() => {
  refuseNext = 0;
  webhookFails = false;
});

describe("a body's submitter is e-mailed each change", () => {
  test("退文 with its reason, then the citation and URLs once published, in Chinese, UTF-8, to the body's address", async () => {
    // Prepare: the body sends a document; the editors return it, then accept it when sent again,
    // place it and publish the edition
    const mailer = new SmtpMailer({ url: smtpUrl, from: FROM });
    const sent = (await (
      await asBody("/api/bodies/sc-jyt/submissions", { method: "POST", json: document("川教发〔2025〕21号") })
    ).json()) as SubmissionView;
    const reason = "缺少合法性审核意见，请补充后重新报送";
    expect(
      (await asEditor(`/api/submissions/${sent.id}/return`, { method: "POST", json: { reason } })).status,
    ).toBe(200);
    await drain(mailer);
    const returnedMail = inbox.find((m) => m.text.includes(reason));
    expect(
      (
        await asBody(`/api/bodies/sc-jyt/submissions/${sent.id}`, {
          method: "PUT",
          json: document("川教发〔2025〕21号"),
        })
      ).status,
    ).toBe(200);
    const accepted = (await (
      await asEditor(`/api/submissions/${sent.id}/accept`, { method: "POST" })
    ).json()) as SubmissionView;
    const edition = (await (
      await asEditor("/api/editions", { method: "POST", json: { year: 2025, date: "2025-03-10" } })
    ).json()) as { id: string; issue: number; cumulative: number };
    await asEditor(`/api/editions/${edition.id}/documents`, {
      method: "PUT",
      json: { documents: [accepted.documentId] },
    });
    // The body looks at it: placed in the edition
    await asBody(`/api/bodies/sc-jyt/submissions/${sent.id}`);
    expect((await asEditor(`/api/editions/${edition.id}/publish`, { method: "POST" })).status).toBe(200);
    const published = (await (
      await asBody(`/api/bodies/sc-jyt/submissions/${sent.id}`)
    ).json()) as SubmissionView;

    // Act
    await drain(mailer);

    // Assess: one message per change, in order, to the body's submitter
    const mine = inbox.filter((m) => m.text.includes(`/console/body/submissions/${sent.id}`));
    expect(mine.map((m) => m.subject.split("：")[0])).toEqual([
      "【四川省人民政府公报】已报送，待受理",
      "【四川省人民政府公报】已退文",
      "【四川省人民政府公报】已报送，待受理",
      "【四川省人民政府公报】已受理",
      "【四川省人民政府公报】已编入期刊",
      "【四川省人民政府公报】已刊登",
    ]);
    for (const m of mine) {
      expect(m.envelopeTo).toEqual([SUBMITTER]);
      expect(m.to).toBe(SUBMITTER);
      expect(m.subject).toContain("四川省教育厅关于规范中小学课后服务收费的通知");
      expect(m.text).toContain("文件标题：四川省教育厅关于规范中小学课后服务收费的通知");
      expect(m.text).toContain("发文字号：川教发〔2025〕21号");
    }
    // 退文: the state and the reason
    expect(returnedMail).toBe(mine[1]);
    expect(mine[1]!.text).toContain("状态：已退文");
    expect(mine[1]!.text).toContain(`退文理由：${reason}`);
    // Published: the citation and the URLs of the document and the edition
    const last = mine[5]!;
    expect(last.text).toContain("状态：已刊登");
    expect(last.text).toContain(`刊登：${published.citation}`);
    expect(published.urls?.document?.pdf).toBeTruthy();
    expect(last.text).toContain(published.urls!.document!.pdf!);
    expect(last.text).toContain(published.urls!.edition!.pdf!);
    expect(last.text).toContain(`期次：2025年第${edition.issue}期（总第${edition.cumulative}期）`);
    // Encoded as UTF-8: no raw Chinese in the headers, a declared charset for the body, and the
    // change's id as the Message-ID
    const [headers] = last.raw.split("\r\n\r\n");
    expect(headers).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/im);
    expect(headers).toMatch(/^From: =\?UTF-8\?[BQ]\?.+\?=\s+<gazette@gzb\.sc\.gov\.cn>/im);
    expect(headers).toMatch(/^Content-Type: text\/plain; charset=utf-8/im);
    expect(headers).toMatch(/^Auto-Submitted: auto-generated/im);
    expect(last.raw).toMatch(/^[\t\r\n -~]*$/);
    expect(last.messageId).toBe(`<${sent.id}.6@gzb.sc.gov.cn>`);
  });

  test("a mail server that refuses for a while loses nothing, and each change is mailed once", async () => {
    // Prepare: the server refuses the next two messages (451); the webhook answers
    const mailer = new SmtpMailer({ url: smtpUrl, from: FROM });
    refuseNext = 2;
    const before = inbox.length;
    const hooksBefore = hooks.length;
    const sent = (await (
      await asBody("/api/bodies/sc-jyt/submissions", { method: "POST", json: document("川教发〔2025〕22号") })
    ).json()) as SubmissionView;

    // Act: the consumer fails twice, then delivers; then the same announcement comes again
    expect(await deliverAnnouncements(mailer)).toBe(1);
    expect(await deliverAnnouncements(mailer)).toBe(1);
    expect(await deliverAnnouncements(mailer)).toBe(0);
    await deliverSubmissionChange(
      {
        desk: app.container.submitters.desk,
        bodies: app.container.submitters.bodies,
        records: app.container.platform.records,
        mailer,
        baseUrl: "https://gzb.sc.gov.cn",
        fetch: async (_url, init) => {
          hooks.push({ body: JSON.parse(String(init?.body)) });
          return new Response(null, { status: 204 });
        },
      },
      app.container.audit,
      { type: "submission.changed", submissionId: sent.id, bodyId: "sc-jyt", seq: 1 },
    );

    // Assess: one message and one webhook call for the one change
    const mails = inbox.slice(before).filter((m) => m.text.includes(sent.id));
    expect(mails).toHaveLength(1);
    expect(mails[0]!.messageId).toBe(`<${sent.id}.1@gzb.sc.gov.cn>`);
    expect(hooks.slice(hooksBefore).filter((h) => h.body.submissionId === sent.id)).toHaveLength(0);
  });

  test("a failing webhook is retried without mailing the change again", async () => {
    // Prepare: a body with both channels, whose webhook is down
    const mails: OutgoingMail[] = [];
    const mailer: Mailer = { send: async (mail) => void mails.push(mail) };
    expect(
      (
        await asEditor("/api/bodies/sc-jyt", {
          method: "PATCH",
          json: { webhookUrl: "https://jyt.sc.gov.cn/gazette-hook" },
        })
      ).status,
    ).toBe(200);
    webhookFails = true;
    const sent = (await (
      await asBody("/api/bodies/sc-jyt/submissions", { method: "POST", json: document("川教发〔2025〕23号") })
    ).json()) as SubmissionView;

    // Act: two failed deliveries, then the webhook is back
    expect(await deliverAnnouncements(mailer)).toBe(1);
    expect(await deliverAnnouncements(mailer)).toBe(1);
    webhookFails = false;
    expect(await deliverAnnouncements(mailer)).toBe(0);

    // Assess
    expect(mails.filter((m) => m.id === `${sent.id}.1`)).toHaveLength(1);
    expect(hooks.filter((h) => h.body.submissionId === sent.id)).toHaveLength(1);
    await asEditor("/api/bodies/sc-jyt", { method: "PATCH", json: { webhookUrl: null } });
  });

  test("a body without an address, or a gazette without mail, mails nothing", async () => {
    // Prepare
    const mails: OutgoingMail[] = [];
    const mailer: Mailer = { send: async (mail) => void mails.push(mail) };
    expect((await asEditor("/api/bodies/sc-jyt", { method: "PATCH", json: { email: null } })).status).toBe(
      200,
    );
    await asBody("/api/bodies/sc-jyt/submissions", { method: "POST", json: document("川教发〔2025〕24号") });

    // Act
    await drain(mailer);

    // Assess
    expect(mails).toEqual([]);
    await asEditor("/api/bodies/sc-jyt", { method: "PATCH", json: { email: SUBMITTER } });
  });
});

describe("a submitter's e-mail address", () => {
  test.each([
    ["no at sign", "baosong.jyt.sc.gov.cn"],
    ["a display name", "李四 <li@jyt.sc.gov.cn>"],
    ["two addresses", "li@jyt.sc.gov.cn,wang@jyt.sc.gov.cn"],
    ["a header injected after a line break", "li@jyt.sc.gov.cn\r\nBcc: all@example.cn"],
    ["a domain of one label", "li@localhost"],
    ["Chinese before the at sign", "李四@jyt.sc.gov.cn"],
    ["two dots in a row", "li..si@jyt.sc.gov.cn"],
    ["an IP address for a domain", "li@10.0.0.1"],
  ])("%s is refused (400, field email) when a body is registered", async (_case, email) => {
    // Act
    const res = await asEditor("/api/bodies", {
      method: "POST",
      json: { id: "sc-fgw", name: "四川省发展和改革委员会", regionCode: "510000", email },
    });

    // Assess
    expect(res.status).toBe(400);
    const problems = await problemsOf(res);
    expect(problems.map((p) => p.field)).toEqual(["email"]);
    expect(problems[0]!.message).toMatch(/e-mail address/);
    expect((await asEditor("/api/bodies")).status).toBe(200);
    const bodies = ((await (await asEditor("/api/bodies")).json()) as { items: IssuingBody[] }).items;
    expect(bodies.map((b) => b.id)).not.toContain("sc-fgw");
  });

  test("changing it checks it too, and takes only where the body is notified", async () => {
    // Act
    const bad = await asEditor("/api/bodies/sc-jyt", { method: "PATCH", json: { email: "li@" } });
    const other = await asEditor("/api/bodies/sc-jyt", { method: "PATCH", json: { name: "别的名字" } });
    const good = await asEditor("/api/bodies/sc-jyt", {
      method: "PATCH",
      json: { email: "Wang.Wu@JYT.SC.GOV.CN" },
    });
    const missing = await asEditor("/api/bodies/no-such", { method: "PATCH", json: { email: SUBMITTER } });

    // Assess
    expect(bad.status).toBe(400);
    expect((await problemsOf(bad)).map((p) => p.field)).toEqual(["email"]);
    expect(other.status).toBe(400);
    expect((await problemsOf(other)).map((p) => [p.field, p.code])).toEqual([["name", "unknown_field"]]);
    expect(good.status).toBe(200);
    expect(((await good.json()) as IssuingBody).email).toBe("Wang.Wu@jyt.sc.gov.cn");
    expect(missing.status).toBe(404);
    const body = ((await (await asEditor("/api/bodies")).json()) as { items: IssuingBody[] }).items.find(
      (b) => b.id === "sc-jyt",
    );
    expect(body).toMatchObject({ name: EDUCATION, email: "Wang.Wu@jyt.sc.gov.cn" });
    await asEditor("/api/bodies/sc-jyt", { method: "PATCH", json: { email: SUBMITTER } });
  });
});
