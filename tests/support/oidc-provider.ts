import { createHash, randomBytes } from "node:crypto";
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JSONWebKeySet,
  type JWTPayload,
  type JWTVerifyGetKey,
  SignJWT,
} from "jose";

/**
 * An OpenID Connect provider shaped like Cognito's hosted sign-in, in process: its authorize step
 * (a user who signed in on the hosted page), its token endpoint (authorization code + PKCE, one use
 * per code; the refresh_token grant, refused once the refresh token is revoked, past its validity
 * or its account disabled), its revocation endpoint, and its signing keys (a local JWKS). Access
 * tokens carry what Cognito's do: token_use=access, client_id, username, cognito:groups, a `sub`
 * stable per account; ID tokens token_use=id, aud = the client, the same `sub`, cognito:username
 * and the user's attributes the client may read (custom:gazette_body).
 */
export interface TestOidcUser {
  readonly username: string;
  readonly groups: readonly string[];
  /** User pool attributes as the ID token carries them, e.g. { "custom:gazette_body": "sc-jyt" }. */
  readonly attributes?: Readonly<Record<string, string>>;
}

export interface TestOidcProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly signInBaseUrl: string;
  readonly keys: JWTVerifyGetKey;
  readonly jwks: JSONWebKeySet;
  /** The token and revocation endpoints, as the app's fetch. */
  readonly fetch: typeof fetch;
  /** Each grant the token endpoint answered or refused, in order. */
  readonly grants: { grant: string; outcome: "ok" | "refused" }[];
  /** Refresh tokens revoked through the revocation endpoint. */
  readonly revoked: Set<string>;
  /** Accounts whose refresh tokens the provider refuses (disabled in the user pool). */
  readonly disabled: Set<string>;
  /** Groups changed in the user pool: the next refreshed token carries these. */
  readonly groupsOf: Map<string, readonly string[]>;
  /** Attributes changed in the user pool: the next refreshed ID token carries these. */
  readonly attributesOf: Map<string, Readonly<Record<string, string>>>;
  /** When set, the token endpoint answers 503. */
  down: boolean;
  /** The user signs in on the hosted page for this authorize URL; returns the callback path + query. */
  authorize(authorizeUrl: string, user: TestOidcUser): string;
  /** An access token signed with the provider's key (claims override the defaults). */
  accessToken(
    claims?: JWTPayload & Record<string, unknown>,
    options?: { expiresInSeconds?: number },
  ): Promise<string>;
  /** An ID token signed with the provider's key (claims override the defaults). */
  idToken(
    claims?: JWTPayload & Record<string, unknown>,
    options?: { expiresInSeconds?: number },
  ): Promise<string>;
  /**
   * What the token endpoint answers with the ID token instead of a real one (e.g. a forged one):
   * called with the real one's claims.
   */
  idTokenOverride: ((claims: Record<string, unknown>) => Promise<string | undefined>) | undefined;
}

