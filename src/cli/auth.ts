/**
 * How the CLI authorises its calls to the API:
 * - `token`: `Authorization: Bearer <token>` — the local editor token (`npm start`) or, against a
 *   stack deployed with a JWT authoriser, the JWT (GAZETTE_JWT or GAZETTE_EDITOR_TOKEN);
 * - `iam`: AWS Signature Version 4 (service `execute-api`) with credentials from the default
 *   chain (environment, shared config/SSO profile, container or instance role) — the deployed
 *   stack's default, where API Gateway's IAM authoriser checks the signature.
 * GAZETTE_AUTH picks one; left unset, an `*.execute-api.<region>.amazonaws.com` URL means `iam`.
 */
import { type RequestAuthorizer, sigv4 } from "../platform/aws/sigv4.js";
import { UsageError } from "./usage-error.js";

export { type RequestAuthorizer, sigv4 };

export function bearer(token: string): RequestAuthorizer {
  return async ({ headers }) => ({ ...headers, authorization: `Bearer ${token}` });
}

/** The region of an API Gateway URL (`{id}.execute-api.{region}.amazonaws.com`), if it is one. */
export function executeApiRegion(url: URL): string | undefined {
  return /^[a-z0-9]+\.execute-api\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/.exec(url.hostname)?.[1];
}

/**
 * The authoriser the environment asks for: GAZETTE_AUTH=iam|token (default iam for an API
 * Gateway URL), the token from GAZETTE_JWT or `token`, the region from the URL or AWS_REGION.
 * Credentials come from the AWS SDK's default chain, loaded only when IAM is used.
 */
export async function authorizerFromEnv(
  env: NodeJS.ProcessEnv,
  baseUrl: string,
  token: string | undefined,
): Promise<RequestAuthorizer | undefined> {
  const url = new URL(baseUrl);
  const mode = env.GAZETTE_AUTH?.trim().toLowerCase() || (executeApiRegion(url) ? "iam" : "token");
  if (mode === "iam") {
    const region = executeApiRegion(url) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
    if (!region) {
      throw new UsageError(
        "GAZETTE_AUTH=iam needs the API's region: use its execute-api URL or set AWS_REGION",
      );
    }
    const { defaultProvider } = await import("@aws-sdk/credential-provider-node");
    return sigv4({ region, credentials: defaultProvider() });
  }
  if (mode === "token" || mode === "jwt") {
    const bearerToken = env.GAZETTE_JWT ?? token;
    return bearerToken ? bearer(bearerToken) : undefined;
  }
  throw new UsageError(`GAZETTE_AUTH must be "iam" or "token" (got "${env.GAZETTE_AUTH}")`);
}
