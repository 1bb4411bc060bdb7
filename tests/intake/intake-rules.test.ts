import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { docNumberClaimKey } from "../../src/documents/records.js";
import { aPolicySubmission, aSubmission } from "../support/factories.js";
import { createTestApp, type TestApp } from "../support/local-app.js";

type ErrorBody = {
  error:
    | { code: string; field: string | null; message: string }
    | { code: string; field: string | null; message: string }[];
};

function problems(body: ErrorBody) {
  return Array.isArray(body.error) ? body.error : [body.error];
}

async function storedCount(app: TestApp): Promise<number> {
  const res = await app.request("/api/documents?limit=200");
  return ((await res.json()) as { items: unknown[] }).items.length;
}

describe("POST /api/documents — intake rules", () => {
  let app: TestApp;
  beforeEach(() => {
    app = createTestApp();
  });
  afterEach(() => app.close());

  it("accepts an approved, reviewed, public document and returns it with an id and parsed body", async () => {
    // Act
    const res = await app.postJson(aSubmission());
    // Assess
    expect(res.status).toBe(201);
    const doc = (await res.json()) as Record<string, unknown> & {
      id: string;
      blocks: { type: string; level?: number }[];
    };
    expect(doc.id).toMatch(/^[0-9A-Z]{26}$/);
    expect(res.headers.get("location")).toBe(`/api/documents/${doc.id}`);
    expect(doc.state).toBe("accepted");
    expect(doc.receivedBy).toBe("editor");
    expect(doc.blocks.map((b) => b.type)).toEqual([
      "paragraph",
      "heading",
      "paragraph",
      "heading",
      "paragraph",
      "heading",
      "table",
    ]);
    expect(doc.blocks.filter((b) => b.type === "heading").map((b) => b.level)).toEqual([1, 2, 3]);
    const fetched = await app.request(`/api/documents/${doc.id}`);
    expect(await fetched.json()).toEqual(doc);
  });

  it("refuses a document without approval (422) and stores nothing", async () => {
    const res = await app.postJson(aSubmission({ approval: undefined }));
    expect(res.status).toBe(422);
    expect(problems((await res.json()) as ErrorBody)).toContainEqual(
      expect.objectContaining({ code: "not_approved", field: "approval" }),
    );
    expect(await storedCount(app)).toBe(0);
  });

  it("refuses a document whose confidentiality review is missing or not passed", async () => {
    const missing = await app.postJson(aSubmission({ review: null }));
    const failed = await app.postJson(
      aSubmission({ review: { reviewer: "张敏", date: "2024-05-04", result: "failed" } }),
    );
    expect(missing.status).toBe(422);
    expect(problems((await missing.json()) as ErrorBody)[0]).toMatchObject({
      code: "review_required",
      field: "review",
    });
    expect(failed.status).toBe(422);
    expect(problems((await failed.json()) as ErrorBody)[0]).toMatchObject({
      code: "review_not_passed",
      field: "review.result",
    });
    expect(await storedCount(app)).toBe(0);
  });

  it("requires a reason for 依申请公开 and 不予公开, and stores it with the attribute", async () => {
    const noReason = await app.postJson(aSubmission({ disclosure: { attribute: "on_request" } }));
    const withReason = await app.postJson(
      aSubmission({ disclosure: { attribute: "not_public", reason: "涉及内部管理事项" } }),
    );
    expect(noReason.status).toBe(400);
    expect(problems((await noReason.json()) as ErrorBody)[0]).toMatchObject({
      code: "required",
      field: "disclosure.reason",
    });
    expect(withReason.status).toBe(201);
    expect(((await withReason.json()) as { disclosure: unknown }).disclosure).toEqual({
      attribute: "not_public",
      reason: "涉及内部管理事项",
    });
  });

  it("returns a policy document without interpretation (退文) with the reason", async () => {
    const res = await app.postJson(aPolicySubmission({ interpretations: [] }));
    expect(res.status).toBe(422);
    const [p] = problems((await res.json()) as ErrorBody);
    expect(p).toMatchObject({ code: "interpretation_required", field: "interpretations" });
    expect(p?.message).toContain("退文");
    expect(await storedCount(app)).toBe(0);
  });

  it("accepts a policy document with its interpretation and keeps the interpretation", async () => {
    const res = await app.postJson(aPolicySubmission());
    expect(res.status).toBe(201);
    const doc = (await res.json()) as {
      policy: boolean;
      interpretations: { id: string; form: string; blocks: unknown[] }[];
    };
    expect(doc.policy).toBe(true);
    expect(doc.interpretations).toHaveLength(1);
    expect(doc.interpretations[0]).toMatchObject({ id: "interpretation-1", form: "text" });
    expect(doc.interpretations[0]?.blocks.length).toBeGreaterThan(0);
  });

  it("refuses to repost a document that is not 主动公开", async () => {
    const res = await app.postJson(
      aSubmission({
        disclosure: { attribute: "on_request", reason: "涉及个人信息" },
        repost: { scope: "all", regions: [], levels: [], sectors: [] },
      }),
    );
    expect(res.status).toBe(422);
    expect(problems((await res.json()) as ErrorBody)[0]).toMatchObject({
      code: "repost_requires_public",
      field: "repost.scope",
    });
  });

  it("lists every failing field when several are wrong", async () => {
    const res = await app.postJson(
      aSubmission({ title: "", dateWritten: "2024-02-30", kind: "便条", issuers: [] }),
    );
    expect(res.status).toBe(400);
    const fields = problems((await res.json()) as ErrorBody).map((p) => p.field);
    expect(fields).toEqual(expect.arrayContaining(["title", "dateWritten", "kind", "issuers"]));
  });

  it("names a missing required field", async () => {
    const { title: _omit, ...withoutTitle } = aSubmission();
    const res = await app.postJson(withoutTitle);
    expect(res.status).toBe(400);
    expect((await res.json()) as ErrorBody).toEqual({
      error: { code: "required", field: "title", message: "title is required" },
    });
  });

  it("rejects a 发文字号 that is not one", async () => {
    const res = await app.postJson(aSubmission({ docNumber: "第几号文件" }));
    expect(res.status).toBe(400);
    expect(problems((await res.json()) as ErrorBody)[0]).toMatchObject({
      field: "docNumber",
      code: "invalid_format",
    });
  });

  it.each([
    "中华人民共和国国务院、中央军事委员会令第602号",
    "中华人民共和国国务院 中华人民共和国中央军事委员会令 第602号",
    "财政部、国家税务总局令第12号",
    "中华人民共和国国务院令第588号",
    "四川省人民政府令第356号",
    "国家税务总局公告2018年第28号",
    "（1985）财税字第12号",
    "国发（1985）12号",
    "财税字〔2020〕102号",
    "院臺法字第1090123456號",
    "（76）台財稅字第12345號",
    "川府發【２０２４】 012 號",
  ])("accepts the real 发文字号 %s, stores it as printed and keeps its canonical form", async (docNumber) => {
    // Act
    const res = await app.postJson(aSubmission({ docNumber }));

    // Assess
    expect(res.status).toBe(201);
    const doc = (await res.json()) as { docNumber: string; docNumberNormalized: string };
    expect(doc.docNumber).toBe(docNumber);
    expect(doc.docNumberNormalized).not.toMatch(/[\s號發臺]/u);
  });

  it("names the field and the reason when a 发文字号 cannot be one", async () => {
    const res = await app.postJson(aSubmission({ docNumber: "川府发〔1890〕12号" }));
    expect(res.status).toBe(400);
    const [first] = problems((await res.json()) as ErrorBody);
    expect(first).toMatchObject({ field: "docNumber", code: "invalid_format" });
    expect(first!.message).toContain("year 1890 is outside 1900–2100");
  });

  it("rejects a section the gazette does not have", async () => {
    const res = await app.postJson(aSubmission({ section: "娱乐新闻" }));
    expect(res.status).toBe(400);
    expect(problems((await res.json()) as ErrorBody)[0]).toMatchObject({ field: "section" });
  });

  it("rejects a validity period that ends before it starts and warns beyond five years", async () => {
    const backwards = await app.postJson(
      aSubmission({ normative: { validFrom: "2024-06-01", validUntil: "2024-01-01" } }),
    );
    const long = await app.postJson(
      aSubmission({ normative: { validFrom: "2024-06-01", validUntil: "2034-05-31" } }),
    );
    expect(backwards.status).toBe(400);
    expect(problems((await backwards.json()) as ErrorBody)[0]).toMatchObject({
      field: "normative.validUntil",
    });
    expect(long.status).toBe(201);
    expect(((await long.json()) as { warnings: string[] }).warnings.join()).toContain("5 years");
  });

  it("rejects a targeted repost without any target", async () => {
    const res = await app.postJson(
      aSubmission({ repost: { scope: "targeted", regions: [], levels: [], sectors: [] } }),
    );
    expect(res.status).toBe(400);
    expect(problems((await res.json()) as ErrorBody)[0]).toMatchObject({ field: "repost.regions" });
  });
});

