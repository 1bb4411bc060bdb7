import { afterEach, describe, expect, it } from "vitest";
import { createRepostsHarness, type RepostsHarness } from "./harness.js";

let h: RepostsHarness;
afterEach(() => h?.close());

/** The reposted page of the factory's submission, inside a site's own template. */
function repostedPage(docNumber: string, body: string): string {
  return `<!doctype html><html><head><title>转载</title><script>var x = "ignored";</script></head><body>
<nav>首页 &gt; 政务公开 &gt; 转载文件</nav>
<h1>四川省人民政府关于做好2024年冬春农田水利建设工作的通知</h1>
<p class="meta">${docNumber}</p>
${body
  .split("\n")
  .map((line) => `<p>${line}</p>`)
  .join("\n")}
<footer>主办：某县人民政府</footer></body></html>`;
}

const BODY = [
  "为切实做好冬春农田水利建设工作，现就有关事项通知如下。",
  "一、总体要求",
  "坚持节水优先、空间均衡、系统治理、两手发力。",
  "（一）加强组织领导。",
  "各地要把农田水利建设摆上重要议事日程。",
  "1.明确责任分工。",
  "项目\t资金（万元）",
  "高标准农田\t1200",
].join("\n");

async function oneNoticeEach() {
  const a = await h.registerSite({ name: "锦江区", level: "county", region: "510104" });
  const b = await h.registerSite({ name: "青羊区", level: "county", region: "510105" });
  const docNumber = "川府发〔2026〕7号";
  const doc = await h.submitRepost({ scope: "all" }, { docNumber });
  await h.publish([doc]);
  await h.runQueues();
  return { a, b, doc, docNumber, noticeA: `${doc}.${a.id}`, noticeB: `${doc}.${b.id}` };
}

