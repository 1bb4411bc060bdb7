/**
 * Escaping for XML 1.0 (Atom feeds, the sitemap). Handlebars escapes HTML; XML is written by hand
 * in feeds.ts, and every piece of text goes through `xmlText` or `xmlAttr`.
 */

/**
 * Characters XML 1.0 does not allow at all, not even as character references: C0 controls other
 * than tab, LF and CR, lone surrogates, U+FFFE and U+FFFF.
 */
const INVALID_XML_CHARS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/** Removes characters that cannot appear in an XML 1.0 document. */
export function stripInvalidXmlChars(value: string): string {
  return value.replace(INVALID_XML_CHARS, "");
}

/**
 * Escapes text for XML element content and attribute values alike (both quote styles): `&`, `<`,
 * `>`, `"` and `'` become entities and characters XML forbids are dropped.
 */
export function escapeXml(value: string): string {
  return stripInvalidXmlChars(value).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** One element with escaped text content and escaped attributes; `undefined` attributes are left out. */
export function xmlElement(
  name: string,
  attributes: Readonly<Record<string, string | number | undefined>>,
  text?: string,
): string {
  const attrs = Object.entries(attributes)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeXml(String(value))}"`)
    .join("");
  return text === undefined ? `<${name}${attrs}/>` : `<${name}${attrs}>${escapeXml(text)}</${name}>`;
}
