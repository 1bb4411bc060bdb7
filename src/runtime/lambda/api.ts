/**
 * Composition roots of the seven functions behind API Gateway. Each builds the HTTP app with only
 * the routes declared for it (route declarations: `lambda`) and only what those routes use:
 * - `api`: the editor API, the public site (the archive's pages included) and search;
 * - `console`: the editor console (but for the pages named below for other functions) and a
 *   body's register import (the console's pages and session, csv-parse);
 * - `documents`: POST /api/documents and the console's POST /console/documents, a submitter's
 *   sending and the editors' accept of a submission, the routes that read .docx files (mammoth, xmldom);
 * - `preview`: POST /api/editions/{id}/preview and the console's two preview pages, the routes
 *   that render (pdf-lib, fontkit);
 * - `verify`: the transparency log, the signing certificates, POST /api/verify and /verify (the
 *   CMS/X.509 schemas);
 * - `archive`: the archive's editor API, /api/archive/… (ingest, mupdf, the upload signer);
 * - `reposts`: the reposts API, the console's sites and compliance pages and the site portal (the
 *   reposts module: working days, site verification).
 * tests/http/lambda-routes.test.ts checks each app serves exactly its declared routes. This is the
 * `api` function's; api-console.ts, api-documents.ts, api-preview.ts, api-verify.ts, api-archive.ts
 * and api-reposts.ts are the others' (separate modules, so each bundle imports only its own). This
 * one holds neither the console, the .docx reader, the PDF engine nor the archive's ingest (it
 * reads the archive: ArchiveReading).
 */
import { ArchiveReading } from "../../archive/reading.js";
import { S3UploadUrls } from "../../archive/s3-upload-urls.js";
import { ArchiveSite } from "../../archive/site.js";
import { validateSubmission } from "../../documents/submission.js";
import { createApp } from "../../http/app.js";
import { builtOpenApiDocument } from "../../http/openapi-file.js";
import { PublicSite } from "../../publishing/public-site.js";
import { createSearchRoutes } from "../../search/http.js";
import { DocumentStatuses } from "../../status/service.js";
import { createSubmittersRoutes } from "../../submitters/http.js";
import { createSubmitters } from "../../submitters/module.js";
import { type LambdaEnv, lambdaBase, siteGazette } from "./common.js";
import { editionService } from "./editions.js";
import { common } from "./http-common.js";
import { documentIntake } from "./intake.js";
import { lambdaHttpHandler } from "./response-spill.js";
import { lambdaSearch, orUnavailable } from "./search.js";

/** The `api` function's app: every route not declared for another function. */
export function createApiFunctionApp(env: LambdaEnv = process.env) {
  const base = lambdaBase(env);
  const { config, platform, logger } = base;
  const gazette = siteGazette(config);
  const now = () => platform.clock.now();
  const statuses = new DocumentStatuses(platform);
  const index = lambdaSearch(config);
  // Reads and the submitters' JSON submissions; .docx files and previews are the other two
  // functions' (a .docx reaching this one is refused 415, an edition cannot be rendered here).
  const intake = documentIntake(base);
  const editions = editionService(base);
  const submitters = createSubmitters({ platform, config, intake, validate: validateSubmission });
  // The archive as its pages read it; the console's review queue is the console function's,
  // ingest the archive API function's (api-archive.ts). Original scans download from presigned URLs.
  const archive = new ArchiveReading({
    platform,
    search: index,
    uploads: new S3UploadUrls(config.aws.bucketName, { region: config.aws.region }),
  });
  return createApp({
    ...common(base),
    intake,
    documentRoutes: "read",
    editions,
    editionRoutes: "manage",
    // CloudFront serves published files from the site bucket, where the events function copies them.
    site: new PublicSite(platform, gazette, {
      statuses,
      now,
      requireSiteCopy: Boolean(config.aws.siteBucketName),
    }),
    statuses,
    routeGroups: [
      () => new ArchiveSite(archive, gazette).routes(),
      (requireEditor) =>
        createSearchRoutes({
          search: orUnavailable(index),
          gazette: config.gazette,
          logError: (error) => logger.error("request failed", { error: error as Error }),
          reindex: { requireEditor, platform, now },
        }),
      // Issuing bodies, their submissions and the completeness register (issue 16).
      (requireEditor) =>
        createSubmittersRoutes({
          ...submitters,
          requireEditor,
          site: { ...gazette, baseUrl: config.baseUrl },
          // Accepting a submission (it may carry a .docx) is the documents function's, a body's
          // register import (csv-parse) the console function's.
          accept: false,
        }),
    ],
    // Generated from the route declarations at build time (function-bundle.ts `openApi`), read
    // when first asked for: neither the operations nor zod's JSON Schema generator are bundled.
    openApi: builtOpenApiDocument(config, env),
  });
}

export const createApiHandler = (env: LambdaEnv = process.env) =>
  lambdaHttpHandler(createApiFunctionApp(env), env);
