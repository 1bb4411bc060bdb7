/**
 * Page breaking as a compositor does it, checked on the laid-out pages (display lists) of
 * documents whose paragraphs have a known number of lines. A failing rule prints the page.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Block } from "../../../src/documents/blocks.js";
import type { EditionRenderInput, RenderDocument } from "../../../src/editions/render-model.js";
import { defaultFontSet, FaceBook } from "../../../src/publishing/pdf/fonts.js";
import { PITCH, TOP, TYPE_H } from "../../../src/publishing/pdf/geometry.js";
import { type DrawOp, type LaidPage, layoutEdition } from "../../../src/publishing/pdf/layout.js";

const book = new FaceBook(defaultFontSet());

/** A paragraph of exactly `n` full lines: 26 characters after the indent, then 28 a line. */
function para(n: number, ch = "国"): Block {
  return { type: "paragraph", text: ch.repeat(26 + 28 * (n - 1)) };
}
function heading(text: string, level: 1 | 2 | 3 | 4 = 1): Block {
  return { type: "heading", level, text };
}

function document(blocks: Block[], extra: Partial<RenderDocument> = {}): RenderDocument {
  return {
    id: "d1",
    title: "关于测试分页的通知",
    docNumber: null,
    issuers: [],
    dateWritten: "",
    kind: "通知",
    addressees: null,
    blocks,
    attachments: [],
    signer: null,
    cc: null,
    printed: null,
    ...extra,
  };
}

function edition(doc: RenderDocument): EditionRenderInput {
  return {
    masthead: { name: "测试公报", publisher: "测试办公厅" },
    edition: { id: "t", year: 2024, issue: 1, cumulative: 1, date: "2024-06-20" },
    sections: [{ name: "文件", documents: [doc] }],
  };
}

type TextOp = Extract<DrawOp, { op: "text" }>;
interface BodyLine {
  readonly page: number;
  readonly text: string;
  readonly y: number;
  readonly op: TextOp;
}

/** The document's pages, and its body lines in reading order with their printed page. */
function lay(doc: RenderDocument): { pages: LaidPage[]; lines: BodyLine[] } {
  const laid = layoutEdition(book, edition(doc));
  const pages = laid.pages.filter((p) => p.kind === "document");
  const lines = pages.flatMap((p) =>
    p.ops
      .filter((op): op is TextOp => op.op === "text" && op.role === "body")
      .map((op) => ({ page: p.printed ?? 0, text: op.runs.map((r) => r.text).join(""), y: op.y, op })),
  );
  return { pages, lines };
}

/** A page as text, one line per grid line, for failure messages. */
function show(pages: readonly LaidPage[], printed: number): string {
  const page = pages.find((p) => p.printed === printed);
  if (!page) return `(no page ${printed})`;
  const rows = page.ops
    .filter((op): op is TextOp => op.op === "text" && (op.role === "body" || op.role === "repeat"))
    .map((op) => {
      const grid = Math.floor((op.y - TOP) / PITCH);
      const text = op.runs.map((r) => r.text).join("");
      return `${String(grid + 1).padStart(2)} ${op.role === "repeat" ? "[repeat] " : ""}${text.length > 30 ? `${text.slice(0, 14)}…${text.slice(-14)}` : text}`;
    });
  return `page ${printed}:\n${rows.join("\n")}`;
}

function linesOn(lines: readonly BodyLine[], page: number): BodyLine[] {
  return lines.filter((l) => l.page === page);
}

/** Lines grouped by structure element (a paragraph, a heading, a table row). */
function groups(lines: readonly BodyLine[]): Map<string, BodyLine[]> {
  const out = new Map<string, BodyLine[]>();
  for (const l of lines) {
    const s = l.op.struct;
    const key = s ? (s.parent?.type === "TR" ? s.parent.id : s.id) : `~${l.page}/${l.y}`;
    out.set(key, [...(out.get(key) ?? []), l]);
  }
  return out;
}

