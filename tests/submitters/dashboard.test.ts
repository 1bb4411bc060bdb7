import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { ManualClock } from "../../src/platform/manual-clock.js";
import type { QueryOptions } from "../../src/platform/ports.js";
import type { SubmissionView } from "../../src/submitters/model.js";
import type { CompletenessReport, OverdueEntry } from "../../src/submitters/register.js";
import { aSubmission } from "../support/factories.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * Issue 16, the editors' home page: its overdue figure and list come from each body's summary
 * (CompletenessRegister.overdueItems), not from the whole completeness report; they must equal the
 * report's on a seeded register of several bodies, as days pass and as registers, submissions
 * and documents change, and a view with nothing changed must not read the registers.
 */
let app: TestApp;
const tokens: Record<string, string> = {};
// 2025-06-30 12:00 in China.
const clock = new ManualClock(Date.UTC(2025, 5, 30, 4));

const BODIES = [
  { id: "sc-jyt", name: "四川省教育厅", regionCode: "510000" },
  { id: "cd-gov", name: "成都市人民政府", regionCode: "510100" },
  { id: "sc-czt", name: "四川省财政厅", regionCode: "510000" },
  { id: "my-gov", name: "绵阳市人民政府", regionCode: "510700" },
];

function call(path: string, init: RequestInit & { json?: unknown; token?: string } = {}) {
  const { json, token, headers, ...rest } = init;
  const h = new Headers(headers);
  if (token) h.set("authorization", `Bearer ${token}`);
  if (json !== undefined) h.set("content-type", "application/json");
  return app.request(path, {
    ...rest,
    editor: !token,
    headers: h,
    body: json === undefined ? rest.body : JSON.stringify(json),
  });
}

async function ok<T>(res: Promise<Response>, status = 200): Promise<T> {
  const r = await res;
  if (r.status !== status) throw new Error(`${r.status}: ${await r.text()}`);
  return (await r.json()) as T;
}

const doc = (issuer: string, docNumber: string, title: string, dateWritten: string) =>
  aSubmission({ issuers: [issuer], signer: issuer, docNumber, title, dateWritten, section: "部门文件" });

const entry = (docNumber: string, title: string, dateIssued: string) => ({ docNumber, title, dateIssued });

const register = () => app.container.submitters.register;

/** The dashboard's figures as the full report gives them: every overdue entry, in the dashboard's order. */
async function fromReport(limit: number): Promise<{ total: number; items: OverdueEntry[] }> {
  const report = await ok<CompletenessReport>(call("/api/completeness"));
  const items = report.bodies
    .flatMap((b) =>
      b.entries
        .filter((e) => e.overdue)
        .map(
          (e): OverdueEntry => ({
            key: e.key,
            docNumber: e.docNumber,
            title: e.title,
            dateIssued: e.dateIssued,
            kind: e.kind,
            body: b.body,
            daysWaiting: e.daysWaiting!,
          }),
        ),
    )
    .sort(
      (a, b) =>
        b.daysWaiting - a.daysWaiting ||
        a.body.id.localeCompare(b.body.id) ||
        (a.key < b.key ? -1 : a.key > b.key ? 1 : 0),
    );
  expect(items).toHaveLength(report.totals.overdue);
  return { total: report.totals.overdue, items: items.slice(0, limit) };
}

async function expectDashboardToEqualReport() {
  for (const limit of [1, 3, 10]) {
    const dashboard = await register().overdueItems({ limit });
    expect({ total: dashboard.total, items: dashboard.items }).toEqual(await fromReport(limit));
  }
}

