/**
 * Two of opencc-js's dictionaries rebuilt from data the Lambda bundles hold anyway, in their place
 * (infra/constructs/esbuild-child.mjs: openccDictionariesPlugin):
 * - CJK_Compatibility_Ideographs (1,002 entries, ≈ 9 KB) is Unicode's canonical decomposition of
 *   the CJK compatibility ideographs (U+F900–U+FAFF, U+2F800–U+2FA1F), which `normalize("NFC")`
 *   applies: the build checks the table against it and keeps opencc's file if they differ;
 * - TSCharacters (Traditional → Simplified characters, ≈ 29 KB) is mostly STCharacters read
 *   backwards: the build writes only the differences (the keys to drop, the entries to set).
 * opencc-js reads a dictionary as "source replacement" pairs, a later pair replacing an earlier
 * one for the same source, so two dictionaries with the same pairs in another order convert
 * alike. tests/infra/bundle-aliases.test.ts compares both, inside a bundle, with opencc's files.
 */

/** "source replacement|…": each source once. */
function write(pairs: Map<string, string>): string {
  return [...pairs].map(([source, replacement]) => `${source} ${replacement}`).join("|");
}

/**
 * The dictionary `dictionary` read backwards (each replacement to the first source it replaces),
 * without the sources in `removed` ("a|b"), with the pairs of `overrides` ("source replacement|…").
 */
export function inverseDictionary(dictionary: string, removed: string, overrides: string): string {
  const pairs = new Map<string, string>();
  for (const line of dictionary.split("|")) {
    const [source, replacement] = line.split(" ");
    if (source !== undefined && replacement !== undefined && !pairs.has(replacement))
      pairs.set(replacement, source);
  }
  for (const source of removed ? removed.split("|") : []) pairs.delete(source);
  for (const line of overrides ? overrides.split("|") : []) {
    const [source, replacement] = line.split(" ");
    if (source !== undefined && replacement !== undefined) pairs.set(source, replacement);
  }
  return write(pairs);
}

/** Blocks of CJK compatibility ideographs. */
export const COMPATIBILITY_IDEOGRAPHS: ReadonlyArray<readonly [number, number]> = [
  [0xf900, 0xfaff],
  [0x2f800, 0x2fa1f],
];

/** Each CJK compatibility ideograph with its canonical (NFC) unified ideograph. */
export function compatibilityIdeographs(): string {
  const pairs = new Map<string, string>();
  for (const [from, to] of COMPATIBILITY_IDEOGRAPHS) {
    for (let cp = from; cp <= to; cp++) {
      const c = String.fromCodePoint(cp);
      const unified = c.normalize("NFC");
      if (unified !== c) pairs.set(c, unified);
    }
  }
  return write(pairs);
}
