/**
 * JWS (RFC 7515) compact serialization with ES256, signed through the SigningKey port: the
 * manifest is the payload, so any JOSE library verifies it with the certificate's public key.
 * The header names the certificate by its SHA-256 thumbprint (x5t#S256) and fingerprint (kid).
 */
import { base64url, derToP1363, type SigningKey, verifyWith } from "./key.js";

export interface JwsHeader {
  readonly alg: "ES256";
  readonly kid: string;
  readonly "x5t#S256": string;
  readonly typ: string;
  readonly cty: string;
}

export function jwsHeader(fingerprintHex: string): JwsHeader {
  return {
    alg: "ES256",
    kid: fingerprintHex,
    "x5t#S256": base64url(Buffer.from(fingerprintHex, "hex")),
    typ: "JOSE",
    cty: "json",
  };
}

/** The signing input of a compact JWS: what is signed and what must match on reuse. */
export function signingInput(header: JwsHeader, payload: Uint8Array): string {
  return `${base64url(JSON.stringify(header))}.${base64url(payload)}`;
}

export async function signCompactJws(
  key: SigningKey,
  header: JwsHeader,
  payload: Uint8Array,
): Promise<string> {
  const input = signingInput(header, payload);
  const signature = derToP1363(await key.sign(new TextEncoder().encode(input)));
  return `${input}.${base64url(signature)}`;
}

export interface ParsedJws {
  readonly header: Record<string, unknown>;
  readonly payload: Uint8Array;
  readonly signingInput: string;
  readonly signature: Uint8Array;
}

export function parseCompactJws(jws: string): ParsedJws | undefined {
  const parts = jws.trim().split(".");
  if (parts.length !== 3) return undefined;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8")) as unknown;
    if (typeof header !== "object" || header === null || Array.isArray(header)) return undefined;
    return {
      header: header as Record<string, unknown>,
      payload: new Uint8Array(Buffer.from(parts[1]!, "base64url")),
      signingInput: `${parts[0]}.${parts[1]}`,
      signature: new Uint8Array(Buffer.from(parts[2]!, "base64url")),
    };
  } catch {
    return undefined;
  }
}

/** Whether a compact ES256 JWS verifies with the public key (DER SPKI). */
export function verifyCompactJws(jws: ParsedJws, spki: Uint8Array): boolean {
  if (jws.header.alg !== "ES256") return false;
  return verifyWith(spki, new TextEncoder().encode(jws.signingInput), jws.signature, "ieee-p1363");
}
