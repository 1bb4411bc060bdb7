import { randomBytes } from "node:crypto";
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import fc from "fast-check";
import { interceptLocalhostDns, startFauxqs } from "fauxqs";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { createTableIfMissing } from "../../src/platform/aws/index.js";
import { S3ResponseSpill } from "../../src/platform/aws/response-spill.js";
import { createApiHandler } from "../../src/runtime/lambda/api.js";
import { createConsoleHandler } from "../../src/runtime/lambda/api-console.js";
import { apiGatewayHandler, type ProxyResult } from "../../src/runtime/lambda/api-gateway.js";
import { createRepostsApiHandler } from "../../src/runtime/lambda/api-reposts.js";
import { resultBytes, withBase, withResponseSpill } from "../../src/runtime/lambda/response-spill.js";
import {
  EMULATOR_CREDENTIALS,
  EMULATOR_REGION,
  type Emulators,
  startEmulators,
} from "../support/aws-emulators.js";
import { httpApiEvent, lambdaContext } from "../support/events.js";

/**
 * An API function's answer larger than Lambda may return (6 MB) goes to the staging bucket and the
 * client is sent to it (src/runtime/lambda/response-spill.ts), here on fauxqs's S3.
 */

const BUCKET = "gazette-staging";
let fauxqs: Awaited<ReturnType<typeof startFauxqs>>;
let restoreDns: () => void;

beforeAll(async () => {
  fauxqs = await startFauxqs({ port: 0, logger: false });
  fauxqs.createBucket(BUCKET);
  // The functions' own S3 client (virtual-hosted URLs, endpoint from AWS_ENDPOINT_URL_S3 as the
  // SDK reads it) reaches fauxqs through <bucket>.s3.localhost.
  restoreDns = interceptLocalhostDns();
});

afterAll(async () => {
  restoreDns();
  await fauxqs.stop();
});

function spillTo(bucket = BUCKET) {
  return new S3ResponseSpill(bucket, {
    endpoint: fauxqs.address,
    forcePathStyle: true,
    region: EMULATOR_REGION,
    credentials: EMULATOR_CREDENTIALS,
  });
}

/** An app with the answers a test needs, behind hono's API Gateway adapter. */
function appHandler(routes: (app: Hono) => void) {
  const app = new Hono();
  routes(app);
  const inner = apiGatewayHandler(app);
  return (path: string) => inner(httpApiEvent({ method: "GET", path }), lambdaContext);
}

/** 2,000 rows of a compliance CSV: ~110 KB, Chinese names. */
const CSV = `\uFEFF"site_id","site"\r\n${Array.from({ length: 2000 }, (_, i) => `"site-${i}","第${i}县人民政府"\r\n`).join("")}`;

