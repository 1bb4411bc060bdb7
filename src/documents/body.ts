/**
 * Plain-text bodies ⇄ blocks, and validation of structured-block input.
 *
 * Plain-text format (what submitters paste from Word or type):
 * - one paragraph per line; blank lines are ignored; leading indentation (ASCII spaces, NBSP,
 *   full-width spaces U+3000) is removed, trailing spaces too;
 * - a line that starts with a heading number is a heading, its text kept exactly as written
 *   (numbering included, so the renderer reproduces the source):
 *     level 1  一、 … 九十九、                (Chinese numeral + 、)
 *     level 2  （一） (一) （十二）            (full- or half-width brackets)
 *     level 3  1.  1．  1、  12.              (one or two digits, then text that is not a digit:
 *                                             "1.5万元" is a paragraph)
 *     level 4  （1） (1)
 *   and, for 办法/规定/条例 texts, 第一章 … (level 1) and 第一节 … (level 2) when the line is short
 *   and has no sentence punctuation ("第一章　总则"). 第一条 is article text: a paragraph.
 *   Once a line starts with an article number (第一条), the text is a 办法/规定/条例: from there
 *   on （一） and 1. number the items of articles and are paragraphs (chapters stay headings).
 *   The numbered items that continue a 附件说明 ("附件：1.xxx", then "2.xxx" on its own line; or
 *   "附件：" alone, then "1.xxx", "2.xxx") are paragraphs, not level-3 headings.
 *   A level-3/4 line that runs on into its paragraph ("1.加强组织领导。各地要……") is still one
 *   heading block: official documents put such a 小标题 and its paragraph on one line, and the
 *   renderer sets the whole line in body text with the numbering; splitting it would not be
 *   lossless in general.
 * - consecutive lines containing a TAB form one table: cells split on TAB and trimmed; the first
 *   row is a header row when there are at least two rows. A blank line ends a table.
 */

import type { Block, CellMerge, HeadingLevel } from "./blocks.js";
import { normalizeText, stripIndent } from "./text.js";

/** 一 … 九十九, as used in 一、 and （一）. */
const CN_1_99 = "(?:[二三四五六七八九]?十[一二三四五六七八九]?|[一二三四五六七八九])";
/** One or two Arabic digits, ASCII or full-width. */
const ARABIC = "[0-9０-９]{1,2}";
/** What must follow a level-3 number: anything but a digit (so 1.5万元 is not a heading). */
const NOT_DIGIT = "(?![0-9０-９])";

const HEADING_PATTERNS: readonly { readonly level: HeadingLevel; readonly re: RegExp }[] = [
  { level: 1, re: new RegExp(`^${CN_1_99}、\\s*\\S`) },
  { level: 2, re: new RegExp(`^[（(]${CN_1_99}[）)]\\s*\\S`) },
  { level: 3, re: new RegExp(`^${ARABIC}[.．、]${NOT_DIGIT}\\s*\\S`) },
  { level: 4, re: new RegExp(`^[（(]${ARABIC}[）)]\\s*\\S`) },
];

/** 第一章 总则 / 第三节 …: short, no sentence punctuation. */
const CHAPTER = new RegExp(`^第(?:${CN_1_99}|[0-9]{1,2})(章|节)(?:[\\s\\u3000]*[^。；;，,：:]{0,30})$`);

/**
 * The heading level a line's numbering indicates, or null for an ordinary paragraph. The line
 * must already be stripped of its indentation. A number with nothing after it ("一、") is not a
 * heading.
 */
export function headingLevelOf(line: string): HeadingLevel | null {
  for (const { level, re } of HEADING_PATTERNS) if (re.test(line)) return level;
  const chapter = CHAPTER.exec(line);
  if (chapter) return chapter[1] === "章" ? 1 : 2;
  return null;
}

/** 附件说明 opening a numbered list: "附件：1.xxx", or "附件：" alone with the items below. */
const ATTACHMENT_LIST = /^附件\s*[:：]\s*(?:$|[0-9０-９]{1,2}[.．、](?![0-9０-９]))/;
/** 第一条 / 第十二条 / 第3条, followed by text: an article of a 办法, 规定, 条例. */
const ARTICLE = /^第(?:[一二三四五六七八九十百零〇]{1,6}|[0-9]{1,3})条./;
const LIST_ITEM = /^[0-9０-９]{1,2}[.．、](?![0-9０-９])/;

/**
 * Heading detection for a sequence of lines, used by parsePlainBody and the .docx converter.
 * Like {@link headingLevelOf}, except that
 * - the numbered items continuing a 附件说明 ("附件：1.xxx" then "2.xxx" on the next line) are
 *   paragraphs, not level-3 headings (a table, passed as null, ends such a list);
 * - after the first article (第一条 …), numbered lines other than 第X章/第X节 are the items of
 *   articles: paragraphs.
 */
