/** A small HTTP client for the pipeline API, used by the CLI. */
import { bearer, type RequestAuthorizer } from "./auth.js";

export interface ApiProblem {
  readonly code: string;
  readonly message: string;
  readonly field: string | null;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problems: readonly ApiProblem[],
  ) {
    super(problems.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join("\n"));
    this.name = "ApiError";
  }
}

export class ConnectionError extends Error {
  override name = "ConnectionError";
}

/**
 * How calls are authorised: a bearer token (the local editor token, or a JWT), a request
 * authoriser (SigV4 for IAM: auth.ts), or one resolved on first use (credentials load lazily).
 */
export type ApiAuth =
  | string
  | RequestAuthorizer
  | { readonly resolve: () => Promise<RequestAuthorizer | undefined> }
  | undefined;

/** Statuses that send the client elsewhere, with a Location. */
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

export class ApiClient {
  #authorizer: Promise<RequestAuthorizer | undefined> | undefined;

  constructor(
    readonly baseUrl: string,
    private readonly auth: ApiAuth,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async request<T>(
    method: string,
    path: string,
    /** `anonymous`: no authorisation (a presigned upload URL carries its own). */
    init: { body?: BodyInit; headers?: Record<string, string>; anonymous?: boolean } = {},
    /** Redirects followed so far (at most MAX_REDIRECTS). */
    hops = 0,
  ): Promise<{ status: number; body: T }> {
    let response: Response;
    const url = new URL(path, this.baseUrl);
    let headers: Record<string, string> = { accept: "application/json", ...init.headers };
    let body = init.body ?? null;
    const authorize = init.anonymous ? undefined : await this.#resolveAuthorizer();
    if (authorize) {
      // The signature covers the exact bytes sent: serialise the body (a multipart form too) first.
      let bytes: Uint8Array | undefined;
      if (body !== null) {
        const serialised = new Request(url, { method, body, headers });
        bytes = new Uint8Array(await serialised.arrayBuffer());
        const type = serialised.headers.get("content-type");
        if (type) headers = { ...headers, "content-type": type };
        body = bytes as BodyInit;
      }
      headers = await authorize({ method, url, headers, body: bytes });
    }
    try {
      // Redirects are followed here, not by fetch: see #redirected.
      response = await this.fetchImpl(url, { method, body, headers, redirect: "manual" });
    } catch (cause) {
      throw new ConnectionError(
        `Cannot reach the pipeline at ${this.baseUrl} (${(cause as Error).cause ?? (cause as Error).message}). Is it running? Start it with \`npm start\`, or set GAZETTE_URL.`,
        { cause },
      );
    }
    const location = response.headers.get("location");
    if (REDIRECTS.has(response.status) && location && hops < MAX_REDIRECTS) {
      await response.body?.cancel();
      return this.#redirected<T>(method, url, new URL(location, url), response.status, init, hops + 1);
    }
    return this.#answer<T>(response);
  }

  /**
   * Where a redirect leads. An answer too large for AWS Lambda is sent to a presigned S3 link
   * (src/runtime/lambda/response-spill.ts): that is asked for with no header of ours, since the
   * link carries its own authorisation and S3 refuses the x-amz-* headers of a SigV4-signed request
   * (fetch would drop only Authorization). On the API's own origin the request is made again,
   * authorised for its new address; 303, and 301/302 after a POST, become a GET without a body.
   */
  async #redirected<T>(
    method: string,
    from: URL,
    to: URL,
    status: number,
    init: { body?: BodyInit; headers?: Record<string, string>; anonymous?: boolean },
    hops: number,
  ): Promise<{ status: number; body: T }> {
    const asGet = status === 303 || ((status === 301 || status === 302) && method === "POST");
    const next = asGet ? { headers: init.headers, anonymous: init.anonymous } : init;
    if (to.origin === from.origin) return this.request<T>(asGet ? "GET" : method, to.href, next, hops);
    let response: Response;
    try {
      response = await this.fetchImpl(to, {
        method: asGet ? "GET" : method,
        headers: { accept: init.headers?.accept ?? "application/json" },
      });
    } catch (cause) {
      throw new ConnectionError(
        `Cannot fetch the answer the pipeline sent to ${to.origin} (${(cause as Error).cause ?? (cause as Error).message}).`,
        { cause },
      );
    }
    return this.#answer<T>(response);
  }

  /** The body, parsed when JSON; a problem list for an error status. */
  async #answer<T>(response: Response): Promise<{ status: number; body: T }> {
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    if (!response.ok) {
      const error = (parsed as { error?: ApiProblem | ApiProblem[] } | undefined)?.error;
      const problems = Array.isArray(error)
        ? error
        : error
          ? [error]
          : [{ code: String(response.status), message: `HTTP ${response.status}`, field: null }];
      throw new ApiError(response.status, problems);
    }
    return { status: response.status, body: parsed as T };
  }

  #resolveAuthorizer(): Promise<RequestAuthorizer | undefined> {
    if (!this.#authorizer) {
      const auth = this.auth;
      this.#authorizer =
        auth === undefined
          ? Promise.resolve(undefined)
          : typeof auth === "string"
            ? Promise.resolve(bearer(auth))
            : typeof auth === "function"
              ? Promise.resolve(auth)
              : auth.resolve();
    }
    return this.#authorizer;
  }
}
