import * as mupdf from "mupdf";
import { beforeAll, describe, expect, it } from "vitest";
import type { RenderDocument, RenderedEditionPdf } from "../../../src/editions/render-model.js";
import { defaultFontSet, FACE, FaceBook } from "../../../src/publishing/pdf/fonts.js";
import { PAGE_H, TOP, TYPE_H } from "../../../src/publishing/pdf/geometry.js";
import { layoutEdition } from "../../../src/publishing/pdf/layout.js";
import { NO_LINE_END, NO_LINE_START } from "../../../src/publishing/pdf/line-breaking.js";
import { createPdf, paintPages } from "../../../src/publishing/pdf/paint.js";
import { renderEditionPdf } from "../../../src/publishing/pdf/render-edition.js";
import { generatedEdition, notice, policy, sampleEdition } from "./fixtures.js";

const warnings: string[] = [];
mupdf.setLog({
  error: (m: string) => warnings.push(`error: ${m}`),
  warning: (m: string) => warnings.push(m),
});

interface TextLine {
  readonly text: string;
  readonly y: number;
  readonly x: number;
}

function open(pdf: Uint8Array): mupdf.Document {
  return mupdf.Document.openDocument(pdf, "application/pdf");
}

function pageLines(doc: mupdf.Document, i: number): TextLine[] {
  const st = doc.loadPage(i).toStructuredText("preserve-whitespace");
  const json = JSON.parse(st.asJSON()) as {
    blocks: { lines?: { text: string; bbox: { x: number; y: number } }[] }[];
  };
  return json.blocks.flatMap((b) => (b.lines ?? []).map((l) => ({ text: l.text, y: l.bbox.y, x: l.bbox.x })));
}

/** Lines inside the type area: no running header, no folio. */
function bodyLines(doc: mupdf.Document, i: number): TextLine[] {
  return pageLines(doc, i).filter((l) => l.y > TOP - 6 && l.y < TOP + TYPE_H);
}

function chineseDate(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  return `${y}年${m}月${d}日`;
}

/** The text a document should show, in reading order, without separators. */
function expectedText(doc: RenderDocument): string {
  const blocks = (bs: RenderDocument["blocks"]) =>
    bs.map((b) => (b.type === "table" ? b.rows.flat().join("") : b.text)).join("");
  let s = doc.title + (doc.docNumber ?? "") + (doc.addressees ?? "") + blocks(doc.blocks);
  // 附件说明 before the signature: "附件：name", or "附件：1.name2.name" for several.
  if (doc.attachments.length === 1) s += `附件：${doc.attachments[0]?.title}`;
  if (doc.attachments.length > 1)
    s += `附件：${doc.attachments.map((a, k) => `${k + 1}.${a.title}`).join("")}`;
  s += (doc.signer ? [doc.signer] : doc.issuers).join("") + chineseDate(doc.dateWritten);
  doc.attachments.forEach((a, k) => {
    s += (doc.attachments.length > 1 ? `附件${k + 1}` : "附件") + a.title + blocks(a.blocks);
  });
  if (doc.cc) s += `抄送：${doc.cc}`;
  if (doc.printed) s += `${doc.printed.by}${chineseDate(doc.printed.date)}印发`;
  return s;
}

let result: RenderedEditionPdf;
let edition: mupdf.Document;
const front = 2; // cover + one contents page

beforeAll(async () => {
  result = await renderEditionPdf(sampleEdition);
  edition = open(result.pdf);
});

