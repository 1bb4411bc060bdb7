/**
 * An RFC 3161 timestamp client (PAdES B-T): asks the timestamp authority at GAZETTE_TSA_URL for a
 * token over a signature value (HTTP POST application/timestamp-query, RFC 3161 section 3.4) and
 * checks the answer before it goes into a signature: granted, over this value's SHA-256, with this
 * request's nonce, signed by the certificate it carries. Anything else is a TimestampError and the
 * publication fails (it is retried): a configured authority is never silently skipped.
 */
import { randomBytes } from "node:crypto";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { MessageImprint, PKIStatus, TimeStampReq, TimeStampResp } from "@peculiar/asn1-tsp";
import { AlgorithmIdentifier } from "@peculiar/asn1-x509";
import { sha256 } from "./key.js";
import { readTimestampToken } from "./timestamp-token.js";

export class TimestampError extends Error {
  override readonly name = "TimestampError";
}

export interface TimestampAuthorityOptions {
  /** The authority's URL (GAZETTE_TSA_URL). */
  readonly url: string;
  /** Default: global fetch. */
  readonly fetch?: typeof fetch | undefined;
  /** Default 10 s. */
  readonly timeoutMs?: number | undefined;
}

/** Gets a timestamp token (DER) over data: the CMS hook of cms.ts (CmsOptions.timestamp). */
export type TimestampAuthority = (data: Uint8Array) => Promise<Uint8Array>;

/** Room a token takes in a PDF's /Contents: the authority's chain included, with headroom. */
export const TIMESTAMP_ROOM = 12 * 1024;

const SHA256_OID = "2.16.840.1.101.3.4.2.1";

function stripZeros(hex: string): string {
  return hex.replace(/^(00)+/, "");
}

export function timestampAuthority(options: TimestampAuthorityOptions): TimestampAuthority {
  const doFetch = options.fetch ?? fetch;
  return async (data) => {
    const nonce = randomBytes(8);
    nonce[0] = (nonce[0]! & 0x7f) | 0x01; // positive, no leading zero: the same INTEGER both ways
    const request = new TimeStampReq({
      version: 1,
      messageImprint: new MessageImprint({
        hashAlgorithm: new AlgorithmIdentifier({ algorithm: SHA256_OID }),
        hashedMessage: new OctetString(sha256(data)),
      }),
      nonce: nonce.buffer.slice(nonce.byteOffset, nonce.byteOffset + nonce.byteLength),
      certReq: true,
    });
    let body: Uint8Array;
    try {
      const res = await doFetch(options.url, {
        method: "POST",
        headers: { "content-type": "application/timestamp-query", accept: "application/timestamp-reply" },
        body: new Uint8Array(AsnConvert.serialize(request)),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (!res.ok) throw new TimestampError(`the timestamp authority answered HTTP ${res.status}`);
      body = new Uint8Array(await res.arrayBuffer());
    } catch (error) {
      if (error instanceof TimestampError) throw error;
      throw new TimestampError(`the timestamp authority cannot be reached: ${(error as Error).message}`);
    }
    let response: TimeStampResp;
    try {
      response = AsnConvert.parse(body, TimeStampResp);
    } catch {
      throw new TimestampError("the timestamp authority's answer is not a TimeStampResp");
    }
    const status = response.status.status;
    if (status !== PKIStatus.granted && status !== PKIStatus.grantedWithMods) {
      const text = response.status.statusString?.join("; ");
      throw new TimestampError(
        `the timestamp authority refused (status ${status}${text ? `: ${text}` : ""})`,
      );
    }
    if (!response.timeStampToken)
      throw new TimestampError("the timestamp authority granted but sent no token");
    const token = new Uint8Array(AsnConvert.serialize(response.timeStampToken));
    let report: ReturnType<typeof readTimestampToken>;
    try {
      report = readTimestampToken(token, data);
    } catch (error) {
      throw new TimestampError(`the timestamp token is unreadable: ${(error as Error).message}`);
    }
    if (!report.imprintMatches)
      throw new TimestampError("the timestamp token is not over the signature value");
    if (stripZeros(report.nonce ?? "") !== stripZeros(nonce.toString("hex")))
      throw new TimestampError("the timestamp token does not carry this request's nonce");
    if (!report.signatureValid)
      throw new TimestampError("the timestamp token's signature does not verify with its certificate");
    return token;
  };
}
