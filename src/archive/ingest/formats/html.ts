/**
 * HTML pages and fragments → text, with the page's title evidence.
 *
 * Parsed with htmlparser2. Navigation-like elements (nav, header, footer, aside, form, script,
 * style, and elements whose class or id says menu/nav/breadcrumb/share/footer/…) are dropped whole;
 * block elements become line breaks and table cells are separated by tabs, so a 信息公开 table row
 * reads as labelled fields (标　　题：⇥国务院关于…). The page's <title>, its meta titles
 * (ArticleTitle, og:title, dc.title), <h1>/<h2> and elements classed "title" are collected as title
 * candidates, strongest first; the site's name in them is removed later (see title.ts).
 */
import { Parser } from "htmlparser2";

const DROPPED_ELEMENTS = new Set([
  "script",
  "style",
  "noscript",
  "nav",
  "header",
  "footer",
  "aside",
  "form",
  "button",
  "select",
  "iframe",
  "svg",
  "template",
  "head",
]);

const NOISY_CLASS =
  /(^|[\s_-])(nav|navbar|menu|breadcrumb|crumb|share|bdshare|social|footer|header|sidebar|toolbar|print|pager|pagination|related|relevant|xgwj|xglj|ad|ads|banner|copyright|position|location|comment|comments|login|search|friendlink|links)([\s_-]|$)/i;

const TITLE_CLASS =
  /(^|[\s_-])(title|tit|biaoti|bt|headline|article[-_]?title|pages[-_]title|doc[-_]?title)([\s_-]|\d|$)/i;

const BLOCK_ELEMENTS = new Set([
  "p",
  "div",
  "br",
  "li",
  "tr",
  "h1",
  "h2",
  "h3",
  "h4",
  "h5",
  "h6",
  "table",
  "tbody",
  "thead",
  "section",
  "article",
  "blockquote",
  "pre",
  "dd",
  "dt",
  "dl",
  "ul",
  "ol",
  "hr",
  "center",
  "caption",
  "figure",
  "figcaption",
  "main",
  "address",
]);

const CELL_ELEMENTS = new Set(["td", "th"]);

const VOID_ELEMENTS = new Set([
  "br",
  "hr",
  "img",
  "input",
  "meta",
  "link",
  "area",
  "base",
  "col",
  "wbr",
  "source",
]);

/** Meta names whose content is the article's title, strongest first. */
const META_TITLES = ["articletitle", "og:title", "dc.title", "dcterms.title", "twitter:title", "title"];

/** True when the text looks like HTML (a page or a fragment) rather than plain text. */
export function looksLikeHtml(text: string): boolean {
  const head = text.slice(0, 20_000);
  if (/^\s*(<!doctype html|<html[\s>]|<\?xml[^>]*>\s*<html)/i.test(head)) return true;
  const tags = head.match(
    /<\/?(html|body|div|p|br|span|table|tr|td|a|h[1-6]|ul|li|strong|b|font|center|article|section|meta|title)(\s[^>]*)?\/?>/gi,
  );
  return (tags?.length ?? 0) >= 2;
}

export interface HtmlReading {
  /** The page's text, one block per line, table cells separated by tabs. */
  readonly text: string;
  /** Title evidence, strongest first: meta titles, title-classed elements and <h1>, <h2>, <title>. */
  readonly titleCandidates: readonly string[];
}

function squash(s: string): string {
  return s.replace(/[ \t\r\n\u00a0]+/g, " ").trim();
}

/** Reads an HTML page or fragment. */
export function readHtml(html: string): HtmlReading {
  const out: string[] = [];
  const stack: { name: string; noisy: boolean; capture: number | undefined }[] = [];
  let dropping = 0;
  const meta: { rank: number; text: string }[] = [];
  // Text captured from <title>, headings and title-classed elements.
  const captures: { kind: "title" | "h1" | "class" | "h2"; text: string; dropped: boolean }[] = [];
  const open: number[] = [];
  const parser = new Parser(
    {
      onopentag(name, attributes) {
        if (name === "meta") {
          const key = (attributes.name ?? attributes.property ?? "").toLowerCase();
          const rank = META_TITLES.indexOf(key);
          if (rank >= 0 && attributes.content?.trim()) meta.push({ rank, text: squash(attributes.content) });
          return;
        }
        const classes = `${attributes.class ?? ""} ${attributes.id ?? ""}`;
        const noisy =
          DROPPED_ELEMENTS.has(name) || NOISY_CLASS.test(classes) || attributes.role === "navigation";
        if (BLOCK_ELEMENTS.has(name)) out.push("\n");
        if (CELL_ELEMENTS.has(name)) out.push("\t");
        if (VOID_ELEMENTS.has(name)) return;
        let capture: number | undefined;
        const kind =
          name === "title"
            ? "title"
            : name === "h1"
              ? "h1"
              : name === "h2"
                ? "h2"
                : TITLE_CLASS.test(classes) && !/subtitle|sub-title/i.test(classes)
                  ? "class"
                  : undefined;
        if (kind) {
          capture = captures.length;
          captures.push({ kind, text: "", dropped: dropping > 0 || noisy });
          open.push(capture);
        }
        stack.push({ name, noisy, capture });
        if (noisy) dropping++;
      },
      ontext(text) {
        for (const c of open) captures[c]!.text += text;
        if (dropping === 0) out.push(text.replace(/[ \t\r\n]+/g, " "));
      },
      onclosetag(name) {
        if (VOID_ELEMENTS.has(name)) return;
        // Tolerate unclosed elements: pop up to the matching open tag.
        let index = stack.length - 1;
        while (index >= 0 && stack[index]!.name !== name) index--;
        if (index < 0) return;
        while (stack.length > index) {
          const top = stack.pop()!;
          if (top.noisy) dropping--;
          if (top.capture !== undefined) open.splice(open.indexOf(top.capture), 1);
        }
        if (BLOCK_ELEMENTS.has(name)) out.push("\n");
      },
    },
    { decodeEntities: true, lowerCaseTags: true, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  const order = { class: 0, h1: 1, h2: 3, title: 4 } as const;
  const rank = (c: (typeof captures)[number]) => order[c.kind] + (c.dropped && c.kind !== "title" ? 1.5 : 0);
  const captured = captures
    .map((c, i) => ({ ...c, text: squash(c.text), i }))
    .filter((c) => c.text.length >= 2 && [...c.text].length <= 200)
    .sort((a, b) => rank(a) - rank(b) || a.i - b.i)
    .map((c) => c.text);
  const metaTitles = meta.sort((a, b) => a.rank - b.rank).map((m) => m.text);
  const titleCandidates = [...new Set([...metaTitles, ...captured])];
  return { text: out.join(""), titleCandidates };
}

/** HTML → text with one line per block element; navigation-like elements are dropped whole. */
export function htmlToText(html: string): string {
  return readHtml(html).text;
}
