/**
 * Stands in for @pdf-lib/upng (a PNG codec, about 24 KB of JavaScript) in the Lambda bundles
 * (infra/constructs/function-bundle.ts aliases it): pdf-lib reads PNGs only in `embedPng`, and the
 * gazette's renderer draws text and rules only (no source file calls embedPng; the bundle-alias
 * test checks that). Decoding throws.
 */
function unsupported(): never {
  throw new Error("PNG images are not in this bundle: the edition renderer embeds no images");
}

export default { decode: unsupported, toRGBA8: unsupported, encode: unsupported };