beforeAll(async () => {
  app = createTestApp({ clock });
  for (const body of BODIES)
    tokens[body.id] = (
      await ok<{ token: string }>(call("/api/bodies", { method: "POST", json: body }), 201)
    ).token;
  const reg = register();
  await reg.add(
    "sc-jyt",
    [
      entry("川教发〔2025〕1号", "四川省教育厅关于加强中小学课后服务管理的通知", "2025-01-10"),
      entry("川教发〔2025〕2号", "四川省教育厅关于规范民办学校招生工作的通知", "2025-03-01"),
      entry("川教发〔2025〕3号", "四川省教育厅关于做好2025年暑期安全工作的通知", "2025-06-10"),
      entry("川教发〔2025〕4号", "四川省教育厅关于印发《教师培训管理办法》的通知", "2025-04-01"),
      entry("川教发〔2025〕5号", "四川省教育厅关于加强学生心理健康工作的通知", "2025-04-01"),
    ],
    { by: "test", source: "console" },
  );
  await ok<SubmissionView>(
    call("/api/bodies/sc-jyt/submissions", {
      method: "POST",
      token: tokens["sc-jyt"],
      json: doc(
        "四川省教育厅",
        "川教发〔2025〕1号",
        "四川省教育厅关于加强中小学课后服务管理的通知",
        "2025-01-10",
      ),
    }),
    201,
  );
  await reg.add(
    "cd-gov",
    [
      entry("成府发〔2025〕5号", "成都市人民政府关于优化营商环境的若干措施", "2025-02-01"),
      entry("成府发〔2025〕6号", "成都市人民政府关于加强城市更新工作的意见", "2025-05-01"),
      entry("成府函〔2024〕12号", "成都市人民政府关于同意设立天府新区管理机构的批复", "2024-12-20"),
    ],
    { by: "test", source: "import" },
  );
  // Matched by another spelling of its number.
  await ok(
    call("/api/documents", {
      method: "POST",
      json: doc(
        "成都市人民政府",
        "成府函[2024]012号",
        "成都市人民政府关于同意设立天府新区管理机构的批复",
        "2024-12-20",
      ),
    }),
    201,
  );
  await reg.add(
    "sc-czt",
    [
      entry("川财规〔2025〕1号", "四川省财政厅关于印发《省级预算管理办法》的通知", "2025-05-31"),
      entry("川财规〔2025〕2号", "四川省财政厅关于加强国库集中支付管理的通知", "2025-01-15"),
    ],
    { by: "test", source: "api" },
  );
  // 绵阳 registers nothing: no figure of its own.
}, 120_000);

afterAll(() => app?.close());

describe("the editors' dashboard of overdue register entries", () => {
  test("equals the full report on a seeded register of several bodies, and again as days pass", async () => {
    // Prepare / Act / Assess: today, then 10 and 200 days on (waits grow, more entries overdue)
    await expectDashboardToEqualReport();
    expect((await register().overdueItems({ limit: 10 })).total).toBe(6);
    clock.advance(10 * 86_400_000);
    await expectDashboardToEqualReport();
    clock.advance(190 * 86_400_000);
    await expectDashboardToEqualReport();
    expect((await register().overdueItems({ limit: 10 })).total).toBe(8);
  });

  test("sees at once what ends or starts a wait: a register batch, a submission, a document of intake", async () => {
    // Prepare: the summaries made and settled
    await register().overdueItems({ limit: 10 });
    clock.advance(600_000);

    // Act / Assess: a new batch (one entry replaced, one new), then a body sends one, then an
    // editor takes one into intake under the same title with another number
    await register().add(
      "my-gov",
      [entry("绵府发〔2025〕3号", "绵阳市人民政府关于加强防汛工作的通知", "2025-03-03")],
      { by: "test", source: "console" },
    );
    await expectDashboardToEqualReport();
    await ok<SubmissionView>(
      call("/api/bodies/sc-jyt/submissions", {
        method: "POST",
        token: tokens["sc-jyt"],
        json: doc(
          "四川省教育厅",
          "川教发〔2025〕4号",
          "四川省教育厅关于印发《教师培训管理办法》的通知",
          "2025-04-01",
        ),
      }),
      201,
    );
    await expectDashboardToEqualReport();
    await ok(
      call("/api/documents", {
        method: "POST",
        json: doc(
          "四川省财政厅",
          "川财规〔2025〕22号",
          "四川省财政厅关于加强国库集中支付管理的通知",
          "2025-01-15",
        ),
      }),
      201,
    );
    await expectDashboardToEqualReport();
    const after = await register().overdueItems({ limit: 10 });
    expect(after.items.map((i) => i.docNumber)).not.toContain("川教发〔2025〕4号");
    expect(after.items.map((i) => i.docNumber)).not.toContain("川财规〔2025〕2号");
    expect(after.items.map((i) => i.docNumber)).toContain("绵府发〔2025〕3号");
  });

  test("a view with nothing changed reads no register, document or submission list, only the newest of each", async () => {
    // Prepare: the summaries current and settled
    const expected = await register().overdueItems({ limit: 10 });
    clock.advance(600_000);
    await register().overdueItems({ limit: 10 });
    const records = app.container.platform.records;
    const queries = vi.spyOn(records, "query");
    const gets = vi.spyOn(records, "get");

    // Act
    const view = await register().overdueItems({ limit: 10 });

    // Assess
    expect(view).toEqual(expected);
    const reads = queries.mock.calls.map(([partition, options]) => ({
      partition,
      limit: (options as QueryOptions | undefined)?.limit,
    }));
    queries.mockRestore();
    const gotDocuments = gets.mock.calls.filter(([key]) => key.pk.startsWith("DOC#"));
    gets.mockRestore();
    const bodyData = reads.filter((r) =>
      /^(REGISTER#|ISSUERDOCS#|BODY#.*#(SUBMISSIONS|INBOX)$)/.test(r.partition),
    );
    expect(bodyData.length).toBe(3 * BODIES.length);
    expect(bodyData.every((r) => r.limit === 1)).toBe(true);
    expect(gotDocuments).toEqual([]);
  });
});
