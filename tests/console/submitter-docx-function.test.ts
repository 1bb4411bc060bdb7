import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { Logger } from "@aws-lambda-powertools/logger";
import type { Hono } from "hono";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { convertDocx } from "../../src/documents/docx.js";
import { lambdaOf } from "../../src/http/route-declaration.js";
import { HTTP_SURFACE } from "../../src/http/surface.js";
import type { AwsPlatform } from "../../src/platform/aws/index.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { composeDocumentsFunctionApp } from "../../src/runtime/lambda/api-documents.js";
import { ConsoleBrowser } from "../support/console-browser.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * Issue 16: a department submitter's .docx in AWS. The submitter's pages are the console function's,
 * which has no .docx reader; the two posts that may carry a .docx (sending, sending again) are
 * declared for the documents function, which has it. Here the documents function's app is composed
 * as its Lambda entry composes it (src/runtime/lambda/api-documents.ts), on the store the local app
 * uses, and each request goes to the app its route is declared for.
 */
const NOW = Date.UTC(2025, 5, 30, 2, 0, 0);
const PASSWORD = "correct horse battery";
const DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const bytes = readFileSync("samples/documents/07-office-notice.docx");
const meta = JSON.parse(readFileSync("samples/documents/07-office-notice.meta.json", "utf8")) as {
  title: string;
  docNumber?: string;
  issuers: string[];
  dateWritten: string;
  section: string;
};
const OFFICE = meta.issuers[0]!;
const EDITOR_CONTEXT = { authorizer: { jwt: { claims: { preferred_username: "zhang" } } } };

/** The submission form with the .docx instead of a typed body. */
function docxForm(csrf: string, overrides: Record<string, string> = {}): FormData {
  const fields: Record<string, string> = {
    _csrf: csrf,
    title: meta.title,
    docNumber: meta.docNumber ?? "",
    issuers: meta.issuers.join("\n"),
    dateWritten: meta.dateWritten,
    kind: "通知",
    section: meta.section,
    body: "",
    "disclosure.attribute": "public",
    "review.reviewer": "保密审查小组",
    "review.date": "2025-06-19",
    "review.result": "passed",
    "approval.approver": "主任",
    "approval.date": "2025-06-20",
    "repost.scope": "none",
    ...overrides,
  };
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set("file", new Blob([bytes], { type: DOCX_MIME }), "notice.docx");
  return form;
}

