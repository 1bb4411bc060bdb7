/**
 * .docx → blocks and attachments.
 *
 * 1. The zip is inspected before anything parses it: not a zip, a legacy .doc or password-
 *    protected file (OLE compound file), zip-level encryption, too many entries, entries or a
 *    total larger than the limits (zip bombs), and a missing word/document.xml are refused with a
 *    {@link DocxError}. Every entry is then inflated once with sizes enforced, so a zip whose
 *    central directory understates its sizes is caught before mammoth inflates it.
 * 2. mammoth converts to HTML (Word heading styles, English or Chinese names, become h1–h4;
 *    images are not read) and htmlparser2 walks the HTML into "units": lines of text and tables.
 * 3. The 版头 (份号/密级/紧急程度, issuer mark, 发文字号, 签发人, title, 主送机关) is removed from
 *    the start and the 版记 (抄送, 印发机关和印发日期) from the end; the hints (the submission's
 *    metadata) make this exact, and conservative patterns cover what the hints do not.
 * 4. Attachments are split off at a line that is only "附件", "附件1", "附件：", "附件 2" … and is
 *    followed by a title. The 附件说明 ("附件：1.xxx") has text after the colon and stays in the body.
 * 5. The signature (issuer names or signer) and 成文日期, and 附注 such as （此件公开发布）, are
 *    removed: at the end of the body, and in the middle when a signature line is directly followed
 *    by a date line (a 令 signs its 公布语 and then carries the regulation's text).
 * 6. Lines become heading/paragraph blocks by their numbering, exactly as in plain-text bodies
 *    (body.ts); a Word heading style gives the level only when the text has no numbering.
 *
 * Decisions: a soft line break (Shift+Enter) in a paragraph splits it into separate paragraphs;
 * TABs inside a paragraph become one space; a table cell's paragraphs and line breaks are joined
 * with "\n"; merged cells are kept as merges over a grid of cells (the covered cells empty); images,
 * footnotes, comments, headers and footers are dropped (with a message for images and notes);
 * Word automatic numbering (list numbers that are not part of the text) is not reproduced and
 * gets a message.
 */

import { type ChildNode, DomHandler, isTag, isText } from "domhandler";
import { Parser } from "htmlparser2";
import mammoth from "mammoth";
import yauzl from "yauzl";
import type { Attachment, Block, CellMerge, HeadingLevel } from "./blocks.js";
import { headingDetector, headingLevelOf, textBlock } from "./body.js";
import { parseChineseDate } from "./dates.js";
import { normalizeDocNumber, parseDocNumber } from "./doc-number.js";
import { compactText, normalizeText, stripIndent } from "./text.js";

export type DocxErrorCode =
  | "docx_invalid"
  | "docx_encrypted"
  | "docx_too_large"
  | "docx_unsupported"
  | "docx_conversion_failed";

export class DocxError extends Error {
  constructor(
    readonly code: DocxErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "DocxError";
  }
}

export interface DocxLimits {
  /** Largest file, bytes. */
  readonly maxBytes: number;
  /** Largest uncompressed size, for one entry and for all entries together, bytes. */
  readonly maxUncompressedBytes: number;
  /** Most zip entries. */
  readonly maxEntries: number;
}

/** The submission's metadata, used to recognise the 版头, signature and 版记. */
export interface DocxHints {
  readonly title?: string | null | undefined;
  readonly docNumber?: string | null | undefined;
  readonly issuers?: readonly string[] | null | undefined;
  readonly addressees?: string | null | undefined;
  readonly signer?: string | null | undefined;
  /** YYYY-MM-DD */
  readonly dateWritten?: string | null | undefined;
}

export interface ConvertedDocx {
  readonly blocks: Block[];
  readonly attachments: Attachment[];
  /** What the converter dropped or could not convert, for the editor. */
  readonly messages: string[];
}

const CFB_MAGIC = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const MAIN_PART = "word/document.xml";

// ---------------------------------------------------------------------------------------------
// 1. Zip inspection

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return prefix.every((b, i) => bytes[i] === b);
}

function ascii(bytes: Uint8Array, length: number): string {
  return String.fromCharCode(...bytes.subarray(0, length));
}

