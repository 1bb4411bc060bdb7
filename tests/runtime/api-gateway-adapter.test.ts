import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { apiGatewayHandler } from "../../src/runtime/lambda/api-gateway.js";
import { httpApiEvent, lambdaContext } from "../support/events.js";

/** An app answering the kinds of body the API functions send. */
function app(): Hono {
  const a = new Hono();
  a.get("/compliance.csv", () => {
    const headers = new Headers({ "content-type": "text/csv; charset=utf-8" });
    headers.append("set-cookie", "gazette_session=abc; Path=/; HttpOnly");
    headers.append("set-cookie", "gazette_csrf=def; Path=/");
    return new Response('\uFEFF"site","region"\r\n"锦江区","510104"\r\n', { headers });
  });
  a.get(
    "/packed",
    () =>
      new Response(new Uint8Array([0x1f, 0x8b, 0, 255]), {
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
      }),
  );
  a.get(
    "/page",
    () =>
      new Response("<p>四川省人民政府公报</p>", { headers: { "content-type": "text/html; charset=utf-8" } }),
  );
  return a;
}

describe("the API functions' Lambda adapter", () => {
  it("passes a CSV's bytes whole, its byte-order mark too, with every cookie it sets", async () => {
    // Act
    const result = await apiGatewayHandler(app())(
      httpApiEvent({ method: "GET", path: "/compliance.csv" }),
      lambdaContext,
    );

    // Assess
    expect(result.isBase64Encoded).toBe(true);
    const bytes = Buffer.from(result.body, "base64");
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.toString("utf8")).toBe('\uFEFF"site","region"\r\n"锦江区","510104"\r\n');
    expect(result.cookies).toEqual(["gazette_session=abc; Path=/; HttpOnly", "gazette_csrf=def; Path=/"]);
    expect(result.headers?.["content-type"]).toBe("text/csv; charset=utf-8");
  });

  it("passes a body in a content encoding as its bytes, with the encoding kept", async () => {
    const result = await apiGatewayHandler(app())(
      httpApiEvent({ method: "GET", path: "/packed" }),
      lambdaContext,
    );

    expect(result.isBase64Encoded).toBe(true);
    expect([...Buffer.from(result.body, "base64")]).toEqual([0x1f, 0x8b, 0, 255]);
    expect(result.headers?.["content-encoding"]).toBe("gzip");
  });

  it("passes a page as text", async () => {
    const result = await apiGatewayHandler(app())(
      httpApiEvent({ method: "GET", path: "/page" }),
      lambdaContext,
    );

    expect(result.isBase64Encoded).toBe(false);
    expect(result.body).toBe("<p>四川省人民政府公报</p>");
    expect(result.statusCode).toBe(200);
  });
});