/** The compositor's rules, checked on any laid-out document: returns what breaks a rule. */
function violations(doc: RenderDocument): { rule: string; page: number; where: string }[] {
  const { pages, lines } = lay(doc);
  const found: { rule: string; page: number; where: string }[] = [];
  for (const l of lines)
    if (l.y > TOP + TYPE_H + 0.5) found.push({ rule: "inside type area", page: l.page, where: l.text });
  for (const [, group] of groups(lines)) {
    const type = group[0]?.op.struct?.type;
    if (type === "TD" || type === "TH") {
      const rowPages = new Set(group.map((l) => l.page));
      if (rowPages.size > 1)
        found.push({ rule: "row split", page: group[0]?.page ?? 0, where: group[0]?.text ?? "" });
      continue;
    }
    const byPage = new Map<number, number>();
    for (const l of group) byPage.set(l.page, (byPage.get(l.page) ?? 0) + 1);
    if (byPage.size > 1) {
      const counts = [...byPage.values()];
      if (counts[0] === 1)
        found.push({ rule: "orphan", page: group[0]?.page ?? 0, where: group[0]?.text ?? "" });
      if (counts[counts.length - 1] === 1)
        found.push({ rule: "widow", page: group[group.length - 1]?.page ?? 0, where: group[0]?.text ?? "" });
    }
  }
  // A heading on a line of its own keeps with two lines of what follows (or all there is).
  lines.forEach((l, k) => {
    const t = l.op.struct?.type;
    const pure = t === "H2" || t === "H3" || t === "H4";
    if (!pure || l.op.runs.some((r) => r.face !== l.op.runs[0]?.face)) return;
    const next = lines[k + 1];
    if (next?.op.struct?.id === l.op.struct?.id) return;
    const after = lines.slice(k + 1, k + 3).filter((x) => x.op.struct?.type !== "H2");
    if (after.some((x) => x.page !== l.page)) found.push({ rule: "heading", page: l.page, where: l.text });
  });
  // Signature and date together, with a line of the text above.
  for (const name of doc.signer ? [doc.signer] : []) {
    const k = lines.findIndex((l) => l.text === name);
    const sig = lines[k];
    const date = lines[k + 1];
    const before = lines[k - 1];
    if (sig && date && date.page !== sig.page) found.push({ rule: "signature", page: sig.page, where: name });
    if (sig && before && before.page !== sig.page)
      found.push({ rule: "signature", page: sig.page, where: name });
  }
  return found.map((f) => ({ ...f, where: `${f.where}\n${show(pages, f.page)}` }));
}

