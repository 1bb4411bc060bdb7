import * as z from "zod";
import type { IntakeLimits } from "../config.js";
import type { Attachment, Block } from "./blocks.js";
import { parsePlainBody, validateBlocks } from "./body.js";
import { isValidIsoDate } from "./dates.js";
import { checkDocNumber, normalizeDocNumber, parseDocNumber } from "./doc-number.js";
import { DocumentRefusedError, type FieldProblem, InvalidDocumentError, problem } from "./errors.js";
import {
  DISCLOSURE_ATTRIBUTES,
  DOCUMENT_KINDS,
  type GazetteDocument,
  INTERPRETATION_FORMS,
  REPOST_SCOPES,
  SITE_LEVELS,
} from "./model.js";
import { normalizeText } from "./text.js";

/**
 * Validation of a submitted document: shape and size first (400), then the publication rules
 * (422: not approved, review not passed, 退文 for a policy without interpretation, …).
 * The result is everything intake stores except identity and intake state.
 */

/** Fields a submission sets; identity, state and source are added by intake. */
export type Submission = Omit<GazetteDocument, "id" | "state" | "receivedAt" | "receivedBy" | "source">;

export interface SubmissionContext {
  readonly limits: IntakeLimits;
  readonly sections: readonly string[];
  /** Today in Asia/Shanghai, YYYY-MM-DD, for "not in the future" checks. */
  readonly today: string;
  /** Blocks from a converted .docx replace `body` when present. */
  readonly convertedBody?: { readonly blocks: readonly Block[]; readonly attachments: readonly Attachment[] };
}

const MAX = {
  title: 300,
  /** Joint orders of several ministries run to about 60 characters; the grammar takes up to 120. */
  docNumber: 120,
  issuer: 100,
  issuers: 20,
  addressees: 1000,
  signer: 100,
  cc: 2000,
  person: 100,
  reason: 1000,
  relation: 100,
  relations: 100,
  region: 200,
  sector: 50,
  sectors: 50,
  interpretationTitle: 300,
  attachmentTitle: 300,
} as const;

/** One-line field: control characters dropped; a title wrapped over lines is joined (no spaces in Chinese). */
const text = (max: number) =>
  z
    .string()
    .transform((s) =>
      normalizeText(s)
        .replace(/[ \t]*\n[ \t\u3000]*/g, "")
        .trim(),
    )
    .pipe(z.string().min(1, "must not be empty").max(max, `must be at most ${max} characters`));

const optionalText = (max: number) => text(max).nullish();

const isoDate = z
  .string()
  .refine((s) => isValidIsoDate(s), "must be a calendar date in the form YYYY-MM-DD (e.g. 2024-05-03)");

const regionCode = z
  .string()
  .regex(/^\d{6}$/, "must be a six-digit GB/T 2260 administrative code, e.g. 510100");

/** Body: plain text (numbered headings, tab-separated tables) or structured blocks. */
const bodyInput = z.union([z.string(), z.array(z.unknown())]);

