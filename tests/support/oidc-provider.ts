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
 * per code) and its signing keys (a local JWKS). Access tokens carry what Cognito's do:
 * token_use=access, client_id, username, cognito:groups.
 */
export interface TestOidcProvider {
  readonly issuer: string;
  readonly clientId: string;
  readonly signInBaseUrl: string;
  readonly keys: JWTVerifyGetKey;
  readonly jwks: JSONWebKeySet;
  /** The token endpoint, as the app's fetch. */
  readonly fetch: typeof fetch;
  /** The user signs in on the hosted page for this authorize URL; returns the callback path + query. */
  authorize(authorizeUrl: string, user: { username: string; groups: readonly string[] }): string;
  /** An access token signed with the provider's key (claims override the defaults). */
  accessToken(
    claims?: JWTPayload & Record<string, unknown>,
    options?: { expiresInSeconds?: number },
  ): Promise<string>;
}

export async function createTestOidcProvider(options: {
  now: () => Date;
  clientId?: string;
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
      user: { username: string; groups: readonly string[] };
    }
  >();

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
      .setSubject(randomBytes(8).toString("hex"))
      .setIssuedAt(iat)
      .setExpirationTime(iat + (opts.expiresInSeconds ?? 1800))
      .sign(privateKey);
  };

  const tokenEndpoint = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.toString() : input.url;
    if (url !== `${signInBaseUrl}/oauth2/token` || init?.method !== "POST")
      return new Response("not found", { status: 404 });
    const form = new URLSearchParams(String(init.body));
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
      return Response.json({ error: "invalid_grant" }, { status: 400 });
    }
    return Response.json({
      access_token: await accessToken({
        username: grant.user.username,
        "cognito:groups": [...grant.user.groups],
      }),
      id_token: "not used by the console",
      token_type: "Bearer",
      expires_in: 1800,
    });
  };

  return {
    issuer,
    clientId,
    signInBaseUrl,
    jwks,
    keys: createLocalJWKSet(jwks),
    fetch: tokenEndpoint as typeof fetch,
    accessToken,
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
}
