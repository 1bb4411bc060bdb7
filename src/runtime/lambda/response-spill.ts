/**
 * Answers too large for Lambda. A function invoked by API Gateway returns at most 6 MB (the JSON
 * of its result, where a text body's quotes and backslashes count twice and a binary body is
 * base64); a larger result fails the invocation and API Gateway answers 500. The compliance
 * report of a national deployment gets there: its HTML lists every overdue notice, its CSV and
 * JSON every site. Such an answer is put in the staging bucket instead and the client is sent to
 * it, 303 See Other to a link valid for 15 minutes (browsers, fetch and `curl -L` follow it); the
 * local server streams every answer and needs none of this. Every API function's handler spills
 * but the preview function's (api-gateway.ts alone): its answers are far smaller (a preview PDF is
 * ~2.4 KiB a page) and its code is at its 1 MB budget.
 */

import { Logger } from "@aws-lambda-powertools/logger";
import type { Hono } from "hono";
import { DEFAULT_RESPONSE_SPILL_BYTES, loadConfig } from "../../config.js";
import { type ResponseSpill, S3ResponseSpill } from "../../platform/aws/response-spill.js";
import { apiGatewayHandler, type ProxyResult } from "./api-gateway.js";
import type { LambdaEnv } from "./common.js";

export type { ProxyResult };

export interface SpillOptions<A extends unknown[] = unknown[]> {
  /** Results whose JSON is larger than this many bytes are spilled (default DEFAULT_RESPONSE_SPILL_BYTES). */
  readonly limitBytes?: number | undefined;
  readonly now?: (() => Date) | undefined;
  /** Told when the answer could not be stored (the client gets a 503 and retries). */
  readonly logError?: ((message: string, error: unknown) => void) | undefined;
  /**
   * The address an HTML answer was asked for (from the handler's arguments): the stored page gets
   * a `<base href>` to it, so its links, styles and forms still go to the site, not to the bucket.
   */
  readonly pageAddress?: ((...args: A) => string | undefined) | undefined;
}

const HEAD = /<head(?:\s[^>]*)?>/i;

/** An HTML page with `<base href="address">` first in its head, unless it has a base already. */
export function withBase(html: string, address: string): string {
  const start = html.slice(0, 4096);
  const head = HEAD.exec(start);
  if (!head || /<base[\s>]/i.test(start)) return html;
  const at = head.index + head[0].length;
  const href = address.replaceAll("&", "&amp;").replaceAll('"', "&quot;");
  return `${html.slice(0, at)}<base href="${href}">${html.slice(at)}`;
}

/** The size Lambda counts: the result as its runtime serialises it. */
export function resultBytes(result: ProxyResult): number {
  return Buffer.byteLength(JSON.stringify(result));
}

/**
 * Under the limit without serialising it: a UTF-16 unit of the body takes at most 6 bytes of JSON
 * (a \u escape), and the rest of a result (status, headers, cookies) far less than 64 KiB.
 */
function surelyUnder(result: ProxyResult, limit: number): boolean {
  return result.body.length * 6 + 65_536 <= limit;
}

/**
 * The handler, with each successful answer over the limit spilled (see the module comment): a
 * 303 to it, with the answer's cookies. If it cannot be stored, 503 with Retry-After. Every other
 * result is returned as it is.
 */
export function withResponseSpill<A extends unknown[]>(
  handler: (...args: A) => Promise<ProxyResult>,
  spill: ResponseSpill,
  options: SpillOptions<A> = {},
): (...args: A) => Promise<ProxyResult> {
  const limit = options.limitBytes ?? DEFAULT_RESPONSE_SPILL_BYTES;
  return async (...args) => {
    const result = await handler(...args);
    const { statusCode, headers = {}, cookies } = result;
    if (statusCode < 200 || statusCode > 299) return result;
    // A body longer than the limit in UTF-16 units is over it in bytes too: no need to serialise.
    if (result.body.length <= limit && (surelyUnder(result, limit) || resultBytes(result) <= limit))
      return result;
    const type = headers["content-type"]?.toString();
    const address = options.pageAddress?.(...args);
    const body =
      address && !result.isBase64Encoded && /^text\/html\b/i.test(type ?? "")
        ? withBase(result.body, address)
        : result.body;
    const bytes = Buffer.from(body, result.isBase64Encoded ? "base64" : "utf8");
    const why = `This answer has ${bytes.byteLength} bytes, more than an AWS Lambda function may return`;
    const answer = (code: number, more: Record<string, string>, body: string): ProxyResult => ({
      statusCode: code,
      headers: { "cache-control": "no-store", ...more },
      body,
      isBase64Encoded: false,
      ...(cookies ? { cookies } : {}),
    });
    try {
      const location = await spill.put(
        {
          bytes,
          contentType: type,
          contentDisposition: headers["content-disposition"]?.toString(),
        },
        options.now?.() ?? new Date(),
      );
      return answer(
        303,
        { location, "content-type": "text/plain; charset=utf-8" },
        `${why}; it is at the address in the Location header for 15 minutes.\n`,
      );
    } catch (error) {
      options.logError?.("an answer too large for Lambda could not be stored", error);
      return answer(
        503,
        { "content-type": "application/json; charset=utf-8", "retry-after": "5" },
        JSON.stringify({
          error: {
            code: "unavailable",
            field: null,
            message: `${why}, and could not be stored for download; retry`,
          },
        }),
      );
    }
  };
}

/**
 * An API function's handler: hono's API Gateway adapter over the function's app, with answers too
 * large for Lambda spilled to the staging bucket (GAZETTE_STAGING_BUCKET, GAZETTE_RESPONSE_SPILL_BYTES).
 */
// biome-ignore lint/suspicious/noExplicitAny: any app of any routes
export function lambdaHttpHandler(app: Hono<any, any, any>, env: LambdaEnv = process.env) {
  const config = loadConfig({ ...env, GAZETTE_MODE: "aws" });
  const logger = new Logger({ serviceName: "gazette" });
  return withResponseSpill<Parameters<ReturnType<typeof apiGatewayHandler>>>(
    apiGatewayHandler(app),
    new S3ResponseSpill(config.aws.stagingBucketName, { region: config.aws.region }),
    {
      limitBytes: config.responseSpillBytes,
      logError: (message, error) => logger.error(message, { error: error as Error }),
      // The page's address on the site (payload 2.0: rawPath and rawQueryString).
      pageAddress: (event) => {
        const { rawPath, rawQueryString } = event as { rawPath?: string; rawQueryString?: string };
        return rawPath === undefined
          ? undefined
          : `${config.baseUrl}${rawPath}${rawQueryString ? `?${rawQueryString}` : ""}`;
      },
    },
  );
}