describe("POST /api/documents — duplicates and idempotency", () => {
  let app: TestApp;
  beforeEach(() => {
    app = createTestApp();
  });
  afterEach(() => app.close());

  it("refuses the same 发文字号 from the same issuer, however it is written", async () => {
    const first = await app.postJson(aSubmission({ docNumber: "川府发〔2024〕12号" }));
    const variants = [
      "川府发[2024]12号",
      "川府发〔２０２４〕１２号",
      "川府发 〔2024〕 12 号",
      "川府发［2024］012号",
    ];
    expect(first.status).toBe(201);
    for (const docNumber of variants) {
      const res = await app.postJson(aSubmission({ docNumber }));
      expect(res.status, docNumber).toBe(409);
      expect(problems((await res.json()) as ErrorBody)[0]).toMatchObject({
        code: "duplicate_doc_number",
        field: "docNumber",
      });
    }
    expect(await storedCount(app)).toBe(1);
  });

  it("refuses a joint order's number again in another spelling (、 or space, Traditional script)", async () => {
    const issuers = ["中华人民共和国国务院", "中华人民共和国中央军事委员会"];
    const first = await app.postJson(
      aSubmission({ docNumber: "中华人民共和国国务院、中央军事委员会令第602号", issuers }),
    );
    expect(first.status).toBe(201);
    for (const docNumber of [
      "中华人民共和国国务院 中央军事委员会令 第０６０２号",
      "中華人民共和國國務院、中央軍事委員會令第602號",
    ]) {
      const res = await app.postJson(aSubmission({ docNumber, issuers }));
      expect(res.status, docNumber).toBe(409);
    }
    expect(await storedCount(app)).toBe(1);
  });

  it("accepts the same 发文字号 from a different issuer", async () => {
    const a = await app.postJson(aSubmission({ docNumber: "川府发〔2024〕12号" }));
    const b = await app.postJson(
      aSubmission({ docNumber: "川府发〔2024〕12号", issuers: ["四川省发展和改革委员会"] }),
    );
    expect(a.status).toBe(201);
    expect(b.status).toBe(201);
  });

  it("treats a joint document as issued by each of its issuers", async () => {
    const joint = await app.postJson(
      aSubmission({ docNumber: "川发改〔2024〕7号", issuers: ["四川省发展和改革委员会", "四川省财政厅"] }),
    );
    const again = await app.postJson(
      aSubmission({ docNumber: "川发改〔2024〕7号", issuers: ["四川省财政厅"] }),
    );
    expect(joint.status).toBe(201);
    expect(again.status).toBe(409);
  });

  it("accepts only one of several concurrent submissions of the same 发文字号", async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => app.postJson(aSubmission({ docNumber: "川府发〔2024〕99号" }))),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);
    expect(await storedCount(app)).toBe(1);
  });

  it("frees the 发文字号 again when a submission is refused", async () => {
    const refused = await app.postJson(aSubmission({ docNumber: "川府发〔2024〕55号", approval: null }));
    const accepted = await app.postJson(aSubmission({ docNumber: "川府发〔2024〕55号" }));
    expect(refused.status).toBe(422);
    expect(accepted.status).toBe(201);
  });

  it("returns the first result for a repeated Idempotency-Key with the same body", async () => {
    const body = aSubmission();
    const first = await app.postJson(body, { "idempotency-key": "k-1" });
    const second = await app.postJson(body, { "idempotency-key": "k-1" });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(await second.json()).toEqual(await first.json());
    expect(await storedCount(app)).toBe(1);
  });

  it("answers 409 when an Idempotency-Key is reused with a different body", async () => {
    const first = await app.postJson(aSubmission(), { "idempotency-key": "k-2" });
    const second = await app.postJson(aSubmission({ title: "另一个文件" }), { "idempotency-key": "k-2" });
    expect(first.status).toBe(201);
    expect(second.status).toBe(409);
    expect(problems((await second.json()) as ErrorBody)[0]).toMatchObject({
      code: "idempotency_key_reused",
      field: "Idempotency-Key",
    });
    expect(await storedCount(app)).toBe(1);
  });

  it("lets a refused request be retried with the same Idempotency-Key once fixed", async () => {
    const body = aSubmission({ approval: null });
    const refused = await app.postJson(body, { "idempotency-key": "k-3" });
    const retried = await app.postJson(
      { ...body, approval: { approver: "李华", date: "2024-05-02" } },
      { "idempotency-key": "k-3" },
    );
    expect(refused.status).toBe(422);
    expect(retried.status).toBe(201);
  });
});

