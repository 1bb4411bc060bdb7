import { timingSafeEqual } from "node:crypto";

/** Who is calling. Public readers have no principal. */
export interface Principal {
  readonly role: "editor";
  /** Recorded on what they do (who submitted, who published). */
  readonly id: string;
}

/** Reads the caller from a request; returns undefined for anonymous callers. */
export interface Authenticator {
  authenticate(request: Request, env: unknown): Principal | undefined;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Local mode: `Authorization: Bearer <editor token>`. */
export class EditorTokenAuthenticator implements Authenticator {
  constructor(
    private readonly token: string,
    private readonly editorId = "editor",
  ) {}

  authenticate(request: Request): Principal | undefined {
    const header = request.headers.get("authorization") ?? "";
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match?.[1] || !sameSecret(match[1], this.token)) return undefined;
    return { role: "editor", id: this.editorId };
  }
}

interface LambdaEnv {
  readonly requestContext?: {
    readonly authorizer?: {
      readonly iam?: { readonly userArn?: string; readonly userId?: string };
      readonly jwt?: { readonly claims?: Record<string, string | number | boolean> };
    };
  };
}

/**
 * AWS mode: API Gateway has already authorised the call (IAM or JWT authoriser on every editor
 * route); the function trusts only what the authoriser put in the request context, never headers.
 */
export class ApiGatewayAuthenticator implements Authenticator {
  authenticate(_request: Request, env: unknown): Principal | undefined {
    const authorizer = (env as LambdaEnv | undefined)?.requestContext?.authorizer;
    if (authorizer?.iam?.userArn) return { role: "editor", id: authorizer.iam.userArn };
    const claims = authorizer?.jwt?.claims;
    if (claims) {
      const id = claims.preferred_username ?? claims.email ?? claims.sub;
      if (id !== undefined) return { role: "editor", id: String(id) };
    }
    return undefined;
  }
}
