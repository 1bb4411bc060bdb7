/**
 * Stands in for xmlbuilder (about 44 KB) in the Lambda bundles (infra/constructs/function-bundle.ts
 * aliases it): mammoth writes XML with it only to embed a style map into a .docx
 * (`mammoth.embedStyleMap`); reading a .docx into HTML, all the intake does, never writes XML.
 */
export function create(): never {
  throw new Error("xmlbuilder is not in this bundle: mammoth writes XML only to embed a style map");
}
