import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { recordEditionPublished } from "../../src/editions/events.js";
import type { EditionView } from "../../src/editions/model.js";
import { editionSettingsFrom } from "../../src/editions/model.js";
import {
  type EditionManifest,
  type EditionPublishedEvent,
  loadEdition,
  loadEditionDocuments,
  type RenderEdition,
} from "../../src/editions/publish.js";
import { manifestKey } from "../../src/editions/records.js";
import { buildRenderInput } from "../../src/editions/render-input.js";
import { aPolicySubmission, aSubmission } from "../support/factories.js";
import {
  crashAfter,
  createEditionsTestApp,
  drain,
  type EditionsTestApp,
  fakeRender,
  problemsOf,
  T0,
} from "./harness.js";

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** An edition (总第1期, 2025年第1期) with a notice and a policy document with its 解读. */
async function preparedEdition(app: EditionsTestApp) {
  const notice = await app.submit(aSubmission());
  const policy = await app.submit(aPolicySubmission());
  const edition = (await (
    await app.api("/api/editions", { method: "POST", json: { year: 2025, date: "2025-03-10" } })
  ).json()) as EditionView;
  const placed = await app.api(`/api/editions/${edition.id}/documents`, {
    method: "PUT",
    json: { documents: [notice.id, policy.id] },
  });
  if (placed.status !== 200) throw new Error(await placed.text());
  return { editionId: edition.id, notice, policy };
}

async function publishedEvents(app: EditionsTestApp, editionId: string) {
  const messages = (await drain(app.container.platform, "events")) as { type: string }[];
  return messages.filter(
    (m): m is EditionPublishedEvent =>
      m.type === "edition.published" && (m as EditionPublishedEvent).editionId === editionId,
  );
}

/** The manifest an undisturbed publication of the edition as it stands must have. */
async function expectedManifest(app: EditionsTestApp, editionId: string): Promise<EditionManifest> {
  const { platform } = app.container;
  const edition = (await loadEdition(platform.records, editionId))!.data;
  const documents = await loadEditionDocuments(platform, edition);
  const settings = editionSettingsFrom(app.container.config.gazette);
  const { artifacts } = await fakeRender(buildRenderInput(edition, documents, settings));
  return {
    edition: {
      id: edition.id,
      year: edition.year,
      issue: edition.issue,
      cumulative: edition.cumulative,
      date: edition.date,
    },
    publishedAt: new Date(T0).toISOString(),
    artifacts: artifacts
      .filter((a) => a.authentic)
      .map((a) => ({ url: `/${a.key}`, sha256: sha256(a.bytes), bytes: a.bytes.byteLength }))
      .sort((a, b) => (a.url < b.url ? -1 : 1)),
  };
}

/** Reads the manifest and checks every artifact it lists is stored with that hash. */
async function verifiedManifest(app: EditionsTestApp, view: EditionView): Promise<EditionManifest> {
  const blob = await app.container.platform.blobs.get(manifestKey(view));
  expect(blob).toBeDefined();
  const manifest = JSON.parse(new TextDecoder().decode(blob!.bytes)) as EditionManifest;
  for (const entry of manifest.artifacts) {
    const stored = await app.container.platform.blobs.get(entry.url.slice(1));
    expect(stored && sha256(stored.bytes)).toBe(entry.sha256);
    expect(stored?.bytes.byteLength).toBe(entry.bytes);
  }
  return manifest;
}

