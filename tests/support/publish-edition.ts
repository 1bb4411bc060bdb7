import { expect } from "vitest";
import { aSubmission } from "./factories.js";
import type { TestApp } from "./local-app.js";

/** Submits one document and publishes it in a new edition of 2024: the URLs of what was published. */
export async function publishOneDocument(
  app: TestApp,
  date: string,
): Promise<{ pdf: string; documentPdf: string; manifest: string }> {
  const res = await app.postJson(aSubmission());
  const { id: documentId } = (await res.json()) as { id: string };
  const created = await app.request("/api/editions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ year: 2024, date }),
  });
  const { id } = (await created.json()) as { id: string };
  await app.request(`/api/editions/${id}/documents`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ documents: [documentId] }),
  });
  const published = await app.request(`/api/editions/${id}/publish`, { method: "POST" });
  expect(published.status).toBe(200);
  const { edition } = (await published.json()) as {
    edition: { urls: { pdf: string; manifest: string }; documents: { id: string; urls?: { pdf: string } }[] };
  };
  return {
    pdf: edition.urls.pdf,
    documentPdf: `/documents/${documentId}.pdf`,
    manifest: edition.urls.manifest,
  };
}
