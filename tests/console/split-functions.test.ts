import { readFileSync } from "node:fs";
import type { Hono } from "hono";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import {
  type ConsoleKitDependencies,
  createConsolePreviews,
  createConsoleRoutes,
  createConsoleSubmission,
} from "../../src/console/http.js";
import { createConsoleRenderer } from "../../src/console/render.js";
import { createConsoleRepostAreas } from "../../src/console/reposts.js";
import { acceptedDocuments } from "../../src/documents/accepted.js";
import { editionSettingsFrom } from "../../src/editions/model.js";
import { EditionService } from "../../src/editions/service.js";
import { createApp } from "../../src/http/app.js";
import { type ApiFunction, lambdaOf } from "../../src/http/route-declaration.js";
import { HTTP_SURFACE } from "../../src/http/surface.js";
import { problem, RefusedError } from "../../src/platform/errors.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import type { Container } from "../../src/runtime/container.js";
import { ConsoleBrowser, noticeForm } from "../support/console-browser.js";
import { aSubmission } from "../support/factories.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * In AWS the console is served by four functions (route declarations: `lambda`): the console
 * function serves its pages, the documents function the .docx submission (POST
 * /console/documents), the preview function the two preview pages, the reposts function the
 * sites' pages, the compliance report and the site portal. Here the four console apps
 * are built as those functions build them, on one store (the table they share), and each request
 * goes to the app its route is declared for: a session started on the console function's pages, and
 * its CSRF token, hold on the others' routes exactly as on its own.
 */

