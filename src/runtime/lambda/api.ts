/**
 * Composition roots of the three functions behind API Gateway. Each builds the HTTP app with only
 * the routes declared for it (route declarations: `lambda`) and only what those routes use, so
 * each bundle holds only that code:
 * - `api`: the editor API, the public site and search, without the two below;
 * - `documents`: POST /api/documents, the one route that reads .docx files (mammoth, xmldom);
 * - `preview`: POST /api/editions/{id}/preview, the one that renders (pdf-lib, fontkit, fonts).
 * tests/http/lambda-routes.test.ts checks each app serves exactly its declared routes. This is the
 * `api` function's; api-documents.ts and api-preview.ts are the others' (separate modules, so
 * each bundle imports only its own).
 */
import { handle } from "hono/aws-lambda";
import { archiveRoutes } from "../../archive/http.js";
import { createArchive } from "../../archive/module.js";
import { S3UploadUrls } from "../../archive/s3-upload-urls.js";
import { createApp } from "../../http/app.js";
import { buildOpenApiDocument } from "../../http/openapi.js";
import { PublicSite } from "../../publishing/public-site.js";
import { createReposts } from "../../reposts/module.js";
import { createSqsDeliverySender } from "../../reposts/sqs-sender.js";
import { createSearchRoutes } from "../../search/http.js";
import { DocumentStatuses } from "../../status/service.js";
import { type LambdaEnv, lambdaBase, siteGazette } from "./common.js";
import { editionService } from "./editions.js";
import { common } from "./http-common.js";
import { documentIntake } from "./intake.js";
import { lambdaSearch, orUnavailable } from "./search.js";

/** The `api` function's app: every route not declared for another function. */
export function createApiFunctionApp(env: LambdaEnv = process.env) {
  const base = lambdaBase(env);
  const { config, platform, logger } = base;
  const gazette = siteGazette(config);
  const now = () => platform.clock.now();
  const statuses = new DocumentStatuses(platform);
  const index = lambdaSearch(config);
  // Large scans are PUT straight to the blob bucket with presigned URLs.
  const archive = createArchive({
    platform,
    gazette,
    search: index,
    logger,
    uploads: new S3UploadUrls(config.aws.bucketName, { region: config.aws.region }),
  });
  return createApp({
    ...common(base),
    intake: documentIntake(base),
    documentRoutes: "read",
    editions: editionService(base),
    editionRoutes: "manage",
    // CloudFront serves published files from the site bucket, where the events function copies them.
    site: new PublicSite(platform, gazette, {
      statuses,
      now,
      requireSiteCopy: Boolean(config.aws.siteBucketName),
    }),
    statuses,
    reposts: createReposts({
      platform,
      config,
      logger,
      sqs: createSqsDeliverySender({ region: config.aws.region }),
    }),
    routeGroups: [
      (requireEditor) => archiveRoutes(archive, requireEditor),
      (requireEditor) =>
        createSearchRoutes({
          search: orUnavailable(index),
          gazette: config.gazette,
          logError: (error) => logger.error("request failed", { error: error as Error }),
          reindex: { requireEditor, platform, now },
        }),
    ],
    openApi: buildOpenApiDocument(config),
  });
}

export const createApiHandler = (env: LambdaEnv = process.env) => handle(createApiFunctionApp(env));
