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

/**
 * hono's API Gateway adapter, with CSV passed as bytes (base64): the adapter reads a text body
 * with Response.text(), which drops a leading byte-order mark, and the compliance CSV starts with
 * one so that spreadsheet programs read its Chinese as UTF-8.
 */
// biome-ignore lint/suspicious/noExplicitAny: any app of any routes
export function apiGatewayHandler(app: Hono<any, any, any>) {
  const inner = handle(app, {
    isContentTypeBinary: (type) => defaultIsContentTypeBinary(type) || /^text\/csv\b/i.test(type),
  });
  return (event: LambdaEvent, context?: LambdaContext): Promise<ProxyResult> => inner(event, context);
}
