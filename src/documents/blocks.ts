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
