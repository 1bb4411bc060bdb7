/**
 * The few OpenSearch REST calls the search adapter makes (index exists/create/mapping, _bulk,
 * _search), over fetch. Against Amazon OpenSearch Service (a region given) every request is
 * SigV4-signed for the service `es` with the default credential chain, as the domain's access
 * policy requires; a local cluster takes plain requests.
 *
 * In place of @opensearch-project/opensearch, whose client (≈ 280 KB minified with its
 * serializer) was the largest single piece of the API, events and archive functions for five
 * endpoints.
 */
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import { type RequestAuthorizer, sigv4 } from "../../platform/aws/sigv4.js";

/** An answer outside 2xx, with OpenSearch's error type (e.g. resource_already_exists_exception). */
export class OpenSearchResponseError extends Error {
  constructor(
    readonly status: number,
    readonly type: string | undefined,
    readonly body: unknown,
    method: string,
    path: string,
  ) {
    super(`OpenSearch ${method} ${path} answered ${status}${type ? ` (${type})` : ""}`);
    this.name = "OpenSearchResponseError";
  }
}

export interface OpenSearchHttpOptions {
  /** https://search-….es.amazonaws.com, or http://localhost:9200 for a local cluster. */
  readonly url: string;
  /** With a region, requests are SigV4-signed (service "es"). */
  readonly region?: string | undefined;
  /** Adds authorisation headers (default: SigV4 with the default credential chain when a region is given). */
  readonly authorize?: RequestAuthorizer;
  readonly fetch?: typeof fetch;
}

export interface OpenSearchRequest {
  /** A JSON body. */
  readonly json?: unknown;
  /** A bulk body: one JSON document a line (application/x-ndjson). */
  readonly ndjson?: readonly unknown[];
  readonly query?: Readonly<Record<string, string>>;
}

export class OpenSearchHttp {
  readonly #base: URL;
  readonly #authorize: RequestAuthorizer | undefined;
  readonly #fetch: typeof fetch;

  constructor(options: OpenSearchHttpOptions) {
    this.#base = new URL(options.url);
    this.#fetch = options.fetch ?? fetch;
    this.#authorize =
      options.authorize ??
      // One memoised provider chain: credentials are resolved once and refreshed before they expire.
      (options.region
        ? sigv4({ region: options.region, service: "es", credentials: defaultProvider() })
        : undefined);
  }

  /** The parsed JSON answer of a 2xx; OpenSearchResponseError otherwise. */
  async request(method: string, path: string, request: OpenSearchRequest = {}): Promise<unknown> {
    const response = await this.#send(method, path, request);
    const text = await response.text();
    const body = text ? parseJson(text) : undefined;
    if (!response.ok) {
      const type = (body as { error?: { type?: unknown } } | undefined)?.error?.type;
      throw new OpenSearchResponseError(
        response.status,
        typeof type === "string" ? type : undefined,
        body,
        method,
        path,
      );
    }
    return body;
  }

  /** HEAD `path`: true on 200, false on 404, OpenSearchResponseError otherwise. */
  async exists(path: string): Promise<boolean> {
    const response = await this.#send("HEAD", path, {});
    await response.body?.cancel();
    if (response.status === 404) return false;
    if (!response.ok) throw new OpenSearchResponseError(response.status, undefined, undefined, "HEAD", path);
    return true;
  }

  async #send(method: string, path: string, request: OpenSearchRequest): Promise<Response> {
    const url = new URL(path, this.#base);
    for (const [name, value] of Object.entries(request.query ?? {})) url.searchParams.set(name, value);
    const headers: Record<string, string> = { accept: "application/json" };
    let body: Uint8Array<ArrayBuffer> | undefined;
    if (request.ndjson) {
      headers["content-type"] = "application/x-ndjson";
      body = new TextEncoder().encode(request.ndjson.map((line) => `${JSON.stringify(line)}\n`).join(""));
    } else if (request.json !== undefined) {
      headers["content-type"] = "application/json";
      body = new TextEncoder().encode(JSON.stringify(request.json));
    }
    const signed = this.#authorize ? await this.#authorize({ method, url, headers, body }) : headers;
    return this.#fetch(url, { method, headers: signed, ...(body ? { body } : {}) });
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