export const submissionSchema = z.object({
  title: text(MAX.title),
  docNumber: text(MAX.docNumber).nullish(),
  issuers: z.array(text(MAX.issuer)).min(1, "at least one issuer is required").max(MAX.issuers),
  dateWritten: isoDate,
  kind: z.enum(DOCUMENT_KINDS, { message: `must be one of ${DOCUMENT_KINDS.join(" ")}` }),
  section: text(50),
  addressees: optionalText(MAX.addressees),
  body: bodyInput.optional(),
  attachments: z
    .array(z.object({ title: text(MAX.attachmentTitle), body: bodyInput }))
    .optional()
    .default([]),
  signer: optionalText(MAX.signer),
  cc: optionalText(MAX.cc),
  printed: z.object({ by: text(MAX.issuer), date: isoDate }).nullish(),
  disclosure: z.object({
    attribute: z.enum(DISCLOSURE_ATTRIBUTES, {
      message: `must be one of ${DISCLOSURE_ATTRIBUTES.join(", ")}`,
    }),
    reason: optionalText(MAX.reason),
  }),
  review: z
    .object({
      reviewer: text(MAX.person),
      date: isoDate,
      result: z.string(),
    })
    .nullish(),
  approval: z.object({ approver: text(MAX.person), date: isoDate }).nullish(),
  policy: z.boolean().optional().default(false),
  interpretations: z
    .array(
      z.object({
        title: text(MAX.interpretationTitle),
        body: bodyInput,
        form: z.enum(INTERPRETATION_FORMS, { message: `must be one of ${INTERPRETATION_FORMS.join(", ")}` }),
      }),
    )
    .optional()
    .default([]),
  normative: z.object({ validFrom: isoDate, validUntil: isoDate }).nullish(),
  relations: z
    .object({
      repeals: z.array(text(MAX.relation)).max(MAX.relations).optional().default([]),
      amends: z.array(text(MAX.relation)).max(MAX.relations).optional().default([]),
      /** 宣布失效: documents this act declares no longer in force (status 失效 with this act). */
      expires: z.array(text(MAX.relation)).max(MAX.relations).optional().default([]),
    })
    .nullish(),
  /** 勘误: the 发文字号 of the published documents this one corrects. */
  corrects: z.array(text(MAX.relation)).max(MAX.relations).optional().default([]),
  repost: z
    .object({
      scope: z.enum(REPOST_SCOPES, { message: `must be one of ${REPOST_SCOPES.join(", ")}` }),
      regions: z.array(regionCode).max(MAX.region).optional().default([]),
      levels: z
        .array(z.enum(SITE_LEVELS, { message: `must be one of ${SITE_LEVELS.join(", ")}` }))
        .optional()
        .default([]),
      sectors: z.array(text(MAX.sector)).max(MAX.sectors).optional().default([]),
      deadlineWorkingDays: z.number().int().min(1).max(60).nullish(),
    })
    .nullish(),
});

type ParsedSubmission = z.infer<typeof submissionSchema>;

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<PropertyKey, unknown>)[key as string];
  }
  return current;
}

function fieldOf(path: readonly PropertyKey[]): string | null {
  return path.length === 0 ? null : path.map(String).join(".");
}

function problemsFromZod(error: z.ZodError, input: unknown): FieldProblem[] {
  return error.issues.map((issue) => {
    const field = fieldOf(issue.path);
    if (valueAt(input, issue.path) === undefined && issue.code === "invalid_type") {
      return problem(field, "required", `${field ?? "body"} is required`);
    }
    const code = issue.code === "too_big" ? "too_long" : issue.code === "too_small" ? "too_short" : "invalid";
    return problem(field, code, `${field ?? "request"} ${issue.message}`);
  });
}

function toBlocks(
  body: string | unknown[],
  field: string,
  limits: IntakeLimits,
  problems: FieldProblem[],
): Block[] {
  if (typeof body === "string") {
    const normalized = normalizeText(body);
    if (normalized.length > limits.maxBodyChars) {
      problems.push(problem(field, "too_long", `${field} must be at most ${limits.maxBodyChars} characters`));
      return [];
    }
    const blocks = parsePlainBody(normalized);
    if (blocks.length > limits.maxBlocks) {
      problems.push(problem(field, "too_long", `${field} must have at most ${limits.maxBlocks} paragraphs`));
    }
    return blocks;
  }
  const result = validateBlocks(body, {
    maxBlocks: limits.maxBlocks,
    maxTextLength: limits.maxBodyChars,
    maxTableCells: 10_000,
  });
  if (!result.ok) {
    for (const e of result.errors)
      problems.push(problem(e.path ? `${field}.${e.path}` : field, "invalid", e.message));
    return [];
  }
  return [...result.blocks];
}

const FIVE_YEARS_DAYS = 5 * 366;

