/**
 * Markdown → text: front matter read as fields, headings kept as lines without their `#`, tables
 * as tab-separated cells (so | 标题 | … | reads as a labelled field), links and emphasis reduced
 * to their text, images, comments, HTML tags, rules and fences dropped.
 */

export interface MarkdownReading {
  /** Text lines without markup. */
  readonly lines: readonly string[];
  /** Headings in order, with their level (1 for # and ===, 2 for ## and ---). */
  readonly headings: readonly { readonly level: number; readonly text: string }[];
  /** Front matter fields (YAML `key: value` or TOML `key = value`), in order. */
  readonly frontMatter: readonly { readonly key: string; readonly value: string }[];
}

const HEADING = /^ {0,3}(#{1,6})[ \t\u3000]*(.*?)[ \t]*#*[ \t]*$/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/;
const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;
const FENCE = /^\s*(```|~~~)/;

/** True when the text reads as Markdown: headings, front matter, tables, or several inline marks. */
export function looksLikeMarkdown(text: string): boolean {
  const head = text.slice(0, 20_000);
  if (/^\uFEFF?(---|\+\+\+)\s*\n[\s\S]*?\n(---|\+\+\+)\s*(\n|$)/.test(head)) return true;
  if (/^ {0,3}#{1,6}[ \t\u3000]*\S/m.test(head)) return true;
  if (/^\s*\|.*\|\s*\n\s*\|?\s*:?-{2,}/m.test(head)) return true;
  const marks = head.match(/\*\*[^*\n]+\*\*|__[^_\n]+__|\[[^\]\n]+\]\([^)\n]+\)|^\s*>\s|^\s*[-*+]\s+\S/gm);
  return (marks?.length ?? 0) >= 3;
}

/** Inline markup → text. */
export function inlineText(s: string): string {
  return s
    .replace(/<!--[\s\S]*?-->/g, "")
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, "$1")
    .replace(/<https?:[^>]+>/g, "")
    .replace(/<\/?[a-zA-Z][^>]*>/g, "")
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, "$2")
    .replace(/(\*|_)(?=[^\s*_])([^*_\n]*?[^\s*_])\1/g, "$2")
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, "$1")
    .replace(/`([^`]*)`/g, "$1")
    .replace(/\\([\\`*_{}[\]()#+\-.!|>~])/g, "$1");
}

function unquote(v: string): string {
  const t = v.trim();
  const m = /^(["'])([\s\S]*)\1$/.exec(t);
  return m ? m[2]! : t;
}

/** Reads a Markdown document. */
export function readMarkdown(text: string): MarkdownReading {
  let rows = text.replace(/^\uFEFF/, "").split("\n");
  const frontMatter: { key: string; value: string }[] = [];
  const fence = rows[0]?.trim();
  if (fence === "---" || fence === "+++") {
    const close = rows.findIndex((r, i) => i > 0 && r.trim() === fence);
    if (close > 0) {
      for (const row of rows.slice(1, close)) {
        const m = /^\s*([^:=#\s][^:=]*?)\s*[:=：]\s*(.*)$/.exec(row);
        if (m && m[2]!.trim() !== "") frontMatter.push({ key: unquote(m[1]!), value: unquote(m[2]!) });
      }
      rows = rows.slice(close + 1);
    }
  }
  const lines: string[] = [];
  const headings: { level: number; text: string }[] = [];
  let inComment = false;
  for (let i = 0; i < rows.length; i++) {
    let row = rows[i]!;
    if (inComment) {
      const end = row.indexOf("-->");
      if (end < 0) continue;
      row = row.slice(end + 3);
      inComment = false;
    }
    const open = row.indexOf("<!--");
    if (open >= 0 && row.indexOf("-->", open) < 0) {
      row = row.slice(0, open);
      inComment = true;
    }
    if (FENCE.test(row) || (TABLE_SEPARATOR.test(row) && row.includes("-"))) continue;
    if (RULE.test(row)) {
      // A setext heading: the text line above, underlined with === or ---.
      continue;
    }
    if (/^\s*=+\s*$/.test(row)) {
      const prev = lines.length ? lines[lines.length - 1]! : "";
      if (prev.trim()) headings.push({ level: 1, text: prev.trim() });
      continue;
    }
    if (/^\s*\[[^\]]+\]:\s*\S+/.test(row)) continue; // link reference definition
    const h = HEADING.exec(row);
    if (h) {
      const text = inlineText(h[2]!).trim();
      if (text) {
        headings.push({ level: h[1]!.length, text });
        lines.push(text);
      }
      continue;
    }
    let line = row.replace(/^\s*(>\s?)+/, "");
    if (/^\s*\|.*\|\s*$/.test(line)) {
      line = line
        .trim()
        .replace(/^\||\|$/g, "")
        .split(/(?<!\\)\|/)
        .map((c) => inlineText(c).trim())
        .join("\t");
      lines.push(line);
      continue;
    }
    line = line.replace(/^\s*[-*+]\s+(?=\S)/, "");
    lines.push(inlineText(line).replace(/[ \t]+$/, ""));
  }
  // Setext level-2 headings: a text line followed by --- was taken as a rule above; good enough.
  return { lines, headings, frontMatter };
}
