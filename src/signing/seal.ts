/**
 * The publisher's sealer (editions/publish.ts PublicationSealer): every PDF a publication writes
 * gets a PAdES B-B signature, the manifest a JWS. The renderer reserves each PDF's signature as it
 * builds it (`reserve`), so signing patches the rendered bytes (pades.ts signInPlace). Imported only where publications run (the local
 * runtime's publisher, the publisher Lambda), so the API and other functions carry none of it.
 *
 * A retried publication keeps what an earlier attempt signed when the signed content is the same:
 * for a PDF, when the earlier file differs from this one's prepared form only inside /Contents;
 * for the manifest, when its JWS signing input is the same. Everything else is new.
 */
import {
  manifestSignatureKey,
  type PublicationSealer,
  type RenderedArtifact,
  type SealContext,
} from "../editions/publish.js";
import { manifestKey } from "../editions/records.js";
import type { RecordStore } from "../platform/ports.js";
import { logOrigin, TransparencyLog } from "../transparency/log.js";
import type { CertificateSubject } from "./certificate.js";
import { jwsHeader, parseCompactJws, signCompactJws, signingInput } from "./jws.js";
import type { SigningKey } from "./key.js";
import { ensureCertificate } from "./keyring.js";
import {
  fillByteRange,
  hasReservedSignature,
  type PdfSignatureReservation,
  preparePdf,
  readEmbeddedSignature,
  signatureRoom,
  signedPart,
  signInPlace,
} from "./pades.js";
import { TIMESTAMP_ROOM, type TimestampAuthority } from "./timestamp.js";

export interface SealerOptions {
  readonly key: SigningKey;
  readonly records: RecordStore;
  readonly subject: CertificateSubject;
  /** The site's public address: the signatures' /Location. */
  readonly baseUrl: string;
  /** An operator-provided certificate for the key, with its chain (PEM); default self-issued. */
  readonly certificatePem?: string | undefined;
  readonly now: () => Date;
  /** PAdES B-T: a timestamp authority (timestamp.ts) stamps every PDF signature. Left out: B-B. */
  readonly timestamp?: TimestampAuthority | undefined;
}

const encoder = new TextEncoder();

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

export function createSealer(options: SealerOptions): PublicationSealer {
  const certificate = () =>
    ensureCertificate(options.records, options.key, options.subject, options.now(), options.certificatePem);

  /** What every PDF of this publication says in its signature dictionary, and the CMS's room. */
  function reservation(context: SealContext, chain: readonly Uint8Array[]): PdfSignatureReservation {
    const { edition } = context;
    return {
      signingTime: context.publishedAt,
      reason: `Official electronic edition ${edition.year} No. ${edition.issue} (cumulative ${edition.cumulative})`,
      location: options.baseUrl,
      contactInfo: `${options.baseUrl.replace(/\/$/, "")}/verify`,
      contentsBytes: signatureRoom(chain, options.timestamp ? TIMESTAMP_ROOM : 0),
    };
  }

  async function sealPdf(artifact: RenderedArtifact, context: SealContext, chain: Uint8Array[]) {
    // Rendered with the reservation (the publishing renderer): signed by patching the bytes.
    // Otherwise the PDF is loaded and saved once more to add it.
    const prepared = hasReservedSignature(artifact.bytes)
      ? artifact.bytes
      : await preparePdf(artifact.bytes, reservation(context, chain));
    const earlier = await context.existing(artifact.key);
    if (earlier && readEmbeddedSignature(earlier)?.coversWholeFile) {
      // The earlier file's ByteRange is filled in; this one's gets the same once filled.
      const mine = signedPart(fillByteRange(prepared).pdf);
      const theirs = signedPart(earlier);
      if (mine && theirs && sameBytes(mine, theirs)) return earlier;
    }
    return signInPlace(prepared, options.key, chain, { timestamp: options.timestamp });
  }

  const log = new TransparencyLog({
    records: options.records,
    origin: logOrigin(options.baseUrl),
    key: options.key,
  });

  return {
    async signCheckpoint() {
      // The certificate that opens the checkpoint is published first (a log may have entries,
      // backfilled ones, before anything was signed).
      if ((await log.uncheckpointed()) > 0) await certificate();
      await log.checkpoint();
    },

    async reserve(context) {
      const { chain } = await certificate();
      return reservation(context, chain);
    },

    async sealArtifacts(artifacts, context) {
      const { chain } = await certificate();
      const out: RenderedArtifact[] = [];
      for (const artifact of artifacts) {
        if (artifact.authentic && artifact.contentType === "application/pdf") {
          out.push({ ...artifact, bytes: await sealPdf(artifact, context, chain) });
        } else out.push(artifact);
      }
      return out;
    },

    async signManifest(manifest, context) {
      const { entry } = await certificate();
      const header = jwsHeader(entry.fingerprint);
      const before = await context.existing(manifestSignatureKey(manifestKey(context.edition)));
      const parsed = before && parseCompactJws(new TextDecoder().decode(before));
      if (parsed && parsed.signingInput === signingInput(header, manifest)) return before;
      return encoder.encode(`${await signCompactJws(options.key, header, manifest)}\n`);
    },
  };
}