describe("acknowledgement", () => {
  it("refuses a site acknowledging another site's notice as if it did not exist (404), an unknown notice (404) and no token (401)", async () => {
    // Prepare
    h = createRepostsHarness();
    const { a, noticeB, doc } = await oneNoticeEach();

    // Act
    const others = await h.api(`/api/reposts/${noticeB}/ack`, {
      method: "POST",
      token: a.token,
      json: { url: "http://x.example/p" },
    });
    const unknown = await h.api(`/api/reposts/${doc}.01NOSUCHSITE/ack`, {
      method: "POST",
      token: a.token,
      json: { url: "http://x.example/p" },
    });
    const anonymous = await h.api(`/api/reposts/${noticeB}/ack`, {
      method: "POST",
      editor: false,
      json: { url: "http://x.example/p" },
    });
    const editor = await h.api(`/api/reposts/${noticeB}/ack`, {
      method: "POST",
      json: { url: "http://x.example/p" },
    });

    // Assess: another site's notice and no notice at all answer alike, revealing nothing
    expect(others.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect((await others.json()) as unknown).toEqual({
      error: { code: "not_found", field: "noticeId", message: `No notice ${noticeB}` },
    });
    const peek = await h.api(`/api/reposts/${noticeB}`, { token: a.token });
    expect(peek.status).toBe(404);
    expect(anonymous.status).toBe(401);
    expect(editor.status).toBe(401);
    const [notice] = (await h.notices(doc)).filter((n) => n.id === noticeB);
    expect(notice?.ack).toBeNull();
  });

  it("refuses a disabled site's token: it neither lists nor acknowledges (403 site_disabled)", async () => {
    // Prepare
    h = createRepostsHarness();
    const { a, noticeA, doc } = await oneNoticeEach();
    const disabled = await h.api(`/api/sites/${a.id}`, {
      method: "PATCH",
      json: { status: "disabled", disabledReason: "merged into another site" },
    });
    expect(disabled.status).toBe(200);
    // Act
    const list = await h.api("/api/reposts", { token: a.token });
    const one = await h.api(`/api/reposts/${noticeA}`, { token: a.token });
    const ack = await h.api(`/api/reposts/${noticeA}/ack`, {
      method: "POST",
      token: a.token,
      json: { url: "http://x.example/p" },
    });
    // Assess
    for (const res of [list, one, ack]) {
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: { code: string; field: string } }).error).toMatchObject({
        code: "site_disabled",
        field: "Authorization",
      });
    }
    const [notice] = (await h.notices(doc)).filter((n) => n.id === noticeA);
    expect(notice?.ack).toBeNull();
  });

  it("verifies a page that carries the title, 发文字号 and body, even with full-width digits and other brackets", async () => {
    // Prepare
    h = createRepostsHarness();
    const { a, noticeA, doc } = await oneNoticeEach();
    const page = h.endpoint("/news/1.html");
    page.page = repostedPage("川府发[２０２６]７号", BODY);

    // Act
    const res = await h.api(`/api/reposts/${noticeA}/ack`, {
      method: "POST",
      token: a.token,
      json: { url: page.url },
    });
    await h.runQueues();

    // Assess
    expect(res.status).toBe(202);
    const notice = (await h.notices(doc)).find((n) => n.id === noticeA);
    expect(notice?.ack?.url).toBe(page.url);
    expect(notice?.verification).toMatchObject({ state: "verified", reason: null, checks: 1 });
  });

  it("fails verification with the reason when the page lacks the 发文字号 or most of the body", async () => {
    // Prepare
    h = createRepostsHarness();
    const { a, noticeA, doc } = await oneNoticeEach();
    const page = h.endpoint("/news/2.html");
    page.page = repostedPage("", BODY.split("\n").slice(0, 2).join("\n"));

    // Act
    await h.api(`/api/reposts/${noticeA}/ack`, { method: "POST", token: a.token, json: { url: page.url } });
    await h.runQueues();

    // Assess
    const notice = (await h.notices(doc)).find((n) => n.id === noticeA);
    expect(notice?.verification?.state).toBe("failed");
    expect(notice?.verification?.reason).toContain("docNumber");
    expect(notice?.verification?.reason).toContain("body");
    const mine = (await (await h.api("/api/reposts?site=me", { token: a.token })).json()) as {
      items: { status: string }[];
    };
    expect(mine.items.map((n) => n.status)).toEqual(["verification_failed"]);
  });

  it("re-checks a verified page later and notices when it was taken down", async () => {
    // Prepare
    h = createRepostsHarness({ reposts: { recheckSeconds: [3600] } });
    const { a, noticeA, doc, docNumber } = await oneNoticeEach();
    const page = h.endpoint("/news/3.html");
    page.page = repostedPage(docNumber, BODY);
    await h.api(`/api/reposts/${noticeA}/ack`, { method: "POST", token: a.token, json: { url: page.url } });
    await h.runQueues();

    // Act
    page.page = undefined;
    h.clock.advanceSeconds(3601);
    const tick = await h.reposts.tick.run();
    await h.runQueues();

    // Assess
    expect(tick.rechecked).toBe(1);
    const notice = (await h.notices(doc)).find((n) => n.id === noticeA);
    expect(notice?.verification).toMatchObject({ state: "failed", checks: 2, nextCheckAt: null });
    expect(notice?.verification?.reason).toContain("404");
  });

  it("shows a site its own pending notices only, as JSON and as a page", async () => {
    // Prepare
    h = createRepostsHarness();
    const { a, noticeA } = await oneNoticeEach();

    // Act
    const json = await h.api("/api/reposts?site=me", { token: a.token });
    const html = await h.api("/api/reposts?site=me&format=html", { token: a.token });

    // Assess
    const body = (await json.json()) as { items: { id: string; status: string; deadline: string }[] };
    expect(body.items).toEqual([
      expect.objectContaining({ id: noticeA, status: "delivered", deadline: "2026-02-26" }),
    ]);
    expect(html.headers.get("content-type")).toContain("text/html");
    expect(await html.text()).toContain("四川省人民政府关于做好2024年冬春农田水利建设工作的通知");
  });
});
