/**
 * How the CLI authorises its calls to the API:
 * - `token`: `Authorization: Bearer <token>` — the local editor token (`npm start`) or, against a
 *   stack deployed with a JWT authoriser, the JWT (GAZETTE_JWT or GAZETTE_EDITOR_TOKEN);
 * - `iam`: AWS Signature Version 4 (service `execute-api`) with credentials from the default
 *   chain (environment, shared config/SSO profile, container or instance role) — the deployed
 *   stack's default, where API Gateway's IAM authoriser checks the signature.
 * GAZETTE_AUTH picks one; left unset, an `*.execute-api.<region>.amazonaws.com` URL means `iam`.
 */
import { createHash, createHmac, type Hash, type Hmac } from "node:crypto";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentity, Provider } from "@smithy/types";
import { UsageError } from "./usage-error.js";

/** Adds authorisation headers to a request whose body is already bytes. */
export type RequestAuthorizer = (request: {
  readonly method: string;
  readonly url: URL;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array | undefined;
}) => Promise<Record<string, string>>;

export function bearer(token: string): RequestAuthorizer {
  return async ({ headers }) => ({ ...headers, authorization: `Bearer ${token}` });
}

/** The region of an API Gateway URL (`{id}.execute-api.{region}.amazonaws.com`), if it is one. */
export function executeApiRegion(url: URL): string | undefined {
  return /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(url.hostname)?.[1];
}

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
 * SigV4 for API Gateway (`execute-api`): signs method, path, query, the headers sent and the
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

/**
 * The authoriser the environment asks for: GAZETTE_AUTH=iam|token (default iam for an API
 * Gateway URL), the token from GAZETTE_JWT or `token`, the region from the URL or AWS_REGION.
 * Credentials come from the AWS SDK's default chain, loaded only when IAM is used.
 */
export async function authorizerFromEnv(
  env: NodeJS.ProcessEnv,
  baseUrl: string,
  token: string | undefined,
): Promise<RequestAuthorizer | undefined> {
  const url = new URL(baseUrl);
  const mode = env.GAZETTE_AUTH?.trim().toLowerCase() || (executeApiRegion(url) ? "iam" : "token");
  if (mode === "iam") {
    const region = executeApiRegion(url) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) {
      throw new UsageError(
        "GAZETTE_AUTH=iam needs the API's region: use its execute-api URL or set AWS_REGION",
      );
    }
    const { defaultProvider } = await import("@aws-sdk/credential-provider-node");
    return sigv4({ region, credentials: defaultProvider() });
  }
  if (mode === "token" || mode === "jwt") {
    const bearerToken = env.GAZETTE_JWT ?? token;
    return bearerToken ? bearer(bearerToken) : undefined;
  }
  throw new UsageError(`GAZETTE_AUTH must be "iam" or "token" (got "${env.GAZETTE_AUTH}")`);
}
