/**
 * Composition root of the `archive` API function: the archive's editor API, `/api/archive/…`
 * (see ./api.ts): scan and text ingest (every scan checked with mupdf, which loads on the first
 * scan), the S3 upload signer, jobs, items and their corrections. The public archive pages and
 * the console's review queue are the `api` function's, which reads the archive without these.
 */
import { archiveApiRoutes } from "../../archive/api-routes.js";
import { createArchive } from "../../archive/module.js";
import { S3UploadUrls } from "../../archive/s3-upload-urls.js";
import { createApp } from "../../http/app.js";
import { type LambdaEnv, lambdaBase, siteGazette } from "./common.js";
import { common } from "./http-common.js";
import { lambdaHttpHandler } from "./response-spill.js";
import { lambdaSearch } from "./search.js";

export function createArchiveApiFunctionApp(env: LambdaEnv = process.env) {
  const base = lambdaBase(env);
  const { config, platform, logger } = base;
  // Large scans are PUT straight to the blob bucket with presigned URLs; pages are read by the
  // archive consumer, never here (no OCR engine).
  const archive = createArchive({
    platform,
    gazette: siteGazette(config),
    // A correction re-indexes its item.
    search: lambdaSearch(config),
    logger,
    uploads: new S3UploadUrls(config.aws.bucketName, { region: config.aws.region }),
  });
  return createApp({
    ...common(base),
    routeGroups: [(requireEditor) => archiveApiRoutes(archive, requireEditor)],
  });
}

export const createArchiveApiHandler = (env: LambdaEnv = process.env) =>
  lambdaHttpHandler(createArchiveApiFunctionApp(env), env);