describe("POST /api/editions/{id}/publish", () => {
  let app: EditionsTestApp;
  beforeEach(() => {
    app = createEditionsTestApp();
  });
  afterEach(() => app.close());

  it("writes the artifacts and manifest, then shows the edition as published with its urls", async () => {
    // Prepare
    const { editionId, notice, policy } = await preparedEdition(app);
    // Act
    const res = await app.api(`/api/editions/${editionId}/publish`, { method: "POST" });
    // Assess
    expect(res.status).toBe(200);
    const { edition, manifest } = (await res.json()) as { edition: EditionView; manifest: EditionManifest };
    expect(edition).toMatchObject({
      status: "published",
      publishedAt: "2025-03-01T02:00:00.000Z",
      publishedBy: "editor",
      urls: {
        pdf: "/editions/2025/1.pdf",
        web: "/editions/2025/1.html",
        manifest: "/editions/2025/1.manifest.json",
      },
    });
    const interpretationId = `${policy.id}~${policy.interpretations[0]?.id}`;
    expect(edition.documents.map((d) => [d.id, d.state, d.urls])).toEqual([
      [notice.id, "published", { pdf: `/documents/${notice.id}.pdf`, web: `/documents/${notice.id}.html` }],
      [policy.id, "published", { pdf: `/documents/${policy.id}.pdf`, web: `/documents/${policy.id}.html` }],
    ]);
    expect(edition.documents[1]?.interpretations[0]?.urls).toEqual({
      pdf: `/documents/${interpretationId}.pdf`,
      web: `/documents/${interpretationId}.html`,
    });
    expect(manifest.edition).toEqual({ id: "1", year: 2025, issue: 1, cumulative: 1, date: "2025-03-10" });
    expect(manifest.artifacts.map((a) => a.url).sort()).toEqual(
      [
        "/editions/2025/1.pdf",
        "/editions/2025/1.txt",
        `/documents/${notice.id}.pdf`,
        `/documents/${policy.id}.pdf`,
        `/documents/${interpretationId}.pdf`,
      ].sort(),
    );
    expect(await verifiedManifest(app, edition)).toEqual(manifest);
    const fetched = (await (await app.api(`/api/editions/${editionId}`)).json()) as EditionView;
    expect(fetched).toEqual(edition);
    const events = await publishedEvents(app, editionId);
    expect(events).toEqual([
      expect.objectContaining({
        type: "edition.published",
        cumulative: 1,
        documents: [notice.id, policy.id],
      }),
    ]);
  });

  it("returns the same manifest on a second publish and announces only once", async () => {
    // Prepare
    const { editionId } = await preparedEdition(app);
    const first = (await (
      await app.api(`/api/editions/${editionId}/publish`, { method: "POST" })
    ).json()) as {
      manifest: EditionManifest;
    };
    app.clock.advanceSeconds(3600);
    // Act
    const res = await app.api(`/api/editions/${editionId}/publish`, { method: "POST" });
    // Assess
    expect(res.status).toBe(200);
    const second = (await res.json()) as { edition: EditionView; manifest: EditionManifest };
    expect(second.manifest).toEqual(first.manifest);
    expect(second.edition.publishedAt).toBe("2025-03-01T02:00:00.000Z");
    expect(await publishedEvents(app, editionId)).toHaveLength(1);
  });

  it("refuses to publish an empty edition (422)", async () => {
    // Prepare
    const created = await app.api("/api/editions", {
      method: "POST",
      json: { year: 2025, date: "2025-03-10" },
    });
    const { id } = (await created.json()) as EditionView;
    // Act
    const res = await app.api(`/api/editions/${id}/publish`, { method: "POST" });
    // Assess
    expect(res.status).toBe(422);
    expect(await problemsOf(res)).toEqual([
      expect.objectContaining({ code: "edition_empty", field: "documents" }),
    ]);
  });

  it("never overwrites a file it finds with other content: the publication moves to a new attempt's keys", async () => {
    // Prepare
    const { editionId } = await preparedEdition(app);
    await app.container.platform.blobs.put("editions/2025/1.pdf", new TextEncoder().encode("an older PDF"), {
      contentType: "application/pdf",
      ifAbsent: true,
    });
    // Act
    const res = await app.api(`/api/editions/${editionId}/publish`, { method: "POST" });
    // Assess
    expect(res.status).toBe(200);
    const stored = await app.container.platform.blobs.get("editions/2025/1.pdf");
    expect(new TextDecoder().decode(stored!.bytes)).toBe("an older PDF");
    const view = (await (await app.api(`/api/editions/${editionId}`)).json()) as EditionView;
    expect(view.status).toBe("published");
    expect(view.attempt).toBe(2);
    expect(view.urls?.pdf).toBe("/editions/2025/1.pdf");
    const served = await app.container.site.file("editions/2025/1.pdf");
    expect(new TextDecoder().decode(served!.body as Uint8Array)).toMatch(/^%PDF-fake /);
    expect(await app.container.platform.blobs.head(manifestKey(view))).toBeUndefined();
    expect(await app.container.platform.blobs.head("editions/2025/1@2.manifest.json")).toBeDefined();
  });

  it("accepts an existing artifact with the same content (an earlier attempt's write)", async () => {
    // Prepare
    const { editionId } = await preparedEdition(app);
    const view = (await (await app.api(`/api/editions/${editionId}`)).json()) as EditionView;
    const preview = await app.api(`/api/editions/${editionId}/preview?format=pdf`, { method: "POST" });
    await app.container.platform.blobs.put(
      "editions/2025/1.pdf",
      new Uint8Array(await preview.arrayBuffer()),
      {
        contentType: "application/pdf",
        ifAbsent: true,
      },
    );
    // Act
    const res = await app.api(`/api/editions/${view.id}/publish`, { method: "POST" });
    // Assess
    expect(res.status).toBe(200);
  });

  it("lets the draft be edited again when the renderer fails, having written nothing", async () => {
    // Prepare
    const failing: RenderEdition = async () => {
      throw new Error("font missing");
    };
    const { editionId, notice } = await preparedEdition(app);
    // Act
    await expect(app.serviceOn(app.container.platform, failing).publish(editionId, "editor")).rejects.toThrow(
      "font missing",
    );
    const edit = await app.api(`/api/editions/${editionId}/documents`, {
      method: "PUT",
      json: { documents: [notice.id] },
    });
    // Assess
    expect(edit.status).toBe(200);
    expect(await app.container.platform.blobs.list("editions/")).toEqual([]);
  });

  it("freezes the documents once a publication has started, until it completes", async () => {
    // Prepare: the attempt dies after noting its intent.
    const { editionId, notice } = await preparedEdition(app);
    await expect(
      app.serviceOn(crashAfter(app.container.platform, 1)).publish(editionId, "editor"),
    ).rejects.toThrow("injected crash");
    // Act
    const edit = await app.api(`/api/editions/${editionId}/documents`, {
      method: "PUT",
      json: { documents: [notice.id] },
    });
    const retry = await app.api(`/api/editions/${editionId}/publish`, { method: "POST" });
    // Assess
    expect(edit.status).toBe(409);
    expect(await problemsOf(edit)).toEqual([expect.objectContaining({ code: "edition_publishing" })]);
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as { edition: EditionView }).edition.documents).toHaveLength(2);
  });
});

