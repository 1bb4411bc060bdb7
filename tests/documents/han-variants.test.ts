import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import * as OpenCC from "opencc-js";
import * as OpenCCT2cn from "opencc-js/t2cn";
import { describe, expect, test } from "vitest";
import {
  type CharConversion,
  charConverter,
  traditionalToSimplified,
} from "../../src/documents/han-variants.js";

/**
 * The lean converters (character dictionaries only) must give what the full opencc-js converters
 * give, for every character: 发文字号 parsing, search folding and the OCR script check rely on it.
 */

/** Unicode's Han blocks (and CJK symbols) where OpenCC has entries. */
const HAN_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x3000, 0x303f],
  [0x3400, 0x4dbf],
  [0x4e00, 0x9fff],
  [0xf900, 0xfaff],
  [0x20000, 0x2ebef],
  [0x30000, 0x323af],
];

const FULL: Record<CharConversion, { from: OpenCC.Locale; to: OpenCC.Locale }> = {
  "tw→cn": { from: "tw", to: "cn" },
  "hk→cn": { from: "hk", to: "cn" },
  "t→cn": { from: "t", to: "cn" },
  "cn→tw": { from: "cn", to: "tw" },
  "cn→t": { from: "cn", to: "t" },
};

describe("character-level Traditional/Simplified conversion", () => {
  test.each(Object.keys(FULL) as CharConversion[])(
    "%s gives the full opencc-js converter's character for every Han character",
    (conversion) => {
      // Prepare
      const full = OpenCC.Converter(FULL[conversion]);
      const lean = charConverter(conversion);
      const differences: string[] = [];

      // Act
      for (const [first, last] of HAN_RANGES) {
        for (let cp = first; cp <= last; cp++) {
          const c = String.fromCodePoint(cp);
          if (full(c) !== lean(c)) differences.push(`${c} U+${cp.toString(16)}: ${full(c)} ≠ ${lean(c)}`);
        }
      }

      // Assess
      expect(differences.slice(0, 10)).toEqual([]);
    },
  );

  test("the Traditional → Simplified word converter the OCR uses converts words as opencc-js's converters do", () => {
    // Prepare
    const full = OpenCC.Converter({ from: "t", to: "cn" });
    const t2cnPreset = OpenCCT2cn.Converter({ from: "t", to: "cn" });
    const lean = traditionalToSimplified();
    const toTraditional = OpenCC.Converter({ from: "cn", to: "t" });
    const han = fc.integer({ min: 0x4e00, max: 0x9fff }).map((cp) => toTraditional(String.fromCodePoint(cp)));

    // Act / Assess
    fc.assert(
      fc.property(fc.array(han, { minLength: 1, maxLength: 8 }), (chars) => {
        const word = chars.join("");
        expect(lean(word)).toBe(full(word));
        expect(lean(word)).toBe(t2cnPreset(word));
      }),
      { numRuns: 2000 },
    );
    // Phrases decide where characters alone would not (裡面 → 里面, 頭髮 → 头发, 公報 → 公报).
    const line = "行政院院臺金字第0950055340號函訂頒，臺灣省政府公報，裡面的頭髮";
    expect(lean(line)).toBe(full(line));
    expect(lean(line)).toBe("行政院院台金字第0950055340号函订颁，台湾省政府公报，里面的头发");
  });
});

test("no source file imports the full opencc-js entry (its phrase tables would land in every bundle that reaches it)", () => {
  // Prepare
  const root = join(import.meta.dirname, "../../src");
  const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts"));

  // Act
  const importers = files.filter((f) => /from\s+"opencc-js"/.test(readFileSync(join(root, f), "utf8")));

  // Assess
  expect(importers).toEqual([]);
});
