import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { authorizerFromEnv, executeApiRegion } from "../../src/cli/auth.js";
import { ApiClient } from "../../src/cli/client.js";
import { run } from "../../src/cli/main.js";
import { type ReceivedRequest, SIGNING_CREDENTIALS, useSigningCredentials } from "../support/signing-env.js";
import { sigv4Problem } from "../support/sigv4-verifier.js";

let restoreEnv: () => void = () => {};

let server: Server;
let baseUrl: string;
let received: ReceivedRequest[];

beforeEach(async () => {
  received = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      received.push({
        method: req.method ?? "",
        target: req.url ?? "/",
        headers: req.headers,
        body: new Uint8Array(Buffer.concat(chunks)),
      });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ items: [], nextCursor: null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The default credential chain reads the environment first.
  restoreEnv = useSigningCredentials();
});

afterEach(async () => {
  restoreEnv();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const iamEnv = () => ({ GAZETTE_URL: baseUrl, GAZETTE_AUTH: "iam", AWS_REGION: "eu-west-1" });
const quietIo = () => {
  const lines: string[] = [];
  return {
    lines,
    io: { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l), isTTY: false },
  };
};

describe("gazette against a deployed IAM API", () => {
  it("signs a command's request with SigV4 from the default credential chain, which an IAM authoriser accepts", async () => {
    // Prepare
    const { io } = quietIo();

    // Act
    const code = await run(["list"], io, iamEnv());

    // Assess
    expect(code).toBe(0);
    expect(received).toHaveLength(1);
    const [request] = received as [ReceivedRequest];
    expect(request.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLEGAZETTE\/\d{8}\/eu-west-1\/execute-api\/aws4_request, SignedHeaders=[a-z0-9;-]*host;[a-z0-9;-]*x-amz-date[a-z0-9;-]*, Signature=[0-9a-f]{64}$/,
    );
    expect(request.headers["x-amz-security-token"]).toBe(SIGNING_CREDENTIALS.sessionToken);
    expect(sigv4Problem(request, SIGNING_CREDENTIALS)).toBeUndefined();
  });

  it("signs the exact bytes of JSON and multipart bodies and query strings; changed bytes no longer verify", async () => {
    // Prepare
    const authorize = await authorizerFromEnv(iamEnv(), baseUrl, undefined);
    const api = new ApiClient(baseUrl, authorize);
    const form = new FormData();
    form.append("year", "1985");
    form.append("files", new Blob([new Uint8Array([1, 2, 3])], { type: "image/png" }), "001.png");

    // Act
    await api.request("POST", "/api/documents", {
      body: JSON.stringify({ title: "关于保护森林资源的通知" }),
      headers: { "content-type": "application/json", "idempotency-key": "k-1" },
    });
    await api.request("POST", "/api/archive/scans", { body: form });
    await api.request("GET", "/api/archive/items?review=true&cursor=a%2Fb");

    // Assess
    expect(received.map((r) => sigv4Problem(r, SIGNING_CREDENTIALS))).toEqual([
      undefined,
      undefined,
      undefined,
    ]);
    expect(String(received[1]?.headers["content-type"])).toMatch(/^multipart\/form-data; boundary=/);
    const tampered = { ...received[0]!, body: new TextEncoder().encode('{"title":"另一份"}') };
    expect(sigv4Problem(tampered, SIGNING_CREDENTIALS)).toBe("signature does not match");
    const otherSecret = { ...SIGNING_CREDENTIALS, secretAccessKey: "not-the-secret" };
    expect(sigv4Problem(received[2]!, otherSecret)).toBe("signature does not match");
  });

  it("leaves a presigned upload unsigned: its URL carries its own authorisation", async () => {
    // Prepare
    const api = new ApiClient(baseUrl, await authorizerFromEnv(iamEnv(), baseUrl, undefined));

    // Act
    await api.request("PUT", "/bucket/archive/scans/x.png?X-Amz-Signature=abc", {
      body: new Uint8Array([1]),
      anonymous: true,
    });

    // Assess
    expect(received[0]?.headers.authorization).toBeUndefined();
    expect(received[0]?.headers["x-amz-date"]).toBeUndefined();
  });

  it("uses IAM by default for an execute-api URL, with the region from its host name", async () => {
    // Prepare
    const url = "https://a1b2c3d4e5.execute-api.ap-east-1.amazonaws.com/";

    // Act
    const authorize = await authorizerFromEnv({}, url, "local-editor-token");
    const headers = await authorize!({
      method: "GET",
      url: new URL("/api/editions", url),
      headers: {},
      body: undefined,
    });

    // Assess
    expect(executeApiRegion(new URL(url))).toBe("ap-east-1");
    expect(headers.authorization).toMatch(/\/ap-east-1\/execute-api\/aws4_request/);
  });
});

describe("gazette against a JWT stack, and bad settings", () => {
  it("sends the JWT as a bearer token and no SigV4 headers", async () => {
    // Prepare
    const { io } = quietIo();

    // Act
    const code = await run(["list"], io, {
      GAZETTE_URL: baseUrl,
      GAZETTE_AUTH: "token",
      GAZETTE_JWT: "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJlZGl0b3IifQ.c2ln",
    });

    // Assess
    expect(code).toBe(0);
    expect(received[0]?.headers.authorization).toBe(
      "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJlZGl0b3IifQ.c2ln",
    );
    expect(received[0]?.headers["x-amz-date"]).toBeUndefined();
  });

  it("exits 2 naming the setting when GAZETTE_AUTH is unknown or IAM has no region", async () => {
    // Prepare
    const unknown = quietIo();
    const noRegion = quietIo();

    // Act
    const unknownCode = await run(["list"], unknown.io, {
      GAZETTE_URL: baseUrl,
      GAZETTE_AUTH: "kerberos",
    });
    const noRegionCode = await run(["list"], noRegion.io, {
      GAZETTE_URL: baseUrl,
      GAZETTE_AUTH: "iam",
    });

    // Assess
    expect(unknownCode).toBe(2);
    expect(unknown.lines.join("\n")).toContain("GAZETTE_AUTH");
    expect(noRegionCode).toBe(2);
    expect(noRegion.lines.join("\n")).toContain("AWS_REGION");
    expect(received).toEqual([]);
  });
});