export function headingDetector(): (line: string | null) => HeadingLevel | null {
  let inAttachmentList = false;
  let inArticles = false;
  return (line) => {
    if (line === null) {
      inAttachmentList = false;
      return null;
    }
    if (ATTACHMENT_LIST.test(line)) {
      inAttachmentList = true;
      return null;
    }
    if (inAttachmentList && LIST_ITEM.test(line)) return null;
    inAttachmentList = false;
    if (ARTICLE.test(line)) inArticles = true;
    const level = headingLevelOf(line);
    // Under 第X条, （一） and 1. number the items (项/目) of an article, not headings.
    if (inArticles && level !== null && !CHAPTER.test(line)) return null;
    return level;
  };
}

/** A heading or paragraph block for a line of text and its level. */
export function textBlock(text: string, level: HeadingLevel | null): Block {
  return level === null ? { type: "paragraph", text } : { type: "heading", level, text };
}

function isBlank(line: string): boolean {
  return line.trim() === "";
}

function tableBlock(rows: string[][]): Block {
  return { type: "table", rows, header: rows.length >= 2 };
}

/**
 * Parses a plain-text body into blocks (format above). The text is normalised with
 * {@link normalizeText} first, so CRLF, control characters and zero-width characters do not
 * matter.
 */
export function parsePlainBody(text: string): Block[] {
  const blocks: Block[] = [];
  const levelOf = headingDetector();
  let table: string[][] = [];
  const flushTable = () => {
    if (table.length) {
      blocks.push(tableBlock(table));
      levelOf(null);
    }
    table = [];
  };
  for (const raw of normalizeText(text).split("\n")) {
    if (isBlank(raw)) {
      flushTable();
      continue;
    }
    if (raw.includes("\t")) {
      table.push(raw.split("\t").map((cell) => cell.trim()));
      continue;
    }
    flushTable();
    const line = stripIndent(raw).trimEnd();
    blocks.push(textBlock(line, levelOf(line)));
  }
  flushTable();
  return blocks;
}

/** Table cells cannot hold TAB or line breaks in plain text: they become a space. */
function plainCell(cell: string): string {
  return cell.replace(/[\t\r\n]+/g, " ").trim();
}

/**
 * Writes blocks as a plain-text body: one line per heading or paragraph, TAB-separated rows for
 * tables, and a blank line between two consecutive tables (which would otherwise merge).
 *
 * parsePlainBody(blocksToPlainText(parsePlainBody(t))) equals parsePlainBody(t) for every t.
 * Blocks from elsewhere (structured input, .docx) round-trip as long as they could have come from
 * plain text: a paragraph whose text starts with heading numbering comes back as a heading, a
 * table's explicit `header` flag and its merges are not written (a merged cell becomes its text and empty cells), table cells lose TABs and line breaks, and a
 * paragraph containing a line break comes back as several paragraphs.
 */
