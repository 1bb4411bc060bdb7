import { afterEach, describe, expect, it } from "vitest";
import type { ComplianceReport } from "../../src/reposts/compliance.js";
import { createRepostsHarness, type RepostsHarness } from "./harness.js";

let h: RepostsHarness;
afterEach(() => h?.close());

const PAGE = (
  docNumber: string,
) => `<html><body><h1>四川省人民政府关于做好2024年冬春农田水利建设工作的通知</h1><p>${docNumber}</p>
<p>为切实做好冬春农田水利建设工作，现就有关事项通知如下。</p><p>一、总体要求</p><p>坚持节水优先、空间均衡、系统治理、两手发力。</p>
<p>（一）加强组织领导。</p><p>各地要把农田水利建设摆上重要议事日程。</p><p>1.明确责任分工。</p><p>项目 资金（万元）</p><p>高标准农田 1200</p></body></html>`;

/**
 * Four sites, one document (deadline 2026-02-26):
 *   verified   锦江区 510104 county  reposted and verified
 *   wrong      青羊区 510105 county  acknowledged a page without the document
 *   silent     绵阳市 510700 city    received it, never answered
 *   gone       省教育厅 510000 dept   answered 410: delivery failed
 */
async function scenario() {
  const verified = await h.registerSite({ name: "锦江区", level: "county", region: "510104" });
  const wrong = await h.registerSite({ name: "青羊区", level: "county", region: "510105" });
  const silent = await h.registerSite({ name: "绵阳市", level: "city", region: "510700" });
  const gone = await h.registerSite({ name: "省教育厅", level: "province_dept", region: "510000" });
  gone.endpoint.status = 410;
  const docNumber = "川府发〔2026〕9号";
  const doc = await h.submitRepost({ scope: "all", deadlineWorkingDays: 5 }, { docNumber });
  await h.publish([doc]);
  await h.runQueues();
  const good = h.endpoint("/pages/good.html");
  good.page = PAGE(docNumber);
  const bad = h.endpoint("/pages/bad.html");
  bad.page = "<html><body>另一篇文章</body></html>";
  await h.api(`/api/reposts/${doc}.${verified.id}/ack`, {
    method: "POST",
    token: verified.token,
    json: { url: good.url },
  });
  await h.api(`/api/reposts/${doc}.${wrong.id}/ack`, {
    method: "POST",
    token: wrong.token,
    json: { url: bad.url },
  });
  await h.runQueues();
  return { doc, verified, wrong, silent, gone };
}

