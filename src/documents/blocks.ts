/**
 * The structured body of a document: what intake stores and what the PDF and web renderers lay
 * out. Text is kept exactly as submitted (numbering included), so text extracted from the
 * rendered edition can be compared with the source.
 */

/** 1: 一、  2: （一）  3: 1.  4: （1） */
export type HeadingLevel = 1 | 2 | 3 | 4;

export type Block =
  | { readonly type: "heading"; readonly level: HeadingLevel; readonly text: string }
  | { readonly type: "paragraph"; readonly text: string }
  /** rows[0] is the header row when `header` is true. Cells are plain text. */
  | { readonly type: "table"; readonly rows: readonly (readonly string[])[]; readonly header?: boolean };

export interface Attachment {
  readonly title: string;
  readonly blocks: readonly Block[];
}

/**
 * A run-in heading ("（一）加强人才队伍建设。支持职业院校……"): the heading sentence, up to and
 * including the first 。, and the text that runs on after it on the same line. `text` is "" for
 * a heading that is only a heading.
 */
export function runInHeading(text: string): { readonly heading: string; readonly text: string } {
  const stop = text.indexOf("。");
  if (stop < 0 || stop === text.length - 1) return { heading: text, text: "" };
  return { heading: text.slice(0, stop + 1), text: text.slice(stop + 1) };
}

/** Whether the text already ends with its own 附件说明 ("附件：1. …"), as documents from .docx may. */
export function hasAttachmentNote(blocks: readonly Block[]): boolean {
  return blocks.some((b) => b.type === "paragraph" && /^\s*附\s*件\s*[：:]/.test(b.text));
}
