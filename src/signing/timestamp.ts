/**
 * An RFC 3161 timestamp client (PAdES B-T): asks the timestamp authority at GAZETTE_TSA_URL for a
 * token over a signature value (HTTP POST application/timestamp-query, RFC 3161 section 3.4) and
 * checks the answer before it goes into a signature: granted, over this value's SHA-256, with this
 * request's nonce, signed by the certificate it carries. Anything else is a TimestampError and the
 * publication fails (it is retried): a configured authority is never silently skipped.
 */
import { randomBytes } from "node:crypto";
import {
  BOOLEAN,
  children,
  type DerElement,
  der,
  derOid,
  derSmallInteger,
  expectTag,
  INTEGER,
  OCTET_STRING,
  parseDer,
  readSmallInteger,
  readString,
  SEQUENCE,
} from "./der.js";
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

/** PKIStatus values that grant a token (RFC 3161 2.4.2): granted, grantedWithMods. */
const GRANTED = new Set([0, 1]);

/**
 * TimeStampReq ::= SEQUENCE { version INTEGER (v1), messageImprint SEQUENCE { hashAlgorithm,
 *   hashedMessage OCTET STRING }, nonce INTEGER, certReq BOOLEAN TRUE }
 */
export function timestampRequest(data: Uint8Array, nonce: Uint8Array): Uint8Array {
  return der(
    SEQUENCE,
    derSmallInteger(1),
    der(SEQUENCE, der(SEQUENCE, derOid(SHA256_OID)), der(OCTET_STRING, sha256(data))),
    der(INTEGER, nonce),
    der(BOOLEAN, new Uint8Array([0xff])),
  );
}

/**
 * TimeStampResp ::= SEQUENCE { status PKIStatusInfo SEQUENCE { status INTEGER, statusString
 *   SEQUENCE OF UTF8String OPTIONAL, failInfo BIT STRING OPTIONAL }, timeStampToken OPTIONAL }
 */
function readTimestampResponse(body: Uint8Array): { status: number; text: string[]; token?: DerElement } {
  const [statusInfo, token] = children(expectTag(parseDer(body), SEQUENCE, "the TimeStampResp"));
  const [status, ...rest] = children(expectTag(statusInfo, SEQUENCE, "the PKIStatusInfo"));
  const free = rest.find((e) => e.tag === SEQUENCE);
  return {
    status: readSmallInteger(status!),
    text: free ? children(free).map((s) => readString(s) ?? "") : [],
    ...(token ? { token: expectTag(token, SEQUENCE, "the timestamp token") } : {}),
  };
}

function stripZeros(hex: string): string {
  return hex.replace(/^(00)+/, "");
}

export function timestampAuthority(options: TimestampAuthorityOptions): TimestampAuthority {
  const doFetch = options.fetch ?? fetch;
  return async (data) => {
    const nonce = randomBytes(8);
    nonce[0] = (nonce[0]! & 0x7f) | 0x01; // positive, no leading zero: the same INTEGER both ways
    let body: Uint8Array;
    try {
      const res = await doFetch(options.url, {
        method: "POST",
        headers: { "content-type": "application/timestamp-query", accept: "application/timestamp-reply" },
        body: new Uint8Array(timestampRequest(data, nonce)),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (!res.ok) throw new TimestampError(`the timestamp authority answered HTTP ${res.status}`);
      body = new Uint8Array(await res.arrayBuffer());
    } catch (error) {
      if (error instanceof TimestampError) throw error;
      throw new TimestampError(`the timestamp authority cannot be reached: ${(error as Error).message}`);
    }
    let response: ReturnType<typeof readTimestampResponse>;
    try {
      response = readTimestampResponse(body);
    } catch {
      throw new TimestampError("the timestamp authority's answer is not a TimeStampResp");
    }
    if (!GRANTED.has(response.status)) {
      const text = response.text.join("; ");
      throw new TimestampError(
        `the timestamp authority refused (status ${response.status}${text ? `: ${text}` : ""})`,
      );
    }
    if (!response.token) throw new TimestampError("the timestamp authority granted but sent no token");
    const token = response.token.bytes;
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
