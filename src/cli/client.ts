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
      response = await this.fetchImpl(url, { method, body, headers });
    } catch (cause) {
      throw new ConnectionError(
        `Cannot reach the pipeline at ${this.baseUrl} (${(cause as Error).cause ?? (cause as Error).message}). Is it running? Start it with \`npm start\`, or set GAZETTE_URL.`,
        { cause },
      );
    }
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
