import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { authorizerFromEnv } from "../../src/cli/auth.js";
import { ApiClient } from "../../src/cli/client.js";
import { run } from "../../src/cli/main.js";
import { type ReceivedRequest, SIGNING_CREDENTIALS, useSigningCredentials } from "../support/signing-env.js";
import { sigv4Problem } from "../support/sigv4-verifier.js";

let restoreEnv: () => void = () => {};

/**
 * The CLI against an API that sends a large answer elsewhere, as the AWS functions do with one too
 * large for Lambda (src/runtime/lambda/response-spill.ts): 303 to a presigned S3 link. Two
 * stand-ins: the API (API Gateway) and the bucket (S3), each recording what it received.
 */
const CSV = '\uFEFF"site_id","site"\r\n"01JSITE1","第1县人民政府"\r\n';

type Answer = (req: ReceivedRequest) => { status: number; headers?: Record<string, string>; body?: string };

async function standIn(answer: Answer) {
  const received: ReceivedRequest[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const got = {
        method: req.method ?? "",
        target: req.url ?? "/",
        headers: req.headers,
        body: new Uint8Array(Buffer.concat(chunks)),
      };
      received.push(got);
      const { status, headers, body } = answer(got);
      res.writeHead(status, headers);
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { received, server, url: `http://127.0.0.1:${port}` };
}

let servers: Server[] = [];

beforeEach(() => {
  servers = [];
  restoreEnv = useSigningCredentials();
});

afterEach(async () => {
  restoreEnv();
  await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** An S3 stand-in that, as S3 does for a presigned link, refuses a request with x-amz-* headers it did not sign. */
async function bucket() {
  const s3 = await standIn((req) =>
    Object.keys(req.headers).some((h) => h.startsWith("x-amz-") || h === "authorization")
      ? { status: 403, body: "<Error><Code>HeadersNotSigned</Code></Error>" }
      : { status: 200, headers: { "content-type": "text/csv; charset=utf-8" }, body: CSV },
  );
  servers.push(s3.server);
  return s3;
}

describe("an answer the API sends to a presigned link", () => {
  test("gazette compliance --csv, signed with SigV4: the link is fetched with none of the request's headers, and the CSV printed", async () => {
    // Prepare
    const s3 = await bucket();
    const link = `${s3.url}/responses/2026-12-06/0c1e6a52-1f43-4c1b-9d8e-6f0f3c2b5a11?X-Amz-Signature=abc`;
    const api = await standIn(() => ({ status: 303, headers: { location: link } }));
    servers.push(api.server);
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), isTTY: false };

    // Act
    const code = await run(["compliance", "--csv"], io, {
      GAZETTE_URL: api.url,
      GAZETTE_AUTH: "iam",
      AWS_REGION: "eu-west-1",
    });

    // Assess
    expect(code).toBe(0);
    expect(sigv4Problem(api.received[0]!, SIGNING_CREDENTIALS)).toBeUndefined();
    expect(s3.received).toHaveLength(1);
    expect(s3.received[0]!.target).toBe(new URL(link).pathname + new URL(link).search);
    expect(Object.keys(s3.received[0]!.headers).filter((h) => /^(x-amz-|authorization)/.test(h))).toEqual([]);
    expect(lines).toEqual(['"site_id","site"\r\n"01JSITE1","第1县人民政府"']);
  });

  test("a redirect on the API's own origin is requested again, signed for its new address", async () => {
    // Prepare
    const api = await standIn(
      (req): ReturnType<Answer> =>
        req.target.startsWith("/api/old")
          ? { status: 307, headers: { location: "/api/new?page=2" } }
          : { status: 200, headers: { "content-type": "application/json" }, body: '{"ok":true}' },
    );
    servers.push(api.server);
    const client = new ApiClient(
      api.url,
      await authorizerFromEnv({ GAZETTE_AUTH: "iam", AWS_REGION: "eu-west-1" }, api.url, undefined),
    );

    // Act
    const { body } = await client.request<{ ok: boolean }>("GET", "/api/old");

    // Assess
    expect(body).toEqual({ ok: true });
    expect(api.received.map((r) => r.target)).toEqual(["/api/old", "/api/new?page=2"]);
    expect(api.received.map((r) => sigv4Problem(r, SIGNING_CREDENTIALS))).toEqual([undefined, undefined]);
  });

  test("a redirect that loops ends with an error, not forever", async () => {
    // Prepare
    const api = await standIn(() => ({ status: 302, headers: { location: "/api/again" } }));
    servers.push(api.server);
    const client = new ApiClient(api.url, "token");

    // Act
    const failed = await client.request("GET", "/api/again").catch((e: Error) => e);

    // Assess
    expect(failed).toBeInstanceOf(Error);
    expect((failed as Error).message).toBe("HTTP 302");
    expect(api.received).toHaveLength(6);
  });
});
