import type { Hono } from "hono";
import { defaultIsContentTypeBinary, handle, type LambdaContext, type LambdaEvent } from "hono/aws-lambda";

/** An HTTP API (payload 2.0) integration's result, as hono/aws-lambda builds it. */
export interface ProxyResult {
  statusCode: number;
  body: string;
  isBase64Encoded: boolean;
  headers?: Record<string, string | number | boolean | string[]> | undefined;
  cookies?: string[] | undefined;
}

/** CSV passes as bytes: the adapter reads a text body with Response.text(), which drops a leading byte-order mark. */
function isBinaryType(type: string): boolean {
  return defaultIsContentTypeBinary(type) || /^text\/csv\b/i.test(type);
}

/** What hono's adapter sends base64-encoded: a binary type, or a body in a content encoding (not identity). */
function isBinaryAnswer(res: Response): boolean {
  const type = res.headers.get("content-type");
  const encoding = res.headers.get("content-encoding");
  return (type !== null && isBinaryType(type)) || (!!encoding && !/^identity$/i.test(encoding));
}

/**
 * hono's API Gateway adapter, with two changes to how an answer's bytes pass:
 * - CSV passes as bytes (base64): the compliance CSV starts with a byte-order mark so that
 *   spreadsheet programs read its Chinese as UTF-8, and Response.text() would drop it;
 * - bytes are base64-encoded by Node's Buffer, not by the adapter, which builds a string a
 *   character at a time: a 48 MB overdue CSV made a string of 48 million pieces, 1.6 GB of heap,
 *   more than the reposts function's 1,024 MB, and took 24 s against 13 s (`npm run bench --
 *   --overdue-list`; tests/runtime/lambda-binary-answers.test.ts).
 * Everything else (the request, status, headers, cookies) is the adapter's.
 */
// biome-ignore lint/suspicious/noExplicitAny: any app of any routes
export function apiGatewayHandler(app: Hono<any, any, any>) {
  return async (event: LambdaEvent, context?: LambdaContext): Promise<ProxyResult> => {
    let bytes: ArrayBuffer | undefined;
    const inner = handle(
      {
        // The answer's bytes taken here; the adapter builds the result around an empty body.
        fetch: async (request: Request, env: unknown) => {
          const res = await app.fetch(request, env);
          if (!isBinaryAnswer(res)) return res;
          bytes = await res.arrayBuffer();
          return new Response(null, { status: res.status, statusText: res.statusText, headers: res.headers });
        },
      } as unknown as Hono,
      { isContentTypeBinary: isBinaryType },
    );
    const result = (await inner(event, context)) as ProxyResult;
    if (bytes !== undefined) {
      result.body = Buffer.from(bytes).toString("base64");
      result.isBase64Encoded = true;
    }
    return result;
  };
}