describe("an API answer too large for Lambda goes to the staging bucket", () => {
  test("the compliance CSV over the limit: 303 to a link that serves the same bytes, as a download with its name", async () => {
    // Prepare
    const call = appHandler((app) =>
      app.get(
        "/api/compliance",
        () =>
          new Response(CSV, {
            headers: {
              "content-type": "text/csv; charset=utf-8",
              "content-disposition": 'attachment; filename="compliance.csv"',
            },
          }),
      ),
    );
    const handler = withResponseSpill(call, spillTo(), { limitBytes: 50_000 });

    // Act
    const res = await handler("/api/compliance");
    const download = await fetch(String(res.headers?.location));

    // Assess
    expect(res.statusCode).toBe(303);
    expect(res.headers?.["cache-control"]).toBe("no-store");
    expect(res.body).toContain(`${Buffer.byteLength(CSV)} bytes`);
    expect(new URL(String(res.headers?.location)).searchParams.get("X-Amz-Expires")).toBe("900");
    expect(download.status).toBe(200);
    expect(download.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    // S3's documented override, signed into the link (fauxqs does not keep dispositions).
    expect(new URL(String(res.headers?.location)).searchParams.get("response-content-disposition")).toBe(
      'attachment; filename="compliance.csv"',
    );
    expect(Buffer.from(await download.arrayBuffer()).equals(Buffer.from(CSV))).toBe(true);
  });

  test("the compliance CSV keeps its byte-order mark through the API Gateway adapter (passed as base64)", async () => {
    // Prepare
    const call = appHandler((app) =>
      app.get(
        "/api/compliance",
        () => new Response(CSV, { headers: { "content-type": "text/csv; charset=utf-8" } }),
      ),
    );

    // Act
    const res = await call("/api/compliance");

    // Assess
    expect(res.isBase64Encoded).toBe(true);
    expect(Buffer.from(res.body, "base64").equals(Buffer.from(CSV))).toBe(true);
  });

  test("an answer whose result is exactly the limit is returned as it is; one byte more is spilled", async () => {
    // Prepare
    const call = appHandler((app) => app.get("/", (c) => c.text(CSV.slice(1))));
    const exact = resultBytes(await call("/"));

    // Act
    const atLimit = await withResponseSpill(call, spillTo(), { limitBytes: exact })("/");
    const over = await withResponseSpill(call, spillTo(), { limitBytes: exact - 1 })("/");

    // Assess
    expect(atLimit.statusCode).toBe(200);
    expect(atLimit.body).toBe(CSV.slice(1));
    expect(over.statusCode).toBe(303);
  });

  test("the limit counts the result as Lambda serialises it: 6,000 quotes weigh over 12,000 bytes", async () => {
    // Prepare
    const quotes = '"'.repeat(6000);
    const call = appHandler((app) => app.get("/", (c) => c.text(quotes)));

    // Act
    const res = await withResponseSpill(call, spillTo(), { limitBytes: 10_000 })("/");

    // Assess
    expect(res.statusCode).toBe(303);
    expect(await (await fetch(String(res.headers?.location))).text()).toBe(quotes);
  });

  test("a binary answer (a PDF, base64 in the result) comes back byte for byte", async () => {
    // Prepare
    const pdf = randomBytes(60_000);
    const call = appHandler((app) =>
      app.get("/edition.pdf", () => new Response(pdf, { headers: { "content-type": "application/pdf" } })),
    );
    expect((await call("/edition.pdf")).isBase64Encoded).toBe(true);

    // Act
    const res = await withResponseSpill(call, spillTo(), { limitBytes: 50_000 })("/edition.pdf");
    const download = await fetch(String(res.headers?.location));

    // Assess
    expect(res.statusCode).toBe(303);
    expect(download.headers.get("content-type")).toBe("application/pdf");
    expect(Buffer.from(await download.arrayBuffer()).equals(pdf)).toBe(true);
  });

  test("the cookies an answer sets stay on the redirect", async () => {
    // Prepare
    const call = appHandler((app) =>
      app.get("/console/compliance", (c) => {
        c.header("set-cookie", "gazette_console_jwt=renewed; Path=/; HttpOnly; Secure");
        return c.html(`<table>${CSV}</table>`);
      }),
    );

    // Act
    const res = await withResponseSpill(call, spillTo(), { limitBytes: 50_000 })("/console/compliance");

    // Assess
    expect(res.statusCode).toBe(303);
    expect(res.cookies).toEqual(["gazette_console_jwt=renewed; Path=/; HttpOnly; Secure"]);
  });

  test("whatever the body (any UTF-16, escapes, surrogates) and the limit, an answer is spilled exactly when its result's JSON is over the limit", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: "binary", maxLength: 3000 }),
        fc.integer({ min: 1, max: 80_000 }),
        async (body, limitBytes) => {
          // Prepare
          const result: ProxyResult = {
            statusCode: 200,
            headers: { "content-type": "text/html; charset=utf-8" },
            body,
            isBase64Encoded: false,
          };
          let stored = 0;
          const handler = withResponseSpill(
            async () => result,
            {
              put: async () => {
                stored += 1;
                return "https://example.invalid/";
              },
            },
            { limitBytes },
          );

          // Act
          const res = await handler();

          // Assess
          const over = resultBytes(result) > limitBytes;
          expect(res.statusCode).toBe(over ? 303 : 200);
          expect(stored).toBe(over ? 1 : 0);
        },
      ),
    );
  });

  test("a spilled HTML page keeps its links on the site: a <base> to the address it was asked for", async () => {
    // Prepare
    const page = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><link rel="stylesheet" href="/assets/site.css"></head><body><a href="sites?page=2">下一页</a>${"<p>逾期</p>".repeat(10_000)}</body></html>`;
    const call = appHandler((app) => app.get("/console/compliance", (c) => c.html(page)));
    const handler = withResponseSpill(call, spillTo(), {
      limitBytes: 50_000,
      pageAddress: (path) => `https://gazette.example.gov.cn${path}?region=510100&level=county`,
    });

    // Act
    const res = await handler("/console/compliance");
    const stored = await (await fetch(String(res.headers?.location))).text();

    // Assess
    expect(res.statusCode).toBe(303);
    expect(stored).toBe(
      page.replace(
        "<head>",
        '<head><base href="https://gazette.example.gov.cn/console/compliance?region=510100&amp;level=county">',
      ),
    );
  });

  test("a page with a base of its own, or without a head, is stored as it is", () => {
    // Prepare
    const own = '<html><head><base href="https://elsewhere.example/"></head></html>';
    const headless = "<p>逾期</p>";

    // Act / Assess
    expect(withBase(own, "https://gazette.example.gov.cn/")).toBe(own);
    expect(withBase(headless, "https://gazette.example.gov.cn/")).toBe(headless);
    expect(withBase('<HEAD lang="zh">x', 'https://g.example/"a"')).toBe(
      '<HEAD lang="zh"><base href="https://g.example/&quot;a&quot;">x',
    );
  });

  test("an answer under the limit is not stored", async () => {
    // Prepare
    const call = appHandler((app) => app.get("/", (c) => c.json({ status: "ok" })));
    const stored: unknown[] = [];

    // Act
    const res = await withResponseSpill(call, {
      put: async (body) => {
        stored.push(body);
        return "https://example.invalid/";
      },
    })("/");

    // Assess
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: "ok" });
    expect(stored).toEqual([]);
  });

  test("when the bucket cannot take the answer: 503 with Retry-After and the reason, and the failure logged", async () => {
    // Prepare
    const call = appHandler((app) => app.get("/", (c) => c.text(CSV)));
    const logged: string[] = [];

    // Act
    const res = await withResponseSpill(call, spillTo("no-such-bucket"), {
      limitBytes: 50_000,
      logError: (message) => logged.push(message),
    })("/");

    // Assess
    expect(res.statusCode).toBe(503);
    expect(res.headers?.["retry-after"]).toBe("5");
    expect(JSON.parse(res.body).error.message).toMatch(/more than an AWS Lambda function may return/);
    expect(logged).toEqual(["an answer too large for Lambda could not be stored"]);
  });
});

