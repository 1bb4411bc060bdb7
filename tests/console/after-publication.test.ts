import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { ManualClock } from "../../src/platform/manual-clock.js";
import { ConsoleBrowser, noticeForm, processEvents } from "../support/console-browser.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * After publication, in the console: an editor marks published documents 已修改 / 已废止 / 失效
 * by drafting the act that does it from the document's page, and publishes an erratum (勘误)
 * linked to what it corrects. Each is checked on the public page of the earlier document.
 */

const NOW = Date.UTC(2025, 5, 3, 2, 0, 0);
const PASSWORD = "correct horse battery";

describe("console: after publication", () => {
  let app: TestApp;
  let browser: ConsoleBrowser;
  let csrf: string;

  beforeEach(async () => {
    app = createTestApp({ clock: new ManualClock(NOW) });
    await app.container.console!.accounts.create(
      { username: "zhang", displayName: "张编辑", role: "editor", password: PASSWORD },
      "test",
    );
    browser = new ConsoleBrowser(app);
    await browser.signIn("zhang", PASSWORD);
    csrf = await browser.csrfOf("/console/documents/new");
  });
  afterEach(() => app.close());

  async function submit(fields: Record<string, string | string[]>): Promise<string> {
    const res = await browser.post("/console/documents", { ...fields, _csrf: csrf });
    expect(res.status, await res.clone().text()).toBe(303);
    return res.headers.get("location")!.split("/").pop()!;
  }

  async function publishEdition(documents: string[], date: string): Promise<string> {
    const created = await browser.post("/console/editions", { _csrf: csrf, year: "2025", date });
    const path = created.headers.get("location")!;
    expect(
      (await browser.post(`${path}/documents`, { _csrf: csrf, action: "add", document: documents })).status,
    ).toBe(303);
    expect((await browser.post(`${path}/publish`, { _csrf: csrf })).status).toBe(200);
    await processEvents(app);
    return path.split("/").pop()!;
  }

  /** The prefilled form of an act drafted from a document's page, as the editor would send it. */
  async function draftAct(
    targetId: string,
    act: "amends" | "repeals" | "expires" | "corrects",
    docNumber: string,
  ): Promise<{ fields: Record<string, string>; html: string }> {
    const html = await (await browser.get(`/console/documents/new?act=${act}&target=${targetId}`)).text();
    const input = (name: string) =>
      new RegExp(`name="${name.replace(/\./g, "\\.")}" value="([^"]*)"`).exec(html)?.[1] ?? "";
    const textarea = (name: string) =>
      new RegExp(`name="${name.replace(/\./g, "\\.")}"[^>]*>([^<]*)</textarea>`).exec(html)?.[1] ?? "";
    const field = {
      amends: "relations.amends",
      repeals: "relations.repeals",
      expires: "relations.expires",
      corrects: "corrects",
    }[act];
    return {
      html,
      fields: {
        ...noticeForm(input("title"), docNumber),
        issuers: textarea("issuers"),
        kind: /<option value="([^"]+)" selected>/.exec(html.slice(html.indexOf('id="f-kind"')))?.[1] ?? "",
        [field]: textarea(field),
        "repost.scope": "none",
        "repost.deadlineWorkingDays": "",
      },
    };
  }

  test("acts drafted from published documents' pages repeal, amend, declare 失效 and correct them, on the public pages too", async () => {
    // Prepare: three published notices
    const a = await submit(noticeForm("四川省人民政府关于做好防汛减灾工作的通知", "川府发〔2025〕21号"));
    const b = await submit(noticeForm("四川省人民政府关于加强安全生产工作的通知", "川府发〔2025〕22号"));
    const c = await submit(noticeForm("四川省人民政府关于开展爱国卫生运动的通知", "川府发〔2025〕23号"));
    await publishEdition([a, b, c], "2025-06-01");
    const before = (await (await browser.get(`/console/documents/${a}`)).text()).replaceAll("&#x3D;", "=");

    // Act: draft the four acts from the documents' pages, then publish them in the next edition
    const repeal = await draftAct(a, "repeals", "川府发〔2025〕31号");
    const amend = await draftAct(b, "amends", "川府发〔2025〕32号");
    const expire = await draftAct(c, "expires", "川府发〔2025〕33号");
    const erratum = await draftAct(a, "corrects", "川府函〔2025〕34号");
    const acts = [];
    for (const draft of [repeal, amend, expire, erratum]) acts.push(await submit(draft.fields));
    const pending = await (await browser.get(`/console/documents/${acts[0]}`)).text();
    await publishEdition(acts, "2025-06-02");

    // Assess: before, a valid document offers the four acts
    expect(before).toContain("效力状态");
    expect(before).toMatch(/<strong class="tag">有效<\/strong>/);
    for (const act of ["repeals", "amends", "expires", "corrects"])
      expect(before).toContain(`/console/documents/new?act=${act}&amp;target=${a}`);
    // the drafts name what they act on
    expect(repeal.html).toContain("关于废止《四川省人民政府关于做好防汛减灾工作的通知》的决定");
    expect(repeal.fields["relations.repeals"]).toBe("川府发〔2025〕21号");
    expect(repeal.fields.kind).toBe("决定");
    expect(amend.fields["relations.amends"]).toBe("川府发〔2025〕22号");
    expect(expire.fields["relations.expires"]).toBe("川府发〔2025〕23号");
    expect(erratum.fields.corrects).toBe("川府发〔2025〕21号");
    expect(erratum.html).toContain("关于《四川省人民政府关于做好防汛减灾工作的通知》的勘误");
    // an act not yet published says what it will do
    expect(pending).toContain("本文件对其他文件的效力");
    expect(pending).toContain("本文件发布后生效");

    // Assess: the console shows each status with the act that did it
    const pageOf = async (id: string) => (await browser.get(`/console/documents/${id}`)).text();
    const [pa, pb, pc] = await Promise.all([pageOf(a), pageOf(b), pageOf(c)]);
    expect(pa).toMatch(/<strong class="tag">已废止<\/strong>/);
    expect(pa).toContain(
      `<a href="/console/documents/${acts[0]}">《关于废止《四川省人民政府关于做好防汛减灾工作的通知》的决定》</a>`,
    );
    expect(pa).toContain(
      `<a href="/console/documents/${acts[3]}">《关于《四川省人民政府关于做好防汛减灾工作的通知》的勘误》</a>（川府函〔2025〕34号）`,
    );
    expect(pb).toMatch(/<strong class="tag">已修改<\/strong>/);
    expect(pc).toMatch(/<strong class="tag">失效<\/strong>/);
    expect(pc).toContain("宣布失效");
    const actPage = await pageOf(acts[0]!);
    expect(actPage).toContain(
      `<a href="/console/documents/${a}">《四川省人民政府关于做好防汛减灾工作的通知》</a>`,
    );

    // Assess: the public pages say the same and link the acts
    const publicPage = async (id: string) => {
      const res = await app.request(`/documents/${id}.html`, { editor: false });
      expect(res.status).toBe(200);
      return res.text();
    };
    const [ga, gb, gc] = await Promise.all([publicPage(a), publicPage(b), publicPage(c)]);
    expect(ga).toContain("效力状态：已废止");
    expect(ga).toMatch(new RegExp(`href="[^"]*${acts[0]}\\.html">《关于废止`));
    expect(ga).toContain("本文件已有勘误");
    expect(ga).toMatch(new RegExp(`href="[^"]*${acts[3]}\\.html">《关于《`));
    expect(gb).toContain("效力状态：已修改");
    expect(gc).toContain("效力状态：失效");
    expect(gc).toMatch(/宣布失效。/);

    // Assess: the audit log names what each act does
    const log = await app.container.console!.audit.page({ limit: 50 });
    const submitted = log.items.filter((e) => e.action === "document.submit" && e.outcome === "ok");
    expect(
      submitted
        .map((e) => e.details.repeals ?? e.details.amends ?? e.details.expires ?? e.details.corrects)
        .slice(0, 4),
    ).toEqual([
      ["川府发〔2025〕21号"],
      ["川府发〔2025〕23号"],
      ["川府发〔2025〕22号"],
      ["川府发〔2025〕21号"],
    ]);
  }, 180_000);

  test("a document not yet published offers no act; one without 发文字号 says why none can refer to it", async () => {
    // Prepare
    const accepted = await submit(
      noticeForm("四川省人民政府关于做好防汛减灾工作的通知", "川府发〔2025〕41号"),
    );
    const unnumbered = await submit(noticeForm("四川省人民政府办公厅关于假期安排的通知", ""));
    await publishEdition([unnumbered], "2025-06-01");

    // Act
    const acceptedPage = (await (await browser.get(`/console/documents/${accepted}`)).text()).replaceAll(
      "&#x3D;",
      "=",
    );
    const unnumberedPage = (await (await browser.get(`/console/documents/${unnumbered}`)).text()).replaceAll(
      "&#x3D;",
      "=",
    );
    const draft = await (await browser.get(`/console/documents/new?act=repeals&target=${unnumbered}`)).text();
    const missing = await browser.get("/console/documents/new?act=repeals&target=01JZZZZZZZZZZZZZZZZZZZZZZZ");

    // Assess
    expect(acceptedPage).not.toContain("效力状态");
    expect(acceptedPage).not.toContain("act=repeals");
    expect(unnumberedPage).toContain("本文件没有发文字号");
    expect(unnumberedPage).not.toContain("act=repeals");
    expect(draft).toContain("没有发文字号，后续文件无法引用它");
    expect(missing.status).toBe(404);
  }, 120_000);
});
