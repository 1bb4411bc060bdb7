/**
 * PAdES baseline B-B signatures on published PDFs (ETSI EN 319 142-1): a signature field and
 * dictionary (/SubFilter /ETSI.CAdES.detached, /M = the publication time) added after the render
 * with @signpdf/placeholder-pdf-lib, the ByteRange filled and the CMS embedded by @signpdf/signpdf,
 * the CMS itself from cms.ts. Everything but the CMS's ECDSA value is a function of the rendered
 * bytes, the certificate and the publication time (see `signedPart`): a retried publication can
 * tell a file it signed before from a new one.
 */

import { pdflibAddPlaceholder } from "@signpdf/placeholder-pdf-lib";
import { Signer, SignPdf } from "@signpdf/signpdf";
import { SUBFILTER_ETSI_CADES_DETACHED } from "@signpdf/utils";
import { PDFDocument } from "pdf-lib";
import { signDetachedCms } from "./cms.js";
import type { SigningKey } from "./key.js";

export interface PdfSignatureOptions {
  /** /M: the claimed signing time (the publication time). */
  readonly signingTime: Date;
  /** /Reason (ASCII; the signer's name comes from its certificate). */
  readonly reason: string;
  /** /Location, e.g. the site's address. */
  readonly location: string;
  readonly contactInfo: string;
}

class CmsSigner extends Signer {
  constructor(
    private readonly key: SigningKey,
    private readonly chain: readonly Uint8Array[],
  ) {
    super();
  }

  override async sign(content: Buffer): Promise<Buffer> {
    return Buffer.from(await signDetachedCms(new Uint8Array(content), this.key, this.chain));
  }
}

/** Room for the CMS in hex digits: the certificates, two hashes, an ECDSA value and headroom. */
function signatureLength(chain: readonly Uint8Array[]): number {
  return 2 * (chain.reduce((sum, c) => sum + c.byteLength, 0) + 1024);
}

/** The rendered PDF with an empty signature field: deterministic. */
export async function preparePdf(
  pdf: Uint8Array,
  chain: readonly Uint8Array[],
  options: PdfSignatureOptions,
): Promise<Uint8Array> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  pdflibAddPlaceholder({
    pdfDoc: doc,
    reason: options.reason,
    location: options.location,
    contactInfo: options.contactInfo,
    name: "",
    signingTime: options.signingTime,
    signatureLength: signatureLength(chain),
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
  });
  return doc.save({ useObjectStreams: false, updateFieldAppearances: false });
}

/** Signs a prepared PDF (preparePdf): fills its ByteRange and embeds the CMS. */
export async function signPreparedPdf(
  prepared: Uint8Array,
  key: SigningKey,
  chain: readonly Uint8Array[],
  signingTime: Date,
): Promise<Uint8Array> {
  const signed = await new SignPdf().sign(Buffer.from(prepared), new CmsSigner(key, chain), signingTime);
  return new Uint8Array(signed);
}

export async function signPdf(
  pdf: Uint8Array,
  key: SigningKey,
  chain: readonly Uint8Array[],
  options: PdfSignatureOptions,
): Promise<Uint8Array> {
  return signPreparedPdf(await preparePdf(pdf, chain, options), key, chain, options.signingTime);
}

export { type EmbeddedSignature, readEmbeddedSignature, signedPart } from "./embedded-signature.js";