describe("page breaking", () => {
  it("fills a page: a paragraph that runs over leaves at least two lines on each side", () => {
    // Prepare: title and blank take two grid lines, so 20 remain; 17 + 5 lines.
    const doc = document([para(17), para(5, "民")]);
    // Act
    const { pages, lines } = lay(doc);
    // Assess: the page is full (22 lines: title, blank, 17 + 3), the rest on the next page.
    expect(linesOn(lines, 1).length, show(pages, 1)).toBe(1 + 17 + 3);
    expect(linesOn(lines, 2).length, show(pages, 2)).toBe(2);
    expect(violations(doc)).toEqual([]);
  });

  it("keeps the first line of a paragraph off the foot of a page (orphan)", () => {
    const doc = document([para(19), para(5, "民")]);
    const { pages, lines } = lay(doc);
    expect(
      linesOn(lines, 1).filter((l) => l.text.startsWith("民")),
      show(pages, 1),
    ).toEqual([]);
    expect(linesOn(lines, 2).length, show(pages, 2)).toBe(5);
    expect(violations(doc)).toEqual([]);
  });

  it("keeps the last line of a paragraph off the top of a page (widow)", () => {
    const doc = document([para(16), para(5, "民")]);
    const { pages, lines } = lay(doc);
    expect(linesOn(lines, 1).filter((l) => l.text.startsWith("民")).length, show(pages, 1)).toBe(3);
    expect(linesOn(lines, 2).length, show(pages, 2)).toBe(2);
    expect(violations(doc)).toEqual([]);
  });

  it("never splits a three-line paragraph", () => {
    const doc = document([para(18), para(3, "民")]);
    const { pages, lines } = lay(doc);
    expect(linesOn(lines, 2).length, show(pages, 2)).toBe(3);
    expect(violations(doc)).toEqual([]);
  });

  it("keeps a heading with two lines of what follows", () => {
    // 18 lines leave two: the heading and one line of its text would fit, and must not stay.
    const doc = document([para(18), heading("三、保障措施"), para(5, "民")]);
    const { pages, lines } = lay(doc);
    expect(linesOn(lines, 1).at(-1)?.text, show(pages, 1)).not.toBe("三、保障措施");
    expect(linesOn(lines, 2)[0]?.text, show(pages, 2)).toBe("三、保障措施");
    expect(violations(doc)).toEqual([]);
  });

  it("keeps a chain of headings with the text after them", () => {
    const doc = document([para(16), heading("一、总体要求"), heading("（一）工作目标", 2), para(3, "民")]);
    const { pages, lines } = lay(doc);
    // Four lines are left: both headings and two lines would fit, but a three-line paragraph
    // is never split, so the headings go with it.
    expect(
      linesOn(lines, 2)
        .map((l) => l.text)
        .slice(0, 2),
      show(pages, 2),
    ).toEqual(["一、总体要求", "（一）工作目标"]);
    expect(violations(doc)).toEqual([]);
  });

  it("fills the page when the heading and two lines of its text fit", () => {
    const doc = document([para(15), heading("三、保障措施"), para(6, "民")]);
    const { pages, lines } = lay(doc);
    expect(linesOn(lines, 1).length, show(pages, 1)).toBe(1 + 15 + 1 + 4);
    expect(violations(doc)).toEqual([]);
  });

  it("keeps the signature and date together, with the text above", () => {
    const doc = document([para(17), para(3, "民")], {
      signer: "测试人民政府",
      dateWritten: "2024-05-03",
    });
    const { pages, lines } = lay(doc);
    // Page 1 is full with the text; the signature cannot stand alone on page 2, so the last
    // paragraph (three lines, never split) goes with it.
    const sig = lines.find((l) => l.text === "测试人民政府");
    expect(sig?.page).toBe(2);
    expect(linesOn(lines, 2)[0]?.text.startsWith("民"), show(pages, 2)).toBe(true);
    expect(violations(doc)).toEqual([]);
  });

  it("never splits a table row; repeats the header row on the next page", () => {
    const rows = [["序号", "事项", "牵头单位"]];
    for (let k = 1; k <= 30; k++) rows.push([String(k), "国".repeat(20 + (k % 3) * 15), "省住房城乡建设厅"]);
    const doc = document([para(4), { type: "table", header: true, rows }]);
    const { pages, lines } = lay(doc);
    expect(pages.length).toBeGreaterThan(1);
    const second = pages[1] as LaidPage;
    const repeats = second.ops.filter((op) => op.op === "text" && op.role === "repeat");
    const repeated = repeats.map((op) => (op.op === "text" ? op.runs.map((r) => r.text).join("") : ""));
    expect(repeated.join(""), show(pages, 2)).toBe("序号事项牵头单位");
    expect(violations(doc)).toEqual([]);
    // Short cells are not broken: the header is one line of three cells.
    expect(lines.filter((l) => l.op.struct?.type === "TH").map((l) => l.text)).toEqual([
      "序号",
      "事项",
      "牵头单位",
    ]);
    expect(lines.filter((l) => l.text === "省住房城乡建设厅").length).toBe(30);
  });

  it("slices a row taller than a page and keeps every slice inside the type area", () => {
    const rows = [
      ["事项", "说明"],
      ["长", "国".repeat(2000)],
    ];
    const doc = document([{ type: "table", header: true, rows }]);
    const { lines } = lay(doc);
    expect(new Set(lines.map((l) => l.page)).size).toBeGreaterThan(1);
    expect(lines.filter((l) => l.y > TOP + TYPE_H).map((l) => l.page)).toEqual([]);
  });

  it("holds the rules for any mix of paragraphs, headings, tables and a signature", () => {
    const block = fc.oneof(
      { weight: 5, arbitrary: fc.integer({ min: 1, max: 30 }).map((n) => para(n)) },
      {
        weight: 2,
        arbitrary: fc
          .tuple(fc.constantFrom(1, 2, 3, 4) as fc.Arbitrary<1 | 2 | 3 | 4>, fc.integer({ min: 2, max: 60 }))
          .map(([level, n]) => heading(`一、${"要".repeat(n)}`, level)),
      },
      {
        weight: 1,
        arbitrary: fc.array(fc.integer({ min: 1, max: 90 }), { minLength: 1, maxLength: 12 }).map((lens) => ({
          type: "table" as const,
          header: true,
          rows: [["序号", "内容"], ...lens.map((n, k) => [String(k + 1), "表".repeat(n)])],
        })),
      },
    );
    fc.assert(
      fc.property(fc.array(block, { minLength: 1, maxLength: 14 }), fc.boolean(), (blocks, signed) => {
        const doc = document(blocks, signed ? { signer: "测试人民政府", dateWritten: "2024-05-03" } : {});
        const found = violations(doc);
        expect(found.map((f) => `${f.rule} on page ${f.page}: ${f.where}`)).toEqual([]);
      }),
      { numRuns: 60 },
    );
  });
});