const NOW = Date.UTC(2025, 5, 3, 2, 0, 0);
const PASSWORD = "correct horse battery";
const DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** What each function's composition root gives its console (src/runtime/lambda/console.ts). */
function kitDependencies(container: Container): ConsoleKitDependencies {
  return {
    config: container.config,
    accounts: container.console!.accounts,
    oidc: container.console!.oidc,
    audit: container.console!.audit,
    render: createConsoleRenderer(container.config.gazette),
    now: () => container.platform.clock.now(),
    flush: () => container.platform.flush(),
    menu: { archive: true, reposts: true },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the apps' environments differ
type FunctionApp = Hono<any>;
/** The functions that serve console routes. */
type ConsoleFunction = Exclude<ApiFunction, "api" | "verify" | "archive">;

function functionApps(
  container: Container,
  previews: Pick<EditionService, "get" | "preview"> = container.editions,
): Record<ConsoleFunction, FunctionApp> {
  const common = {
    config: container.config,
    auth: container.auth,
    flush: () => container.platform.flush(),
  };
  const kit = kitDependencies(container);
  return {
    console: createApp({
      ...common,
      console: createConsoleRoutes(
        { ...kit, intake: container.intake, editions: container.editions, statuses: container.statuses },
        "api",
      ),
    }),
    documents: createApp({
      ...common,
      console: createConsoleSubmission({ ...kit, intake: container.intake }),
    }),
    preview: createApp({
      ...common,
      console: createConsolePreviews({
        ...kit,
        editions: previews,
        intake: acceptedDocuments(container.platform.records),
      }),
    }),
    reposts: createApp({
      ...common,
      console: createConsoleRepostAreas({
        ...kit,
        reposts: {
          registry: container.reposts.registry,
          acks: container.reposts.acks,
          calendar: container.reposts.calendar,
          platform: container.platform,
        },
      }),
    }),
  };
}

/** The function a request reaches: its declared route's (`/console/...` paths only here). */
function functionOf(method: string, path: string): ConsoleFunction {
  const declared = HTTP_SURFACE.find(
    (r) =>
      r.method === method &&
      new RegExp(`^${r.path.replace(/\./g, "\\.").replace(/\{[^}]+\}/g, "[^/]+")}$`).test(path),
  );
  const fn = declared ? lambdaOf(declared) : "console";
  if (fn === "api" || fn === "verify" || fn === "archive")
    throw new Error(`${method} ${path} is not a console route`);
  return fn;
}

describe("the console split among the console, documents, preview and reposts functions", () => {
  let local: TestApp;
  let browser: ConsoleBrowser;
  const served: Array<`${ConsoleFunction} ${string}`> = [];

  beforeEach(async () => {
    local = createTestApp({ clock: new ManualClock(NOW) });
    await local.container.console!.accounts.create(
      { username: "zhang", displayName: "张编辑", role: "editor", password: PASSWORD },
      "test",
    );
    const apps = functionApps(local.container);
    served.length = 0;
    const request: TestApp["request"] = (path, init = {}) => {
      const method = init.method ?? "GET";
      const fn = functionOf(method, new URL(path, "http://localhost").pathname);
      served.push(`${fn} ${method} ${path}`);
      const { editor: _editor, ...rest } = init;
      return Promise.resolve(apps[fn].fetch(new Request(`http://localhost${path}`, rest)));
    };
    browser = new ConsoleBrowser({ ...local, request });
  });
  afterEach(() => local.close());

  test("a session started on the console function's pages submits a document through the documents function; without its CSRF token nothing is accepted", async () => {
    // Prepare
    await browser.signIn("zhang", PASSWORD);
    const csrf = await browser.csrfOf("/console/documents/new");
    const form = noticeForm("四川省人民政府关于做好防汛工作的通知", "川府发〔2025〕11号");

    // Act
    const forged = await browser.post("/console/documents", { ...form, _csrf: "x".repeat(43) });
    const accepted = await browser.post("/console/documents", { ...form, _csrf: csrf });

    // Assess
    expect(served).toContain("documents POST /console/documents");
    expect(forged.status).toBe(403);
    expect(accepted.status).toBe(303);
    const location = accepted.headers.get("location")!;
    expect((await browser.get(location)).status).toBe(200);
    expect((await local.container.intake.get(location.split("/").pop()!)).receivedBy).toBe("zhang");
    const log = await local.container.console!.audit.page({ limit: 10 });
    expect(log.items.map((e) => `${e.action} ${e.outcome}`).slice(0, 2)).toEqual([
      "document.submit ok",
      "POST /console/documents refused",
    ]);
  });

  test("without a session the documents and preview functions send the browser to sign in, as the console function does", async () => {
    // Act
    const submit = await browser.post("/console/documents", { title: "x" });
    const preview = await browser.get("/console/editions/01J0EDITION0000000000000000/preview");
    const pdf = await browser.get("/console/editions/01J0EDITION0000000000000000/preview.pdf");

    // Assess
    expect(served.map((s) => s.split(" ")[0])).toEqual(["documents", "preview", "preview"]);
    expect(submit.status).toBe(303);
    expect(submit.headers.get("location")).toBe("/console/sign-in");
    for (const res of [preview, pdf]) {
      expect(res.status).toBe(303);
      expect(res.headers.get("location")).toMatch(/^\/console\/sign-in\?next=%2Fconsole%2Feditions%2F/);
    }
  });

  test("a session started on the console function's pages registers a site on the reposts function and reads the compliance report there", async () => {
    // Prepare: an administrator (the sites' pages are theirs)
    await local.container.console!.accounts.create(
      { username: "wang", displayName: "王管理员", role: "administrator", password: PASSWORD },
      "test",
    );
    await browser.signIn("wang", PASSWORD);
    const csrf = await browser.csrfOf("/console/sites");
    const site = {
      name: "成都市人民政府网站",
      level: "city",
      region: "510100",
      sectors: "",
      "delivery.type": "sqs",
      "delivery.queueUrl": "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/gazette-repost-chengdu",
    };

    // Act
    const forged = await browser.post("/console/sites", { ...site, _csrf: "x".repeat(43) });
    const registered = await browser.post("/console/sites", { ...site, _csrf: csrf });
    const report = await browser.get("/console/compliance");

    // Assess
    expect(served.filter((s) => !s.includes("/console/sign-in")).map((s) => s.split(" ")[0])).toEqual([
      "reposts",
      "reposts",
      "reposts",
      "reposts",
    ]);
    expect(forged.status).toBe(403);
    expect(registered.status).toBe(200);
    expect((await local.container.reposts.registry.list()).items.map((s) => s.name)).toEqual([
      "成都市人民政府网站",
    ]);
    expect(report.status).toBe(200);
  });

  test("the preview function previews an edition for the session", async () => {
    // Prepare: an edition with one document
    await browser.signIn("zhang", PASSWORD);
    const { intake, editions } = local.container;
    const placed = await intake.submit({
      input: aSubmission({ title: "四川省人民政府关于做好防汛工作的通知" }),
      submittedBy: "zhang",
    });
    const edition = await editions.create({ year: 2025 }, "zhang");
    await editions.setDocuments(edition.id, { documents: [placed.document.id] }, "zhang");

    // Act
    const page = await browser.get(`/console/editions/${edition.id}/preview`);
    const pdf = await browser.get(`/console/editions/${edition.id}/preview.pdf`);

    // Assess
    expect(served.filter((s) => s.includes("/preview")).map((s) => s.split(" ")[0])).toEqual([
      "preview",
      "preview",
    ]);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("预览");
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
  });

  test("a preview the renderer refuses shows the edition's page with its problem and the accepted documents it may take", async () => {
    // Prepare: the preview function with a renderer that refuses the edition
    const { intake, editions, platform, config } = local.container;
    const refusing = new EditionService({
      platform,
      settings: editionSettingsFrom(config.gazette),
      render: async () => {
        throw new RefusedError([problem(null, "unrenderable", "本期无法排版")]);
      },
    });
    const apps = functionApps(local.container, refusing);
    const request: TestApp["request"] = (path, init = {}) => {
      const method = init.method ?? "GET";
      const { editor: _editor, ...rest } = init;
      return Promise.resolve(
        apps[functionOf(method, new URL(path, "http://localhost").pathname)].fetch(
          new Request(`http://localhost${path}`, rest),
        ),
      );
    };
    browser = new ConsoleBrowser({ ...local, request });
    await browser.signIn("zhang", PASSWORD);
    await intake.submit({
      input: aSubmission({ title: "四川省人民政府关于加强森林防火的通知" }),
      submittedBy: "zhang",
    });
    const edition = await editions.create({ year: 2025 }, "zhang");

    // Act
    const res = await browser.get(`/console/editions/${edition.id}/preview`);

    // Assess
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("本期无法排版");
    expect(html).toContain("四川省人民政府关于加强森林防火的通知"); // offered to the edition
    // The menu links to the areas the console function serves, as on its own pages.
    expect(html).toContain('href="/console/compliance"');
  });

  test("a refused .docx upload answers the status the JSON API gives the same refusal", async () => {
    // Prepare: a file that is not a Word document (415 from POST /api/documents)
    await browser.signIn("zhang", PASSWORD);
    const csrf = await browser.csrfOf("/console/documents/new");
    const fields = noticeForm("四川省人民政府关于做好防汛工作的通知", "川府发〔2025〕14号");
    const body = () => {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.set(name, value);
      form.set("_csrf", csrf);
      form.set("file", new Blob(["this is not a zip"], { type: DOCX_MIME }), "notice.docx");
      return form;
    };
    const metadata = JSON.parse(readFileSync("samples/documents/07-office-notice.meta.json", "utf8"));
    const api = new FormData();
    api.set("metadata", JSON.stringify(metadata));
    api.set("file", new Blob(["this is not a zip"], { type: DOCX_MIME }), "notice.docx");

    // Act
    const consoleResponse = await browser.request("/console/documents", { method: "POST", body: body() });
    const apiResponse = await local.request("/api/documents", { method: "POST", body: api });

    // Assess
    expect(apiResponse.status).toBe(415);
    expect(consoleResponse.status).toBe(apiResponse.status);
    expect(await consoleResponse.text()).toContain("文件未受理");
  });
});
