/**
 * A console session signed in through the OIDC provider (AWS: the Cognito user pool), resumed on
 * each request. It has the embedded accounts' semantics (ConsoleAccounts): a random token in an
 * HttpOnly, SameSite=Strict cookie, the store keeping its hash, its CSRF token and its last
 * activity; unused for the idle limit (GAZETTE_CONSOLE_IDLE_SECONDS) it ends. Beside it, the
 * provider's access token (the cookie the HTTP API's JWT authoriser checks in AWS) is renewed
 * through the token endpoint with the session's refresh token before it expires:
 *
 * - renewed once less of it is left than the idle limit (plus a minute for clocks), so that a
 *   browser coming back within the idle limit always brings a live token, which CloudFront and the
 *   JWT authoriser let through (a form posted then is not lost). When the client's access-token
 *   validity is too short for that, at half its lifetime;
 * - an expired or missing access token is renewed too (in AWS this happens at /console/sign-in,
 *   where CloudFront sends a browser without a live token);
 * - a refused renewal (refresh token revoked or past its validity, account disabled) ends the
 *   session; a provider that cannot be reached leaves a still-live token in use.
 * - a submitter's body is the session's, bound at sign-in from the verified ID token (the callback,
 *   src/console/routes/sign-in.ts). A renewal whose ID token names another body, or none (an
 *   administrator moved the account, or put another account in the submitter group), ends the
 *   session: the next sign-in binds the new body after checking that it exists. Any other role
 *   carries no body.
 */
import type { ConsoleAccounts, ConsoleSession } from "./accounts.js";
import type { OidcClaims, OidcSignIn } from "./oidc.js";

export type OidcResumed =
  /** A live session; `token`: a renewed access token to set in the cookie. */
  | { readonly kind: "live"; readonly session: ConsoleSession; readonly token?: string | undefined }
  /** No session cookie at all. */
  | { readonly kind: "none" }
  /** The browser had a session that is over: idle, signed out elsewhere, or not renewable. */
  | { readonly kind: "ended"; readonly reason: "idle" | "expired" }
  /** The access token expired and the provider could not be asked for a new one. */
  | { readonly kind: "unavailable" };

/** Seconds before the access token's expiry at which it is renewed. */
export function renewalMargin(claims: OidcClaims, idleSeconds: number): number {
  const lifetime = claims.expiresAt - claims.issuedAt;
  return lifetime > idleSeconds + 120 ? idleSeconds + 60 : Math.floor(lifetime / 2);
}

export async function resumeOidcSession(
  deps: { accounts: ConsoleAccounts; oidc: OidcSignIn; now: () => Date },
  sessionToken: string | undefined,
  accessToken: string | undefined,
): Promise<OidcResumed> {
  const { accounts, oidc } = deps;
  if (!sessionToken) return { kind: "none" };
  const resumed = await accounts.resume(sessionToken);
  if (!resumed?.oidc) return { kind: "ended", reason: "idle" };
  const { subject, refreshToken } = resumed.oidc;
  const current = await oidc.verify(accessToken);
  const claims = current?.subject === subject ? current : undefined;
  const nowSeconds = deps.now().getTime() / 1000;
  const live = (c: OidcClaims, token?: string): OidcResumed => {
    const { body, ...session } = resumed.session;
    return {
      kind: "live",
      session: {
        ...session,
        username: c.username,
        role: c.role,
        ...(c.role === "submitter" ? { body } : {}),
      },
      token,
    };
  };
  if (claims?.role === "submitter" && !resumed.session.body) {
    // A submitter without a bound body: only a sign-in binds one.
    await accounts.endSession(sessionToken);
    return { kind: "ended", reason: "expired" };
  }
  if (claims && claims.expiresAt - nowSeconds > renewalMargin(claims, accounts.idleSeconds)) {
    return live(claims);
  }
  const renewed = refreshToken ? await oidc.refresh(refreshToken) : ({ kind: "refused" } as const);
  if (
    renewed.kind === "ok" &&
    renewed.claims.subject === subject &&
    (renewed.claims.role !== "submitter" ||
      (resumed.session.body !== undefined && renewed.id?.body === resumed.session.body))
  ) {
    if (renewed.refreshToken && renewed.refreshToken !== refreshToken)
      await accounts.replaceRefreshToken(sessionToken, renewed.refreshToken);
    return live(renewed.claims, renewed.token);
  }
  if (renewed.kind === "unavailable") return claims ? live(claims) : { kind: "unavailable" };
  await accounts.endSession(sessionToken);
  return { kind: "ended", reason: "expired" };
}
