/**
 * Stands in for pdf-lib's `PDFForm` (its AcroForm API: PDFForm and the text field, check box,
 * radio group, dropdown, option list, button and signature classes with their appearance
 * streams, about 53 KB of JavaScript) in the Lambda bundles (infra/constructs/esbuild-child.mjs
 * swaps it in for the import in pdf-lib's PDFDocument). pdf-lib builds a PDFForm only in
 * `PDFDocument.getForm()`, which no source file calls: the signature placeholder writes the
 * catalog's /AcroForm dictionary through pdf-lib's core objects, not through this API, and
 * `save()` updates field appearances only of a form `getForm()` has built.
 * tests/infra/bundle-aliases.test.ts renders and signs an edition inside such a bundle.
 */
const PDFForm = {
  of(): never {
    throw new Error("pdf-lib's AcroForm API is not in this bundle: no function fills or reads form fields");
  },
};

export default PDFForm;
