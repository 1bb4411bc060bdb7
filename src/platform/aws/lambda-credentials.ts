/**
 * Stands in for `@aws-sdk/credential-provider-node` (the default credential chain) in the Lambda
 * bundles (infra/constructs/function-bundle.ts aliases it). Lambda gives every function its
 * execution role's temporary keys in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
 * AWS_SESSION_TOKEN), the first link of the default chain; the other links (profiles, SSO, web
 * identity, container and instance metadata) never answer there, and with them go the STS, SSO
 * and sign-in clients they carry (~80 KB). The CLI and the local server are not bundled and keep
 * the whole chain.
 */
import { fromEnv } from "@aws-sdk/credential-provider-env";

export const defaultProvider: typeof fromEnv = (init) => fromEnv(init);