export function blocksToPlainText(blocks: readonly Block[]): string {
  const lines: string[] = [];
  let previous: Block["type"] | null = null;
  for (const block of blocks) {
    if (block.type === "table") {
      if (previous === "table") lines.push("");
      for (const row of block.rows) lines.push(row.map(plainCell).join("\t"));
    } else {
      lines.push(block.text);
    }
    previous = block.type;
  }
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// Structured-block validation

export interface BlockLimits {
  /** Most blocks in one body. */
  readonly maxBlocks: number;
  /** Longest text of one heading or paragraph, and the most characters in one table (all cells). */
  readonly maxTextLength: number;
  /** Most cells in one table. */
  readonly maxTableCells: number;
}

export interface BlockProblem {
  /** Dotted path relative to the body: "3.text", "5.rows.2.1". "" for the body itself. */
  readonly path: string;
  readonly message: string;
}

export type BlockValidation =
  | { readonly ok: true; readonly blocks: readonly Block[] }
  | { readonly ok: false; readonly errors: readonly BlockProblem[] };

/** Enough to fix a submission; a body with thousands of broken blocks does not need thousands of errors. */
const MAX_ERRORS = 50;

const KEYS: Readonly<Record<Block["type"], readonly string[]>> = {
  heading: ["type", "level", "text"],
  paragraph: ["type", "text"],
  table: ["type", "rows", "header", "merges"],
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Validates structured-block input (JSON from a client) and returns the blocks with their text
 * normalised ({@link normalizeText}, then trimmed), as parsePlainBody would have produced.
 *
 * Rules:
 * - the body is an array of at most `maxBlocks` blocks (an empty array is valid; whether a
 *   body may be empty is the caller's decision);
 * - a block is an object with `type` "heading", "paragraph" or "table" and no other keys than
 *   those of its type (a typo such as "txt" is an error, not silently ignored);
 * - heading: `level` is the integer 1, 2, 3 or 4; heading and paragraph `text` is a string, not
 *   empty after normalisation, at most `maxTextLength` characters, one line (no line breaks:
 *   use one block per paragraph), no control characters other than TAB;
 * - table: `rows` is a non-empty array of non-empty arrays of strings; at most `maxTableCells`
 *   cells and `maxTextLength` characters in all; at least one cell has text; cells may contain
 *   line breaks; `header`, when present, is a boolean. Rows may have different numbers of cells:
 *   merged cells (colspan) make ragged rows legitimate, and the renderer pads short rows;
 *   `merges`, when present, is an array of merged cells `{row, col, rowSpan, colSpan}` (0-based
 *   integers, spans ≥ 1 and not both 1) inside the grid (rows × the longest row), none
 *   overlapping another, and every slot a merge covers other than its top-left one is "" or
 *   missing (the merged cell's text is in its top-left slot).
 *
 * Errors carry a path relative to the body ("3.level", "5.rows.2.1"); at most 50 are reported.
 */
export function validateBlocks(input: unknown, limits: BlockLimits): BlockValidation {
  const errors: BlockProblem[] = [];
  const fail = (path: string, message: string) => {
    if (errors.length < MAX_ERRORS) errors.push({ path, message });
  };
  if (!Array.isArray(input)) {
    return { ok: false, errors: [{ path: "", message: "must be an array of blocks" }] };
  }
  if (input.length > limits.maxBlocks) {
    return {
      ok: false,
      errors: [{ path: String(limits.maxBlocks), message: `at most ${limits.maxBlocks} blocks are allowed` }],
    };
  }
  const blocks: Block[] = [];
  input.forEach((raw, i) => {
    if (errors.length >= MAX_ERRORS) return;
    const block = validateBlock(raw, String(i), limits, fail);
    if (block) blocks.push(block);
  });
  return errors.length ? { ok: false, errors } : { ok: true, blocks };
}

function validateBlock(
  raw: unknown,
  path: string,
  limits: BlockLimits,
  fail: (path: string, message: string) => void,
): Block | null {
  if (!isRecord(raw)) {
    fail(path, "must be an object with a type of heading, paragraph or table");
    return null;
  }
  const type = raw.type;
  if (type !== "heading" && type !== "paragraph" && type !== "table") {
    fail(`${path}.type`, 'must be "heading", "paragraph" or "table"');
    return null;
  }
  const allowed = KEYS[type];
  let ok = true;
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) {
      fail(`${path}.${key}`, `is not a property of a ${type} block (allowed: ${allowed.join(", ")})`);
      ok = false;
    }
  }
  if (type === "table") return validateTable(raw, path, limits, fail) && ok ? tableOf(raw) : null;

  const text = validateLine(raw.text, `${path}.text`, limits.maxTextLength, fail);
  if (type === "paragraph") return text !== null && ok ? { type, text } : null;

  const level = raw.level;
  if (level !== 1 && level !== 2 && level !== 3 && level !== 4) {
    fail(`${path}.level`, "must be 1, 2, 3 or 4 (一、 （一） 1. （1）)");
    return null;
  }
  return text !== null && ok ? { type, level, text } : null;
}

function validateLine(
  value: unknown,
  path: string,
  maxLength: number,
  fail: (path: string, message: string) => void,
): string | null {
  if (typeof value !== "string") {
    fail(path, "must be a string");
    return null;
  }
  // Check control characters before normalising, which would silently remove them.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/.test(value)) {
    fail(path, "must not contain control characters");
    return null;
  }
  const text = normalizeText(value).trim();
  if (!text) {
    fail(path, "must not be empty");
    return null;
  }
  if (text.includes("\n")) {
    fail(path, "must be one line: use one block per paragraph");
    return null;
  }
  if (text.length > maxLength) {
    fail(path, `must be at most ${maxLength} characters`);
    return null;
  }
  return text;
}

function validateTable(
  raw: Record<string, unknown>,
  path: string,
  limits: BlockLimits,
  fail: (path: string, message: string) => void,
): boolean {
  let ok = true;
  if (raw.header !== undefined && typeof raw.header !== "boolean") {
    fail(`${path}.header`, "must be true or false");
    ok = false;
  }
  const rows = raw.rows;
  if (!Array.isArray(rows) || rows.length === 0) {
    fail(`${path}.rows`, "must be a non-empty array of rows");
    return false;
  }
  let cells = 0;
  let chars = 0;
  let hasText = false;
  for (let r = 0; r < rows.length; r++) {
    const row: unknown = rows[r];
    if (!Array.isArray(row) || row.length === 0) {
      fail(`${path}.rows.${r}`, "must be a non-empty array of cell strings");
      ok = false;
      continue;
    }
    cells += row.length;
    for (let c = 0; c < row.length; c++) {
      const cell: unknown = row[c];
      if (typeof cell !== "string") {
        fail(`${path}.rows.${r}.${c}`, "must be a string");
        ok = false;
        continue;
      }
      // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
      if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/.test(cell)) {
        fail(`${path}.rows.${r}.${c}`, "must not contain control characters");
        ok = false;
        continue;
      }
      const text = normalizeText(cell).trim();
      chars += text.length;
      if (text) hasText = true;
    }
  }
  if (cells > limits.maxTableCells) {
    fail(`${path}.rows`, `a table may have at most ${limits.maxTableCells} cells`);
    ok = false;
  }
  if (chars > limits.maxTextLength) {
    fail(`${path}.rows`, `a table may hold at most ${limits.maxTextLength} characters`);
    ok = false;
  }
  if (ok && !hasText) {
    fail(`${path}.rows`, "a table must have at least one cell with text");
    ok = false;
  }
  if (raw.merges !== undefined && ok) ok = validateMerges(raw.merges, rows as string[][], path, limits, fail);
  return ok;
}

