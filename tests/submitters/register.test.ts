import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { docNumberKey } from "../../src/documents/doc-number.js";
import { ManualClock } from "../../src/platform/manual-clock.js";
import type { SubmissionView } from "../../src/submitters/model.js";
import {
  type BodyCompleteness,
  type Candidate,
  type CompletenessReport,
  matchRegister,
  NEAR_DUPLICATE,
  type StoredRegisterEntry,
  titleKey,
  titleSimilarity,
} from "../../src/submitters/register.js";
import { aSubmission } from "../support/factories.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

/**
 * Issue 16, the completeness register (应登尽登): exact figures on a seeded register of three
 * bodies, all-or-nothing imports with the row and field of each problem, and matching that
 * tolerates the spellings of one 发文字号.
 */
let app: TestApp;
const tokens: Record<string, string> = {};
// 2025-06-30 12:00 in China.
const clock = new ManualClock(Date.UTC(2025, 5, 30, 4));

const BODIES = [
  { id: "sc-jyt", name: "四川省教育厅", regionCode: "510000" },
  { id: "cd-gov", name: "成都市人民政府", regionCode: "510100" },
  { id: "sc-czt", name: "四川省财政厅", regionCode: "510000" },
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

let report: CompletenessReport;
const byBody = (id: string) => report.bodies.find((b) => b.body.id === id) as BodyCompleteness;

beforeAll(async () => {
  app = createTestApp({ clock });
  for (const body of BODIES)
    tokens[body.id] = (
      await ok<{ token: string }>(call("/api/bodies", { method: "POST", json: body }), 201)
    ).token;
  const reg = app.container.submitters.register;

  // 四川省教育厅: 1 published (sent by the body), 1 received, 2 missing (20 and 90 days).
  await reg.add(
    "sc-jyt",
    [
      entry("川教发〔2025〕1号", "四川省教育厅关于加强中小学课后服务管理的通知", "2025-01-10"),
      entry("川教发〔2025〕2号", "四川省教育厅关于规范民办学校招生工作的通知", "2025-03-01"),
      entry("川教发〔2025〕3号", "四川省教育厅关于做好2025年暑期安全工作的通知", "2025-06-10"),
      entry("川教发〔2025〕4号", "四川省教育厅关于印发《教师培训管理办法》的通知", "2025-04-01"),
    ],
    { by: "test", source: "console" },
  );
  const a1 = await ok<SubmissionView>(
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
  await ok(
    call("/api/bodies/sc-jyt/submissions", {
      method: "POST",
      token: tokens["sc-jyt"],
      json: doc(
        "四川省教育厅",
        "川教发〔2025〕2号",
        "四川省教育厅关于规范民办学校招生工作的通知",
        "2025-03-01",
      ),
    }),
    201,
  );
  const a1Accepted = await ok<SubmissionView>(call(`/api/submissions/${a1.id}/accept`, { method: "POST" }));

  // 成都市人民政府: 1 accepted (sent by an editor), 1 published under another spelling of its number
  // (成府函[2024]012号), 1 missing (60 days).
  await reg.add(
    "cd-gov",
    [
      entry("成府发〔2025〕5号", "成都市人民政府关于优化营商环境的若干措施", "2025-02-01"),
      entry("成府发〔2025〕6号", "成都市人民政府关于加强城市更新工作的意见", "2025-05-01"),
      entry("成府函〔2024〕12号", "成都市人民政府关于同意设立天府新区管理机构的批复", "2024-12-20"),
    ],
    { by: "test", source: "import" },
  );
  await ok(
    call("/api/documents", {
      method: "POST",
      json: doc(
        "成都市人民政府",
        "成府发〔2025〕5号",
        "成都市人民政府关于优化营商环境的若干措施",
        "2025-02-01",
      ),
    }),
    201,
  );
  const b3 = await ok<{ id: string }>(
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

  // 四川省财政厅: 2 missing, one 30 days (not yet overdue), one 166 days with a near-duplicate
  // document under another number (a typo?).
  await reg.add(
    "sc-czt",
    [
      entry("川财规〔2025〕1号", "四川省财政厅关于印发《省级预算管理办法》的通知", "2025-05-31"),
      entry("川财规〔2025〕2号", "四川省财政厅关于加强国库集中支付管理的通知", "2025-01-15"),
    ],
    { by: "test", source: "api" },
  );
  await ok(
    call("/api/documents", {
      method: "POST",
      json: doc(
        "四川省财政厅",
        "川财规〔2025〕20号",
        "四川省财政厅关于进一步加强国库集中支付管理的通知",
        "2025-01-15",
      ),
    }),
    201,
  );

  const edition = await ok<{ id: string }>(
    call("/api/editions", { method: "POST", json: { year: 2025, date: "2025-06-20" } }),
    201,
  );
  await ok(
    call(`/api/editions/${edition.id}/documents`, {
      method: "PUT",
      json: { documents: [a1Accepted.documentId, b3.id] },
    }),
  );
  await ok(call(`/api/editions/${edition.id}/publish`, { method: "POST" }));
  report = await ok<CompletenessReport>(call("/api/completeness"));
}, 120_000);

afterAll(() => app?.close());

describe("the completeness report on a seeded register", () => {
  test("per body: issued, submitted, published, missing, overdue are exact", () => {
    const figures = report.bodies.map((b) => ({
      id: b.body.id,
      issued: b.issued,
      submitted: b.submitted,
      published: b.published,
      missing: b.missing,
      overdue: b.overdue,
      longestWaitDays: b.longestWaitDays,
    }));
    expect(figures).toEqual([
      // Most overdue first: 四川省教育厅 (1 overdue, 2 missing) and 成都 (1, 1) and 财政厅 (1, 2).
      { id: "sc-czt", issued: 2, submitted: 0, published: 0, missing: 2, overdue: 1, longestWaitDays: 166 },
      { id: "sc-jyt", issued: 4, submitted: 2, published: 1, missing: 2, overdue: 1, longestWaitDays: 90 },
      { id: "cd-gov", issued: 3, submitted: 2, published: 1, missing: 1, overdue: 1, longestWaitDays: 60 },
    ]);
    expect(report.totals).toEqual({ issued: 9, submitted: 4, published: 2, missing: 5, overdue: 3 });
    expect(report.today).toBe("2025-06-30");
    expect(report.overdueDays).toBe(30);
  });

  test("each missing entry has its days waiting; over 30 days is overdue, 30 is not", () => {
    const missing = report.bodies.flatMap((b) =>
      b.entries.filter((e) => e.status === "missing").map((e) => [e.docNumber, e.daysWaiting, e.overdue]),
    );
    expect(missing).toEqual([
      ["川财规〔2025〕2号", 166, true],
      ["川财规〔2025〕1号", 30, false],
      ["川教发〔2025〕4号", 90, true],
      ["川教发〔2025〕3号", 20, false],
      ["成府发〔2025〕6号", 60, true],
    ]);
  });

  test("another spelling of a number matches; a near-duplicate title under another number is flagged", () => {
    const b3 = byBody("cd-gov").entries.find((e) => e.docNumber === "成府函〔2024〕12号");
    expect(b3).toMatchObject({ status: "published", matchedBy: "docNumber" });
    expect(b3?.match?.docNumber).toBe("成府函[2024]012号");
    const c2 = byBody("sc-czt").entries.find((e) => e.docNumber === "川财规〔2025〕2号");
    expect(c2?.status).toBe("missing");
    expect(c2?.nearDuplicates.map((n) => n.docNumber)).toEqual(["川财规〔2025〕20号"]);
  });

  test("a shorter overdue period counts more overdue, in CSV and HTML too", async () => {
    const tight = await ok<CompletenessReport>(call("/api/completeness?overdueDays=19"));
    expect(tight.totals.overdue).toBe(5);
    const csv = await (await call("/api/completeness?format=csv")).text();
    expect(csv.split("\r\n")[1]).toBe('"sc-czt","四川省财政厅","510000","2","0","0","2","1","166"');
    const html = await call("/api/completeness?format=html");
    expect(html.headers.get("content-type")).toContain("text/html");
    expect(await html.text()).toContain("川教发〔2025〕4号");
    expect((await call("/api/completeness?overdueDays=0")).status).toBe(400);
  });

  test("a body sees its own register with each entry's status", async () => {
    const own = await ok<BodyCompleteness>(call("/api/bodies/sc-jyt/register", { token: tokens["sc-jyt"] }));
    expect(own.body.id).toBe("sc-jyt");
    expect(own.entries.map((e) => [e.docNumber, e.status])).toEqual([
      ["川教发〔2025〕4号", "missing"],
      ["川教发〔2025〕3号", "missing"],
      ["川教发〔2025〕2号", "submitted"],
      ["川教发〔2025〕1号", "published"],
    ]);
    expect((await call("/api/bodies/sc-jyt/register", { token: tokens["cd-gov"] })).status).toBe(403);
  });

  test("the public page shows figures per body and year, never the missing titles", async () => {
    const res = await call("/completeness.html", { headers: {}, token: undefined });
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<td>2025<\/td><td>四川省教育厅<\/td><td>510000<\/td><td>4<\/td><td>1<\/td>/);
    expect(html).toMatch(/<td>2024<\/td><td>成都市人民政府<\/td><td>510100<\/td><td>1<\/td><td>1<\/td>/);
    expect(html).not.toContain("教师培训管理办法");
    expect(html).not.toContain("川财规");
  });
});

describe("importing a register", () => {
  test("a CSV with Chinese headers is added whole", async () => {
    const csv =
      "\uFEFF发文字号,标题,成文日期,类别\r\n成府规〔2025〕1号,成都市住房租赁管理办法,2025年3月5日,规章\r\n";
    const res = await call("/api/bodies/cd-gov/register", {
      method: "POST",
      token: tokens["cd-gov"],
      headers: { "content-type": "text/csv; charset=utf-8" },
      body: csv,
    });
    expect(res.status).toBe(201);
    const entries = await app.container.submitters.register.entries("cd-gov");
    expect(entries.find((e) => e.docNumber === "成府规〔2025〕1号")).toMatchObject({
      dateIssued: "2025-03-05",
      kind: "rule",
      source: "api",
    });
  });

  test("bad rows are refused with their row, line, field and reason, and nothing is stored", async () => {
    // Prepare
    const before = await app.container.submitters.register.entries("sc-czt");
    const csv = [
      "docNumber,title,dateIssued",
      "川财规〔2025〕3号,四川省财政厅关于政府采购的通知,2025-02-30",
      "川财规〔2025〕4号,,2025-02-01",
      "川财规〔2025〕5号,四川省财政厅关于非税收入的通知,2025-02-02",
      "川财规[2025]005号,四川省财政厅关于非税收入的通知（重复）,2025-02-03",
    ].join("\n");

    // Act
    const res = await call("/api/bodies/sc-czt/register", {
      method: "POST",
      token: tokens["sc-czt"],
      headers: { "content-type": "text/csv" },
      body: csv,
    });

    // Assess
    expect(res.status).toBe(400);
    const problems = ((await res.json()) as { error: { field: string; code: string; message: string }[] })
      .error;
    expect(problems.map((p) => [p.field, p.code])).toEqual([
      ["entries.1.dateIssued", "invalid_date"],
      ["entries.2.title", "required"],
      ["entries.4.docNumber", "duplicate"],
    ]);
    expect(problems[0]!.message).toContain("row 1 (line 2)");
    expect(await app.container.submitters.register.entries("sc-czt")).toEqual(before);
  });

  test("a CSV without the number column is refused naming the header", async () => {
    const res = await call("/api/bodies/sc-czt/register", {
      method: "POST",
      token: tokens["sc-czt"],
      headers: { "content-type": "text/csv" },
      body: "标题,成文日期\n某通知,2025-01-01\n",
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string } }).error.field).toBe("header");
  });

  test("JSON rows from the body's system; a future date is refused", async () => {
    const res = await call("/api/bodies/sc-czt/register", {
      method: "POST",
      token: tokens["sc-czt"],
      json: [entry("川财规〔2025〕9号", "四川省财政厅关于未来的通知", "2025-07-01")],
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { field: string; code: string } }).error).toMatchObject({
      field: "entries.1.dateIssued",
      code: "out_of_range",
    });
  });
});