export async function createTestOidcProvider(options: {
  now: () => Date;
  clientId?: string;
  /** The app client's access-token validity (default 1,800 s). */
  accessTokenSeconds?: number;
  /** The app client's refresh-token validity (default 12 hours). */
  refreshTokenSeconds?: number;
}): Promise<TestOidcProvider> {
  const issuer = "https://cognito-idp.cn-north-1.amazonaws.com.cn/cn-north-1_TestPool";
  const signInBaseUrl = "https://gazette-test.auth.cn-north-1.amazoncognito.com";
  const clientId = options.clientId ?? "console-client-1";
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key-1", alg: "RS256", use: "sig" };
  const jwks: JSONWebKeySet = { keys: [jwk] };
  const codes = new Map<
    string,
    {
      challenge: string;
      redirectUri: string;
      clientId: string;
      user: TestOidcUser;
    }
  >();

  const accessSeconds = options.accessTokenSeconds ?? 1800;
  const refreshSeconds = options.refreshTokenSeconds ?? 12 * 3600;
  const refreshTokens = new Map<string, TestOidcUser & { until: number }>();
  const grants: TestOidcProvider["grants"] = [];
  const revoked = new Set<string>();
  const disabled = new Set<string>();
  const groupsOf = new Map<string, readonly string[]>();
  const attributesOf = new Map<string, Readonly<Record<string, string>>>();
  const subjectOf = (username: string) => createHash("sha256").update(username).digest("hex").slice(0, 32);

  const accessToken: TestOidcProvider["accessToken"] = async (claims = {}, opts = {}) => {
    const iat = Math.floor(options.now().getTime() / 1000);
    return new SignJWT({
      token_use: "access",
      client_id: clientId,
      username: "someone",
      "cognito:groups": ["editor"],
      scope: "openid email profile",
      ...claims,
    })
      .setProtectedHeader({ alg: "RS256", kid: jwk.kid })
      .setIssuer(typeof claims.iss === "string" ? claims.iss : issuer)
      .setSubject(
        typeof claims.sub === "string"
          ? claims.sub
          : subjectOf(typeof claims.username === "string" ? claims.username : "someone"),
      )
      .setIssuedAt(iat)
      .setExpirationTime(iat + (opts.expiresInSeconds ?? accessSeconds))
      .sign(privateKey);
  };

  const idToken: TestOidcProvider["idToken"] = async (claims = {}, opts = {}) => {
    const iat = Math.floor(options.now().getTime() / 1000);
    const username = typeof claims["cognito:username"] === "string" ? claims["cognito:username"] : "someone";
    return new SignJWT({ token_use: "id", "cognito:username": username, ...claims })
      .setProtectedHeader({ alg: "RS256", kid: jwk.kid })
      .setIssuer(typeof claims.iss === "string" ? claims.iss : issuer)
      .setAudience(typeof claims.aud === "string" ? claims.aud : clientId)
      .setSubject(typeof claims.sub === "string" ? claims.sub : subjectOf(username))
      .setIssuedAt(iat)
      .setExpirationTime(iat + (opts.expiresInSeconds ?? accessSeconds))
      .sign(privateKey);
  };
  /** The ID token of a user: its attributes as the user pool holds them now. */
  const idTokenOf = async (user: TestOidcUser) => {
    const claims = {
      "cognito:username": user.username,
      "cognito:groups": [...(groupsOf.get(user.username) ?? user.groups)],
      ...(attributesOf.get(user.username) ?? user.attributes ?? {}),
    };
    return provider.idTokenOverride ? provider.idTokenOverride(claims) : idToken(claims);
  };

  const tokenEndpoint = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.toString() : input.url;
    if (init?.method === "POST" && url === `${signInBaseUrl}/oauth2/revoke`) {
      const form = new URLSearchParams(String(init.body));
      if (form.get("client_id") !== clientId)
        return Response.json({ error: "invalid_client" }, { status: 400 });
      revoked.add(form.get("token") ?? "");
      return new Response(null, { status: 200 });
    }
    if (url !== `${signInBaseUrl}/oauth2/token` || init?.method !== "POST")
      return new Response("not found", { status: 404 });
    if (provider.down) return new Response("unavailable", { status: 503 });
    const form = new URLSearchParams(String(init.body));
    const now = options.now().getTime() / 1000;
    if (form.get("grant_type") === "refresh_token") {
      const refresh = form.get("refresh_token") ?? "";
      const held = refreshTokens.get(refresh);
      if (
        !held ||
        revoked.has(refresh) ||
        held.until <= now ||
        disabled.has(held.username) ||
        form.get("client_id") !== clientId
      ) {
        grants.push({ grant: "refresh_token", outcome: "refused" });
        return Response.json({ error: "invalid_grant" }, { status: 400 });
      }
      grants.push({ grant: "refresh_token", outcome: "ok" });
      // Cognito sends no new refresh token unless rotation is on.
      return Response.json({
        access_token: await accessToken({
          username: held.username,
          "cognito:groups": [...(groupsOf.get(held.username) ?? held.groups)],
        }),
        id_token: await idTokenOf(held),
        token_type: "Bearer",
        expires_in: accessSeconds,
      });
    }
    const code = form.get("code") ?? "";
    const grant = codes.get(code);
    codes.delete(code); // one use
    const verifier = form.get("code_verifier") ?? "";
    const challenge = createHash("sha256").update(verifier).digest("base64url");
    if (
      form.get("grant_type") !== "authorization_code" ||
      !grant ||
      grant.clientId !== form.get("client_id") ||
      grant.redirectUri !== form.get("redirect_uri") ||
      grant.challenge !== challenge
    ) {
      grants.push({ grant: "authorization_code", outcome: "refused" });
      return Response.json({ error: "invalid_grant" }, { status: 400 });
    }
    grants.push({ grant: "authorization_code", outcome: "ok" });
    const refreshToken = randomBytes(32).toString("base64url");
    refreshTokens.set(refreshToken, { ...grant.user, until: now + refreshSeconds });
    return Response.json({
      access_token: await accessToken({
        username: grant.user.username,
        "cognito:groups": [...grant.user.groups],
      }),
      id_token: await idTokenOf(grant.user),
      refresh_token: refreshToken,
      token_type: "Bearer",
      expires_in: accessSeconds,
    });
  };

  const provider: TestOidcProvider = {
    grants,
    revoked,
    disabled,
    groupsOf,
    attributesOf,
    idTokenOverride: undefined,
    down: false,
    issuer,
    clientId,
    signInBaseUrl,
    jwks,
    keys: createLocalJWKSet(jwks),
    fetch: tokenEndpoint as typeof fetch,
    accessToken,
    idToken,
    authorize(authorizeUrl, user) {
      const url = new URL(authorizeUrl);
      if (`${url.origin}${url.pathname}` !== `${signInBaseUrl}/oauth2/authorize`)
        throw new Error(`not our authorize URL: ${authorizeUrl}`);
      const q = url.searchParams;
      if (q.get("response_type") !== "code" || q.get("code_challenge_method") !== "S256") {
        throw new Error("the console must use the code flow with PKCE S256");
      }
      const code = randomBytes(16).toString("hex");
      codes.set(code, {
        challenge: q.get("code_challenge") ?? "",
        redirectUri: q.get("redirect_uri") ?? "",
        clientId: q.get("client_id") ?? "",
        user,
      });
      const back = new URL(q.get("redirect_uri") ?? "");
      back.search = new URLSearchParams({ code, state: q.get("state") ?? "" }).toString();
      return `${back.pathname}${back.search}`;
    },
  };
  return provider;
}
