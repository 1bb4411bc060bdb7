/**
 * Stands in for entities' decoder (`entities/decode`, which htmlparser2's tokenizer imports) in
 * the api-documents function's bundle alone (infra/stacks/gazette-stateless-stack.ts:
 * DOCX_READER_ALIASES): everything is entities' own, except that HTML text is decoded with the
 * XML entity table (&amp; &lt; &gt; &quot; &apos; and numeric references) instead of the 2,231
 * named HTML entities (a 32 KB table). That function parses one kind of HTML, the HTML mammoth
 * writes from a .docx (src/documents/docx.ts), and mammoth escapes text with those four entities
 * alone, writing every other character as itself.
 * tests/infra/bundle-aliases.test.ts reads the sample .docx inside a bundle with this alias (the
 * same blocks as from the sources), escapes every character through mammoth's writer and decodes
 * it back through the stand-in, and checks that htmlparser2 is reached from docx.ts alone there.
 * The api function's bundle uses it too (HOCR_READER_ALIASES): the only HTML it parses is hOCR,
 * which every OCR path escapes with the XML entities or numeric references.
 */
export * from "../../node_modules/entities/dist/esm/decode.js";
export { xmlDecodeTree as htmlDecodeTree } from "../../node_modules/entities/dist/esm/decode.js";
