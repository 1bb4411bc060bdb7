import type { ChildNode, Document, Element } from "domhandler";
import { DomUtils, parseDocument } from "htmlparser2";

/** Structural look at rendered HTML (htmlparser2 decodes entities, so text is what a reader sees). */
export function parseHtml(html: string): Document {
  return parseDocument(html);
}

export function all(root: Document | Element, name: string): Element[] {
  return DomUtils.getElementsByTagName(name, root.children as ChildNode[], true);
}

export function allMatching(root: Document | Element, test: (el: Element) => boolean): Element[] {
  return DomUtils.findAll(test, root.children as ChildNode[]);
}

export function text(node: Element | Document): string {
  return DomUtils.textContent(node)
    .replace(/[ \t\r\n]+/g, " ")
    .trim();
}

export function headingLevels(root: Document): number[] {
  return allMatching(root, (el) => /^h[1-6]$/.test(el.name)).map((el) => Number(el.name.slice(1)));
}
