import { DocumentIntake } from "../../documents/intake.js";
import type { LambdaBase } from "./common.js";

/** Document intake; `docx`: with the .docx reader (only the documents function bundles it). */
export function documentIntake({ config, platform, logger }: LambdaBase, docx: boolean) {
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
    // The .docx reader loads on the first upload, and only the documents function bundles it.
    docxReader: docx ? () => import("../../documents/docx.js") : undefined,
  });
}
