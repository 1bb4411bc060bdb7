import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SAMPLE_DOCX_META } from "../../samples/make-docx.js";
import { parsePlainBody } from "../../src/documents/body.js";
import { isValidIsoDate } from "../../src/documents/dates.js";
import { parseDocNumber } from "../../src/documents/doc-number.js";
import { DOCUMENT_KINDS, SITE_LEVELS } from "../../src/documents/model.js";

const ROOT = join(import.meta.dirname, "../../samples");
const DIR = join(ROOT, "documents");
const SECTIONS = ["省政府令", "省政府文件", "省政府办公厅文件", "部门文件", "人事任免", "政策解读"];

interface Sample {
  title: string;
  docNumber: string | null;
  issuers: string[];
  dateWritten: string;
  kind: string;
  section: string;
  addressees: string | null;
  body?: string;
  attachments: { title: string; body: string }[];
  signer: string | null;
  cc: string | null;
  printed: { by: string; date: string } | null;
  disclosure: { attribute: "public" | "on_request" | "not_public"; reason?: string };
  review: { reviewer: string; date: string; result: string };
  approval: { approver: string; date: string };
  policy: boolean;
  interpretations: { title: string; body: string; form: string }[];
  normative: { validFrom: string; validUntil: string } | null;
  relations: { repeals: string[]; amends: string[] };
  repost: {
    scope: string;
    regions: string[];
    levels: string[];
    sectors: string[];
    deadlineWorkingDays: number | null;
  };
}

const files = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .sort();
const samples = files.map((file) => ({
  file,
  doc: JSON.parse(readFileSync(join(DIR, file), "utf8")) as Sample,
}));

function yearsBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / (365.25 * 86_400_000);
}

describe("sample documents", () => {
  it.each(samples)("$file is a complete intake submission", ({ doc }) => {
    // Assess
    expect(doc.title.length).toBeGreaterThan(5);
    expect(doc.issuers.length).toBeGreaterThan(0);
    expect(isValidIsoDate(doc.dateWritten)).toBe(true);
    expect(DOCUMENT_KINDS).toContain(doc.kind);
    expect(SECTIONS).toContain(doc.section);
    expect(doc.docNumber === null || parseDocNumber(doc.docNumber) !== null).toBe(true);
    expect(doc.review.result).toBe("passed");
    expect(isValidIsoDate(doc.review.date) && isValidIsoDate(doc.approval.date)).toBe(true);
    expect(
      doc.review.date <= doc.dateWritten || doc.review.date <= (doc.printed?.date ?? doc.dateWritten),
    ).toBe(true);
    expect(["public", "on_request", "not_public"]).toContain(doc.disclosure.attribute);
    if (doc.disclosure.attribute !== "public") expect(doc.disclosure.reason?.length).toBeGreaterThan(5);
    if (doc.policy) expect(doc.interpretations.length).toBeGreaterThan(0);
    if (doc.normative)
      expect(yearsBetween(doc.normative.validFrom, doc.normative.validUntil)).toBeLessThanOrEqual(5);
    for (const n of [...doc.relations.repeals, ...doc.relations.amends])
      expect(parseDocNumber(n)).not.toBeNull();
    for (const level of doc.repost.levels) expect(SITE_LEVELS).toContain(level);
    for (const region of doc.repost.regions) expect(region).toMatch(/^\d{6}$/);
    if (doc.repost.scope !== "none") expect(doc.disclosure.attribute).toBe("public");
  });

  it.each(samples.filter((s) => s.doc.body !== undefined))(
    "$file has a body that parses into blocks",
    ({ doc }) => {
      const blocks = parsePlainBody(doc.body ?? "");

      expect(blocks.length).toBeGreaterThanOrEqual(4);
      for (const a of doc.attachments) expect(parsePlainBody(a.body).length).toBeGreaterThan(0);
      for (const i of doc.interpretations) expect(parsePlainBody(i.body).length).toBeGreaterThan(0);
    },
  );

  it("covers the document types the pipeline has to handle", () => {
    const docs = samples.map((s) => s.doc);
    const find = (predicate: (d: Sample) => boolean) => docs.filter(predicate);

    expect(find((d) => d.kind === "令" && d.section === "省政府令" && d.normative !== null)).toHaveLength(1);
    expect(find((d) => d.kind === "通知" && d.repost.scope === "all").length).toBeGreaterThanOrEqual(1);
    expect(
      find(
        (d) =>
          d.kind === "意见" &&
          d.policy &&
          d.interpretations.some((i) => i.form === "text") &&
          d.repost.scope === "targeted" &&
          d.repost.regions.includes("510100") &&
          d.repost.levels.includes("city") &&
          d.repost.levels.includes("county"),
      ),
    ).toHaveLength(1);
    expect(find((d) => d.kind === "批复" && d.repost.scope === "targeted")).toHaveLength(1);
    expect(find((d) => d.disclosure.attribute === "on_request")).toHaveLength(1);
    expect(find((d) => d.kind === "规定" && d.relations.repeals.length > 0)).toHaveLength(1);
  });

  it("keeps the main bodies reasonably long", () => {
    const main = samples.filter(
      (s) => ["令", "通知", "意见", "规定"].includes(s.doc.kind) && s.doc.body !== undefined,
    );

    for (const { doc } of main) {
      const blocks = parsePlainBody(doc.body ?? "");
      expect(blocks.length).toBeGreaterThanOrEqual(10);
    }
  });

  it("ships the .docx sample with the metadata its generator defines", () => {
    const meta = JSON.parse(readFileSync(join(DIR, "07-office-notice.meta.json"), "utf8")) as unknown;

    expect(meta).toEqual(SAMPLE_DOCX_META);
    expect(readdirSync(DIR)).toContain("07-office-notice.docx");
  });

  it("lists every sample file in samples/README.md", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");

    for (const file of readdirSync(DIR)) expect(readme).toContain(file);
  });
});
