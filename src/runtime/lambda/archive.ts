/** Composition root of the archive consumer: one scanned page or ingested text per message. */
import { createArchive } from "../../archive/module.js";
import { loadOcrEngine } from "../../archive/ocr/load.js";
import { type LambdaEnv, lambdaBase, siteGazette } from "./common.js";
import { lambdaSearch } from "./search.js";

export function createArchiveHandler(env: LambdaEnv = process.env) {
  const { config, platform, logger } = lambdaBase(env);
  return createArchive({
    platform,
    gazette: siteGazette(config),
    // AWS indexes into OpenSearch only (an embedded index would be private to one container).
    search: lambdaSearch(config),
    logger,
    ocr: loadOcrEngine,
  }).handler;
}