describe("renderEditionPdf", () => {
  it("places documents from printed page 1 after the cover and contents", () => {
    expect(result.placements).toEqual([
      { id: policy.id, firstPage: 1, lastPage: 3 },
      { id: notice.id, firstPage: 4, lastPage: 4 },
    ]);
    expect(result.pageCount).toBe(front + 4);
    expect(edition.countPages()).toBe(result.pageCount);
    expect(bodyLines(edition, front).length).toBeGreaterThan(10);
    expect(pageLines(edition, front).some((l) => l.text === "— 1 —")).toBe(true);
    expect(pageLines(edition, front + 3).some((l) => l.text === "— 4 —")).toBe(true);
    expect(pageLines(edition, front).some((l) => l.text.includes("2024年第12期"))).toBe(true);
  });

  it("extracts exactly the source text of each document", () => {
    for (const [doc, pages] of [
      [policy, [0, 1, 2]],
      [notice, [3]],
    ] as const) {
      const got = pages
        .flatMap((p) => bodyLines(edition, front + p))
        .map((l) => l.text)
        .join("");
      expect(got).toBe(expectedText(doc));
      // Every paragraph appears whole once its lines are joined.
      for (const b of doc.blocks) if (b.type !== "table") expect(got).toContain(b.text);
    }
  });

  it("lists every document with its page in the contents", () => {
    const toc = pageLines(edition, 1).map((l) => l.text);
    expect(toc.join("").replace(/\s/g, "").startsWith("目录")).toBe(true);
    expect(toc).toContain("省政府办公厅文件");
    const all = toc.join("");
    expect(all).toContain("四川省人民政府办公厅关于促进养老托育服务高质");
    expect(toc.filter((t) => /^\d+$/.test(t.trim()))).toEqual(["1", "4"]);
  });

  it("labels pages with their printed folios, front matter in roman numerals", () => {
    const labels = Array.from({ length: edition.countPages() }, (_, i) => edition.loadPage(i).getLabel());
    expect(labels).toEqual(["i", "ii", "1", "2", "3", "4"]);
    // A document's own PDF is labelled with the edition's folios of its pages.
    const own = open(result.documentPdfs.get(notice.id) as Uint8Array);
    expect(own.loadPage(0).getLabel()).toBe("4");
  });

  it("sets metadata, language and bookmarks", () => {
    expect(edition.getMetaData("info:Title")).toBe("四川省人民政府公报 2024年第12期");
    expect(edition.getMetaData("info:Subject")).toContain("2024年第12期");
    expect(edition.getMetaData("info:Keywords")).toContain("2024年第12期");
    expect(edition.getMetaData("info:Producer")).toMatch(/gazette-pipeline/);
    expect(lang(edition)).toBe("zh-CN");
    const outline = edition.loadOutline();
    expect(outline?.map((o) => o.title)).toEqual(["封面", "目录", "省政府办公厅文件", "部门文件"]);
    expect(outline?.[2]?.down?.[0]?.title).toBe(policy.title);
    expect(outline?.[2]?.down?.[0]?.page).toBe(front);
    expect(outline?.[3]?.down?.[0]?.page).toBe(front + 3);
  });

  it("subsets fonts with a six-letter tag", () => {
    const fonts = new Set<string>();
    for (let i = 0; i < edition.countPages(); i++) {
      const page = edition.loadPage(i) as mupdf.PDFPage;
      const res = page.getObject().get("Resources").get("Font");
      res.forEach((v: mupdf.PDFObject) => {
        fonts.add(v.get("BaseFont").asName());
      });
    }
    expect([...fonts].every((f) => /^[A-Z]{6}\+/.test(f))).toBe(true);
    expect([...fonts].map((f) => f.slice(7)).sort()).toEqual([
      "FandolFang-Regular",
      "FandolHei-Regular",
      "FandolKai-Regular",
      "FandolSong-Bold",
      "NotoSerif-Regular",
      "NotoSerifCJKtc-Regular",
    ]);
  });

  it("renders glyphs without font warnings", () => {
    warnings.length = 0;
    for (let i = 0; i < edition.countPages(); i++) {
      const pix = edition
        .loadPage(i)
        .toPixmap(mupdf.Matrix.scale(1, 1), mupdf.ColorSpace.DeviceGray, false, true);
      // Every page but the padding has text; document pages have ink inside the type area.
      const px = pix.getPixels().slice();
      if (i !== 2 && i < front) expect(ink(px, 0, pix.getHeight(), pix.getWidth())).toBeGreaterThan(1000);
      if (i >= front)
        expect(ink(px, Math.floor(TOP), Math.floor(TOP + TYPE_H), pix.getWidth())).toBeGreaterThan(1000);
    }
    expect(warnings).toEqual([]);
  });

  it("draws the same glyphs from the subset as from the whole font", async () => {
    const book = new FaceBook(defaultFontSet());
    const laid = layoutEdition(book, sampleEdition);
    // The first policy page, cut down to its 仿宋 and 黑体 text: embedding whole fonts is slow
    // (6–7 MB each), and these two faces carry nearly all glyphs of a gazette.
    const first = laid.pages[front];
    if (!first) throw new Error("no page");
    const keep = new Set([FACE.fang, FACE.hei]);
    const page = {
      ...first,
      ops: first.ops.filter((op) => op.op === "text" && op.runs.every((r) => keep.has(r.face))),
    };
    const render = async (subset: boolean) => {
      const pdf = await createPdf(book);
      await paintPages(pdf, book, [page], "t", { subset });
      const doc = open(await pdf.save());
      const pix = doc
        .loadPage(0)
        .toPixmap(mupdf.Matrix.scale(1, 1), mupdf.ColorSpace.DeviceGray, false, true);
      // getPixels() is a view into WASM memory: copy it before the next render.
      return { px: pix.getPixels().slice(), w: pix.getWidth(), h: pix.getHeight() };
    };
    const sub = await render(true);
    const full = await render(false);
    expect(sub.w).toBe(full.w);
    const top = Math.floor(TOP);
    const bottom = Math.floor(TOP + TYPE_H);
    const inkFull = ink(full.px, top, bottom, full.w);
    expect(inkFull).toBeGreaterThan(3000);
    expect(ink(sub.px, top, bottom, sub.w)).toBeGreaterThan(inkFull * 0.98);
    let diff = 0;
    for (let y = top; y < bottom; y++)
      for (let x = 0; x < sub.w; x++)
        if (Math.abs((sub.px[y * sub.w + x] ?? 0) - (full.px[y * full.w + x] ?? 0)) > 64) diff++;
    expect(diff).toBeLessThan(inkFull * 0.01);
    expect(warnings).toEqual([]);
  });

  it("gives each document a PDF with the same pages", () => {
    for (const p of result.placements) {
      const bytes = result.documentPdfs.get(p.id);
      if (!bytes) throw new Error(`no PDF for ${p.id}`);
      const doc = open(bytes);
      expect(doc.countPages()).toBe(p.lastPage - p.firstPage + 1);
      for (let k = 0; k < doc.countPages(); k++) {
        const mine = pageLines(doc, k).map((l) => [l.text, Math.round(l.x), Math.round(l.y)]);
        const there = pageLines(edition, front + p.firstPage - 1 + k).map((l) => [
          l.text,
          Math.round(l.x),
          Math.round(l.y),
        ]);
        expect(mine).toEqual(there);
      }
      expect(doc.getMetaData("info:Title")).toBe(p.id === policy.id ? policy.title : notice.title);
      expect(lang(doc)).toBe("zh-CN");
    }
  });
});