function daysBetween(from: string, to: string): number {
  return (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000;
}

/** Shape and size checks. Throws InvalidDocumentError listing every failing field. */
function parseShape(
  input: unknown,
  ctx: SubmissionContext,
): { parsed: ParsedSubmission; blocks: Block[] } & {
  attachments: Attachment[];
  interpretations: { title: string; form: (typeof INTERPRETATION_FORMS)[number]; blocks: Block[] }[];
} {
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    throw new InvalidDocumentError("The request body must be a JSON object", [
      problem(null, "invalid", "The request body must be a JSON object describing the document"),
    ]);
  }
  const result = submissionSchema.safeParse(input);
  if (!result.success) {
    const problems = problemsFromZod(result.error, input);
    throw new InvalidDocumentError(problems.map((p) => p.message).join("; "), problems);
  }
  const parsed = result.data;
  const problems: FieldProblem[] = [];
  const { limits } = ctx;

  if (!ctx.sections.includes(parsed.section)) {
    problems.push(
      problem(
        "section",
        "invalid",
        `section must be one of the gazette's sections: ${ctx.sections.join(", ")}`,
      ),
    );
  }
  if (parsed.dateWritten > ctx.today) {
    problems.push(problem("dateWritten", "in_future", `dateWritten ${parsed.dateWritten} is after today`));
  }
  const checkNumber = (field: string, value: string) => {
    const checked = checkDocNumber(value);
    if (!checked.ok)
      problems.push(
        problem(
          field,
          "invalid_format",
          `${field} "${value}" ${checked.reason} (a 发文字号 looks like 川府发〔2024〕12号, （1985）财税字第12号, 院臺法字第1090123456號 or 四川省人民政府令第356号)`,
        ),
      );
  };
  if (parsed.docNumber) checkNumber("docNumber", parsed.docNumber);
  for (const [list, numbers] of [
    ["relations.repeals", parsed.relations?.repeals ?? []],
    ["relations.amends", parsed.relations?.amends ?? []],
    ["relations.expires", parsed.relations?.expires ?? []],
    ["corrects", parsed.corrects],
  ] as const) {
    for (const [i, n] of numbers.entries()) checkNumber(`${list}.${i}`, n);
  }
  if (parsed.disclosure.attribute !== "public" && !parsed.disclosure.reason) {
    problems.push(
      problem(
        "disclosure.reason",
        "required",
        `disclosure.reason is required when disclosure.attribute is ${parsed.disclosure.attribute} (非主动公开须说明理由)`,
      ),
    );
  }
  if (parsed.normative && parsed.normative.validUntil < parsed.normative.validFrom) {
    problems.push(
      problem("normative.validUntil", "invalid", "normative.validUntil is before normative.validFrom"),
    );
  }
  if (parsed.attachments.length > limits.maxAttachments) {
    problems.push(problem("attachments", "too_long", `at most ${limits.maxAttachments} attachments`));
  }
  if (parsed.interpretations.length > limits.maxInterpretations) {
    problems.push(
      problem("interpretations", "too_long", `at most ${limits.maxInterpretations} interpretations`),
    );
  }
  const repost = parsed.repost;
  if (
    repost?.scope === "targeted" &&
    !repost.regions.length &&
    !repost.levels.length &&
    !repost.sectors.length
  ) {
    problems.push(
      problem(
        "repost.regions",
        "required",
        "a targeted repost needs at least one of regions, levels or sectors",
      ),
    );
  }

  let blocks: Block[];
  let attachments: Attachment[];
  if (ctx.convertedBody) {
    blocks = [...ctx.convertedBody.blocks];
    const all = [...blocks, ...ctx.convertedBody.attachments.flatMap((a) => a.blocks)];
    const chars = all.reduce(
      (n, b) => n + (b.type === "table" ? b.rows.flat().join("").length : b.text.length),
      0,
    );
    if (all.length > limits.maxBlocks || chars > limits.maxBodyChars) {
      problems.push(
        problem(
          "file",
          "too_long",
          `The .docx text must be at most ${limits.maxBodyChars} characters in ${limits.maxBlocks} paragraphs`,
        ),
      );
    }
    attachments = [...ctx.convertedBody.attachments];
    if (parsed.attachments.length) {
      attachments.push(
        ...parsed.attachments.map((a, i) => ({
          title: a.title,
          blocks: toBlocks(a.body, `attachments.${i}.body`, limits, problems),
        })),
      );
    }
  } else {
    if (parsed.body === undefined) {
      problems.push(problem("body", "required", "body is required (plain text or structured blocks)"));
      blocks = [];
    } else {
      blocks = toBlocks(parsed.body, "body", limits, problems);
    }
    attachments = parsed.attachments.map((a, i) => ({
      title: a.title,
      blocks: toBlocks(a.body, `attachments.${i}.body`, limits, problems),
    }));
  }
  if (
    parsed.body !== undefined &&
    !ctx.convertedBody &&
    blocks.length === 0 &&
    !problems.some((p) => p.field === "body")
  ) {
    problems.push(problem("body", "required", "body has no text"));
  }
  const interpretations = parsed.interpretations.map((it, i) => ({
    title: it.title,
    form: it.form,
    blocks: toBlocks(it.body, `interpretations.${i}.body`, limits, problems),
  }));

  if (problems.length) throw new InvalidDocumentError(problems.map((p) => p.message).join("; "), problems);
  return { parsed, blocks, attachments, interpretations };
}

