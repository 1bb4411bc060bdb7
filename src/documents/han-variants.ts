/**
 * Traditional ↔ Simplified, one character at a time, from opencc-js's character dictionaries only.
 *
 * The callers (发文字号 parsing, search folding, the OCR script check) convert single characters,
 * where OpenCC's phrase dictionaries never apply; the full `opencc-js` entry loads every phrase
 * table (STPhrases alone is about 1 MB) into each bundle that imports it. These converters are
 * built from the same dictionaries as `OpenCC.Converter({ from, to })`, in the same order, minus
 * the phrases, and give the same character for every Han character (tests/documents/han-variants.test.ts
 * compares them over all of Unicode's Han blocks).
 */
import { ConverterFactory, type ConverterFunction } from "opencc-js/core";
import CJK_COMPATIBILITY from "opencc-js/dict/CJK_Compatibility_Ideographs";
import HK_VARIANTS_REV from "opencc-js/dict/HKVariantsRev";
import ST_CHARACTERS from "opencc-js/dict/STCharacters";
import TS_CHARACTERS from "opencc-js/dict/TSCharacters";
import TS_PHRASES from "opencc-js/dict/TSPhrases";
import TW_VARIANTS from "opencc-js/dict/TWVariants";
import TW_VARIANTS_REV from "opencc-js/dict/TWVariantsRev";

export type CharConverter = ConverterFunction;

/** The conversions the pipeline uses, named as in `OpenCC.Converter({ from, to })`. */
export type CharConversion = "tw→cn" | "hk→cn" | "t→cn" | "cn→tw" | "cn→t";

const DICTIONARIES: Record<CharConversion, readonly (readonly string[])[]> = {
  // Compatibility ideographs (U+F900…) are normalised first, as OpenCC's configurations do.
  "tw→cn": [[CJK_COMPATIBILITY], [TW_VARIANTS_REV], [TS_CHARACTERS]],
  "hk→cn": [[CJK_COMPATIBILITY], [HK_VARIANTS_REV], [TS_CHARACTERS]],
  "t→cn": [[CJK_COMPATIBILITY], [TS_CHARACTERS]],
  "cn→tw": [[CJK_COMPATIBILITY], [ST_CHARACTERS], [TW_VARIANTS]],
  "cn→t": [[CJK_COMPATIBILITY], [ST_CHARACTERS]],
};

const converters = new Map<CharConversion, CharConverter>();

/** A converter for single characters (longer text is converted character by character). */
export function charConverter(conversion: CharConversion): CharConverter {
  let converter = converters.get(conversion);
  if (!converter) {
    converter = ConverterFactory(...DICTIONARIES[conversion].map((group) => [...group]));
    converters.set(conversion, converter);
  }
  return converter;
}

/**
 * The converter of `charConverter(conversion)`, built when first called rather than when the
 * module that holds it is evaluated: building one reads whole dictionaries (tens of milliseconds),
 * which a function's cold start should not pay for requests that convert nothing.
 */
export function lazyCharConverter(conversion: CharConversion): CharConverter {
  let converter: CharConverter | undefined;
  return (text) => {
    converter ??= charConverter(conversion);
    return converter(text);
  };
}

/** traditionalToSimplified(), built when first called (see lazyCharConverter). */
export function lazyTraditionalToSimplified(): CharConverter {
  let converter: CharConverter | undefined;
  return (text) => {
    converter ??= traditionalToSimplified();
    return converter(text);
  };
}

let traditionalToSimplifiedText: CharConverter | undefined;

/**
 * Traditional → Simplified for words and lines, phrases included: what
 * `OpenCC.Converter({ from: "t", to: "cn" })` gives (its `t2s` configuration: compatibility
 * ideographs normalised, then TSPhrases before TSCharacters), built from the dictionaries the
 * character converters share, so a bundle holds one copy of TSCharacters and not opencc-js's
 * t2cn preset (~105 KB with its own copies).
 */
export function traditionalToSimplified(): CharConverter {
  traditionalToSimplifiedText ??= ConverterFactory([CJK_COMPATIBILITY], [TS_PHRASES, TS_CHARACTERS]);
  return traditionalToSimplifiedText;
}