/** The catalog's /Lang as written (mupdf's getLanguage() normalises zh-CN to zh-Hans). */
function lang(doc: mupdf.Document): string | undefined {
  return doc.asPDF()?.getTrailer().get("Root").get("Lang").asString();
}

/** Dark pixels in rows [top, bottom) of a gray pixmap. */
function ink(px: Uint8ClampedArray | Uint8Array, top: number, bottom: number, w: number): number {
  let n = 0;
  for (let i = top * w; i < Math.min(px.length, bottom * w); i++) if ((px[i] ?? 255) < 128) n++;
  return n;
}

describe("fonts", () => {
  it("falls back to another face for characters a face lacks", () => {
    const book = new FaceBook(defaultFontSet());
    const cp = "說".codePointAt(0) as number;
    expect(book.has(FACE.fang, cp)).toBe(false);
    expect(book.resolve(FACE.fang, cp)).toBe(4);
    expect(book.resolve(FACE.fang, "中".codePointAt(0) as number)).toBe(FACE.fang);
    expect(book.missing.size).toBe(0);
  });

  it("reports characters no face has instead of dropping them silently", async () => {
    const set = defaultFontSet();
    const missing: string[] = [];
    const doc: RenderDocument = {
      ...notice,
      id: "x",
      title: "測試",
      blocks: [{ type: "paragraph", text: "說明" }],
    };
    const r = await renderEditionPdf(
      { ...sampleEdition, sections: [{ name: "部门文件", documents: [doc] }] },
      { fonts: { ...set, fallbacks: [] }, documentPdfs: false, onMissingGlyphs: (c) => missing.push(c) },
    );
    expect(missing.join("")).toContain("說");
    // The character keeps its place (a .notdef box, extracted as U+FFFD) rather than vanishing.
    const d = open(r.pdf);
    expect(
      bodyLines(d, 2)
        .map((l) => l.text)
        .join(""),
    ).toContain("\ufffd明");
  });
});

describe("禁则 in rendered text", () => {
  it("no extracted body line starts with a closing or ends with an opening mark", async () => {
    const input = generatedEdition(24, 4);
    const r = await renderEditionPdf(input, { documentPdfs: false });
    const doc = open(r.pdf);
    const laid = r.placements;
    let lines = 0;
    for (let i = r.pageCount - (laid[laid.length - 1]?.lastPage ?? 0); i < r.pageCount; i++) {
      for (const l of bodyLines(doc, i)) {
        const t = l.text.replace(/\s+$/u, "");
        if (!t) continue;
        lines++;
        expect(NO_LINE_START.has(Array.from(t)[0] as string), t).toBe(false);
        expect(NO_LINE_END.has(Array.from(t).pop() as string), t).toBe(false);
      }
    }
    expect(lines).toBeGreaterThan(300);
    expect(PAGE_H).toBeGreaterThan(800);
  });
});
