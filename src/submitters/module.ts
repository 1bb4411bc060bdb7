/** Wires the submitters module (issue 16): issuing bodies, the submission desk, the completeness register. */
import type { Config } from "../config.js";
import type { DocumentIntake, DocxReader } from "../documents/intake.js";
import type { validateSubmission } from "../documents/submission.js";
import type { Platform } from "../platform/ports.js";
import { IssuingBodies } from "./bodies.js";
import { CompletenessRegister } from "./register.js";
import { SubmissionDesk } from "./submissions.js";

export interface Submitters {
  readonly bodies: IssuingBodies;
  readonly desk: SubmissionDesk;
  readonly register: CompletenessRegister;
}

export function createSubmitters(options: {
  readonly platform: Pick<Platform, "records" | "blobs" | "queues" | "clock">;
  readonly config: Pick<Config, "limits" | "gazette" | "baseUrl"> & {
    readonly completenessOverdueDays?: number;
  };
  /** Accepting a submission hands it to intake; left out, the desk lists and returns only. */
  readonly intake?: Pick<DocumentIntake, "submit"> | undefined;
  /** Intake's checks (documents/submission.ts validateSubmission), for the processes that take submissions. */
  readonly validate?: typeof validateSubmission | undefined;
  /** The .docx reader, for submissions sent as a .docx (the console's form). */
  readonly docxReader?: (() => Promise<DocxReader>) | undefined;
}): Submitters {
  const { platform, config } = options;
  const bodies = new IssuingBodies({ records: platform.records, clock: platform.clock });
  const desk = new SubmissionDesk({
    platform,
    bodies,
    intake: options.intake,
    validate: options.validate,
    docxReader: options.docxReader,
    limits: config.limits,
    sections: config.gazette.sections,
    gazetteName: config.gazette.name,
    baseUrl: config.baseUrl,
  });
  const register = new CompletenessRegister({
    records: platform.records,
    clock: platform.clock,
    bodies,
    overdueDays: config.completenessOverdueDays,
    latestSubmissionChange: async (bodyId) => {
      const [latest] = (await desk.inbox(bodyId, { limit: 1 })).items;
      return latest ? `${latest.at}#${latest.submissionId}#${latest.seq}` : null;
    },
    submissionsOf: async (bodyId) => {
      const out = [];
      let cursor: string | undefined;
      do {
        const page = await desk.listForBody(bodyId, { limit: 200, cursor });
        out.push(...page.items);
        cursor = page.cursor;
      } while (cursor);
      return out;
    },
  });
  return { bodies, desk, register };
}