describe("publishing is all-or-nothing under a crash at any write", () => {
  it("leaves the old state or, after a retry, the complete publication, for a crash after every N writes", async () => {
    let crashes = 0;
    for (let n = 0; n < 100; n++) {
      const app = createEditionsTestApp();
      try {
        const { editionId, notice, policy } = await preparedEdition(app);
        const referenceManifest = await expectedManifest(app, editionId);
        const crashing = crashAfter(app.container.platform, n);
        // Act
        const outcome = await app
          .serviceOn(crashing)
          .publish(editionId, "editor")
          .then(
            () => "completed" as const,
            (error: Error) => {
              expect(error.message).toContain("injected crash");
              return "crashed" as const;
            },
          );
        // Assess: old state, or the new one complete
        const after = (await (await app.api(`/api/editions/${editionId}`)).json()) as EditionView;
        if (after.status === "draft") {
          // Not visible: nothing points at the (possibly already written) artifacts and manifest.
          expect(after.urls).toBeUndefined();
          expect(after.documents.every((d) => d.urls === undefined)).toBe(true);
          expect(after.documents.map((d) => d.state)).toEqual(["placed", "placed"]);
          expect(await publishedEvents(app, editionId)).toEqual([]);
        } else {
          expect(after.urls?.manifest).toBe("/editions/2025/1.manifest.json");
          expect(await verifiedManifest(app, after)).toEqual(referenceManifest);
        }
        if (outcome === "completed") {
          expect(crashing.crashed()).toBe(false);
          expect(crashes).toBe(n);
          expect(n).toBeGreaterThan(10);
          return;
        }
        crashes += 1;
        // Assess: a retry completes it, identically
        const retried = await app.editions.publish(editionId, "editor");
        expect(retried.manifest).toEqual(referenceManifest);
        expect(retried.edition.status).toBe("published");
        expect(retried.edition.documents.map((d) => [d.id, d.state])).toEqual([
          [notice.id, "published"],
          [policy.id, "published"],
        ]);
        const final = (await (await app.api(`/api/editions/${editionId}`)).json()) as EditionView;
        expect(await verifiedManifest(app, final)).toEqual(referenceManifest);
        const events = await publishedEvents(app, editionId);
        expect(events.length).toBeGreaterThanOrEqual(1);
        expect(events.length).toBeLessThanOrEqual(2);
        expect((await app.editions.publish(editionId, "editor")).manifest).toEqual(referenceManifest);
      } finally {
        app.close();
      }
    }
    throw new Error("publication never completed within 100 writes");
  });
});

