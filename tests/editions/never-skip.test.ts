import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import type { Edition } from "../../src/editions/model.js";
import { SUCCESSOR_LEASE_MS } from "../../src/editions/numbering.js";
import { editionPage, editionRecord, lastEdition } from "../../src/editions/records.js";
import { aSubmission } from "../support/factories.js";
import { createEditionsTestApp, type EditionsTestApp, problemsOf } from "./harness.js";

/**
 * Published 第N期 and 总第N期 never skip a number (issue 13, point 7): a stray draft can be
 * deleted while it is the last edition, and editions are published in order.
 */
let app: EditionsTestApp;
afterEach(() => app?.close());

const create = async () => {
  const res = await app.api("/api/editions", { method: "POST", json: { year: 2025, date: "2025-03-01" } });
  expect(res.status, await res.clone().text()).toBe(201);
  return ((await res.json()) as { id: string }).id;
};
const place = async (id: string) => {
  const doc = await app.submit(aSubmission());
  return app.api(`/api/editions/${id}/documents`, { method: "PUT", json: { documents: [doc.id] } });
};
const publish = (id: string) => app.api(`/api/editions/${id}/publish`, { method: "POST" });
const remove = (id: string) => app.api(`/api/editions/${id}`, { method: "DELETE" });

async function allEditions(): Promise<Edition[]> {
  const out: Edition[] = [];
  let cursor: string | undefined;
  do {
    const page = await editionPage(app.container.platform.records, { limit: 100, cursor });
    out.push(...page.items.map((r) => r.data));
    cursor = page.cursor;
  } while (cursor);
  return out;
}

describe("a stray draft no longer makes published numbers skip", () => {
  it("publishes 第1期 then 第2期 after the stray 第2期 draft is deleted (it was 第1期, 第3期)", async () => {
    // Prepare: 第1期 published, a stray 第2期 draft, 第3期 composed
    app = createEditionsTestApp();
    const first = await create();
    await place(first);
    expect((await publish(first)).status).toBe(200);
    const stray = await create();
    const third = await create();
    await place(third);

    // Act: publishing 第3期 is refused while 第2期 is not published
    const refused = await publish(third);
    // …so the stray draft is removed from the end: 第3期's draft, then the stray one
    const notLast = await remove(stray);
    expect((await remove(third)).status).toBe(204);
    expect((await remove(stray)).status).toBe(204);
    const next = await create();
    await place(next);
    const published = await publish(next);

    // Assess
    expect(refused.status).toBe(409);
    expect(await problemsOf(refused)).toContainEqual(
      expect.objectContaining({ code: "previous_edition_unpublished" }),
    );
    expect(notLast.status).toBe(409);
    expect(await problemsOf(notLast)).toContainEqual(expect.objectContaining({ code: "not_last_edition" }));
    expect(published.status).toBe(200);
    const numbers = (await allEditions())
      .filter((e) => e.status === "published")
      .map((e) => [e.issue, e.cumulative]);
    expect(numbers).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it("gives a deleted draft's documents back: they can be placed in another edition", async () => {
    // Prepare
    app = createEditionsTestApp();
    const draft = await create();
    const doc = await app.submit(aSubmission());
    await app.api(`/api/editions/${draft}/documents`, { method: "PUT", json: { documents: [doc.id] } });

    // Act
    const deleted = await remove(draft);
    const again = await create();
    const placed = await app.api(`/api/editions/${again}/documents`, {
      method: "PUT",
      json: { documents: [doc.id] },
    });

    // Assess
    expect(deleted.status).toBe(204);
    expect(again).toBe(draft); // the number is reused
    expect(placed.status).toBe(200);
    expect((await app.api(`/api/editions/${draft}`)).status).toBe(200);
  });

  it("never deletes a published edition, nor one that does not exist", async () => {
    // Prepare
    app = createEditionsTestApp();
    const id = await create();
    await place(id);
    await publish(id);

    // Act
    const published = await remove(id);
    const missing = await remove("99");
    const notAnId = await remove("abc");

    // Assess
    expect(published.status).toBe(409);
    expect(await problemsOf(published)).toContainEqual(
      expect.objectContaining({ code: "edition_published" }),
    );
    expect(missing.status).toBe(404);
    expect(notAnId.status).toBe(404);
  });

  it("refuses to delete an edition a creation has just chained onto, until the stamp is stale", async () => {
    // Prepare: 第1期 a draft; a creator stamps it and crashes before writing 第2期
    app = createEditionsTestApp();
    const id = await create();
    const { records } = app.container.platform;
    const tail = await lastEdition(records, "first");
    await records.put(
      { ...editionRecord({ ...tail!.data, successorAt: app.clock.now().toISOString() }) },
      { kind: "version", version: tail!.version },
    );

    // Act
    const fresh = await remove(id);
    app.clock.advance(SUCCESSOR_LEASE_MS + 1);
    const stale = await remove(id);

    // Assess
    expect(fresh.status).toBe(409);
    expect(stale.status).toBe(204);
  });
});

describe("concurrent creates, deletes and publishes", () => {
  type Op = { kind: "create" } | { kind: "delete"; n: number } | { kind: "publish"; n: number };
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.constant({ kind: "create" as const }),
    fc.record({ kind: fc.constant("delete" as const), n: fc.integer({ min: 1, max: 8 }) }),
    fc.record({ kind: fc.constant("publish" as const), n: fc.integer({ min: 1, max: 8 }) }),
  );

  it("leave the editions numbered 1..N without a hole, and the published ones 1..k", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 4, maxLength: 14 }), async (ops) => {
        // Prepare: two editions, each with a document
        app?.close();
        app = createEditionsTestApp();
        for (let n = 0; n < 2; n++) await place(await create());

        // Act: every operation at once (documents are placed before publishing)
        const results = await Promise.all(
          ops.map(async (o) => {
            const res =
              o.kind === "create"
                ? await app.api("/api/editions", { method: "POST", json: { year: 2025, date: "2025-03-01" } })
                : o.kind === "delete"
                  ? await remove(String(o.n))
                  : await place(String(o.n)).then(() => publish(String(o.n)));
            return res.status;
          }),
        );

        // Assess: only clear answers; the chain has no hole; published numbers are a prefix
        for (const status of results) expect([200, 201, 204, 404, 409, 422]).toContain(status);
        const editions = await allEditions();
        expect(editions.map((e) => e.cumulative)).toEqual(editions.map((_, i) => i + 1));
        expect(editions.map((e) => e.issue)).toEqual(editions.map((_, i) => i + 1));
        const published = editions.filter((e) => e.status === "published").map((e) => e.cumulative);
        expect(published).toEqual(published.map((_, i) => i + 1));
      }),
      { numRuns: 12 },
    );
  }, 240_000);
});
