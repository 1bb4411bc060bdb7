import { createHash, createHmac } from "node:crypto";

/**
 * Checks an `Authorization: AWS4-HMAC-SHA256 …` header as API Gateway's IAM authoriser does,
 * recomputed here after the AWS Signature Version 4 specification (independently of the SDK that
 * signed it): canonical request (method, doubly encoded path, sorted query, the signed headers as
 * received, SHA-256 of the body), string to sign, signing key derived from the secret. Returns
 * undefined when the signature holds, else why not.
 */
export function sigv4Problem(
  request: {
    readonly method: string;
    /** Path and query as they came on the wire (percent-encoded). */
    readonly target: string;
    readonly headers: Readonly<Record<string, string | string[] | undefined>>;
    readonly body: Uint8Array;
  },
  credentials: { readonly accessKeyId: string; readonly secretAccessKey: string },
  service = "execute-api",
): string | undefined {
  const header = String(request.headers.authorization ?? "");
  const m =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
      header,
    );
  if (!m) return "no SigV4 Authorization header";
  const [, keyId, day, region, signedService, signedHeaders, signature] = m as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (keyId !== credentials.accessKeyId) return "unknown access key";
  if (signedService !== service) return `signed for ${signedService}`;
  const amzDate = String(request.headers["x-amz-date"] ?? "");
  if (!amzDate.startsWith(day)) return "X-Amz-Date does not match the credential scope";
  const names = signedHeaders.split(";");
  if (!names.includes("host") || !names.includes("x-amz-date")) return "host and x-amz-date must be signed";

  const url = new URL(request.target, "http://localhost");
  const canonicalPath = url.pathname
    .split("/")
    .map((segment) => encode(segment))
    .join("/");
  const canonicalQuery = [...url.searchParams.entries()]
    .map(([name, value]) => [encode(name), encode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
  const value = (name: string) => {
    const v = request.headers[name];
    return (Array.isArray(v) ? v.join(",") : (v ?? "")).trim().replace(/\s+/g, " ");
  };
  const payloadHash = createHash("sha256").update(request.body).digest("hex");
  const canonicalRequest = [
    request.method,
    canonicalPath,
    canonicalQuery,
    `${names.map((name) => `${name}:${value(name)}`).join("\n")}\n`,
    signedHeaders,
    payloadHash,
  ].join("\n");
  const stringToSign = [
    "AWS4-HMAC-SHA256",
    amzDate,
    `${day}/${region}/${service}/aws4_request`,
    createHash("sha256").update(canonicalRequest).digest("hex"),
  ].join("\n");
  let key = createHmac("sha256", `AWS4${credentials.secretAccessKey}`).update(day).digest();
  for (const part of [region, service, "aws4_request"]) key = createHmac("sha256", key).update(part).digest();
  const expected = createHmac("sha256", key).update(stringToSign).digest("hex");
  return expected === signature ? undefined : "signature does not match";
}

/** RFC 3986 encoding as SigV4 wants it (unreserved characters kept). */
function encode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