/** Publication rules on a well-formed submission. Throws DocumentRefusedError (退文). */
function checkPublicationRules(parsed: ParsedSubmission, interpretationCount: number): void {
  const refusals: FieldProblem[] = [];
  if (!parsed.approval) {
    refusals.push(
      problem(
        "approval",
        "not_approved",
        "Only approved documents are accepted: approval {approver, date} is missing",
      ),
    );
  }
  if (!parsed.review) {
    refusals.push(
      problem(
        "review",
        "review_required",
        "A confidentiality review (保密审查) is required before publication: review {reviewer, date, result} is missing",
      ),
    );
  } else if (parsed.review.result !== "passed") {
    refusals.push(
      problem(
        "review.result",
        "review_not_passed",
        `The confidentiality review (保密审查) result is "${parsed.review.result}"; only "passed" may be published`,
      ),
    );
  }
  if (parsed.policy && interpretationCount === 0) {
    refusals.push(
      problem(
        "interpretations",
        "interpretation_required",
        "退文：以政府名义印发的政策文件须与解读材料同步报送 — a policy document must be submitted with its interpretation (解读)",
      ),
    );
  }
  if (parsed.repost && parsed.repost.scope !== "none" && parsed.disclosure.attribute !== "public") {
    refusals.push(
      problem(
        "repost.scope",
        "repost_requires_public",
        "Only 主动公开 (public) documents may be reposted; set repost.scope to none or disclosure.attribute to public",
      ),
    );
  }
  if (refusals.length) throw new DocumentRefusedError(refusals.map((p) => p.message).join("; "), refusals);
}

export function validateSubmission(input: unknown, ctx: SubmissionContext): Submission {
  const { parsed, blocks, attachments, interpretations } = parseShape(input, ctx);
  checkPublicationRules(parsed, interpretations.length);

  const warnings: string[] = [];
  if (
    parsed.normative &&
    daysBetween(parsed.normative.validFrom, parsed.normative.validUntil) > FIVE_YEARS_DAYS
  ) {
    warnings.push("normative: validity period exceeds 5 years (规范性文件有效期一般不超过5年)");
  }
  const docNumber = parsed.docNumber ?? null;
  const parsedNumber = docNumber ? parseDocNumber(docNumber) : null;
  if (parsedNumber?.year !== undefined) {
    const year = parsedNumber.year;
    if (year !== Number(parsed.dateWritten.slice(0, 4))) {
      warnings.push(`docNumber year ${year} differs from dateWritten ${parsed.dateWritten}`);
    }
  }
  const review = parsed.review!;
  const approval = parsed.approval!;
  const repost = parsed.repost ?? { scope: "none" as const, regions: [], levels: [], sectors: [] };
  return {
    title: parsed.title,
    docNumber,
    docNumberNormalized: docNumber ? normalizeDocNumber(docNumber) : null,
    issuers: parsed.issuers,
    dateWritten: parsed.dateWritten,
    kind: parsed.kind,
    section: parsed.section,
    addressees: parsed.addressees ?? null,
    blocks,
    attachments,
    signer: parsed.signer ?? null,
    cc: parsed.cc ?? null,
    printed: parsed.printed ?? null,
    disclosure: {
      attribute: parsed.disclosure.attribute,
      reason: parsed.disclosure.attribute === "public" ? null : (parsed.disclosure.reason ?? null),
    },
    review: { reviewer: review.reviewer, date: review.date, result: "passed" },
    approval: { approver: approval.approver, date: approval.date },
    policy: parsed.policy,
    interpretations: interpretations.map((it, i) => ({ id: `interpretation-${i + 1}`, ...it })),
    normative: parsed.normative ?? null,
    relations: {
      repeals: parsed.relations?.repeals ?? [],
      amends: parsed.relations?.amends ?? [],
      expires: parsed.relations?.expires ?? [],
    },
    corrects: parsed.corrects,
    repost: {
      scope: repost.scope,
      regions: repost.regions,
      levels: repost.levels,
      sectors: repost.sectors,
      deadlineWorkingDays: parsed.repost?.deadlineWorkingDays ?? null,
    },
    warnings,
  };
}
