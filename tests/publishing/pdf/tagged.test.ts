import * as mupdf from "mupdf";
import pako from "pako";
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  type PDFNumber,
  type PDFObject,
  type PDFRawStream,
  PDFRef,
  type PDFStream,
} from "pdf-lib";
import { beforeAll, describe, expect, it } from "vitest";
import type { EditionRenderInput, RenderDocument } from "../../../src/editions/render-model.js";
import { renderEditionPdf } from "../../../src/publishing/pdf/render-edition.js";
import { notice, policy, sampleEdition } from "./fixtures.js";

/** The decompressed content streams of a page, as text. */
function contentOf(pdf: PDFDocument, index: number): string {
  const page = pdf.getPage(index).node;
  const contents = page.Contents();
  const streams = contents instanceof PDFArray ? contents.asArray() : contents ? [contents] : [];
  return streams
    .map((s) => {
      const stream = (s instanceof PDFRef ? pdf.context.lookup(s) : s) as PDFStream;
      const raw = (stream as PDFRawStream).contents;
      return new TextDecoder().decode(pako.inflate(raw));
    })
    .join("\n");
}

function lookup<T extends PDFObject>(pdf: PDFDocument, o: PDFObject | undefined): T {
  return (o instanceof PDFRef ? pdf.context.lookup(o) : o) as T;
}

/** Structure elements of `type` under `element`, depth first. */
function elementsOf(pdf: PDFDocument, element: PDFDict, type: string): PDFDict[] {
  const found: PDFDict[] = [];
  const walk = (e: PDFDict) => {
    if (e.get(PDFName.of("S"))?.toString() === `/${type}`) found.push(e);
    const kids = lookup<PDFObject>(pdf, e.get(PDFName.of("K")));
    const list = kids instanceof PDFArray ? kids.asArray() : kids ? [kids] : [];
    for (const kid of list) {
      const child = lookup<PDFObject>(pdf, kid);
      if (child instanceof PDFDict && child.get(PDFName.of("Type"))?.toString() === "/StructElem")
        walk(child);
    }
  };
  walk(element);
  return found;
}

function structRoot(pdf: PDFDocument): PDFDict {
  const tree = lookup<PDFDict>(pdf, pdf.catalog.get(PDFName.of("StructTreeRoot")));
  return lookup<PDFDict>(pdf, tree.get(PDFName.of("K")));
}

describe("tagged edition PDF", () => {
  let pdf: PDFDocument;
  let bytes: Uint8Array;

  beforeAll(async () => {
    bytes = (await renderEditionPdf(sampleEdition, { documentPdfs: false })).pdf;
    pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  });

  it("says it is tagged and has one section per document, each opening with its title as H1", () => {
    // Prepare
    const marked = lookup<PDFDict>(pdf, pdf.catalog.get(PDFName.of("MarkInfo")));

    // Act
    const root = structRoot(pdf);
    const sections = elementsOf(pdf, root, "Sect");
    const titles = elementsOf(pdf, root, "H1");

    // Assess
    expect(marked.get(PDFName.of("Marked"))?.toString()).toBe("true");
    expect(root.get(PDFName.of("S"))?.toString()).toBe("/Document");
    expect(sections).toHaveLength(2);
    expect(titles).toHaveLength(2);
    for (const section of sections) {
      const first = lookup<PDFDict>(pdf, lookup<PDFArray>(pdf, section.get(PDFName.of("K"))).get(0));
      expect(first.get(PDFName.of("S"))?.toString()).toBe("/H1");
    }
  });

  it("tags headings, paragraphs and the table with its header cells", () => {
    // Prepare
    const root = structRoot(pdf);
    const headings = [policy, notice].flatMap((d) => d.blocks.filter((b) => b.type === "heading"));

    // Act
    const h2 = elementsOf(pdf, root, "H2").length;
    const h3 = elementsOf(pdf, root, "H3").length;
    const tables = elementsOf(pdf, root, "Table");
    const headerCells = tables.flatMap((t) => elementsOf(pdf, t, "TH"));

    // Assess
    expect(h2 + h3 + elementsOf(pdf, root, "H4").length).toBe(headings.length + 1); // + 附件 title
    expect(elementsOf(pdf, root, "P").length).toBeGreaterThan(10);
    expect(tables.length).toBeGreaterThan(0);
    expect(headerCells.length).toBeGreaterThan(0);
  });

  it("gives every marked-content id on every page its element in the parent tree", () => {
    // Prepare
    const tree = lookup<PDFDict>(pdf, pdf.catalog.get(PDFName.of("StructTreeRoot")));
    const nums = lookup<PDFArray>(
      pdf,
      lookup<PDFDict>(pdf, tree.get(PDFName.of("ParentTree"))).get(PDFName.of("Nums")),
    );

    for (let i = 0; i < pdf.getPageCount(); i++) {
      // Act
      const key = (pdf.getPage(i).node.get(PDFName.of("StructParents")) as PDFNumber).asNumber();
      const mcids = [...contentOf(pdf, i).matchAll(/<<\/MCID (\d+)>> BDC/g)].map((m) => Number(m[1]));
      const parents = lookup<PDFArray>(pdf, nums.get(2 * key + 1));

      // Assess
      expect((nums.get(2 * key) as PDFNumber).asNumber()).toBe(key);
      expect(mcids).toEqual(mcids.map((_, k) => k));
      expect(parents.size()).toBe(mcids.length);
    }
  });

  it("marks running headers, folios and rules as artifacts", () => {
    // Prepare / Act
    const page = contentOf(pdf, 2);

    // Assess
    expect(page).toContain("/Artifact <</Type /Pagination>> BDC");
    expect(page).toMatch(/\/Artifact BMC q [^\n]* S Q EMC/);
  });

  it("carries XMP metadata with the title and language", () => {
    // Prepare
    const stream = lookup<PDFRawStream>(pdf, pdf.catalog.get(PDFName.of("Metadata")));

    // Act
    const xmp = new TextDecoder().decode(stream.contents);

    // Assess
    expect(stream.dict.get(PDFName.of("Subtype"))?.toString()).toBe("/XML");
    expect(xmp).toContain('<rdf:li xml:lang="x-default">四川省人民政府公报 2024年第12期</rdf:li>');
    expect(xmp).toContain("<rdf:li>zh-CN</rdf:li>");
  });
});

