import type { APIGatewayProxyResultV2 } from "aws-lambda";
import { describe, expect, test } from "vitest";
import { createApiHandler } from "../../src/runtime/lambda/api.js";
import { createConsoleHandler } from "../../src/runtime/lambda/api-console.js";
import { createDocumentsHandler } from "../../src/runtime/lambda/api-documents.js";
import { createPreviewHandler } from "../../src/runtime/lambda/api-preview.js";
import { createRepostsApiHandler } from "../../src/runtime/lambda/api-reposts.js";
import { httpApiEvent, lambdaContext } from "../support/events.js";

/**
 * The console function's own composition root (functions/api-console.ts) serves the console (the
 * api function's, functions/api.ts, none of it), and the reposts
 * API function's (functions/api-reposts.ts) the site portal and the sites' pages, with the console
 * signing in through the user pool the stack configures (GAZETTE_CONSOLE_OIDC_*).
 * Only pages that read no data are requested: the table and buckets are never reached.
 */

const ENV = {
  GAZETTE_TABLE: "gazette-table",
  GAZETTE_BUCKET: "gazette-blobs",
  GAZETTE_STAGING_BUCKET: "gazette-staging",
  GAZETTE_BASE_URL: "https://gazette.example.gov.cn",
  AWS_REGION: "cn-north-1",
  GAZETTE_CONSOLE_OIDC_ISSUER: "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_Pool",
  GAZETTE_CONSOLE_OIDC_CLIENT_ID: "console-client",
  GAZETTE_CONSOLE_OIDC_SIGN_IN_URL: "https://gazette-123456789012.auth.cn-north-1.amazoncognito.com",
};

describe("the console function's composition root serves the console", () => {
  const handler = createConsoleHandler(ENV);
  const call = async (path: string, headers: Record<string, string> = {}) =>
    (await handler(httpApiEvent({ method: "GET", path, headers }), lambdaContext)) as Exclude<
      APIGatewayProxyResultV2,
      string
    >;

  test("the console's sign-in page sends editors to the user pool's hosted sign-in, back to the site's callback", async () => {
    // Act
    const res = await call("/console/sign-in");

    // Assess
    expect(res.statusCode).toBe(200);
    const href = /href="(https:\/\/gazette-123456789012[^"]+)"/.exec(res.body ?? "")?.[1];
    const url = new URL((href ?? "").replaceAll("&#x3D;", "=").replaceAll("&amp;", "&"));
    expect(url.pathname).toBe("/oauth2/authorize");
    expect(url.searchParams.get("client_id")).toBe("console-client");
    expect(url.searchParams.get("redirect_uri")).toBe(
      "https://gazette.example.gov.cn/console/oauth/callback",
    );
  });

  test("a console page without a verified token sends the browser to sign in, even with a forged token", async () => {
    // Act
    const none = await call("/console/documents");
    const forged = await call("/console/documents", {
      cookie: "gazette_console_jwt=eyJhbGciOiJub25lIn0.eyJ1c2VybmFtZSI6ImEifQ.",
    });

    // Assess
    for (const res of [none, forged]) {
      expect(res.statusCode).toBe(303);
      expect(res.headers?.location).toBe("/console/sign-in?next=%2Fconsole%2Fdocuments");
    }
  });
});

describe("the api function's composition root serves no console page", () => {
  test.each(["/console/sign-in", "/console/documents"])(
    "GET %s is not the api function's (404)",
    async (path) => {
      // Act
      const res = (await createApiHandler(ENV)(
        httpApiEvent({ method: "GET", path }),
        lambdaContext,
      )) as Exclude<APIGatewayProxyResultV2, string>;

      // Assess
      expect(res.statusCode).toBe(404);
    },
  );
});

describe("the reposts API function's composition root serves the site portal and the sites' console pages", () => {
  const handler = createRepostsApiHandler(ENV);
  const call = async (path: string, headers: Record<string, string> = {}) =>
    (await handler(httpApiEvent({ method: "GET", path, headers }), lambdaContext)) as Exclude<
      APIGatewayProxyResultV2,
      string
    >;

  test("the site portal's sign-in page is served", async () => {
    // Act
    const res = await call("/portal/sign-in");

    // Assess
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('action="/portal/sign-in"');
  });

  test("the sites' console pages without a verified token send the browser to sign in, even with a forged token", async () => {
    // Act
    const none = await call("/console/sites");
    const forged = await call("/console/compliance", {
      cookie: "gazette_console_jwt=eyJhbGciOiJub25lIn0.eyJ1c2VybmFtZSI6ImEifQ.",
    });

    // Assess
    expect(none.statusCode).toBe(303);
    expect(none.headers?.location).toBe("/console/sign-in?next=%2Fconsole%2Fsites");
    expect(forged.statusCode).toBe(303);
    expect(forged.headers?.location).toBe("/console/sign-in?next=%2Fconsole%2Fcompliance");
  });
});

describe("the documents and preview functions' console pages check the session as the console function does", () => {
  const forged = { cookie: "gazette_console_jwt=eyJhbGciOiJub25lIn0.eyJ1c2VybmFtZSI6ImEifQ." };

  test.each([
    ["documents", "POST", "/console/documents", "/console/sign-in"],
    ["preview", "GET", "/console/editions/01J0EDITION0000000000000000/preview", "/console/sign-in?next="],
    ["preview", "GET", "/console/editions/01J0EDITION0000000000000000/preview.pdf", "/console/sign-in?next="],
  ] as const)(
    "the %s function's %s %s without a verified token sends the browser to sign in",
    async (fn, method, path, signIn) => {
      // Prepare
      const handler = fn === "documents" ? createDocumentsHandler(ENV) : createPreviewHandler(ENV);

      // Act
      const responses = await Promise.all(
        [{}, forged].map(
          async (headers) =>
            (await handler(httpApiEvent({ method, path, headers }), lambdaContext)) as Exclude<
              APIGatewayProxyResultV2,
              string
            >,
        ),
      );

      // Assess
      for (const res of responses) {
        expect(res.statusCode).toBe(303);
        expect(String(res.headers?.location)).toContain(signIn);
      }
    },
  );
});