describe("matching tolerates the spellings of a 发文字号", () => {
  const FULL_WIDTH = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
  const BRACKETS = [
    ["〔", "〕"],
    ["[", "]"],
    ["［", "］"],
    ["【", "】"],
    ["(", ")"],
    ["（", "）"],
    ["﹝", "﹞"],
  ] as const;
  const CODES = ["川府发", "川教发", "成府函", "川财规", "国办发"] as const;
  const TRADITIONAL: Record<string, string> = { 发: "發", 规: "規", 国: "國", 办: "辦" };

  const variant = fc.record({
    code: fc.constantFrom(...CODES),
    year: fc.integer({ min: 1990, max: 2025 }),
    serial: fc.integer({ min: 1, max: 999 }),
    brackets: fc.constantFrom(...BRACKETS),
    zeros: fc.integer({ min: 0, max: 2 }),
    fullWidth: fc.boolean(),
    hao: fc.constantFrom("号", "號"),
    traditional: fc.boolean(),
    spaces: fc.boolean(),
  });

  test("every printed variant of a registered number matches it", () => {
    fc.assert(
      fc.property(variant, (v) => {
        // Prepare
        const canonical = `${v.code}〔${v.year}〕${v.serial}号`;
        const code = v.traditional ? [...v.code].map((c) => TRADITIONAL[c] ?? c).join("") : v.code;
        let printed = `${code}${v.brackets[0]}${v.year}${v.brackets[1]}${"0".repeat(v.zeros)}${v.serial}${v.hao}`;
        if (v.fullWidth) printed = FULL_WIDTH(printed);
        if (v.spaces) printed = printed.replace(/(.)(?=.)/u, "$1 ");
        const registered: StoredRegisterEntry = {
          docNumber: canonical,
          title: "某机关关于某事项的通知",
          dateIssued: "2025-01-01",
          kind: "normative",
          key: docNumberKey(canonical),
          enteredAt: "2025-01-02T00:00:00Z",
          enteredBy: "test",
          source: "console",
        };
        const sent: Candidate = {
          kind: "document",
          id: "D1",
          title: "完全不同的标题",
          docNumber: printed,
          published: true,
          state: "published",
        };

        // Act
        const [status] = matchRegister([registered], [sent], { today: "2025-06-30", overdueDays: 30 });

        // Assess
        expect(status?.status).toBe("published");
        expect(status?.matchedBy).toBe("docNumber");
      }),
      { numRuns: 200 },
    );
  });

  test("another serial or year never matches by number", () => {
    fc.assert(
      fc.property(variant, fc.integer({ min: 1, max: 50 }), (v, shift) => {
        const canonical = `${v.code}〔${v.year}〕${v.serial}号`;
        const other = `${v.code}〔${v.year}〕${v.serial + shift}号`;
        const [status] = matchRegister(
          [
            {
              docNumber: canonical,
              title: "甲",
              dateIssued: "2025-01-01",
              kind: "normative",
              key: docNumberKey(canonical),
              enteredAt: "",
              enteredBy: "",
              source: "console",
            },
          ],
          [{ kind: "document", id: "D", title: "乙", docNumber: other, published: true, state: "published" }],
          { today: "2025-06-30", overdueDays: 30 },
        );
        expect(status?.status).toBe("missing");
      }),
      { numRuns: 200 },
    );
  });
});