describe("tagged per-document PDFs", () => {
  it("carry their document's own structure over the copied pages, one section titled by its H1", async () => {
    // Prepare
    const rendered = await renderEditionPdf(sampleEdition);
    const bytes = rendered.documentPdfs.get(policy.id);
    expect(bytes).toBeDefined();
    const pdf = await PDFDocument.load(bytes!, { updateMetadata: false });

    // Act
    const root = structRoot(pdf);
    const tree = lookup<PDFDict>(pdf, pdf.catalog.get(PDFName.of("StructTreeRoot")));
    const nums = lookup<PDFArray>(
      pdf,
      lookup<PDFDict>(pdf, tree.get(PDFName.of("ParentTree"))).get(PDFName.of("Nums")),
    );

    // Assess
    expect(elementsOf(pdf, root, "Sect")).toHaveLength(1);
    expect(elementsOf(pdf, root, "H1")).toHaveLength(1);
    for (let i = 0; i < pdf.getPageCount(); i++) {
      const key = (pdf.getPage(i).node.get(PDFName.of("StructParents")) as PDFNumber).asNumber();
      const mcids = [...contentOf(pdf, i).matchAll(/<<\/MCID (\d+)>> BDC/g)];
      expect(key).toBe(i);
      expect(lookup<PDFArray>(pdf, nums.get(2 * key + 1)).size()).toBe(mcids.length);
    }
  });
});

describe("a table that runs over a page break", () => {
  const rows = [
    ["序号", "任务", "牵头单位"],
    ...Array.from({ length: 60 }, (_, k) => [String(k + 1), `第${k + 1}项重点任务`, "省发展改革委"]),
  ];
  const longTable: RenderDocument = {
    ...notice,
    id: "table-doc",
    blocks: [{ type: "table", rows, header: true }],
    attachments: [],
  };
  const edition: EditionRenderInput = {
    ...sampleEdition,
    sections: [{ name: "部门文件", documents: [longTable] }],
  };
  let pdf: PDFDocument;
  let text: (page: number) => string;

  beforeAll(async () => {
    const bytes = (await renderEditionPdf(edition, { documentPdfs: false })).pdf;
    pdf = await PDFDocument.load(bytes, { updateMetadata: false });
    const doc = mupdf.Document.openDocument(bytes, "application/pdf");
    text = (i) => doc.loadPage(i).toStructuredText("preserve-whitespace").asText();
  });

  it("repeats its header row at the top of each continuation page, as an artifact", () => {
    // Prepare: cover, contents (+ blank), then the document's pages
    const first = pdf.getPageCount() - 1;
    const continuation = contentOf(pdf, first);

    // Act
    const repeated = continuation.indexOf("/Artifact <</Type /Pagination /ActualText ()>> BDC");
    const firstCell = continuation.indexOf("/TD <</MCID");

    // Assess
    expect(pdf.getPageCount()).toBeGreaterThan(4);
    expect(repeated).toBeGreaterThan(-1);
    expect(repeated).toBeLessThan(firstCell);
  });

  it("extracts the header text once, where the table starts", () => {
    // Prepare / Act
    const all = Array.from({ length: pdf.getPageCount() }, (_, i) => text(i)).join("");

    // Assess
    expect(all.split("牵头单位").length - 1).toBe(1);
    expect(all).toContain("第60项重点任务");
  });
});