/** Refuses what is recognisably not a .docx from its first bytes. */
function checkSignature(bytes: Uint8Array): void {
  if (startsWith(bytes, CFB_MAGIC)) {
    throw new DocxError(
      "docx_encrypted",
      "The file is a legacy Word .doc or a password-protected .docx (OLE compound file). " +
        "Remove the password and save it as .docx (Word 2007 or later) before uploading " +
        "(请取消密码保护并另存为 .docx 格式后上传).",
    );
  }
  const head = ascii(bytes, 5);
  if (head.startsWith("{\\rtf")) {
    throw new DocxError(
      "docx_unsupported",
      "The file is an RTF document with a .doc/.docx name. Save it as .docx before uploading (请另存为 .docx 格式).",
    );
  }
  if (head === "%PDF-") {
    throw new DocxError(
      "docx_unsupported",
      "The file is a PDF, not a .docx (请上传 .docx 格式的 Word 文档).",
    );
  }
  // Local file header, or the end-of-central-directory record of an empty zip.
  if (!startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) && !startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    throw new DocxError(
      "docx_invalid",
      "The file is not a .docx document (not a zip archive; 不是有效的 .docx 文件).",
    );
  }
}

function openZip(buffer: Buffer): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      buffer,
      { lazyEntries: true, autoClose: false, validateEntrySizes: true, decodeStrings: true },
      (error, zip) => {
        if (error || !zip) {
          reject(
            new DocxError(
              "docx_invalid",
              `The file is not a valid .docx document: the zip archive is damaged (${error?.message ?? "unreadable"}; 文件已损坏).`,
              { cause: error },
            ),
          );
        } else {
          resolve(zip);
        }
      },
    );
  });
}

/** The central directory, entry by entry. */
function readEntries(zip: yauzl.ZipFile, maxEntries: number): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on("entry", (entry: yauzl.Entry) => {
      entries.push(entry);
      if (entries.length > maxEntries) {
        reject(tooManyEntries(maxEntries));
        return;
      }
      zip.readEntry();
    });
    zip.on("end", () => resolve(entries));
    zip.on("error", (error: Error) =>
      reject(
        new DocxError("docx_invalid", `The .docx zip archive is damaged: ${error.message} (文件已损坏).`, {
          cause: error,
        }),
      ),
    );
    zip.readEntry();
  });
}

function tooManyEntries(maxEntries: number): DocxError {
  return new DocxError(
    "docx_too_large",
    `The .docx archive has more than ${maxEntries} parts; it cannot be an ordinary Word document.`,
  );
}

function tooLarge(limit: number, what: string): DocxError {
  return new DocxError(
    "docx_too_large",
    `The .docx ${what} more than ${limit} bytes uncompressed (possible zip bomb; 文件解压后过大).`,
  );
}

/** Inflates one entry, counting bytes; yauzl errors if the data does not match the declared size. */
function drainEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  budget: { left: number },
  limit: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) {
        reject(
          new DocxError(
            "docx_invalid",
            `The .docx part ${entry.fileName} cannot be read: ${error?.message} (文件已损坏).`,
            {
              cause: error,
            },
          ),
        );
        return;
      }
      stream.on("data", (chunk: Buffer) => {
        budget.left -= chunk.length;
        if (budget.left < 0) {
          stream.destroy();
          reject(tooLarge(limit, "file expands to"));
        }
      });
      stream.on("error", (e: Error) =>
        reject(
          new DocxError(
            "docx_invalid",
            `The .docx part ${entry.fileName} is damaged or its size is misdeclared: ${e.message} (文件已损坏).`,
            { cause: e },
          ),
        ),
      );
      stream.on("end", () => resolve());
    });
  });
}

