/**
 * Stands in for readable-stream (Node 8's streams republished for browsers, about 28 KB with its
 * helpers) in the Lambda bundles (infra/constructs/function-bundle.ts aliases it): JSZip, under
 * mammoth, asks it only whether streams exist and for a `Readable` when asked to write a zip as a
 * Node stream, which reading a .docx never does. Node's own `Readable` answers both.
 */
export { Readable } from "node:stream";