describe("the API functions' handlers spill, with the bucket and limit the stack sets", () => {
  const env = () => ({
    GAZETTE_TABLE: "gazette-table",
    GAZETTE_BUCKET: "gazette-blobs",
    GAZETTE_STAGING_BUCKET: BUCKET,
    GAZETTE_BASE_URL: "https://gazette.example.gov.cn",
    GAZETTE_CONSOLE_OIDC_ISSUER: "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_Pool",
    GAZETTE_CONSOLE_OIDC_CLIENT_ID: "console-client",
    GAZETTE_CONSOLE_OIDC_SIGN_IN_URL: "https://gazette-123456789012.auth.cn-north-1.amazoncognito.com",
    AWS_REGION: EMULATOR_REGION,
    // Every answer is over this.
    GAZETTE_RESPONSE_SPILL_BYTES: "100",
  });
  const saved = { ...process.env };
  beforeAll(() => {
    // The SDK's own settings, as in Lambda: where S3 is, and the role's credentials.
    process.env.AWS_ENDPOINT_URL_S3 = `http://s3.localhost:${new URL(fauxqs.address).port}`;
    process.env.AWS_ACCESS_KEY_ID = EMULATOR_CREDENTIALS.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = EMULATOR_CREDENTIALS.secretAccessKey;
  });
  afterAll(() => {
    process.env = saved;
  });

  test.each([
    ["api", createApiHandler, "/health", '{"status":"ok"}'],
    [
      "console",
      createConsoleHandler,
      "/console/sign-in",
      '<base href="https://gazette.example.gov.cn/console/sign-in">',
    ],
    [
      "reposts API",
      createRepostsApiHandler,
      "/portal/sign-in",
      '<base href="https://gazette.example.gov.cn/portal/sign-in">',
    ],
  ] as const)(
    "the %s function: GET %s over GAZETTE_RESPONSE_SPILL_BYTES is a 303 to the answer in GAZETTE_STAGING_BUCKET (a page with its base on the site)",
    async (_name, create, path, expected) => {
      // Prepare
      const handler = create(env());

      // Act
      const res = (await handler(httpApiEvent({ method: "GET", path }), lambdaContext)) as ProxyResult;
      const location = String(res.headers?.location);
      const answer = await fetch(location);

      // Assess
      expect(res.statusCode).toBe(303);
      expect(new URL(location).hostname).toBe(`${BUCKET}.s3.localhost`);
      expect(new URL(location).pathname).toMatch(/^\/responses\/\d{4}-\d{2}-\d{2}\/[0-9a-f-]{36}$/);
      expect(answer.status).toBe(200);
      expect(await answer.text()).toContain(expected);
    },
  );

  describe("with the table on dynalite", () => {
    let emulators: Emulators;
    beforeAll(async () => {
      emulators = await startEmulators();
      const client = new DynamoDBClient({
        endpoint: emulators.dynamoEndpoint,
        region: EMULATOR_REGION,
        credentials: EMULATOR_CREDENTIALS,
      });
      await createTableIfMissing(client, "gazette-table");
      client.destroy();
      process.env.AWS_ENDPOINT_URL_DYNAMODB = emulators.dynamoEndpoint;
    });
    afterAll(async () => {
      await emulators.stop();
    });

    test("the reposts API function's compliance CSV, read from the table, reaches the editor through the bucket with its byte-order mark", async () => {
      // Prepare
      const handler = createRepostsApiHandler(env());

      // Act
      const res = (await handler(
        httpApiEvent({
          method: "GET",
          path: "/api/compliance",
          query: "format=csv",
          iamUserArn: "arn:aws:iam::123456789012:user/editor-zhang",
        }),
        lambdaContext,
      )) as ProxyResult;
      const location = String(res.headers?.location);
      const csv = Buffer.from(await (await fetch(location)).arrayBuffer());

      // Assess
      expect(res.statusCode).toBe(303);
      expect(new URL(location).searchParams.get("response-content-disposition")).toBe(
        'attachment; filename="compliance.csv"',
      );
      expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      expect(csv.toString("utf8")).toContain('"合计"');
    });
  });

  test("GAZETTE_RESPONSE_SPILL_BYTES above what Lambda returns, or not a number, is refused at start", () => {
    for (const value of ["6291456", "0", "lots"]) {
      expect(() =>
        loadConfig({ ...env(), GAZETTE_MODE: "aws", GAZETTE_RESPONSE_SPILL_BYTES: value }),
      ).toThrow(ConfigError);
    }
    expect(loadConfig({ ...env(), GAZETTE_MODE: "aws" }).responseSpillBytes).toBe(100);
    expect(loadConfig({ GAZETTE_MODE: "embedded" }).responseSpillBytes).toBe(6_000_000);
  });
});
