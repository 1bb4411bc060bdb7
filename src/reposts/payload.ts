/** The document as a repost notice carries it: metadata, its public URL and its plain text. */
import { createHash } from "node:crypto";
import type { Block } from "../documents/blocks.js";
import type { GazetteDocument } from "../documents/model.js";
import { absoluteUrl, documentPath } from "../site/urls.js";

export interface NoticeDocument {
  readonly id: string;
  readonly title: string;
  readonly docNumber: string | null;
  readonly issuers: readonly string[];
  readonly dateWritten: string;
  readonly url: string;
  readonly text: string;
  /** Hex SHA-256 of `text` (UTF-8), so a site can check it reposted the text unchanged. */
  readonly sha256: string;
}

export interface RepostRequestedPayload {
  readonly type: "repost.requested" | "repost.reminder";
  readonly data: {
    readonly noticeId: string;
    readonly deadline: string;
    readonly ackUrl: string;
    readonly document: NoticeDocument;
  };
}

function blockLines(blocks: readonly Block[]): string[] {
  return blocks.map((block) =>
    block.type === "table" ? block.rows.map((row) => row.join("\t")).join("\n") : block.text,
  );
}

/** Body and attachments as plain text: one line per paragraph or heading, tables tab-separated. */
export function documentText(document: Pick<GazetteDocument, "blocks" | "attachments">): string {
  const lines = blockLines(document.blocks);
  for (const attachment of document.attachments)
    lines.push(attachment.title, ...blockLines(attachment.blocks));
  return lines.join("\n");
}

export function noticeDocument(document: GazetteDocument, baseUrl: string): NoticeDocument {
  const text = documentText(document);
  return {
    id: document.id,
    title: document.title,
    docNumber: document.docNumber,
    issuers: document.issuers,
    dateWritten: document.dateWritten,
    url: absoluteUrl(baseUrl, documentPath(document.id)),
    text,
    sha256: createHash("sha256").update(text, "utf8").digest("hex"),
  };
}

export function ackUrl(baseUrl: string, noticeId: string): string {
  return `${baseUrl.replace(/\/+$/, "")}/api/reposts/${encodeURIComponent(noticeId)}/ack`;
}
