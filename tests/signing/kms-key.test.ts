import { generateKeyPairSync, sign } from "node:crypto";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sigv4 } from "../../src/platform/aws/sigv4.js";
import { readCertificate, selfIssueCertificate } from "../../src/signing/certificate.js";
import { sha256, verifyWith } from "../../src/signing/key.js";
import { KmsError, KmsSigningKey, kmsEndpoint, kmsOverHttp } from "../../src/signing/kms-key.js";

/**
 * The publisher signs with a KMS key over KMS's JSON protocol (src/signing/kms-key.ts). A KMS in
 * the test process answers GetPublicKey and Sign as KMS does (awsJson1_1), with a P-256 key of
 * its own, and records each request; it can be told to throttle or to refuse.
 */
interface Seen {
  readonly target: string | undefined;
  readonly contentType: string | undefined;
  readonly authorization: string | undefined;
  readonly body: Record<string, unknown>;
}

describe("the KMS signing key, over KMS's JSON protocol", () => {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const spki = publicKey.export({ format: "der", type: "spki" });
  const seen: Seen[] = [];
  /** Answers to give before the real one, e.g. throttling. */
  const queued: Array<{ status: number; body: unknown }> = [];
  let keySpec = "ECC_NIST_P256";
  let server: ReturnType<typeof createServer>;
  let endpoint: string;

  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = "";
      req.on("data", (chunk) => {
        text += chunk;
      });
      req.on("end", () => resolve(text));
    });

  beforeAll(async () => {
    server = createServer(async (req, res) => {
      const body = JSON.parse(await read(req)) as Record<string, unknown>;
      const target = req.headers["x-amz-target"] as string | undefined;
      seen.push({
        target,
        contentType: req.headers["content-type"],
        authorization: req.headers.authorization,
        body,
      });
      const reply = (status: number, json: unknown) => {
        res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
        res.end(JSON.stringify(json));
      };
      const next = queued.shift();
      if (next) return reply(next.status, next.body);
      if (body.KeyId === "gone")
        return reply(400, {
          __type: "com.amazonaws.kms#NotFoundException",
          message: "Key 'gone' does not exist",
        });
      if (target === "TrentService.GetPublicKey")
        return reply(200, {
          KeyId: body.KeyId,
          KeySpec: keySpec,
          KeyUsage: "SIGN_VERIFY",
          PublicKey: Buffer.from(spki).toString("base64"),
        });
      if (target === "TrentService.Sign" && body.MessageType === "DIGEST") {
        const digest = Buffer.from(String(body.Message), "base64");
        // KMS signs the digest itself; Node has no ECDSA over a given digest, so this KMS signs
        // the digest it is sent as a message (SHA-256 of it): the key hands back what KMS returns.
        const signature = sign("sha256", digest, { key: privateKey, dsaEncoding: "der" });
        return reply(200, {
          KeyId: body.KeyId,
          Signature: signature.toString("base64"),
          SigningAlgorithm: body.SigningAlgorithm,
        });
      }
      return reply(400, { __type: "ValidationException", message: "unexpected" });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const key = (id = "arn:aws:kms:eu-west-1:123456789012:key/k") =>
    new KmsSigningKey(
      id,
      kmsOverHttp({
        region: "eu-west-1",
        endpoint,
        authorize: sigv4({
          region: "eu-west-1",
          service: "kms",
          credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
        }),
        backoff: () => 1,
      }),
    );

  it("issues a certificate and signs with the key in KMS: GetPublicKey and Sign, SigV4-signed for kms", async () => {
    // Prepare
    seen.length = 0;
    const kmsKey = key();

    // Act
    const certificate = readCertificate(
      await selfIssueCertificate(
        kmsKey,
        { name: "公报", publisher: "办公厅" },
        new Date("2026-01-01T00:00:00Z"),
      ),
    );
    const data = new TextEncoder().encode("签名的内容");
    const signature = await kmsKey.sign(data);

    // Assess
    expect(Buffer.from(certificate.publicKey).equals(Buffer.from(spki))).toBe(true);
    expect(verifyWith(publicKey, sha256(certificate.tbs), certificate.signatureValue)).toBe(true);
    expect(verifyWith(publicKey, sha256(data), signature)).toBe(true);
    expect(seen.map((s) => s.target)).toEqual([
      "TrentService.GetPublicKey",
      "TrentService.Sign",
      "TrentService.Sign",
    ]);
    for (const s of seen) {
      expect(s.contentType).toBe("application/x-amz-json-1.1");
      expect(s.authorization).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/kms\/aws4_request, SignedHeaders=.*x-amz-target.*, Signature=[0-9a-f]{64}$/,
      );
    }
    expect(seen[2]!.body).toEqual({
      KeyId: "arn:aws:kms:eu-west-1:123456789012:key/k",
      Message: Buffer.from(sha256(data)).toString("base64"),
      MessageType: "DIGEST",
      SigningAlgorithm: "ECDSA_SHA_256",
    });
  });

  it("gives KMS's refusal with its error type, at once", async () => {
    // Prepare
    seen.length = 0;

    // Act
    const error = await key("gone")
      .sign(new Uint8Array([1]))
      .catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(KmsError);
    expect(error).toMatchObject({
      name: "NotFoundException",
      status: 400,
      message: "Key 'gone' does not exist",
    });
    expect(seen).toHaveLength(1);
  });

  it("tries a throttled or failed call again, three times in all", async () => {
    // Prepare
    seen.length = 0;
    queued.push(
      { status: 400, body: { __type: "ThrottlingException", message: "Rate exceeded" } },
      { status: 500, body: { __type: "KMSInternalException", message: "internal" } },
    );

    // Act
    const signature = await key().sign(new Uint8Array([1, 2]));
    queued.push(
      ...[1, 2, 3].map(() => ({
        status: 400,
        body: { __type: "ThrottlingException", message: "Rate exceeded" },
      })),
    );
    const error = await key()
      .sign(new Uint8Array([3]))
      .catch((e: unknown) => e);

    // Assess
    expect(signature.length).toBeGreaterThan(8);
    expect(error).toMatchObject({ name: "ThrottlingException" });
    expect(seen).toHaveLength(6);
  });

  it("refuses a key that is not an ECC_NIST_P256 signing key", async () => {
    keySpec = "RSA_2048";
    try {
      await expect(key().publicKey()).rejects.toThrow(/not an ECC_NIST_P256 SIGN_VERIFY key/);
    } finally {
      keySpec = "ECC_NIST_P256";
    }
  });

  it("calls KMS's regional endpoint, under amazonaws.com.cn in the China regions", () => {
    expect(kmsEndpoint("eu-west-1")).toBe("https://kms.eu-west-1.amazonaws.com/");
    expect(kmsEndpoint("cn-north-1")).toBe("https://kms.cn-north-1.amazonaws.com.cn/");
    expect(kmsEndpoint("cn-northwest-1")).toBe("https://kms.cn-northwest-1.amazonaws.com.cn/");
  });
});
