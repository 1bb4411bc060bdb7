/** A small HTTP client for the pipeline API, used by the CLI. */

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

export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string | undefined,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  async request<T>(
    method: string,
    path: string,
    /** `anonymous`: no editor token (a presigned upload URL carries its own authorisation). */
    init: { body?: BodyInit; headers?: Record<string, string>; anonymous?: boolean } = {},
  ): Promise<{ status: number; body: T }> {
    let response: Response;
    try {
      response = await this.fetchImpl(new URL(path, this.baseUrl), {
        method,
        body: init.body ?? null,
        headers: {
          accept: "application/json",
          ...(this.token && !init.anonymous ? { authorization: `Bearer ${this.token}` } : {}),
          ...init.headers,
        },
      });
    } catch (cause) {
      throw new ConnectionError(
        `Cannot reach the pipeline at ${this.baseUrl} (${(cause as Error).cause ?? (cause as Error).message}). Is it running? Start it with \`npm start\`, or set GAZETTE_URL.`,
        { cause },
      );
    }
    const text = await response.text();
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = text;
    }
    if (!response.ok) {
      const error = (body as { error?: ApiProblem | ApiProblem[] } | undefined)?.error;
      const problems = Array.isArray(error)
        ? error
        : error
          ? [error]
          : [{ code: String(response.status), message: `HTTP ${response.status}`, field: null }];
      throw new ApiError(response.status, problems);
    }
    return { status: response.status, body: body as T };
  }
}
