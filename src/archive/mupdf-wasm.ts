/**
 * Where mupdf finds its WebAssembly binary. mupdf loads `mupdf-wasm.wasm` beside its own module
 * file; in a Lambda bundle that module is inlined into index.mjs, so the binary is shipped as an
 * asset directory and GAZETTE_MUPDF_WASM names it. Must be imported before "mupdf" (ES modules
 * evaluate in import order): mupdf reads this setting while it loads.
 */
const wasmPath = process.env.GAZETTE_MUPDF_WASM;
if (wasmPath) {
  (globalThis as Record<string, unknown>).$libmupdf_wasm_Module = { locateFile: () => wasmPath };
}