describe("a submitter's .docx goes to the documents function", () => {
  let local: TestApp;
  // biome-ignore lint/suspicious/noExplicitAny: the apps' environments differ
  let documents: Hono<any>;
  const served: string[] = [];
  /** Each request to the app its route is declared for (`editor`: an editor's API call). */
  let request: TestApp["request"];
  let browserOf: (username: string) => Promise<ConsoleBrowser>;

  beforeEach(async () => {
    local = createTestApp({ clock: new ManualClock(NOW) });
    const { bodies } = local.container.submitters;
    await bodies.create({ id: "sc-bgt", name: OFFICE, regionCode: "510000" }, "test");
    await bodies.create({ id: "cd-gov", name: "成都市人民政府", regionCode: "510100" }, "test");
    const accounts = local.container.console!.accounts;
    await accounts.create(
      { username: "zhang", displayName: "张编辑", role: "editor", password: PASSWORD },
      "test",
    );
    await accounts.create(
      { username: "zhao", displayName: "赵报送", role: "submitter", body: "sc-bgt", password: PASSWORD },
      "test",
    );
    await accounts.create(
      { username: "chen", displayName: "陈报送", role: "submitter", body: "cd-gov", password: PASSWORD },
      "test",
    );
    // The documents function as its entry composes it, on the same store (the table it shares)
    documents = composeDocumentsFunctionApp({
      config: local.container.config,
      platform: local.container.platform as unknown as AwsPlatform,
      logger: new Logger({ serviceName: "gazette-test", logLevel: "SILENT" }),
    });
    served.length = 0;
    request = (path, init = {}) => {
      const method = init.method ?? "GET";
      const pathname = new URL(path, "http://localhost").pathname;
      const declared = HTTP_SURFACE.find(
        (r) =>
          r.method === method &&
          new RegExp(`^${r.path.replace(/\./g, "\\.").replace(/\{[^}]+\}/g, "[^/]+")}$`).test(pathname),
      );
      const fn = declared ? lambdaOf(declared) : "api";
      served.push(`${fn} ${method} ${pathname}`);
      if (fn === "documents") {
        const { editor, ...rest } = init;
        // API Gateway's JWT authoriser has passed an editor's token on the editor API routes.
        const env =
          editor !== false && pathname.startsWith("/api/") ? { requestContext: EDITOR_CONTEXT } : {};
        return Promise.resolve(documents.fetch(new Request(`http://localhost${path}`, rest), env));
      }
      return local.request(path, { ...init, editor: false });
    };
    browserOf = async (username) => {
      const browser = new ConsoleBrowser({ ...local, request });
      await browser.signIn(username, PASSWORD);
      return browser;
    };
  });
  afterEach(() => local.close());

  test("the documents function takes a submitter's .docx for their own body; the console function shows it", async () => {
    // Prepare: the form from the console function's page
    const zhao = await browserOf("zhao");
    const csrf = await zhao.csrfOf("/console/body/submissions/new");

    // Act
    const sent = await zhao.request("/console/body/submissions", { method: "POST", body: docxForm(csrf) });
    const id = sent.headers.get("location")?.split("/").pop() ?? "";
    const page = await zhao.get(`/console/body/submissions/${id}`);

    // Assess: served by the documents function, stored with its .docx, shown by the console function
    expect(served).toContain("documents POST /console/body/submissions");
    expect(served).toContain(`console GET /console/body/submissions/${id}`);
    expect(sent.status).toBe(303);
    const view = await local.container.submitters.desk.get(id);
    expect(view).toMatchObject({
      bodyId: "sc-bgt",
      state: "received",
      title: meta.title,
      submittedBy: "zhao",
    });
    expect((await local.container.submitters.desk.docxOf(id))?.filename).toBe("notice.docx");
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("notice.docx");
  });

  test("another body's submitter is refused (403) by the documents function, and nothing is stored", async () => {
    // Prepare: zhao's submission, and chen of another body
    const zhao = await browserOf("zhao");
    const sent = await zhao.request("/console/body/submissions", {
      method: "POST",
      body: docxForm(await zhao.csrfOf("/console/body/submissions/new")),
    });
    const zhaoId = sent.headers.get("location")?.split("/").pop() ?? "";
    const chen = await browserOf("chen");
    const csrf = await chen.csrfOf("/console/body/submissions/new");
    const blobsBefore = await local.container.platform.blobs.list("originals/");
    const otherDocx = docxForm(csrf, { docNumber: "川办发〔2025〕99号" });

    // Act: chen sends the office's document as cd-gov's, and posts to zhao's submission
    const foreign = await chen.request("/console/body/submissions", { method: "POST", body: otherDocx });
    const intoOther = await chen.request(`/console/body/submissions/${zhaoId}`, {
      method: "POST",
      body: docxForm(csrf),
    });

    // Assess
    expect(served.filter((s) => s.startsWith("documents ")).length).toBe(3);
    expect(foreign.status).toBe(403);
    expect(await foreign.text()).toContain("未受理：报送员只能报送本机关的文件");
    expect(intoOther.status).toBe(403);
    const { desk } = local.container.submitters;
    expect((await desk.listForBody("cd-gov", { limit: 10 })).items).toEqual([]);
    expect((await desk.listForBody("sc-bgt", { limit: 10 })).items.map((s) => s.id)).toEqual([zhaoId]);
    expect((await desk.get(zhaoId))?.seq).toBe(1);
    expect(await local.container.platform.blobs.list("originals/")).toEqual(blobsBefore);
  });

  /** zhao's .docx, sent through the documents function as in AWS; its submission's id. */
  const sendDocx = async (): Promise<string> => {
    const zhao = await browserOf("zhao");
    const sent = await zhao.request("/console/body/submissions", {
      method: "POST",
      body: docxForm(await zhao.csrfOf("/console/body/submissions/new")),
    });
    expect(sent.status).toBe(303);
    return sent.headers.get("location")?.split("/").pop() ?? "";
  };

  /** What intake makes of the .docx's body, read on its own. */
  const docxBlocks = async () => {
    const { limits } = local.container.config;
    const converted = await convertDocx(new Uint8Array(bytes), {
      maxBytes: limits.maxDocxBytes,
      maxUncompressedBytes: limits.maxDocxUncompressedBytes,
      maxEntries: limits.maxDocxEntries,
    });
    return converted.blocks;
  };
  const textOf = (blocks: unknown) =>
    [...JSON.stringify(blocks).matchAll(/"text":"([^"]*)"/g)].map((m) => m[1]).filter(Boolean);

  test("an editor accepts a submission sent as a .docx on the documents function: the document is in intake with the .docx's body, the accept audited", async () => {
    // Prepare: zhao's .docx, the form from the desk's page (the console function's)
    const id = await sendDocx();
    const zhang = await browserOf("zhang");
    const csrf = await zhang.csrfOf(`/console/submissions/${id}`);

    // Act
    const accepted = await zhang.request(`/console/submissions/${id}/accept`, {
      method: "POST",
      body: new URLSearchParams({ _csrf: csrf }),
    });
    const page = await zhang.get(`/console/submissions/${id}`);

    // Assess: served by the documents function, back to the desk's page on the console function
    expect(served).toContain(`documents POST /console/submissions/${id}/accept`);
    expect(served).toContain(`console GET /console/submissions/${id}`);
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get("location")).toBe(`/console/submissions/${id}`);
    expect(page.status).toBe(200);
    const view = await local.container.submitters.desk.get(id);
    expect(view?.state).toBe("accepted");
    const document = await local.container.intake.get(view?.documentId ?? "");
    expect(document.source).toMatchObject({
      format: "docx",
      sha256: createHash("sha256").update(bytes).digest("hex"),
      filename: "notice.docx",
    });
    // The body is the .docx's paragraphs (the form's body was left empty; intake drops the
    // heading lines the form's fields repeat)
    const read = textOf(await docxBlocks()).join("\n");
    const body = textOf(document.blocks);
    expect(body.length).toBeGreaterThan(10);
    for (const paragraph of body) expect(read).toContain(paragraph);
    const log = await local.container.console!.audit.page({ limit: 10 });
    expect(
      log.items.filter((e) => e.action === "submission.accept").map((e) => [e.actor, e.target, e.outcome]),
    ).toEqual([["zhang", id, "ok"]]);
  });

  test("POST /api/submissions/{id}/accept on the documents function takes a .docx submission into intake", async () => {
    // Prepare
    const id = await sendDocx();

    // Act: an editor's call, authorised by API Gateway
    const res = await request(`/api/submissions/${id}/accept`, { method: "POST" });

    // Assess
    expect(served).toContain(`documents POST /api/submissions/${id}/accept`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { state: string; documentId: string };
    expect(body.state).toBe("accepted");
    const document = await local.container.intake.get(body.documentId);
    expect(document.source.format).toBe("docx");
    expect((await local.container.submitters.desk.get(id))?.history.at(-1)?.by).toBe("zhang");
  });

  test("a submitter cannot accept on the documents function (403), and nothing is stored", async () => {
    // Prepare: zhao's .docx; zhao posts the accept with the session's token
    const id = await sendDocx();
    const zhao = await browserOf("zhao");
    const csrf = await zhao.csrfOf("/console/body/submissions/new");
    const documentsBefore = await local.container.platform.blobs.list("originals/");

    // Act
    const accepted = await zhao.request(`/console/submissions/${id}/accept`, {
      method: "POST",
      body: new URLSearchParams({ _csrf: csrf }),
    });
    const unauthorised = await request(`/api/submissions/${id}/accept`, { method: "POST", editor: false });

    // Assess
    expect(served).toContain(`documents POST /console/submissions/${id}/accept`);
    expect(accepted.status).toBe(403);
    expect(unauthorised.status).toBe(401);
    const view = await local.container.submitters.desk.get(id);
    expect(view?.state).toBe("received");
    expect(view?.documentId ?? null).toBeNull();
    expect(await local.container.platform.blobs.list("originals/")).toEqual(documentsBefore);
  });
});
