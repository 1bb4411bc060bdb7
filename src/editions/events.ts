import type { AuditLog } from "../audit/audit-log.js";
import type { EditionPublishedEvent } from "./publish.js";

export type { EditionPublishedEvent } from "./publish.js";

/**
 * Subscriber for `edition.published` on the events queue (wire it into src/handlers/events.ts):
 * one audit entry per document, "published in 2025年第3期 (总第51期)". Idempotent — AuditLog keys
 * entries by time and type, and the event carries the publication's fixed publishedAt — so a
 * re-emitted or redelivered event changes nothing.
 */
export async function recordEditionPublished(audit: AuditLog, event: EditionPublishedEvent): Promise<void> {
  for (const documentId of event.documents) {
    await audit.append({
      documentId,
      type: event.type,
      at: event.publishedAt,
      actor: event.publishedBy,
      details: {
        editionId: event.editionId,
        year: event.year,
        issue: event.issue,
        cumulative: event.cumulative,
        date: event.date,
        urls: event.urls,
      },
    });
  }
}
