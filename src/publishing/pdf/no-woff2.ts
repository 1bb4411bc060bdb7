/**
 * Stands in for fontkit's WOFF2 decoder (`brotli/decompress.js`, about 475 KB of JavaScript) in the
 * Lambda bundles (infra/constructs/function-bundle.ts aliases it): the gazette embeds OpenType
 * fonts (fonts/*.otf) only, and fontkit calls the decoder for WOFF2 files alone.
 */
export default function decompress(): never {
  throw new Error("WOFF2 fonts are not supported in this bundle: use the OpenType (.otf) files in fonts/");
}
