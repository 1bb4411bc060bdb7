/**
 * The AWS adapter of the signing key: an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY). The key
 * never leaves KMS; only the publisher's role may call kms:Sign on it (infra/constructs/
 * gazette-signing.ts). The message is hashed here and sent as a DIGEST, so any size can be signed.
 *
 * KMS is called over its JSON protocol (awsJson1_1: POST / with X-Amz-Target TrentService.<op>),
 * SigV4-signed (platform/aws/sigv4.ts) with the default credential chain, as the search adapter
 * calls OpenSearch: the two operations the signer uses, in place of @aws-sdk/client-kms, whose
 * client (its 48 exception classes, the shapes and endpoint rules of every operation) was ≈ 28 KB
 * of the publisher's package. As the SDK's standard retry mode does, a throttled or failed call
 * (5xx, network) is tried three times in all, with jittered exponential back-off.
 */
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { type RequestAuthorizer, sigv4 } from "../platform/aws/sigv4.js";
import { type SigningKey, sha256 } from "./key.js";

/** One KMS operation: its JSON input → its JSON output; a KmsError when KMS refuses. */
export type KmsCall = (operation: "Sign" | "GetPublicKey", input: object) => Promise<Record<string, unknown>>;

/** KMS refused a call: `name` is its error type (e.g. NotFoundException, DisabledException). */
export class KmsError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

/** Error types KMS answers that another attempt may not get (the SDK retries these too). */
const RETRIED = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "RequestThrottled",
  "RequestLimitExceeded",
  "TooManyRequestsException",
  "LimitExceededException",
  "RequestTimeout",
  "RequestTimeoutException",
  "KMSInternalException",
  "DependencyTimeoutException",
]);

export interface KmsHttpOptions {
  /** Default AWS_REGION. */
  readonly region?: string | undefined;
  /** Default AWS_ENDPOINT_URL_KMS or AWS_ENDPOINT_URL (as the SDK reads them), else KMS's regional endpoint. */
  readonly endpoint?: string | undefined;
  readonly authorize?: RequestAuthorizer | undefined;
  readonly fetch?: typeof fetch | undefined;
  /** Attempts per call, the first included (default 3). */
  readonly attempts?: number | undefined;
  /** Back-off before attempt n (default: up to 100 ms × 2^n, jittered). */
  readonly backoff?: ((attempt: number) => number) | undefined;
}

/** KMS's regional endpoint (the China regions are under amazonaws.com.cn). */
export function kmsEndpoint(region: string): string {
  return `https://kms.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}/`;
}

export function kmsOverHttp(options: KmsHttpOptions = {}): KmsCall {
  const doFetch = options.fetch ?? fetch;
  const attempts = options.attempts ?? 3;
  const backoff = options.backoff ?? ((n: number) => Math.random() * 100 * 2 ** n);
  // Worked out at the first call: constructing the key needs no region.
  let target: { url: URL; authorize: RequestAuthorizer } | undefined;
  const resolve = () => {
    if (target) return target;
    const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
    if (!region) throw new Error("KMS needs a region (AWS_REGION)");
    target = {
      url: new URL(
        options.endpoint ??
          process.env.AWS_ENDPOINT_URL_KMS ??
          process.env.AWS_ENDPOINT_URL ??
          kmsEndpoint(region),
      ),
      authorize: options.authorize ?? sigv4({ region, service: "kms", credentials: defaultProvider() }),
    };
    return target;
  };

  async function once(operation: string, input: object): Promise<Record<string, unknown>> {
    const { url, authorize } = resolve();
    const body = new TextEncoder().encode(JSON.stringify(input));
    const headers = await authorize({
      method: "POST",
      url,
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": `TrentService.${operation}`,
      },
      body,
    });
    const response = await doFetch(url, { method: "POST", headers, body });
    const text = await response.text();
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      if (response.ok)
        throw new KmsError("InvalidResponse", `KMS ${operation} answered no JSON`, response.status);
    }
    if (response.ok) return parsed;
    // awsJson1_1 errors: {"__type": "[namespace#]Name", "message": "…"} (or x-amzn-errortype).
    const type = String(parsed.__type ?? response.headers.get("x-amzn-errortype") ?? `HTTP${response.status}`)
      .split(":")[0]!
      .split("#")
      .at(-1)!;
    const message = String(
      parsed.message ?? parsed.Message ?? `KMS ${operation} answered HTTP ${response.status}`,
    );
    throw new KmsError(type, message, response.status);
  }

  return async (operation, input) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await once(operation, input);
      } catch (error) {
        const retried =
          error instanceof KmsError
            ? RETRIED.has(error.name) || error.status >= 500
            : error instanceof TypeError;
        if (!retried || attempt >= attempts) throw error;
        await new Promise((resolve) => setTimeout(resolve, backoff(attempt)));
      }
    }
  };
}

const bytes = (value: unknown, what: string): Uint8Array => {
  if (typeof value !== "string" || !value) throw new Error(`KMS returned no ${what}`);
  return new Uint8Array(Buffer.from(value, "base64"));
};

export class KmsSigningKey implements SigningKey {
  readonly algorithm = "ES256" as const;
  private spki: Promise<Uint8Array> | undefined;
  private readonly call: KmsCall;

  constructor(
    readonly keyId: string,
    call?: KmsCall,
  ) {
    this.call = call ?? kmsOverHttp();
  }

  publicKey(): Promise<Uint8Array> {
    this.spki ??= this.call("GetPublicKey", { KeyId: this.keyId }).then((out) => {
      if (out.KeySpec !== "ECC_NIST_P256" || out.KeyUsage !== "SIGN_VERIFY" || !out.PublicKey) {
        throw new Error(`KMS key ${this.keyId} is not an ECC_NIST_P256 SIGN_VERIFY key`);
      }
      return bytes(out.PublicKey, "public key");
    });
    this.spki.catch(() => {
      this.spki = undefined;
    });
    return this.spki;
  }

  async sign(data: Uint8Array): Promise<Uint8Array> {
    const out = await this.call("Sign", {
      KeyId: this.keyId,
      Message: Buffer.from(sha256(data)).toString("base64"),
      MessageType: "DIGEST",
      SigningAlgorithm: "ECDSA_SHA_256",
    });
    if (!out.Signature) throw new Error(`KMS returned no signature for ${this.keyId}`);
    return bytes(out.Signature, "signature");
  }
}
