import { DocumentIntake, type DocxReader } from "../../documents/intake.js";
import type { LambdaBase } from "./common.js";

/**
 * Document intake. `docxReader`: `() => import("../../documents/docx.js")`, given by the documents
 * function alone, in its own module, so no other bundle holds the .docx reader.
 */
export function documentIntake(
  { config, platform, logger }: LambdaBase,
  docxReader?: () => Promise<DocxReader>,
) {
  return new DocumentIntake({
    platform,
    limits: config.limits,
    sections: config.gazette.sections,
    idempotencyTtlSeconds: config.idempotencyTtlSeconds,
    onEventError: (error, event) =>
      logger.warn("document.accepted not queued now; the outbox relay sends it with the next tick", {
        error: error as Error,
        documentId: event.documentId,
      }),
    docxReader,
  });
}
