/**
 * A child process for tests/runtime/lambda-binary-answers.test.ts: one answer of BYTES bytes of CSV
 * through the API functions' Lambda adapter (apiGatewayHandler), run under a small heap
 * (--max-old-space-size) as a Lambda function has; prints the result's size and a digest of the
 * bytes it carries, or dies when the heap runs out.
 */
import { createHash } from "node:crypto";
import { Hono } from "hono";
import { apiGatewayHandler } from "../../src/runtime/lambda/api-gateway.js";
import { httpApiEvent, lambdaContext } from "./events.js";

const size = Number(process.env.BYTES);
const line = Buffer.from(
  '"01JDOC","关于做好冬春农田水利建设工作的通知","川府发〔2026〕9号","锦江区","510104"\r\n',
);
const body = Buffer.alloc(size);
for (let at = 0; at < size; at += line.length) line.copy(body, at);
const app = new Hono();
app.get("/overdue.csv", () => new Response(body, { headers: { "content-type": "text/csv; charset=utf-8" } }));
const result = await apiGatewayHandler(app)(
  httpApiEvent({ method: "GET", path: "/overdue.csv" }),
  lambdaContext,
);
const bytes = Buffer.from(result.body, "base64");
process.stdout.write(
  JSON.stringify({
    status: result.statusCode,
    isBase64Encoded: result.isBase64Encoded,
    bytes: bytes.length,
    same:
      createHash("sha256").update(bytes).digest("hex") === createHash("sha256").update(body).digest("hex"),
  }),
);