const MERGE_KEYS = ["row", "col", "rowSpan", "colSpan"] as const;

function validateMerges(
  merges: unknown,
  rows: readonly (readonly string[])[],
  path: string,
  limits: BlockLimits,
  fail: (path: string, message: string) => void,
): boolean {
  if (!Array.isArray(merges) || merges.length > limits.maxTableCells) {
    fail(`${path}.merges`, `must be an array of at most ${limits.maxTableCells} merged cells`);
    return false;
  }
  const colCount = Math.max(...rows.map((r) => r.length));
  const covered = new Map<string, number>();
  let ok = true;
  merges.forEach((m: unknown, k) => {
    const at = `${path}.merges.${k}`;
    if (!isRecord(m)) {
      fail(at, "must be an object {row, col, rowSpan, colSpan}");
      ok = false;
      return;
    }
    const extra = Object.keys(m).find((key) => !(MERGE_KEYS as readonly string[]).includes(key));
    if (extra !== undefined) {
      fail(`${at}.${extra}`, "is not a property of a merged cell (allowed: row, col, rowSpan, colSpan)");
      ok = false;
      return;
    }
    for (const key of MERGE_KEYS) {
      const v = m[key];
      const least = key === "row" || key === "col" ? 0 : 1;
      if (typeof v !== "number" || !Number.isInteger(v) || v < least) {
        fail(`${at}.${key}`, `must be an integer ≥ ${least}`);
        ok = false;
        return;
      }
    }
    const { row, col, rowSpan, colSpan } = m as Record<(typeof MERGE_KEYS)[number], number>;
    if (rowSpan === 1 && colSpan === 1) {
      fail(at, "merges nothing: rowSpan or colSpan must be more than 1");
      ok = false;
      return;
    }
    if (row + rowSpan > rows.length || col + colSpan > colCount) {
      fail(at, `must lie inside the table's ${rows.length} rows × ${colCount} columns`);
      ok = false;
      return;
    }
    for (let r = row; r < row + rowSpan; r++) {
      for (let c = col; c < col + colSpan; c++) {
        const slot = `${r},${c}`;
        const other = covered.get(slot);
        if (other !== undefined) {
          fail(at, `overlaps merged cell ${other} at row ${r}, column ${c}`);
          ok = false;
          return;
        }
        covered.set(slot, k);
        if ((r !== row || c !== col) && normalizeText(rows[r]?.[c] ?? "").trim() !== "") {
          fail(
            `${path}.rows.${r}.${c}`,
            `is covered by merged cell ${k} and must be "" (its text goes in row ${row}, column ${col})`,
          );
          ok = false;
          return;
        }
      }
    }
  });
  return ok;
}

/** Only called once validateTable passed. */
function tableOf(raw: Record<string, unknown>): Block {
  const rows = (raw.rows as string[][]).map((row) => row.map((cell) => normalizeText(cell).trim()));
  const merges = (raw.merges as CellMerge[] | undefined)?.map(({ row, col, rowSpan, colSpan }) => ({
    row,
    col,
    rowSpan,
    colSpan,
  }));
  return {
    type: "table",
    rows,
    ...(raw.header === undefined ? {} : { header: raw.header as boolean }),
    ...(merges?.length ? { merges } : {}),
  };
}
