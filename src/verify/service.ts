/**
 * POST /api/verify and /verify: which published file a copy is, whether its signature and hash
 * hold, when it was published, and the log's proof that its edition's manifest is in the log.
 *
 * A published file is found by its SHA-256 (the artifact index written with the log entry, see
 * transparency/publication-log.ts). A PDF's own signature is checked against the keyring, so a
 * copy that was changed (a tampered byte), signed elsewhere (another deployment) or never
 * published is told apart.
 */

import { createHash } from "node:crypto";
import type { RecordStore } from "../platform/ports.js";
import { type CertificateInfo, fromPem, readCertificate } from "../signing/certificate.js";
import { listKeyring } from "../signing/keyring.js";
import { leafData, TransparencyLog } from "../transparency/log.js";
import { leafHash } from "../transparency/merkle.js";
import { type ArtifactIndexEntry, artifactKeys } from "../transparency/publication-log.js";
import { checkPdfSignature, type PdfSignatureReport } from "./pdf-signature.js";

export type Verdict =
  /** Published here, unchanged; a PDF's signature valid and ours; its manifest in the log. */
  | "authentic"
  /** A PDF whose signature no longer matches its bytes, or with content appended after signing. */
  | "tampered"
  /** Validly signed, but not by this gazette's keys. */
  | "foreign"
  /** Not a file this gazette published (nothing says it was changed: it is simply unknown). */
  | "unknown";

export interface VerificationReport {
  readonly sha256: string;
  readonly verdict: Verdict;
  /** One line per finding, for people. */
  readonly reasons: readonly string[];
  readonly published: ArtifactIndexEntry | null;
  readonly signature: PdfSignatureReport | null;
  readonly log: {
    readonly index: number;
    readonly size: number;
    readonly leafHash: string;
    readonly inclusionProof: readonly string[];
    readonly checkpoint: string | null;
  } | null;
}

const hexSha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

export class VerificationService {
  private readonly log: TransparencyLog;

  constructor(
    private readonly records: RecordStore,
    origin: string,
  ) {
    this.log = new TransparencyLog({ records, origin });
  }

  async trustedCertificates(): Promise<CertificateInfo[]> {
    return (await listKeyring(this.records)).flatMap((e) => fromPem(e.pem).slice(0, 1).map(readCertificate));
  }

  async verifyFile(bytes: Uint8Array): Promise<VerificationReport> {
    const isPdf = Buffer.from(bytes.subarray(0, 5)).toString("latin1") === "%PDF-";
    const signature = isPdf ? checkPdfSignature(bytes, await this.trustedCertificates()) : null;
    return this.report(hexSha256(bytes), signature);
  }

  async verifyHash(sha256: string): Promise<VerificationReport> {
    return this.report(sha256.toLowerCase(), null);
  }

  private async report(sha256: string, signature: PdfSignatureReport | null): Promise<VerificationReport> {
    const published = (await this.records.get<ArtifactIndexEntry>(artifactKeys(sha256)))?.data ?? null;
    const reasons: string[] = [];
    let log: VerificationReport["log"] = null;
    if (published) {
      reasons.push(
        `published at ${published.url} in edition ${published.edition.year}年第${published.edition.issue}期（总第${published.edition.cumulative}期） on ${published.publishedAt}`,
      );
      const leaf = Buffer.from(leafHash(leafData(published.logEntry))).toString("hex");
      const index = await this.log.indexOf(leaf);
      const latest = await this.log.latestCheckpoint();
      if (index !== undefined && latest && index < latest.size) {
        const proof = await this.log.inclusion(index, latest.size);
        log = {
          index,
          size: latest.size,
          leafHash: leaf,
          inclusionProof: proof.map((h) => Buffer.from(h).toString("base64")),
          checkpoint: latest.note,
        };
        reasons.push(
          `its manifest is entry ${index} of the log, proven in the checkpoint of ${latest.size} entries`,
        );
      } else {
        reasons.push("its manifest is not yet covered by a signed checkpoint of the log");
      }
    }
    let verdict: Verdict;
    if (signature?.present && !signature.valid) {
      verdict = "tampered";
      reasons.push(`signature: ${signature.problem}`);
    } else if (signature?.present && !signature.trusted) {
      verdict = "foreign";
      reasons.push(`signed by ${signature.signer?.subject ?? "an unknown signer"}, not by this gazette`);
    } else if (published) {
      verdict = "authentic";
      if (signature && !signature.present)
        reasons.push(
          "it carries no signature: published before the gazette signed its files, it is vouched for by its SHA-256 in the logged manifest",
        );
      if (signature?.valid)
        reasons.push(`signature valid, by ${signature.signer?.commonName ?? signature.signer?.subject}`);
    } else {
      verdict = "unknown";
      reasons.push("no file with this SHA-256 was published here");
    }
    return { sha256, verdict, reasons, published, signature, log };
  }
}
