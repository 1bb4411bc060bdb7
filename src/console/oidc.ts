/**
 * Console sign-in through an OpenID Connect provider (AWS: the Cognito user pool's hosted sign-in),
 * used instead of the embedded accounts when GAZETTE_CONSOLE_OIDC_ISSUER is set.
 *
 * - Sign-in: authorization code flow with PKCE (S256) and a `state` bound to a cookie. The
 *   provider's hosted page takes the password (and MFA), never the app.
 * - Tokens: the access token in an HttpOnly, SameSite=Strict cookie on /console. In AWS the HTTP
 *   API's JWT authoriser checks it on every console route (CloudFront copies it into the header the
 *   authoriser reads); the app verifies it again here (signature against the issuer's JWKS, issuer,
 *   client, `token_use`, expiry), so the console never trusts a cookie it did not verify.
 * - Session: a record in the store like the embedded accounts' sessions (ConsoleAccounts), with
 *   its idle timeout and CSRF token, and the refresh token (encrypted with the session's cookie
 *   secret) that renews the access token through the token endpoint before it expires
 *   (src/console/oidc-session.ts).
 * - Roles: the token's groups (`cognito:groups`): administrator, editor, reviewer, site, submitter.
 * - A submitter's issuing body: the ID token's `custom:gazette_body` (a user attribute only
 *   administrators write). The ID token is verified here, server-side, at the callback and at each
 *   renewal (signature, issuer, audience = the console's client, token_use = id, the access token's
 *   `sub`), and the body it names, once checked to exist, is kept in the session record in the
 *   store: the browser never carries it, so nothing it sends can change it (bodyOfSubmitter).
 */
import { createHash, randomBytes } from "node:crypto";
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from "jose";
import type { ConsoleRole } from "./accounts.js";

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

/** The role an access token's groups give, or undefined when none is a console role. */
export function roleOfGroups(groups: unknown): ConsoleRole | undefined {
  const list = Array.isArray(groups) ? groups.filter((g): g is string => typeof g === "string") : [];
  return ROLE_ORDER.find((role) => list.includes(role));
}

/** What the console reads from a verified access token. */
export interface OidcClaims {
  /** The account's stable id (`sub`): a session's tokens must all be the same account's. */
  readonly subject: string;
  readonly username: string;
  readonly role: ConsoleRole;
  /** Seconds since the epoch. */
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/** The ID token's claim naming the issuing body a submitter belongs to (user pool attribute). */
export const BODY_CLAIM = "custom:gazette_body";

/** What the console reads from a verified ID token (the same account's as the access token). */
export interface OidcIdClaims {
  readonly subject: string;
  /** BODY_CLAIM, when the account has one. */
  readonly body?: string | undefined;
}

/**
 * The tokens of a sign-in or a refresh: the verified access token, the verified ID token's claims
 * when the provider sent one, and, if sent, a refresh token.
 */
export interface OidcTokens {
  readonly token: string;
  readonly claims: OidcClaims;
  readonly id?: OidcIdClaims | undefined;
  readonly refreshToken?: string;
}

/** Why a submitter's tokens bind it to no body. */
export type BodyRefusal = "no_id_token" | "no_body_claim" | "unknown_body";

/**
 * The claim → body mapping: the issuing body a submitter signed in through the provider acts for.
 * Only a verified ID token's BODY_CLAIM counts (the access token carries no attributes), and only
 * a body that exists (`exists`: the bodies registry). Refused: no ID token, no claim (an account
 * put in the submitter group without its body), or a body that does not exist (a typo, a body
 * since removed).
 */
export async function bodyOfSubmitter(
  id: OidcIdClaims | undefined,
  exists: (bodyId: string) => Promise<boolean>,
): Promise<
  | { readonly kind: "bound"; readonly body: string }
  | { readonly kind: "refused"; readonly reason: BodyRefusal }
> {
  if (!id) return { kind: "refused", reason: "no_id_token" };
  const body = id.body?.trim();
  if (!body) return { kind: "refused", reason: "no_body_claim" };
  if (!(await exists(body))) return { kind: "refused", reason: "unknown_body" };
  return { kind: "bound", body };
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
    const url = new URL(this.endpoint("/oauth2/authorize"));
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

  private endpoint(path: string): string {
    return `${this.settings.signInBaseUrl.replace(/\/+$/, "")}${path}`;
  }

  /** POSTs a form to the provider's token endpoint; the parsed answer, or why there is none. */
  private async tokenRequest(
    form: Record<string, string>,
  ): Promise<{ kind: "ok"; body: Record<string, unknown> } | { kind: "refused" } | { kind: "unavailable" }> {
    let response: Response;
    try {
      response = await this.fetch(this.endpoint("/oauth2/token"), {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(form).toString(),
      });
    } catch {
      return { kind: "unavailable" };
    }
    // 4xx: the grant is refused (invalid_grant: revoked, expired, wrong client); 5xx: try later.
    if (response.status >= 500) return { kind: "unavailable" };
    if (!response.ok) return { kind: "refused" };
    const body = (await response.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    return body && typeof body === "object" ? { kind: "ok", body } : { kind: "unavailable" };
  }

  /**
   * Exchanges the code for tokens and verifies the access token; undefined when refused. The
   * refresh token (Cognito issues one with the code flow) renews the session's access token.
   */
  async finish(code: string, verifier: string): Promise<OidcTokens | undefined> {
    const answer = await this.tokenRequest({
      grant_type: "authorization_code",
      client_id: this.settings.clientId,
      code,
      redirect_uri: this.callbackUrl,
      code_verifier: verifier,
    });
    if (answer.kind !== "ok") return undefined;
    return this.tokensOf(answer.body);
  }

  /**
   * A new access token for a refresh token (the token endpoint's refresh_token grant): "refused"
   * when the provider refuses it (revoked, expired, the account disabled or in no console group
   * any more), "unavailable" when the provider could not be asked.
   */
  async refresh(
    refreshToken: string,
  ): Promise<({ kind: "ok" } & OidcTokens) | { kind: "refused" } | { kind: "unavailable" }> {
    const answer = await this.tokenRequest({
      grant_type: "refresh_token",
      client_id: this.settings.clientId,
      refresh_token: refreshToken,
    });
    if (answer.kind !== "ok") return answer;
    const tokens = await this.tokensOf(answer.body);
    return tokens ? { kind: "ok", ...tokens } : { kind: "refused" };
  }

  /** Revokes a refresh token (and the access tokens issued with it) at the provider; best effort. */
  async revoke(refreshToken: string): Promise<void> {
    try {
      await this.fetch(this.endpoint("/oauth2/revoke"), {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ token: refreshToken, client_id: this.settings.clientId }).toString(),
      });
    } catch {
      // The refresh token then lapses at the end of its validity; the app's session is gone anyway.
    }
  }

