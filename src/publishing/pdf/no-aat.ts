/**
 * Stands in for fontkit's AAT layout engine (Apple's `morx` state machines, about 18 KB of
 * JavaScript) in the Lambda bundles (infra/constructs/esbuild-child.mjs swaps it in for the import
 * in fontkit's LayoutEngine). fontkit lays text out with it only for a font that has a `morx`
 * table; the gazette's fonts are OpenType fonts laid out with GSUB and GPOS, and none has one
 * (tests/infra/bundle-aliases.test.ts checks every font in fonts/).
 */
export default class AATLayoutEngine {
  constructor() {
    throw new Error(
      "AAT (morx) layout is not in this bundle: the gazette's fonts are OpenType fonts without morx",
    );
  }
}
