/**
 * Text clean-up shared by intake (plain-text bodies, metadata fields) and the .docx converter.
 *
 * The aim is to remove what cannot be seen or printed (control characters, zero-width marks,
 * byte-order marks) and to settle line endings, without touching anything a reader sees: the
 * renderer must be able to reproduce the submitted text, and text extracted from the rendered
 * edition is compared with it.
 */

/**
 * Invisible format characters removed by {@link normalizeText}:
 * U+00AD soft hyphen, U+180E Mongolian vowel separator, U+200B–U+200F (zero-width space,
 * ZWNJ, ZWJ, LRM, RLM), U+202A–U+202E (bidi embeddings/overrides), U+2060–U+2064 (word
 * joiner, invisible operators), U+2066–U+2069 (bidi isolates), U+FEFF (BOM / ZWNBSP).
 */
const INVISIBLE = /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/** C0 controls except TAB and LF, DEL, and the C1 controls. CR is handled before this runs. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/g;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_ANY = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL_SINGLE_LINE = /[\u0000-\u001F\u007F-\u009F]/;

/**
 * Trailing blanks removed from each line: ASCII space, NO-BREAK SPACE, IDEOGRAPHIC SPACE (U+3000)
 * and the other Unicode space separators. Tabs are kept: in a plain-text body a trailing tab is an
 * empty last table cell.
 */
const TRAILING_SPACES = /[ \u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]+$/gm;

/**
 * Normalises submitted text:
 * - CRLF and lone CR become LF; U+2028/U+2029 (line/paragraph separators) become LF;
 * - control characters are removed except LF and TAB;
 * - zero-width and other invisible format characters, and BOMs, are removed (see INVISIBLE);
 * - Unicode NFC;
 * - trailing spaces (including U+3000) are removed from every line.
 *
 * Leading spaces are kept (paragraph indentation is handled by the body parser) and so are
 * blank lines. Note that NFC maps CJK compatibility ideographs (U+F900–U+FAFF) to their unified
 * equivalents, as any NFC does.
 */
export function normalizeText(s: string): string {
  return s
    .replace(/\r\n?|[\u2028\u2029]/g, "\n")
    .replace(CONTROL, "")
    .replace(INVISIBLE, "")
    .normalize("NFC")
    .replace(TRAILING_SPACES, "");
}

export interface ControlCharacterOptions {
  /**
   * When true, TAB, LF and CR are reported too (for one-line fields such as a title or a
   * 发文字号). Default false: they are allowed.
   */
  readonly singleLine?: boolean;
}

/**
 * True when `s` contains a C0/C1 control character or DEL. TAB, LF and CR are allowed unless
 * `singleLine` is set. Invisible format characters (zero-width space, BOM) are not control
 * characters and are not reported; {@link normalizeText} removes them.
 */
export function hasControlCharacters(s: string, options: ControlCharacterOptions = {}): boolean {
  return (options.singleLine ? CONTROL_SINGLE_LINE : CONTROL_ANY).test(s);
}

/** Leading indentation: ASCII spaces, NBSP and IDEOGRAPHIC SPACE (全角空格). Not tabs. */
const LEADING_INDENT = /^[ \u00A0\u3000]+/;

/** Removes leading indentation (ASCII/full-width spaces, NBSP) from one line. */
export function stripIndent(line: string): string {
  return line.replace(LEADING_INDENT, "");
}

/** Whitespace of any kind, including U+3000 and NBSP (JavaScript's \s covers both). */
const ANY_SPACE = /[\s\u200B\uFEFF]+/g;

/**
 * A comparison form: every kind of whitespace removed and NFKC applied (full-width digits and
 * letters become ASCII). For matching, never for display.
 */
export function compactText(s: string): string {
  return s.normalize("NFKC").replace(ANY_SPACE, "");
}
