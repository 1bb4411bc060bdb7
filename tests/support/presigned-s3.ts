import { createHash, createHmac } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A small S3 endpoint for presigned PUTs that checks what S3 checks on one: the SigV4 query
 * signature (recomputed here from the request as received, after the AWS Signature Version 4
 * specification, independently of the SDK that signed it), expiry, Content-Length, the
 * x-amz-checksum-sha256 of the body (400 BadDigest) and If-None-Match: * (412 when the key
 * exists). The npm S3 emulators (fauxqs, s3rver) accept such a PUT without checking the
 * signature, the checksum or the condition.
 */
export interface PresignedS3 {
  readonly endpoint: string;
  readonly objects: Map<string, { bytes: Buffer; headers: Record<string, string> }>;
  stop(): Promise<void>;
}

export async function startPresignedS3(credentials: {
  accessKeyId: string;
  secretAccessKey: string;
}): Promise<PresignedS3> {
  const objects = new Map<string, { bytes: Buffer; headers: Record<string, string> }>();
  const server: Server = createServer((req, res) => {
    void handle(req).then(({ status, code }) => {
      res.writeHead(status, { "content-type": "application/xml" });
      res.end(code ? `<Error><Code>${code}</Code></Error>` : "");
    });
  });

  async function handle(req: IncomingMessage): Promise<{ status: number; code?: string }> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (req.method !== "PUT") return { status: 405, code: "MethodNotAllowed" };
    const url = new URL(req.url ?? "/", "http://localhost");
    const query = url.searchParams;
    const signature = query.get("X-Amz-Signature");
    const signedHeaders = query.get("X-Amz-SignedHeaders")?.split(";") ?? [];
    const credential = query.get("X-Amz-Credential")?.split("/") ?? [];
    const amzDate = query.get("X-Amz-Date") ?? "";
    if (!signature || credential.length !== 5 || credential[0] !== credentials.accessKeyId) {
      return { status: 403, code: "AccessDenied" };
    }
    const [, day, region, service] = credential as [string, string, string, string, string];
    const canonicalQuery = [...query.entries()]
      .filter(([name]) => name !== "X-Amz-Signature")
      .map(([name, value]) => [encode(name), encode(value)] as const)
      .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
      .map(([name, value]) => `${name}=${value}`)
      .join("&");
    const headerValue = (name: string) => {
      const value = req.headers[name];
      return (Array.isArray(value) ? value.join(",") : (value ?? "")).trim().replace(/\s+/g, " ");
    };
    const canonicalRequest = [
      "PUT",
      url.pathname,
      canonicalQuery,
      `${signedHeaders.map((name) => `${name}:${headerValue(name)}`).join("\n")}\n`,
      signedHeaders.join(";"),
      "UNSIGNED-PAYLOAD",
    ].join("\n");
    const scope = `${day}/${region}/${service}/aws4_request`;
    const stringToSign = [
      "AWS4-HMAC-SHA256",
      amzDate,
      scope,
      createHash("sha256").update(canonicalRequest).digest("hex"),
    ].join("\n");
    let key: Buffer = hmac(`AWS4${credentials.secretAccessKey}`, day);
    for (const part of [region, service, "aws4_request"]) key = hmac(key, part);
    const expected = createHmac("sha256", key).update(stringToSign).digest("hex");
    if (expected !== signature) return { status: 403, code: "SignatureDoesNotMatch" };

    const signedAt = Date.parse(
      amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, "$1-$2-$3T$4:$5:$6Z"),
    );
    if (Date.now() > signedAt + Number(query.get("X-Amz-Expires")) * 1000) {
      return { status: 403, code: "AccessDenied" };
    }
    if (Number(req.headers["content-length"]) !== body.byteLength) return { status: 400, code: "BadDigest" };
    const checksum = req.headers["x-amz-checksum-sha256"];
    if (typeof checksum === "string" && checksum !== createHash("sha256").update(body).digest("base64")) {
      return { status: 400, code: "BadDigest" };
    }
    const objectKey = decodeURIComponent(url.pathname.replace(/^\/[^/]+\//, ""));
    if (req.headers["if-none-match"] === "*" && objects.has(objectKey)) {
      return { status: 412, code: "PreconditionFailed" };
    }
    objects.set(objectKey, {
      bytes: body,
      headers: Object.fromEntries(signedHeaders.map((name) => [name, headerValue(name)])),
    });
    return { status: 200 };
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    objects,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data).digest();
}

/** RFC 3986 encoding as SigV4 wants it (unreserved characters kept). */
function encode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