  private async tokensOf(body: Record<string, unknown>): Promise<OidcTokens | undefined> {
    const token = typeof body.access_token === "string" ? body.access_token : undefined;
    const claims = await this.verify(token);
    if (!token || !claims) return undefined;
    // An ID token sent with it must be valid and the same account's; a forged one refuses all.
    let id: OidcIdClaims | undefined;
    if (body.id_token !== undefined) {
      id = await this.verifyIdToken(typeof body.id_token === "string" ? body.id_token : undefined);
      if (!id || id.subject !== claims.subject) return undefined;
    }
    const refreshToken =
      typeof body.refresh_token === "string" && body.refresh_token ? body.refresh_token : undefined;
    return { token, claims, ...(id ? { id } : {}), ...(refreshToken ? { refreshToken } : {}) };
  }

  /**
   * What a verified ID token says, or undefined: signature against the issuer's keys, issuer,
   * audience = the console's client, `token_use` = id, expiry.
   */
  async verifyIdToken(token: string | undefined): Promise<OidcIdClaims | undefined> {
    if (!token || token.length > 8192) return undefined;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.clientId,
        algorithms: ["RS256", "ES256"],
        ...(this.options.now ? { currentDate: this.options.now() } : {}),
      }));
    } catch {
      return undefined;
    }
    if (payload.token_use !== "id" || typeof payload.sub !== "string") return undefined;
    const body = payload[BODY_CLAIM];
    return { subject: payload.sub, ...(typeof body === "string" && body ? { body } : {}) };
  }

  /** What a verified access token says, or undefined (missing, forged, expired, no role). */
  async verify(token: string | undefined): Promise<OidcClaims | undefined> {
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
    if (!role || typeof username !== "string" || typeof payload.exp !== "number") return undefined;
    return {
      subject: typeof payload.sub === "string" ? payload.sub : username,
      username,
      role,
      issuedAt: payload.iat ?? payload.exp,
      expiresAt: payload.exp,
    };
  }

  /** The provider's sign-out, which comes back to the console's sign-in page. */
  signOutUrl(): string {
    const url = new URL(this.endpoint("/logout"));
    url.search = new URLSearchParams({
      client_id: this.settings.clientId,
      logout_uri: `${this.settings.publicBaseUrl.replace(/\/+$/, "")}/console/sign-in`,
    }).toString();
    return url.toString();
  }
}