describe("near-duplicate titles", () => {
  // Titles from a few characters, so that close pairs are common.
  const title = fc
    .array(fc.constantFrom("关", "于", "加", "强", "管", "理", "的", "通", "知", "，", " "), {
      minLength: 0,
      maxLength: 14,
    })
    .map((cs) => cs.join(""));

  test("are every other title at least 0.8 similar by titleSimilarity, and no other", () => {
    fc.assert(
      fc.property(
        fc.array(title, { minLength: 1, maxLength: 8 }),
        fc.array(title, { maxLength: 8 }),
        (es, cs) => {
          // Prepare
          const entries: StoredRegisterEntry[] = es.map((t, i) => ({
            docNumber: `川府发〔2025〕${i + 1}号`,
            title: t,
            dateIssued: "2025-01-01",
            kind: "normative",
            key: docNumberKey(`川府发〔2025〕${i + 1}号`),
            enteredAt: "",
            enteredBy: "",
            source: "console",
          }));
          const candidates: Candidate[] = cs.map((t, i) => ({
            kind: "submission",
            id: `S${i}`,
            title: t,
            docNumber: `川办发〔2025〕${i + 1}号`,
            published: false,
            state: "received",
          }));

          // Act
          const statuses = matchRegister(entries, candidates, { today: "2025-06-30", overdueDays: 30 });

          // Assess: the same list as comparing each pair from scratch
          statuses.forEach((status, i) => {
            const entry = entries[i]!;
            const expected = [
              ...candidates
                .filter((c) => c !== (status.match && candidates.find((x) => x.id === status.match!.id)))
                .filter((c) => titleKey(c.title) !== titleKey(entry.title))
                .filter((c) => titleSimilarity(c.title, entry.title) >= NEAR_DUPLICATE)
                .map((c) => c.id),
              ...entries
                .filter((o) => o !== entry && titleSimilarity(o.title, entry.title) >= NEAR_DUPLICATE)
                .map((o) => o.key),
            ];
            expect(status.nearDuplicates.map((n) => n.id)).toEqual(expected);
          });
        },
      ),
      { numRuns: 300 },
    );
  });
});