/** All of step 1. Resolves when the archive is safe to hand to mammoth. */
export async function inspectDocxArchive(bytes: Uint8Array, limits: DocxLimits): Promise<void> {
  if (bytes.byteLength > limits.maxBytes) {
    throw new DocxError(
      "docx_too_large",
      `The .docx file is larger than ${limits.maxBytes} bytes (文件过大).`,
    );
  }
  checkSignature(bytes);
  const zip = await openZip(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  try {
    if (zip.entryCount > limits.maxEntries) throw tooManyEntries(limits.maxEntries);
    const entries = await readEntries(zip, limits.maxEntries);
    let total = 0;
    const names = new Set<string>();
    for (const entry of entries) {
      if (entry.isEncrypted()) {
        throw new DocxError(
          "docx_encrypted",
          "The .docx archive is encrypted. Remove the password before uploading (请取消密码保护后上传).",
        );
      }
      if (entry.uncompressedSize > limits.maxUncompressedBytes) {
        throw tooLarge(limits.maxUncompressedBytes, `part ${entry.fileName} is`);
      }
      total += entry.uncompressedSize;
      if (total > limits.maxUncompressedBytes) throw tooLarge(limits.maxUncompressedBytes, "file expands to");
      names.add(entry.fileName);
    }
    if (!names.has(MAIN_PART)) throw missingMainPart(names);
    const budget = { left: limits.maxUncompressedBytes };
    for (const entry of entries) {
      if (!entry.fileName.endsWith("/")) await drainEntry(zip, entry, budget, limits.maxUncompressedBytes);
    }
  } finally {
    zip.close();
  }
}

function missingMainPart(names: ReadonlySet<string>): DocxError {
  if (names.has("xl/workbook.xml")) {
    return new DocxError(
      "docx_unsupported",
      "The file is an Excel workbook, not a Word document (请上传 Word .docx 文档).",
    );
  }
  if (names.has("ppt/presentation.xml")) {
    return new DocxError("docx_unsupported", "The file is a PowerPoint presentation, not a Word document.");
  }
  if (names.has("mimetype") || names.has("content.xml")) {
    return new DocxError(
      "docx_unsupported",
      "The file is an OpenDocument (.odt/WPS) file. Save it as .docx before uploading (请另存为 .docx 格式).",
    );
  }
  return new DocxError(
    "docx_invalid",
    `The file is a zip archive but not a Word document: ${MAIN_PART} is missing.`,
  );
}

// ---------------------------------------------------------------------------------------------
// 2. HTML → units

const STYLE_MAP = [1, 2, 3, 4].flatMap((n) => [
  `p[style-name='heading ${n}'] => h${n}:fresh`,
  `p[style-name='标题 ${n}'] => h${n}:fresh`,
  `p[style-name='标题${n}'] => h${n}:fresh`,
]);

type TextUnit = { readonly kind: "text"; readonly text: string; readonly styleLevel: HeadingLevel | null };
type TableUnit = {
  readonly kind: "table";
  readonly rows: string[][];
  readonly header: boolean;
  readonly merges: readonly CellMerge[];
};
type Unit = TextUnit | TableUnit;

type HtmlNode = ChildNode;

interface WalkState {
  units: Unit[];
  images: number;
  notes: number;
  autoNumbered: number;
}

const HEADING_TAGS: Readonly<Record<string, HeadingLevel | null>> = {
  h1: 1,
  h2: 2,
  h3: 3,
  h4: 4,
  h5: null,
  h6: null,
};
const BLOCK_TAGS = new Set(["p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ol", "ul", "li", "div", "dl"]);
const MAX_COLSPAN = 63; // Word's column limit
const MAX_ROWSPAN = 10_000;

function isNoteList(node: HtmlNode): boolean {
  return (
    isTag(node) &&
    node.name === "ol" &&
    node.children.some((c) => isTag(c) && /^(footnote|endnote)-/.test(c.attribs.id ?? ""))
  );
}

function isNoteReference(node: HtmlNode): boolean {
  return (
    isTag(node) &&
    node.name === "sup" &&
    node.children.some((c) => isTag(c) && /^#(footnote|endnote)-/.test(c.attribs.href ?? ""))
  );
}

/** Inline text of a node: text, <br> as "\n", images counted, note references dropped. */
function inlineText(node: HtmlNode, state: WalkState): string {
  if (isText(node)) return node.data;
  if (!isTag(node)) return "";
  if (node.name === "br") return "\n";
  if (node.name === "img") {
    state.images++;
    return "";
  }
  if (isNoteReference(node)) {
    state.notes++;
    return "";
  }
  const inner = node.children.map((c) => inlineText(c, state)).join("");
  return BLOCK_TAGS.has(node.name) ? `\n${inner}\n` : inner;
}

/** Cleans a run of paragraph text into lines: normalised, TABs as a space, no indentation, no blank lines. */
function textLines(raw: string): string[] {
  return normalizeText(raw.replace(/\t+/g, " "))
    .split("\n")
    .map((line) => stripIndent(line).trim())
    .filter((line) => line !== "");
}

function walk(nodes: readonly HtmlNode[], state: WalkState, inOrderedList = false): void {
  for (const node of nodes) {
    if (isText(node)) {
      for (const text of textLines(node.data)) state.units.push({ kind: "text", text, styleLevel: null });
      continue;
    }
    if (!isTag(node)) continue;
    if (isNoteList(node)) {
      continue;
    }
    if (node.name === "dl") continue; // comments
    if (node.name === "table") {
      const table = tableUnit(node, state);
      if (table) state.units.push(table);
      continue;
    }
    if (node.name === "ol" || node.name === "ul") {
      walk(node.children, state, node.name === "ol");
      continue;
    }
    if (node.name === "li") {
      if (inOrderedList) state.autoNumbered++;
      // Inline content forms a paragraph; nested lists and paragraphs are walked as blocks.
      const inline: HtmlNode[] = [];
      const flush = () => {
        const text = inline.map((c) => inlineText(c, state)).join("");
        for (const line of textLines(text)) state.units.push({ kind: "text", text: line, styleLevel: null });
        inline.length = 0;
      };
      for (const child of node.children) {
        if (isTag(child) && BLOCK_TAGS.has(child.name)) {
          flush();
          walk([child], state, inOrderedList);
        } else {
          inline.push(child);
        }
      }
      flush();
      continue;
    }
    if (node.name in HEADING_TAGS) {
      // A line break inside a heading is visual: the heading stays one line.
      const text = textLines(node.children.map((c) => inlineText(c, state)).join("")).join("");
      if (text) state.units.push({ kind: "text", text, styleLevel: HEADING_TAGS[node.name] ?? null });
      continue;
    }
    if (node.name === "p") {
      const text = node.children.map((c) => inlineText(c, state)).join("");
      for (const line of textLines(text)) state.units.push({ kind: "text", text: line, styleLevel: null });
      continue;
    }
    if (node.name === "img") {
      state.images++;
      continue;
    }
    walk(node.children, state, inOrderedList);
  }
}

function childTags(node: HtmlNode, names: readonly string[]): HtmlNode[] {
  return isTag(node) ? node.children.filter((c) => isTag(c) && names.includes(c.name)) : [];
}

function span(value: string | undefined, max: number): number {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : 1;
}

/** Text of a table cell: its paragraphs and line breaks joined with "\n"; nested tables flattened. */
function cellText(cell: HtmlNode, state: WalkState): string {
  const inner: WalkState = { units: [], images: 0, notes: 0, autoNumbered: 0 };
  walk(isTag(cell) ? cell.children : [], inner);
  state.images += inner.images;
  state.notes += inner.notes;
  return inner.units
    .map((u) => (u.kind === "text" ? u.text : u.rows.map((r) => r.filter(Boolean).join(" ")).join("\n")))
    .filter(Boolean)
    .join("\n");
}

/**
 * A table as a grid: a merged cell's text is in its top-left slot, the other slots it covers are
 * empty, and the merge is listed (mammoth turns Word's gridSpan and vMerge into colspan and
 * rowspan). Null when it has no text.
 */
function tableUnit(table: HtmlNode, state: WalkState): TableUnit | null {
  const trs = [
    ...childTags(table, ["tr"]),
    ...childTags(table, ["thead", "tbody", "tfoot"]).flatMap((g) => childTags(g, ["tr"])),
  ];
  const rows: string[][] = [];
  const merges: CellMerge[] = [];
  const carry: number[] = []; // rows still covered by a rowspan, per column
  let firstRowIsHeader = false;
  trs.forEach((tr, r) => {
    const row: string[] = [];
    const cells = childTags(tr, ["td", "th"]);
    if (r === 0) firstRowIsHeader = cells.length > 0 && cells.every((c) => isTag(c) && c.name === "th");
    const fillCarried = () => {
      while ((carry[row.length] ?? 0) > 0) {
        carry[row.length] = (carry[row.length] ?? 1) - 1;
        row.push("");
      }
    };
    for (const cell of cells) {
      fillCarried();
      const attribs = isTag(cell) ? cell.attribs : {};
      const colspan = span(attribs.colspan, MAX_COLSPAN);
      const rowspan = span(attribs.rowspan, MAX_ROWSPAN);
      if (colspan > 1 || rowspan > 1)
        merges.push({ row: rows.length, col: row.length, rowSpan: rowspan, colSpan: colspan });
      for (let c = 0; c < colspan; c++) {
        if (rowspan > 1) carry[row.length] = rowspan - 1;
        row.push(c === 0 ? cellText(cell, state) : "");
      }
    }
    fillCarried();
    for (let c = row.length; c < carry.length; c++) {
      if ((carry[c] ?? 0) > 0) {
        carry[c] = (carry[c] ?? 1) - 1;
        while (row.length < c) row.push("");
        row.push("");
      }
    }
    if (row.length) rows.push(row);
  });
  if (!rows.some((row) => row.some((cell) => cell !== ""))) return null;
  // A rowspan reaching past the last row ends there.
  const clipped = merges
    .map((m) => ({ ...m, rowSpan: Math.min(m.rowSpan, rows.length - m.row) }))
    .filter((m) => m.rowSpan > 1 || m.colSpan > 1);
  return { kind: "table", rows, header: firstRowIsHeader || rows.length >= 2, merges: clipped };
}

// ---------------------------------------------------------------------------------------------
// 3–5. 版头, 版记, attachments, signature

interface Matchers {
  readonly title: string | null;
  readonly docNumber: string | null;
  readonly issuers: readonly string[];
  readonly addressees: string | null;
  readonly signer: string | null;
  readonly dateWritten: string | null;
}

function matchersOf(hints: DocxHints): Matchers {
  const c = (s: string | null | undefined) => {
    const v = typeof s === "string" ? compactText(s) : "";
    return v === "" ? null : v;
  };
  return {
    title: c(hints.title),
    docNumber: typeof hints.docNumber === "string" ? normalizeDocNumber(hints.docNumber) : null,
    issuers: (Array.isArray(hints.issuers) ? hints.issuers : [])
      .filter((i): i is string => typeof i === "string")
      .map((i) => compactText(i))
      .filter(Boolean),
    addressees: c(hints.addressees)?.replace(/:$/, "") || null,
    signer: c(hints.signer),
    dateWritten: typeof hints.dateWritten === "string" ? hints.dateWritten : null,
  };
}

/** Text without letters or digits: separator lines (━━━, ——★——), stray punctuation. */
function isDecorative(text: string): boolean {
  return !/[\p{L}\p{N}]/u.test(text);
}

/** 份号, 密级和保密期限, 紧急程度. */
function isSecurityMark(c: string): boolean {
  return /^(?:\d{6}|(?:绝密|机密|秘密)(?:★.{0,8})?|特急|加急|特提|平急)+$/.test(c);
}

/** A concatenation of one or more of the issuers, e.g. a joint issuer mark. Linear in c (no backtracking). */
function isIssuerConcat(c: string, issuers: readonly string[]): boolean {
  if (!c || !issuers.length) return false;
  const reachable = new Array<boolean>(c.length + 1).fill(false);
  reachable[0] = true;
  for (let at = 0; at < c.length; at++) {
    if (!reachable[at]) continue;
    for (const issuer of issuers) if (c.startsWith(issuer, at)) reachable[at + issuer.length] = true;
  }
  return reachable[c.length] === true;
}

const ORG_SUFFIX = "(?:人民政府|政府|办公厅|办公室|委员会|厅|局|委|院|会|部|署|中心|公司|集团|学校|大学)";
const ISSUER_MARK = /^[\p{Script=Han}()（）]{2,60}(?:文件|令)$/u;
const ORG_NAME = new RegExp(`^[\\p{Script=Han}()（）]{2,80}${ORG_SUFFIX}$`, "u");
const LEADER =
  /^(?:省长|副省长|市长|副市长|州长|县长|区长|主任|厅长|局长|主席|书记|院长|部长|署长|行长|秘书长):?[\p{Script=Han}·]{2,5}$/u;

function isIssuerMark(c: string, m: Matchers): boolean {
  const stem = c.replace(/(?:文件|令)$/, "");
  if (m.issuers.length && stem && isIssuerConcat(stem, m.issuers)) return true;
  return ISSUER_MARK.test(c);
}

function isDocNumberLine(text: string, m: Matchers): boolean {
  const n = normalizeDocNumber(text);
  if (m.docNumber && n === m.docNumber) return true;
  const unbracketed = n.replace(/^[(（](.*)[)）]$/, "$1");
  if (parseDocNumber(unbracketed)) return true;
  // 上行文: 川府〔2024〕1号　　签发人：张三
  const signed = /^(.*?)签发人[:：]/.exec(n);
  return signed !== null && (signed[1] === "" || parseDocNumber(signed[1]!) !== null);
}

const ADDRESSEE = new RegExp(`^各|(?:${ORG_SUFFIX}|单位|部门|机构|市|州|县|区|乡镇|街道)$`);

/**
 * 主送机关: the metadata's addressees, or a line ending with a colon whose every comma- or
 * 、-separated part names organisations ("各市（州）人民政府，省政府各部门："). An opening sentence
 * ("……，现将有关事项通知如下：") has parts that do not.
 */
function isAddresseesLine(c: string, m: Matchers): boolean {
  if (!c.endsWith(":")) return false;
  const stem = c.slice(0, -1);
  if (m.addressees && stem === m.addressees) return true;
  if (c.length > 300 || /[。!?;；]|如下/.test(c)) return false;
  return stem.split(/[,，、]/).every((part) => ADDRESSEE.test(part));
}

function isSignatureLine(c: string, m: Matchers, heuristics: boolean): boolean {
  if (m.issuers.length && isIssuerConcat(c, m.issuers)) return true;
  if (m.signer && (c === m.signer || (c.endsWith(m.signer) && c.length <= m.signer.length + 8))) return true;
  if (/^[(（]?盖章[)）]?$/.test(c)) return true;
  return heuristics && (ORG_NAME.test(c) || LEADER.test(c));
}

function isNote(c: string): boolean {
  return /^\((?:此件|此页无正文|联系人|本件).*\)$/.test(c);
}

/** NFKC compact form, so （此件公开发布） and ：are ASCII here. */
function compactOf(u: Unit): string {
  return u.kind === "text" ? compactText(u.text) : "";
}

function cellsOf(u: Unit): string[] {
  return u.kind === "table" ? u.rows.flat().filter(Boolean) : [];
}

function summary(units: readonly Unit[]): string {
  return units
    .map((u) => (u.kind === "text" ? u.text : "[table]"))
    .map((t) => (t.length > 40 ? `${t.slice(0, 40)}…` : t))
    .join(" / ");
}

/** Consumes a title split over several lines; returns how many units it spans, or 0. */
function titleSpan(units: readonly Unit[], start: number, title: string | null): number {
  if (!title) return 0;
  let acc = "";
  for (let i = start; i < units.length && i < start + 6; i++) {
    const c = compactOf(units[i]!);
    if (!c) return 0;
    acc += c;
    if (acc === title) return i - start + 1;
    if (!title.startsWith(acc)) return 0;
  }
  return 0;
}

/** Step 3a: the number of leading units that are 版头 (and the title and 主送机关). */
function frontMatter(units: readonly Unit[], m: Matchers): { length: number; titleFound: boolean } {
  let i = 0;
  let titleFound = false;
  while (i < units.length && i < 30) {
    const u = units[i]!;
    if (u.kind === "table") {
      // A joint issuer mark is often laid out as a table.
      const cells = cellsOf(u).map((t) => compactText(t));
      const markCell = (c: string) =>
        c === "文件" || isIssuerMark(c, m) || isIssuerConcat(c, m.issuers) || ORG_NAME.test(c);
      if (!titleFound && cells.length && cells.every(markCell)) {
        i++;
        continue;
      }
      break;
    }
    const c = compactOf(u);
    if (isDecorative(u.text) || isSecurityMark(c)) {
      i++;
      continue;
    }
    const span = titleSpan(units, i, m.title);
    if (span) {
      titleFound = true;
      i += span;
      continue;
    }
    if (!titleFound && (isIssuerMark(c, m) || isDocNumberLine(u.text, m) || /^签发人[:：]/.test(c))) {
      i++;
      continue;
    }
    if (isAddresseesLine(c, m)) {
      i++;
      break; // the body starts after the 主送机关
    }
    break;
  }
  return { length: i, titleFound };
}

const CC_LINE = /^(?:抄送|抄报|分送|发送|报送|主送)[:：]/;

function isImprintLine(c: string): boolean {
  return (c.length <= 80 && /印发$/.test(c)) || /^\(?共印\d+份\)?$/.test(c);
}

/** Step 3b: the number of trailing units that are the 版记. 0 unless an 印发 or 抄送 line is there. */
function backMatterLength(units: readonly Unit[]): number {
  let k = units.length;
  let strong = false;
  while (k > 0) {
    const u = units[k - 1]!;
    if (u.kind === "table") {
      const c = compactText(cellsOf(u).join(""));
      if (CC_LINE.test(c) || /印发/.test(c)) {
        strong = true;
        k--;
        continue;
      }
      break;
    }
    const c = compactOf(u);
    if (isImprintLine(c) || CC_LINE.test(c)) {
      strong = true;
      k--;
    } else if (isDecorative(u.text) || parseChineseDate(c) !== null) {
      k--;
    } else {
      // A long 抄送 list wraps: look a few lines further back for its start.
      let j = k - 1;
      while (j >= 0 && j >= k - 4 && units[j]!.kind === "text" && !CC_LINE.test(compactOf(units[j]!))) j--;
      const start = units[j];
      if (strong && j >= 0 && start?.kind === "text" && CC_LINE.test(compactOf(start))) {
        const wrapped = units.slice(j + 1, k);
        if (
          wrapped.every((w) => w.kind === "text" && w.text.length <= 200 && headingLevelOf(w.text) === null)
        ) {
          k = j;
          continue;
        }
      }
      break;
    }
  }
  return strong ? units.length - k : 0;
}

/** Standalone attachment marker: 附件 / 附件1 / 附件：/ 附件 2 / 附件一. */
const ATTACHMENT_MARKER = /^附件(?:\d{1,2}|[一二三四五六七八九十]{1,3})?:?$/;

function attachmentStarts(units: readonly Unit[]): number[] {
  const starts: number[] = [];
  units.forEach((u, i) => {
    if (u.kind !== "text" || !ATTACHMENT_MARKER.test(compactText(u.text))) return;
    const next = units[i + 1];
    // "附件：" followed by "1.xxx" is a 附件说明 list, not an attachment.
    if (
      next?.kind === "text" &&
      (ATTACHMENT_MARKER.test(compactText(next.text)) || headingLevelOf(next.text) === 3)
    )
      return;
    starts.push(i);
  });
  return starts;
}

/**
 * Step 5: removes signature + date groups (anywhere), and trailing dates, signatures and 附注.
 * After a group in the middle, a repeated title (the regulation a 令 promulgates) goes too.
 */
function removeSignatures(
  units: Unit[],
  m: Matchers,
  messages: string[],
): { units: Unit[]; titleFound: boolean } {
  const out = [...units];
  let titleFound = false;
  const removed: Unit[] = [];
  const isDateUnit = (u: Unit | undefined) => u?.kind === "text" && parseChineseDate(u.text) !== null;
  const sig = (u: Unit | undefined, heuristics: boolean) =>
    u?.kind === "text" && isSignatureLine(compactOf(u), m, heuristics);
  const noteOrDecoration = (u: Unit | undefined) =>
    u?.kind === "text" && (isNote(compactOf(u)) || isDecorative(u.text));

  // Trailing 附注, decoration, date, signatures: in any order, signatures only next to a date or
  // when they match the metadata.
  let sawDate = false;
  for (;;) {
    const last = out[out.length - 1];
    if (noteOrDecoration(last)) {
      removed.unshift(out.pop()!);
    } else if (isDateUnit(last)) {
      sawDate = true;
      removed.unshift(out.pop()!);
    } else if (sig(last, sawDate)) {
      removed.unshift(out.pop()!);
    } else {
      break;
    }
  }
  // Signature lines directly followed by a date, in the middle.
  for (let i = 1; i < out.length; i++) {
    if (!isDateUnit(out[i]) || !sig(out[i - 1], true)) continue;
    let s = i - 1;
    while (s > 0 && sig(out[s - 1], true)) s--;
    let e = i + 1;
    while (e < out.length && noteOrDecoration(out[e])) e++;
    const title = titleSpan(out, e, m.title);
    if (title) titleFound = true;
    e += title;
    removed.push(...out.splice(s, e - s));
    i = s;
  }
  if (removed.length) {
    messages.push(`Removed the signature and date (落款、成文日期、附注): ${summary(removed)}`);
    const date = removed.map((u) => (u.kind === "text" ? parseChineseDate(u.text) : null)).find(Boolean);
    if (date && m.dateWritten && date !== m.dateWritten) {
      messages.push(`The date in the document (${date}) differs from dateWritten (${m.dateWritten}).`);
    }
  }
  return { units: out, titleFound };
}

function toBlocks(units: readonly Unit[]): Block[] {
  const levelOf = headingDetector();
  return units.map((u): Block => {
    if (u.kind === "table") {
      levelOf(null);
      return u.merges.length
        ? { type: "table", rows: u.rows, header: u.header, merges: u.merges }
        : { type: "table", rows: u.rows, header: u.header };
    }
    return textBlock(u.text, levelOf(u.text) ?? u.styleLevel);
  });
}

/** Steps 3–6 on the units of a whole document. Exported for tests. */
export function structureUnits(
  units: readonly Unit[],
  hints: DocxHints = {},
): { blocks: Block[]; attachments: Attachment[]; messages: string[] } {
  const m = matchersOf(hints);
  const messages: string[] = [];
  const { length: front, titleFound: titleAtStart } = frontMatter(units, m);
  if (front)
    messages.push(
      `Removed the 版头 (issuer mark, 发文字号, title, 主送机关): ${summary(units.slice(0, front))}`,
    );
  const rest = units.slice(front);
  const back = backMatterLength(rest);
  if (back) messages.push(`Removed the 版记 (抄送, 印发): ${summary(rest.slice(rest.length - back))}`);
  const content = rest.slice(0, rest.length - back);

  const starts = attachmentStarts(content);
  const signed = removeSignatures(content.slice(0, starts[0] ?? content.length), m, messages);
  const main = signed.units;
  if (m.title && !titleAtStart && !signed.titleFound) {
    messages.push(
      "The title given in the metadata was not found in the document; check the 版头 (未找到标题).",
    );
  }
  const attachments: Attachment[] = starts.map((start, n) => {
    const end = starts[n + 1] ?? content.length;
    const marker = content[start] as TextUnit;
    const titleUnit = content[start + 1];
    const hasTitle = titleUnit?.kind === "text" && start + 1 < end;
    const title = hasTitle ? titleUnit.text : marker.text.replace(/[:：]$/, "");
    const blocks = toBlocks(content.slice(start + (hasTitle ? 2 : 1), end));
    if (!blocks.length)
      messages.push(`Attachment "${title}" has no text (it may be an image or a scanned page).`);
    return { title, blocks };
  });
  return { blocks: toBlocks(main), attachments, messages };
}

// ---------------------------------------------------------------------------------------------
// Entry point

/**
 * Converts an uploaded .docx into blocks and attachments. Throws {@link DocxError} for files
 * that are not safe or not a Word document; see the module comment for the rules.
 */
export async function convertDocx(
  bytes: Uint8Array,
  limits: DocxLimits,
  hints: DocxHints = {},
): Promise<ConvertedDocx> {
  await inspectDocxArchive(bytes, limits);
  let html: string;
  const messages: string[] = [];
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      {
        styleMap: STYLE_MAP,
        ignoreEmptyParagraphs: true,
        // Images are dropped: never read them.
        convertImage: mammoth.images.imgElement(async () => ({ src: "" })),
      },
    );
    html = result.value;
    const warnings = new Set(
      result.messages.map((msg) => msg.message).filter((msg) => !msg.startsWith("Unrecognised ")),
    );
    for (const warning of [...warnings].slice(0, 10)) messages.push(`Word conversion: ${warning}`);
  } catch (error) {
    throw new DocxError(
      "docx_conversion_failed",
      `The .docx file could not be converted: ${error instanceof Error ? error.message : String(error)} (文件无法解析).`,
      { cause: error },
    );
  }

  const state: WalkState = { units: [], images: 0, notes: 0, autoNumbered: 0 };
  // htmlparser2's Parser into a DomHandler, as its parseDocument does (imported from its parts so
  // the bundles hold the parser alone: infra/constructs/function-bundle.ts).
  const dom = new DomHandler();
  new Parser(dom).end(html);
  walk(dom.root.children, state);
  if (state.images) messages.push(`${state.images} image(s) were ignored (图片未转换).`);
  if (state.notes)
    messages.push(`${state.notes} footnote/endnote reference(s) were ignored (脚注、尾注未转换).`);
  if (state.autoNumbered) {
    messages.push(
      `${state.autoNumbered} paragraph(s) use Word automatic numbering; the numbers are not part of the text ` +
        "and were not converted. Type the numbering (一、（一）1.) into the text (自动编号未转换).",
    );
  }
  const structured = structureUnits(state.units, hints);
  return {
    blocks: structured.blocks,
    attachments: structured.attachments,
    messages: [...messages, ...structured.messages],
  };
}

export type { Unit as DocxUnit };
