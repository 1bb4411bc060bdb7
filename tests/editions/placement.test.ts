import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { EditionView } from "../../src/editions/model.js";
import { placementKey } from "../../src/editions/records.js";
import { aPolicySubmission, aSubmission } from "../support/factories.js";
import { createEditionsTestApp, type EditionsTestApp, problemsOf } from "./harness.js";

describe("PUT /api/editions/{id}/documents — placement rules", () => {
  let app: EditionsTestApp;
  beforeEach(() => {
    app = createEditionsTestApp();
  });
  afterEach(() => app.close());

  const newEdition = async () =>
    (
      (await (
        await app.api("/api/editions", { method: "POST", json: { year: 2025, date: "2025-03-10" } })
      ).json()) as EditionView
    ).id;
  const place = (editionId: string, documents: unknown) =>
    app.api(`/api/editions/${editionId}/documents`, { method: "PUT", json: { documents } });
  const documentState = async (id: string) =>
    ((await (await app.request(`/api/documents/${id}`)).json()) as { state: string }).state;

  it("places accepted public documents in the given order and marks them placed", async () => {
    // Prepare
    const edition = await newEdition();
    const a = await app.submit(aSubmission());
    const b = await app.submit(aSubmission({ section: "部门文件", issuers: ["四川省教育厅"] }));
    // Act
    const res = await place(edition, [b.id, a.id]);
    // Assess
    expect(res.status).toBe(200);
    const view = (await res.json()) as EditionView;
    expect(view.documents.map((d) => d.id)).toEqual([b.id, a.id]);
    expect(view.documents[0]).toMatchObject({ section: "部门文件", state: "placed" });
    expect(view.documents[1]).toMatchObject({
      title: "四川省人民政府关于做好2024年冬春农田水利建设工作的通知",
      section: "省政府文件",
    });
    expect(view.documents[1]?.docNumber).toMatch(/^川府发〔2024〕\d+号$/);
    expect(await documentState(a.id)).toBe("placed");
    const fetched = (await (await app.api(`/api/editions/${edition}`)).json()) as EditionView;
    expect(fetched.documents.map((d) => d.id)).toEqual([b.id, a.id]);
  });

  it("refuses documents that are not 主动公开 (422, field documents.N) and places none of them", async () => {
    // Prepare
    const edition = await newEdition();
    const open = await app.submit(aSubmission());
    const onRequest = await app.submit(
      aSubmission({ disclosure: { attribute: "on_request", reason: "涉及个人信息，依申请公开" } }),
    );
    // Act
    const res = await place(edition, [open.id, onRequest.id]);
    // Assess
    expect(res.status).toBe(422);
    const problems = await problemsOf(res);
    expect(problems).toEqual([expect.objectContaining({ field: "documents.1", code: "not_public" })]);
    expect(problems[0]?.message).toContain("依申请公开");
    const view = (await (await app.api(`/api/editions/${edition}`)).json()) as EditionView;
    expect(view.documents).toEqual([]);
    expect(await documentState(open.id)).toBe("accepted");
    expect(await app.container.platform.records.get(placementKey(open.id))).toBeUndefined();
  });

  it("refuses unknown document ids (422) and malformed lists (400)", async () => {
    // Prepare
    const edition = await newEdition();
    // Act
    const unknown = await place(edition, ["01JAAAAAAAAAAAAAAAAAAAAAAA"]);
    const malformed = await place(edition, "not a list");
    const repeated = await app.submit(aSubmission());
    const twice = await place(edition, [repeated.id, repeated.id]);
    // Assess
    expect(unknown.status).toBe(422);
    expect(await problemsOf(unknown)).toEqual([
      expect.objectContaining({ field: "documents.0", code: "not_found" }),
    ]);
    expect(malformed.status).toBe(400);
    expect(twice.status).toBe(400);
    expect(await problemsOf(twice)).toEqual([
      expect.objectContaining({ field: "documents.1", code: "duplicate" }),
    ]);
  });

  it("keeps a document in one edition only (409) until it is removed from the first", async () => {
    // Prepare
    const first = await newEdition();
    const second = await newEdition();
    const doc = await app.submit(aSubmission());
    const other = await app.submit(aSubmission());
    await place(first, [doc.id]);
    // Act
    const conflict = await place(second, [other.id, doc.id]);
    const removed = await place(first, []);
    const stateAfterRemoval = await documentState(doc.id);
    const moved = await place(second, [other.id, doc.id]);
    // Assess
    expect(conflict.status).toBe(409);
    expect(await problemsOf(conflict)).toEqual([
      expect.objectContaining({ field: "documents.1", code: "already_placed" }),
    ]);
    expect(removed.status).toBe(200);
    expect(stateAfterRemoval).toBe("accepted");
    expect(moved.status).toBe(200);
    expect(((await moved.json()) as EditionView).documents.map((d) => d.id)).toEqual([other.id, doc.id]);
    expect(await documentState(doc.id)).toBe("placed");
    // The refused attempt claimed nothing that would block `other` elsewhere.
    expect(
      (await app.container.platform.records.get<{ editionId: string }>(placementKey(other.id)))?.data
        .editionId,
    ).toBe(second);
  });

  it("lets only one of two editions placing the same document concurrently have it", async () => {
    // Prepare
    const first = await newEdition();
    const second = await newEdition();
    const doc = await app.submit(aSubmission());
    // Act
    const [a, b] = await Promise.all([place(first, [doc.id]), place(second, [doc.id])]);
    // Assess
    expect([a?.status, b?.status].sort()).toEqual([200, 409]);
    const holders = await Promise.all(
      [first, second].map(
        async (id) => ((await (await app.api(`/api/editions/${id}`)).json()) as EditionView).documents.length,
      ),
    );
    expect(holders.sort()).toEqual([0, 1]);
  });

  it("takes over a placement claim left by a crash once it is stale", async () => {
    // Prepare: a claim for edition 1 that edition 1 never listed (crash before its write).
    const first = await newEdition();
    const second = await newEdition();
    const doc = await app.submit(aSubmission());
    await app.container.platform.records.put(
      { ...placementKey(doc.id), data: { editionId: first, claimedAt: app.clock.now().toISOString() } },
      { kind: "absent" },
    );
    const whileFresh = await place(second, [doc.id]);
    app.clock.advanceSeconds(301);
    // Act
    const afterStale = await place(second, [doc.id]);
    // Assess
    expect(whileFresh.status).toBe(409);
    expect(afterStale.status).toBe(200);
  });

  it("brings a policy document's 解读 along with it", async () => {
    // Prepare
    const edition = await newEdition();
    const policy = await app.submit(aPolicySubmission());
    // Act
    const res = await place(edition, [policy.id]);
    // Assess
    expect(res.status).toBe(200);
    const view = (await res.json()) as EditionView;
    expect(view.documents).toEqual([
      expect.objectContaining({
        id: policy.id,
        policy: true,
        interpretations: [
          { id: policy.interpretations[0]?.id, title: "《关于促进民营经济高质量发展的意见》政策解读" },
        ],
      }),
    ]);
    const preview = (await (
      await app.api(`/api/editions/${edition}/preview`, { method: "POST" })
    ).json()) as {
      documents: { id: string; section: string }[];
    };
    expect(preview.documents).toEqual([
      expect.objectContaining({ id: policy.id, section: "省政府文件" }),
      expect.objectContaining({ id: `${policy.id}~${policy.interpretations[0]?.id}`, section: "政策解读" }),
    ]);
  });

  it("keeps a published edition immutable (409)", async () => {
    // Prepare
    const edition = await newEdition();
    const doc = await app.submit(aSubmission());
    const later = await app.submit(aSubmission());
    await place(edition, [doc.id]);
    expect((await app.api(`/api/editions/${edition}/publish`, { method: "POST" })).status).toBe(200);
    // Act
    const res = await place(edition, [doc.id, later.id]);
    // Assess
    expect(res.status).toBe(409);
    expect(await problemsOf(res)).toEqual([expect.objectContaining({ code: "edition_published" })]);
    expect(await documentState(later.id)).toBe("accepted");
    expect(await app.container.platform.records.get(placementKey(later.id))).toBeUndefined();
  });

  it("refuses to place a published document in another edition (409)", async () => {
    // Prepare
    const first = await newEdition();
    const second = await newEdition();
    const doc = await app.submit(aSubmission());
    await place(first, [doc.id]);
    await app.api(`/api/editions/${first}/publish`, { method: "POST" });
    // Act
    const res = await place(second, [doc.id]);
    // Assess
    expect(res.status).toBe(409);
    expect(await documentState(doc.id)).toBe("published");
  });
});
