/**
 * Stands in for @signpdf/utils's index in the Lambda bundles (infra/constructs/function-bundle.ts
 * aliases it): the index loads every helper of the package (byte-range search, signature
 * extraction, PDFKit mocks, ≈ 6 KB), while the signature placeholder and our signing code use its
 * constants and its error class alone. An edition is signed inside such a bundle and pdfsig
 * reports the signature valid (tests/infra/bundle-aliases.test.ts).
 */
export {
  ANNOTATION_FLAGS,
  DEFAULT_BYTE_RANGE_PLACEHOLDER,
  DEFAULT_SIGNATURE_LENGTH,
  SIG_FLAGS,
  SUBFILTER_ADOBE_PKCS7_DETACHED,
  SUBFILTER_ADOBE_PKCS7_SHA1,
  SUBFILTER_ADOBE_X509_SHA1,
  SUBFILTER_ETSI_CADES_DETACHED,
} from "../../node_modules/@signpdf/utils/dist/const.js";
export { SignPdfError } from "../../node_modules/@signpdf/utils/dist/SignPdfError.js";