async function report(query = ""): Promise<ComplianceReport> {
  const res = await h.api(`/api/compliance${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as ComplianceReport;
}

describe("compliance report", () => {
  it("counts delivered, acknowledged, verified, failed and overdue notices once the tick has escalated them past the deadline", async () => {
    // Prepare
    h = createRepostsHarness({ start: Date.parse("2026-02-12T02:00:00Z") });
    const { doc, silent, wrong, gone } = await scenario();
    h.clock.advance(Date.parse("2026-02-27T01:00:00Z") - h.clock.now().getTime());
    await h.reposts.tick.run();

    // Act
    const r = await report();

    // Assess
    expect(r.totals).toEqual({
      notices: 4,
      delivered: 3,
      acknowledged: 2,
      verified: 1,
      verification_failed: 1,
      overdue: 3,
      failed: 1,
    });
    expect(r.rates).toMatchObject({ delivered: 0.75, verified: 0.25, overdue: 0.75 });
    expect(r.overdue.map((o) => o.siteId).sort()).toEqual([gone.id, silent.id, wrong.id].sort());
    expect(r.regions.map((x) => [x.region, x.notices, x.verified])).toEqual([
      ["510000", 1, 0],
      ["510100", 2, 1],
      ["510700", 1, 0],
    ]);
    expect(r.documents).toEqual([
      expect.objectContaining({ documentId: doc, notices: 4, verified: 1, deadline: "2026-02-26" }),
    ]);
    expect(r.sites.find((s) => s.siteId === wrong.id)).toMatchObject({
      acknowledged: 1,
      verification_failed: 1,
      overdue: 1,
    });
  });

  it("counts nothing as overdue before the deadline", async () => {
    // Prepare
    h = createRepostsHarness({ start: Date.parse("2026-02-12T02:00:00Z") });
    await scenario();

    // Act
    const r = await report();

    // Assess
    expect(r.totals).toMatchObject({ notices: 4, overdue: 0, failed: 1 });
    expect(r.overdue).toEqual([]);
  });

  it("filters by region (with subdivisions), level, document and period", async () => {
    // Prepare
    h = createRepostsHarness({ start: Date.parse("2026-02-12T02:00:00Z") });
    const { doc } = await scenario();

    // Act
    const chengdu = await report("?region=510100");
    const cities = await report("?level=city");
    const other = await report("?document=01OTHERDOCUMENT");
    const before = await report("?to=2026-02-11");
    const within = await report(`?from=2026-02-12&to=2026-02-12&document=${doc}`);
    const invalid = await h.api("/api/compliance?region=51&level=village");
    const impossible = await h.api("/api/compliance?from=2026-02-30");

    // Assess
    expect(chengdu.totals.notices).toBe(2);
    expect(cities.totals.notices).toBe(1);
    expect(other.totals.notices).toBe(0);
    expect(before.totals.notices).toBe(0);
    expect(within.totals.notices).toBe(4);
    expect(invalid.status).toBe(400);
    expect(impossible.status).toBe(400);
  });

  it("offers the report as CSV (one row per site and a total) and as an HTML page", async () => {
    // Prepare
    h = createRepostsHarness({ start: Date.parse("2026-02-12T02:00:00Z") });
    await scenario();

    // Act
    const csv = await h.api("/api/compliance?format=csv");
    const html = await h.api("/api/compliance?format=html");

    // Assess
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines).toHaveLength(6);
    expect(lines[0]).toContain(
      '"notices","delivered","acknowledged","verified","verification_failed","overdue","failed"',
    );
    expect(lines[5]).toContain('"合计"');
    expect(lines[5]).toContain('"4","3","2","1","1","0","1"');
    const page = await html.text();
    expect(page).toContain("转载情况检查");
    expect(page).toContain("锦江区");
  });

  it("is a page for a phone and a Chinese reader: viewport, <main>, level names, China time, — where nothing was sent", async () => {
    // Prepare: the scenario; a period in which nothing was sent
    h = createRepostsHarness({ start: Date.parse("2026-02-12T02:00:00Z") });
    await scenario();

    // Act
    const page = await (await h.api("/api/compliance?format=html")).text();
    const empty = await (await h.api("/api/compliance?format=html&from=2020-01-01&to=2020-01-31")).text();

    // Assess
    expect(page).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(page).toMatch(/<main[ >]/);
    expect(page).not.toMatch(/province_dept|>county<|>city</);
    expect(page).toContain("省级部门");
    expect(page).toMatch(
      /生成时间：<time datetime="[^"]+">\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}（北京时间）<\/time>/,
    );
    expect(page).toContain("2026年2月12日 10:00（北京时间）");
    const totals = empty.slice(empty.indexOf("<h2>合计</h2>"), empty.indexOf("<h2>逾期"));
    expect(totals).toContain("<td>—</td><td>—</td>");
    expect(totals).not.toContain("%");
  });

  it("pages the overdue list with limit and cursor, each overdue notice once, and the HTML page streams all of them", async () => {
    // Prepare: five silent sites miss the deadline of one document
    h = createRepostsHarness({ start: Date.parse("2026-02-12T02:00:00Z") });
    const names = ["甲县", "乙县", "丙县", "丁县", "戊县"];
    for (const [i, name] of names.entries()) {
      await h.registerSite({ name, level: "county", region: `51010${i + 4}` });
    }
    const doc = await h.submitRepost({ scope: "all", deadlineWorkingDays: 5 });
    await h.publish([doc]);
    await h.runQueues();
    h.clock.advance(Date.parse("2026-02-27T01:00:00Z") - h.clock.now().getTime());
    await h.reposts.tick.run();

    // Act
    const pages: ComplianceReport[] = [];
    let cursor: string | undefined;
    do {
      const page = await report(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      pages.push(page);
      cursor = page.overdueCursor;
    } while (cursor && pages.length < 10);
    const html = await (await h.api("/api/compliance?format=html")).text();
    const foreign = await h.api("/api/compliance?cursor=bm90LWEtY3Vyc29y");

    // Assess
    expect(pages.map((p) => p.overdue.length)).toEqual([2, 2, 1]);
    expect(pages.flatMap((p) => p.overdue.map((o) => o.siteName)).sort()).toEqual([...names].sort());
    expect(pages[0]?.totals.overdue).toBe(5);
    for (const name of names) expect(html).toContain(`<td>${name}</td>`);
    expect(html).toContain("逾期未转载（5）");
    expect(foreign.status).toBe(400);
  });

  it("lists every overdue notice as CSV (overdue-csv): one row each with its document, site and deadline, filtered like the report", async () => {
    // Prepare: five silent sites miss the deadline of one document
    h = createRepostsHarness({ start: Date.parse("2026-02-12T02:00:00Z") });
    const names = ["甲县", "乙县", "丙县", "丁县", "戊县"];
    for (const [i, name] of names.entries()) {
      await h.registerSite({ name, level: "county", region: `51010${i + 4}` });
    }
    const doc = await h.submitRepost(
      { scope: "all", deadlineWorkingDays: 5 },
      { docNumber: "川府发〔2026〕9号" },
    );
    await h.publish([doc]);
    await h.runQueues();
    h.clock.advance(Date.parse("2026-02-27T01:00:00Z") - h.clock.now().getTime());
    await h.reposts.tick.run();

    // Act
    const all = await h.api("/api/compliance?format=overdue-csv");
    const one = await (await h.api("/api/compliance?format=overdue-csv&region=510104")).text();
    const wrong = await h.api("/api/compliance?format=xlsx");

    // Assess
    expect(all.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(all.headers.get("content-disposition")).toBe('attachment; filename="compliance-overdue.csv"');
    const bytes = Buffer.from(await all.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString("utf8");
    const lines = text.slice(1).trim().split("\r\n");
    expect(lines[0]).toBe(
      '"notice_id","document_id","document","doc_number","site_id","site","region","level","deadline","status","reason"',
    );
    expect(lines).toHaveLength(6);
    expect(
      lines
        .slice(1)
        .map((l) => l.split(",")[5])
        .sort(),
    ).toEqual(names.map((n) => `"${n}"`).sort());
    for (const l of lines.slice(1)) {
      expect(l).toContain(`"${doc}"`);
      expect(l).toContain('"川府发〔2026〕9号"');
      expect(l).toContain('"county"');
    }
    expect(one.trim().split("\r\n")).toHaveLength(2);
    expect(one).toContain('"甲县","510104"');
    expect(wrong.status).toBe(400);
  });

  it("clears an overdue notice when the site reposts late, and counts it again when that page fails verification", async () => {
    // Prepare: a silent site escalated as overdue
    h = createRepostsHarness({ start: Date.parse("2026-02-12T02:00:00Z") });
    const { doc, silent } = await scenario();
    h.clock.advance(Date.parse("2026-02-27T01:00:00Z") - h.clock.now().getTime());
    await h.reposts.tick.run();
    const before = await report();
    const late = h.endpoint("/pages/late.html");
    late.page = "<html><body>另一篇文章</body></html>";

    // Act
    await h.api(`/api/reposts/${doc}.${silent.id}/ack`, {
      method: "POST",
      token: silent.token,
      json: { url: late.url },
    });
    const acknowledged = await report();
    await h.runQueues();
    const failed = await report();

    // Assess
    expect(before.totals.overdue).toBe(3);
    expect(before.overdue.map((o) => o.siteId)).toContain(silent.id);
    expect(acknowledged.totals).toMatchObject({ overdue: 2, acknowledged: 3 });
    expect(acknowledged.overdue.map((o) => o.siteId)).not.toContain(silent.id);
    expect(failed.totals).toMatchObject({ overdue: 3, verification_failed: 2 });
    expect(failed.overdue.find((o) => o.siteId === silent.id)?.status).toBe("verification_failed");
  });

  it("counts per site only the documents of the period, also when the period ends inside a month", async () => {
    // Prepare: two documents in February, published a week apart; the second reaches three sites
    // (the first's 410 disabled the fourth)
    h = createRepostsHarness({ start: Date.parse("2026-02-12T02:00:00Z") });
    await scenario();
    h.clock.advance(7 * 86_400_000);
    const second = await h.submitRepost({ scope: "all", deadlineWorkingDays: 5 });
    await h.publish([second]);
    await h.runQueues();

    // Act
    const february = await report("?from=2026-02-01&to=2026-02-28");
    const firstWeek = await report("?from=2026-02-01&to=2026-02-15");
    const onlySecond = await report(`?document=${second}`);

    // Assess
    expect(february.sites.map((s) => s.notices)).toEqual([1, 2, 2, 2]);
    expect(firstWeek.sites.map((s) => s.notices)).toEqual([1, 1, 1, 1]);
    expect(firstWeek.sites.reduce((n, s) => n + s.verified, 0)).toBe(1);
    expect(onlySecond.sites.map((s) => s.notices)).toEqual([1, 1, 1]);
    expect(onlySecond.sites.reduce((n, s) => n + s.verified, 0)).toBe(0);
    expect(onlySecond.totals.notices).toBe(3);
  });
});
