/**
 * Console sign-in through an OpenID Connect provider (AWS: the Cognito user pool's hosted sign-in),
 * used instead of the embedded accounts when GAZETTE_CONSOLE_OIDC_ISSUER is set.
 *
 * - Sign-in: authorization code flow with PKCE (S256) and a `state` bound to a cookie. The
 *   provider's hosted page takes the password (and MFA), never the app.
 * - Session: the access token in an HttpOnly, SameSite=Strict cookie on /console. In AWS the HTTP
 *   API's JWT authoriser checks it on every console route (CloudFront copies it into the header the
 *   authoriser reads); the app verifies it again here (signature against the issuer's JWKS, issuer,
 *   client, `token_use`, expiry), so the console never trusts a cookie it did not verify.
 * - Roles: the token's groups (`cognito:groups`): administrator, editor, reviewer, site.
 * - CSRF: a token derived from the session's access token (SHA-256), which a page of another
 *   site cannot read; every console form carries it.
 * - Idle and absolute timeout: the token's lifetime (the user pool client's access-token validity).
 */
import { createHash, randomBytes } from "node:crypto";
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import type { ConsoleRole, ConsoleSession } from "./accounts.js";

export interface OidcSettings {
  /** The token issuer, e.g. https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc */
  readonly issuer: string;
  /** The console's app client id (a public client: no secret, PKCE). */
  readonly clientId: string;
  /** Base URL of the hosted sign-in, e.g. https://gazette-123.auth.eu-west-1.amazoncognito.com */
  readonly signInBaseUrl: string;
  /** The site's public address; the callback is `${publicBaseUrl}/console/oauth/callback`. */
  readonly publicBaseUrl: string;
}

export interface OidcOptions {
  /** The issuer's signing keys; default its JWKS at `${issuer}/.well-known/jwks.json`. */
  readonly keys?: JWTVerifyGetKey;
  /** For the token endpoint; default the global fetch. */
  readonly fetch?: typeof fetch;
  /** The clock tokens are checked against (expiry). */
  readonly now?: () => Date;
}

/** Where the provider sends the browser back with the code. */
export const CALLBACK_PATH = "/console/oauth/callback";

/** Highest role first: an account in several groups gets the highest. */
const ROLE_ORDER: readonly ConsoleRole[] = ["administrator", "editor", "reviewer", "site", "submitter"];

const b64url = (bytes: Buffer) => bytes.toString("base64url");

/** The CSRF token of a session whose access token is `token`. */
export function csrfOfToken(token: string): string {
  return b64url(createHash("sha256").update("gazette-console-csrf\0").update(token).digest());
}

/** The role an access token's groups give, or undefined when none is a console role. */
export function roleOfGroups(groups: unknown): ConsoleRole | undefined {
  const list = Array.isArray(groups) ? groups.filter((g): g is string => typeof g === "string") : [];
  return ROLE_ORDER.find((role) => list.includes(role));
}

export class OidcSignIn {
  readonly callbackUrl: string;
  private readonly keys: JWTVerifyGetKey;
  private readonly fetch: typeof fetch;

  constructor(
    readonly settings: OidcSettings,
    private readonly options: OidcOptions = {},
  ) {
    for (const [name, value] of Object.entries({
      issuer: settings.issuer,
      signInBaseUrl: settings.signInBaseUrl,
    })) {
      if (!/^https:\/\/[^/\s]+/.test(value))
        throw new Error(`OIDC ${name} must be an https:// URL, got "${value}"`);
    }
    if (!settings.clientId) throw new Error("OIDC clientId is empty");
    this.callbackUrl = `${settings.publicBaseUrl.replace(/\/+$/, "")}${CALLBACK_PATH}`;
    this.keys =
      options.keys ??
      createRemoteJWKSet(new URL(`${settings.issuer.replace(/\/+$/, "")}/.well-known/jwks.json`));
    this.fetch = options.fetch ?? fetch;
  }

  /** A new sign-in attempt: the provider's authorize URL and what the state cookie keeps. */
  begin(): { url: string; state: string; verifier: string } {
    const state = b64url(randomBytes(24));
    const verifier = b64url(randomBytes(32));
    const challenge = b64url(createHash("sha256").update(verifier).digest());
    const url = new URL(`${this.settings.signInBaseUrl.replace(/\/+$/, "")}/oauth2/authorize`);
    url.search = new URLSearchParams({
      response_type: "code",
      client_id: this.settings.clientId,
      redirect_uri: this.callbackUrl,
      scope: "openid email profile",
      state,
      code_challenge: challenge,
      code_challenge_method: "S256",
    }).toString();
    return { url: url.toString(), state, verifier };
  }

  /** Exchanges the code for tokens and verifies the access token; undefined when refused. */
  async finish(
    code: string,
    verifier: string,
  ): Promise<{ token: string; session: ConsoleSession } | undefined> {
    const response = await this.fetch(`${this.settings.signInBaseUrl.replace(/\/+$/, "")}/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        client_id: this.settings.clientId,
        code,
        redirect_uri: this.callbackUrl,
        code_verifier: verifier,
      }).toString(),
    });
    if (!response.ok) return undefined;
    const body = (await response.json().catch(() => undefined)) as { access_token?: unknown } | undefined;
    const token = typeof body?.access_token === "string" ? body.access_token : undefined;
    if (!token) return undefined;
    const session = await this.session(token);
    return session && { token, session };
  }

  /** The session of a cookie's access token, or undefined (missing, forged, expired, no role). */
  async session(token: string | undefined): Promise<ConsoleSession | undefined> {
    if (!token || token.length > 8192) return undefined;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        algorithms: ["RS256", "ES256"],
        ...(this.options.now ? { currentDate: this.options.now() } : {}),
      }));
    } catch {
      return undefined;
    }
    // Cognito access tokens name their client in client_id (ID tokens carry aud instead).
    if (payload.token_use !== "access" || payload.client_id !== this.settings.clientId) return undefined;
    const role = roleOfGroups(payload["cognito:groups"]);
    const username = payload.username ?? payload["cognito:username"] ?? payload.sub;
    if (!role || typeof username !== "string") return undefined;
    const issuedAt = new Date((payload.iat ?? 0) * 1000).toISOString();
    return {
      username,
      displayName: username,
      role,
      csrf: csrfOfToken(token),
      createdAt: issuedAt,
      lastSeenAt: (this.options.now?.() ?? new Date()).toISOString(),
    };
  }

  /** The provider's sign-out, which comes back to the console's sign-in page. */
  signOutUrl(): string {
    const url = new URL(`${this.settings.signInBaseUrl.replace(/\/+$/, "")}/logout`);
    url.search = new URLSearchParams({
      client_id: this.settings.clientId,
      logout_uri: `${this.settings.publicBaseUrl.replace(/\/+$/, "")}/console/sign-in`,
    }).toString();
    return url.toString();
  }
}
