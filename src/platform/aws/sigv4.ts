/**
 * AWS Signature Version 4 for plain HTTP requests, with @smithy/signature-v4 (the SDK's own signer,
 * bundled with the SDK clients anyway): the CLI signs its calls to API Gateway (`execute-api`),
 * the search adapter its calls to an Amazon OpenSearch Service domain (`es`).
 */
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, Provider } from "@smithy/types";

/** Adds authorisation headers to a request whose body is already bytes. */
export type RequestAuthorizer = (request: {
  readonly method: string;
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array | undefined;
}) => Promise<Record<string, string>>;

/** SHA-256 (and HMAC-SHA256 with a key) for the signer, from node:crypto. */
class NodeSha256 {
  #hash: Hash | Hmac;
  readonly #secret: Uint8Array | undefined;

  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.#secret = secret === undefined ? undefined : toBytes(secret);
    this.#hash = this.#fresh();
  }

  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.#hash.update(toBytes(data));
  }

  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.#hash.digest());
  }

  reset(): void {
    this.#hash = this.#fresh();
  }

  #fresh(): Hash | Hmac {
    return this.#secret ? createHmac("sha256", this.#secret) : createHash("sha256");
  }
}

function toBytes(data: string | ArrayBuffer | ArrayBufferView): Uint8Array {
  if (typeof data === "string") return new TextEncoder().encode(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return new Uint8Array(data);
}

/**
 * SigV4 for `service` (default `execute-api`, API Gateway): signs method, path, query, the headers sent and the
 * SHA-256 of the body; a session token (SSO, assumed roles) goes in X-Amz-Security-Token.
 */
export function sigv4(options: {
  readonly region: string;
  readonly credentials: AwsCredentialIdentity | Provider<AwsCredentialIdentity>;
  readonly service?: string;
  readonly now?: () => Date;
}): RequestAuthorizer {
  const signer = new SignatureV4({
    service: options.service ?? "execute-api",
    region: options.region,
    credentials: options.credentials,
    sha256: NodeSha256,
  });
  return async ({ method, url, headers, body }) => {
    const query: Record<string, string | string[]> = {};
    for (const [key, value] of url.searchParams) {
      const existing = query[key];
      query[key] =
        existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
    }
    const signed = await signer.sign(
      {
        method,
        protocol: url.protocol,
        hostname: url.hostname,
        port: url.port ? Number(url.port) : undefined,
        path: url.pathname,
        query,
        headers: { ...headers, host: url.host },
        body,
      },
      { signingDate: options.now?.() },
    );
    // fetch sets Host itself; every other signed header goes out exactly as signed.
    const { host: _host, ...out } = signed.headers;
    return out;
  };
}