describe("POST /api/editions/{id}/preview", () => {
  let app: EditionsTestApp;
  beforeEach(() => {
    app = createEditionsTestApp();
  });
  afterEach(() => app.close());

  it("renders the draft with page numbers per entry and writes nothing", async () => {
    // Prepare
    const { editionId, notice, policy } = await preparedEdition(app);
    const blobsBefore = await app.container.platform.blobs.list("");
    // Act
    const res = await app.api(`/api/editions/${editionId}/preview`, { method: "POST" });
    // Assess
    expect(res.status).toBe(200);
    const body = (await res.json()) as { pages: number; documents: { id: string; firstPage: number }[] };
    expect(body.pages).toBe(6);
    expect(body.documents.map((d) => [d.id, d.firstPage])).toEqual([
      [notice.id, 1],
      [policy.id, 3],
      [`${policy.id}~${policy.interpretations[0]?.id}`, 5],
    ]);
    expect(await app.container.platform.blobs.list("")).toEqual(blobsBefore);
    const view = (await (await app.api(`/api/editions/${editionId}`)).json()) as EditionView;
    expect(view.status).toBe("draft");
  });

  it("returns the edition PDF itself with ?format=pdf", async () => {
    // Prepare
    const { editionId } = await preparedEdition(app);
    // Act
    const res = await app.api(`/api/editions/${editionId}/preview?format=pdf`, { method: "POST" });
    // Assess
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/pdf");
    expect(new TextDecoder().decode(await res.arrayBuffer())).toMatch(/^%PDF-fake /);
  });
});

describe("edition.published subscriber", () => {
  it("records one audit entry per document, unchanged by a redelivered event", async () => {
    // Prepare
    const app = createEditionsTestApp();
    try {
      const { editionId, notice, policy } = await preparedEdition(app);
      await app.editions.publish(editionId, "editor");
      const [event] = await publishedEvents(app, editionId);
      // Act
      await recordEditionPublished(app.container.audit, event!);
      await recordEditionPublished(app.container.audit, event!);
      // Assess
      for (const id of [notice.id, policy.id]) {
        const entries = (await app.container.audit.entries(id)).filter((e) => e.type === "edition.published");
        expect(entries).toEqual([
          expect.objectContaining({
            actor: "editor",
            at: "2025-03-01T02:00:00.000Z",
            details: expect.objectContaining({ editionId, issue: 1, cumulative: 1 }),
          }),
        ]);
      }
    } finally {
      app.close();
    }
  });
});
