/**
 * The room for a PAdES signature, reserved in a PDF while it is built: a signature field and
 * dictionary (/SubFilter /ETSI.CAdES.detached, /M = the publication time, /ByteRange and
 * /Contents as placeholders) added by @signpdf/placeholder-pdf-lib to the pdf-lib document the
 * renderer already has, before its one save. The signature dictionary is written outside object
 * streams, so the signer (pades.ts signInPlace) fills /ByteRange and /Contents in the saved
 * bytes without parsing the PDF again; the file keeps its length.
 *
 * Imports pdf-lib and the placeholder helper only: the renderer carries no signing code.
 */
import { pdflibAddPlaceholder } from "@signpdf/placeholder-pdf-lib";
import { SUBFILTER_ETSI_CADES_DETACHED } from "@signpdf/utils";
import type { PDFDocument } from "pdf-lib";

/** What the signature dictionary says, and how much room the CMS gets. */
export interface PdfSignatureReservation {
  /** /M: the claimed signing time (the publication time), ISO 8601. */
  readonly signingTime: string;
  /** /Reason (ASCII; the signer's name comes from its certificate). */
  readonly reason: string;
  /** /Location, e.g. the site's address. */
  readonly location: string;
  readonly contactInfo: string;
  /** Room for the DER CMS, in bytes (written as twice as many hex digits). */
  readonly contentsBytes: number;
}

/** Adds the signature field, its widget (invisible, on the first page) and the dictionary. */
export function reserveSignature(doc: PDFDocument, reservation: PdfSignatureReservation): void {
  pdflibAddPlaceholder({
    pdfDoc: doc,
    reason: reservation.reason,
    location: reservation.location,
    contactInfo: reservation.contactInfo,
    name: "",
    signingTime: new Date(reservation.signingTime),
    // The library's length counts hex digits.
    signatureLength: 2 * reservation.contentsBytes,
    subFilter: SUBFILTER_ETSI_CADES_DETACHED,
  });
}
