/**
 * What the API functions' composition roots share (api.ts, api-documents.ts, api-preview.ts,
 * api-verify.ts, api-archive.ts).
 * Each helper is a module of its own: a root imports only what it builds.
 */
import { ApiGatewayAuthenticator } from "../../http/auth.js";
import type { LambdaBase } from "./common.js";

/** The app's shared dependencies: configuration, authoriser, clock, durability, error log. */
export function common(base: LambdaBase) {
  return {
    config: base.config,
    auth: new ApiGatewayAuthenticator(),
    now: () => base.platform.clock.now(),
    flush: () => base.platform.flush(),
    logError: (error: unknown) => base.logger.error("request failed", { error: error as Error }),
  };
}