describe("POST /api/documents — text safety and limits", () => {
  let app: TestApp;
  beforeEach(() => {
    app = createTestApp();
  });
  afterEach(() => app.close());

  it("keeps HTML and script as text and escapes it in JSON output", async () => {
    const title = '关于<script>alert("x")</script>&<b>加强</b>管理的通知';
    const res = await app.postJson(aSubmission({ title, body: "<img src=x onerror=alert(1)>正文" }));
    const raw = await res.text();
    expect(res.status).toBe(201);
    expect(raw).not.toContain("<script");
    expect(raw).not.toContain("<img");
    const doc = JSON.parse(raw) as { title: string; blocks: { text: string }[] };
    expect(doc.title).toBe(title);
    expect(doc.blocks[0]?.text).toBe("<img src=x onerror=alert(1)>正文");
  });

  it("rejects an over-long title with the field and the limit", async () => {
    const res = await app.postJson(aSubmission({ title: "长".repeat(301) }));
    expect(res.status).toBe(400);
    expect(problems((await res.json()) as ErrorBody)[0]).toMatchObject({ field: "title", code: "too_long" });
  });

  it("rejects a body larger than the request limit with 413", async () => {
    const small = createTestApp({ env: { GAZETTE_MAX_JSON_BYTES: "20000", GAZETTE_MAX_DOCX_BYTES: "1000" } });
    try {
      const res = await small.postJson(aSubmission({ body: "文".repeat(300_000) }));
      expect(res.status).toBe(413);
      const [problem] = problems((await res.json()) as ErrorBody);
      expect(problem).toMatchObject({ code: "too_large" });
      // The JSON limit, not the larger one for .docx uploads.
      expect(problem?.message).toContain("at most 20000 bytes");
    } finally {
      small.close();
    }
  });

  it("rejects a body with more characters than allowed", async () => {
    const res = await app.postJson(aSubmission({ body: "文".repeat(400_001) }));
    expect(res.status).toBe(400);
    expect(problems((await res.json()) as ErrorBody)[0]).toMatchObject({ field: "body", code: "too_long" });
  });

  it("rejects malformed JSON and non-JSON content types with clear errors", async () => {
    const malformed = await app.request("/api/documents", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    const text = await app.request("/api/documents", {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: "hi",
    });
    expect(malformed.status).toBe(400);
    expect(problems((await malformed.json()) as ErrorBody)[0]).toMatchObject({ code: "invalid_json" });
    expect(text.status).toBe(415);
    expect(problems((await text.json()) as ErrorBody)[0]).toMatchObject({ field: "Content-Type" });
  });

  it("accepts structured blocks as the body", async () => {
    const blocks = [
      { type: "heading", level: 1, text: "一、总体要求" },
      { type: "paragraph", text: "坚持系统治理。" },
      {
        type: "table",
        rows: [
          ["项目", "金额"],
          ["甲", "1"],
        ],
        header: true,
      },
    ];
    const res = await app.postJson(aSubmission({ body: blocks }));
    expect(res.status).toBe(201);
    expect(((await res.json()) as { blocks: unknown }).blocks).toEqual(blocks);
  });

  it("rejects malformed structured blocks naming the block", async () => {
    const res = await app.postJson(aSubmission({ body: [{ type: "heading", level: 9, text: "x" }] }));
    expect(res.status).toBe(400);
    expect(problems((await res.json()) as ErrorBody)[0]?.field).toMatch(/^body\.0/);
  });
});

describe("editor authorisation", () => {
  let app: TestApp;
  beforeEach(() => {
    app = createTestApp();
  });
  afterEach(() => app.close());

  it("refuses submissions and reads without the editor token", async () => {
    const post = await app.request("/api/documents", {
      method: "POST",
      editor: false,
      headers: { "content-type": "application/json", authorization: "Bearer wrong" },
      body: JSON.stringify(aSubmission()),
    });
    const list = await app.request("/api/documents", { editor: false });
    expect(post.status).toBe(401);
    expect(problems((await post.json()) as ErrorBody)[0]).toMatchObject({
      code: "unauthorized",
      field: "Authorization",
    });
    expect(list.status).toBe(401);
    expect(await storedCount(app)).toBe(0);
  });

  it("never shows a non-public document on a public page", async () => {
    await app.postJson(
      aSubmission({ title: "内部事项通知XYZ", disclosure: { attribute: "on_request", reason: "内部" } }),
    );
    const home = await app.request("/", { editor: false });
    const spec = await app.request("/api/openapi.json", { editor: false });
    expect(home.status).toBe(200);
    expect(await home.text()).not.toContain("内部事项通知XYZ");
    expect(await spec.text()).not.toContain("内部事项通知XYZ");
  });
});

describe("durability before acknowledgement", () => {
  it("flushes the store before answering a write, and answers 500 rather than 201 when it cannot", async () => {
    // Prepare
    const app = createTestApp();
    let flushes = 0;
    const platform = app.container.platform as { flush: () => Promise<void> };
    platform.flush = async () => {
      flushes++;
      throw new Error("disk full");
    };
    try {
      // Act
      const res = await app.postJson(aSubmission());
      const read = await app.request("/api/documents");
      // Assess
      expect(res.status).toBe(500);
      expect(flushes).toBe(1);
      expect(read.status).toBe(200);
      expect(flushes).toBe(1);
    } finally {
      app.close();
    }
  });
});

describe("recovery from a crash between intake steps", () => {
  async function leaveOrphanClaim(app: TestApp, claimedAt: Date) {
    // What a crash after claiming the 发文字号 but before writing the document leaves behind.
    await app.container.platform.records.put({
      ...docNumberClaimKey("四川省人民政府", "川府发〔2024〕77号"),
      data: { documentId: "01J0000000000000000000000Z", claimedAt: claimedAt.toISOString() },
    });
  }

  it("reclaims a 发文字号 whose claim has no document once the claim is stale", async () => {
    const app = createTestApp();
    try {
      await leaveOrphanClaim(app, new Date(Date.now() - 10 * 60_000));
      const res = await app.postJson(aSubmission({ docNumber: "川府发〔2024〕77号" }));
      expect(res.status).toBe(201);
    } finally {
      app.close();
    }
  });

  it("treats a fresh claim without its document as a submission in progress (409)", async () => {
    const app = createTestApp();
    try {
      await leaveOrphanClaim(app, new Date());
      const res = await app.postJson(aSubmission({ docNumber: "川府发〔2024〕77号" }));
      expect(res.status).toBe(409);
    } finally {
      app.close();
    }
  });
});

describe("long documents", () => {
  it("stores a document larger than a DynamoDB item by moving its content to a blob, and reads it back whole", async () => {
    // Prepare: ~390k characters of body, over 1 MB as UTF-8.
    const app = createTestApp();
    const paragraph = "各地区各部门要认真贯彻落实本规划确定的各项任务，结合实际制定具体实施方案。".repeat(20);
    const body = Array.from({ length: 500 }, () => paragraph).join("\n");
    try {
      // Act
      const res = await app.postJson(aSubmission({ body }));
      const doc = (await res.json()) as { id: string; blocks: { text: string }[] };
      const fetched = (await (await app.request(`/api/documents/${doc.id}`)).json()) as { blocks: unknown[] };
      // Assess
      expect(res.status).toBe(201);
      expect(doc.blocks).toHaveLength(500);
      expect(fetched.blocks).toEqual(doc.blocks);
      expect(await app.container.platform.blobs.list(`documents/${doc.id}/`)).toEqual([
        `documents/${doc.id}/content.json`,
      ]);
    } finally {
      app.close();
    }
  });
});
