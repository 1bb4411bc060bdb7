import type { Context } from "aws-lambda";
import type { Hono } from "hono";
import { describe, expect, test } from "vitest";
import { LAMBDA_ENV } from "../../bench/lambda.js";
import {
  API_FUNCTIONS,
  type ApiFunction,
  lambdaOf,
  templateOfHonoPath,
} from "../../src/http/route-declaration.js";
import { HTTP_SURFACE } from "../../src/http/surface.js";
import { createApiFunctionApp } from "../../src/runtime/lambda/api.js";
import { createArchiveApiFunctionApp } from "../../src/runtime/lambda/api-archive.js";
import { createConsoleFunctionApp } from "../../src/runtime/lambda/api-console.js";
import {
  createDocumentsFunctionApp,
  createDocumentsHandler,
} from "../../src/runtime/lambda/api-documents.js";
import { createPreviewFunctionApp } from "../../src/runtime/lambda/api-preview.js";
import { createRepostsApiFunctionApp } from "../../src/runtime/lambda/api-reposts.js";
import { createVerifyFunctionApp } from "../../src/runtime/lambda/api-verify.js";
import { httpApiEvent } from "../support/events.js";

/**
 * The API is served by seven Lambda functions (route declarations: `lambda`), each built by its own
 * composition root with only what its routes use. API Gateway sends each declared route to its
 * function (tests/infra/api-routes.test.ts); here, each function's app serves exactly the routes
 * declared for it, so none is missing and none is served by two.
 */

// biome-ignore lint/suspicious/noExplicitAny: the apps' environments differ
const APPS: Record<ApiFunction, () => Hono<any>> = {
  api: () => createApiFunctionApp(LAMBDA_ENV),
  console: () => createConsoleFunctionApp(LAMBDA_ENV),
  documents: () => createDocumentsFunctionApp(LAMBDA_ENV),
  preview: () => createPreviewFunctionApp(LAMBDA_ENV),
  verify: () => createVerifyFunctionApp(LAMBDA_ENV),
  archive: () => createArchiveApiFunctionApp(LAMBDA_ENV),
  reposts: () => createRepostsApiFunctionApp(LAMBDA_ENV),
};

const key = (method: string, path: string) => `${method} ${path}`;

describe("the API's Lambda functions", () => {
  test.each(API_FUNCTIONS)("the %s function serves exactly the routes declared for it", (fn) => {
    // Prepare
    const declared = HTTP_SURFACE.filter((r) => r.only !== "embedded" && lambdaOf(r) === fn).map((r) =>
      key(r.method, r.path),
    );

    // Act
    const served = new Set(
      APPS[fn]()
        .routes.filter((r) => r.method !== "ALL")
        .map((r) => key(r.method, templateOfHonoPath(r.path))),
    );

    // Assess (a route declared for the local server only may be registered, API Gateway never routes it)
    const embeddedOnly = new Set(
      HTTP_SURFACE.filter((r) => r.only === "embedded").map((r) => key(r.method, r.path)),
    );
    expect([...served].filter((k) => !embeddedOnly.has(k)).sort()).toEqual([...new Set(declared)].sort());
  });

  test("every deployed route is declared for one of the functions", () => {
    // Act
    const functions = new Set(HTTP_SURFACE.filter((r) => r.only !== "embedded").map(lambdaOf));

    // Assess
    expect([...functions].sort()).toEqual([...API_FUNCTIONS].sort());
  });

  test("a route of another function answers 404 in the documents function, as an undeclared path does", async () => {
    // Prepare
    const handler = createDocumentsHandler(LAMBDA_ENV);
    const event = httpApiEvent({
      method: "GET",
      path: "/api/editions",
      iamUserArn: "arn:aws:iam::123456789012:user/editor",
    });

    // Act
    const response = await handler(event, {} as Context);

    // Assess
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body ?? "{}")).toMatchObject({ error: { code: "not_found" } });
  });
});
