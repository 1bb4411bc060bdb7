/**
 * Composition root of the `console` function (see ./api.ts): the editor console at /console/
 * (sign-in, documents, editions, accounts, audit, the archive review, the submitters' pages and
 * the desk) but for the pages other functions serve (the .docx posts: documents; the previews:
 * preview; the sites, the compliance report and the portal: reposts), and a body's register
 * import, POST /api/bodies/{bodyId}/register, whose CSV reader (csv-parse) the console's own
 * import uses too. The console's pages and its session check (jose) and the CSV reader live
 * here, so the api function (the editor API and the public site) bundles none of them.
 */
import { ArchiveReading } from "../../archive/reading.js";
import { S3UploadUrls } from "../../archive/s3-upload-urls.js";
import { CognitoSubmitterDirectory } from "../../console/cognito-submitters.js";
import { createConsoleRoutes } from "../../console/http.js";
import { createConsoleRenderer } from "../../console/render.js";
import { registerSubmitterPageAreas } from "../../console/submitters.js";
import { DocumentReading } from "../../documents/reading.js";
import { createApp } from "../../http/app.js";
import { pageSites } from "../../reposts/records.js";
import { DocumentStatuses } from "../../status/service.js";
import { createSubmitters } from "../../submitters/module.js";
import { createRegisterImportRoutes } from "../../submitters/register-import-http.js";
import { type LambdaEnv, lambdaBase } from "./common.js";
import { consoleKitDependencies } from "./console.js";
import { editionService } from "./editions.js";
import { common } from "./http-common.js";
import { lambdaHttpHandler } from "./response-spill.js";
import { lambdaSearch } from "./search.js";

export function createConsoleFunctionApp(env: LambdaEnv = process.env) {
  const base = lambdaBase(env);
  const { config, platform } = base;
  const statuses = new DocumentStatuses(platform);
  // The documents' reads alone (its pages): a new document, .docx or not, is the documents
  // function's, so neither intake's checks (zod) nor its idempotency are bundled here.
  const intake = new DocumentReading(platform);
  const editions = editionService(base);
  // The submitter's pages and the desk's: sending and accepting (which check a submission as
  // intake does) are the documents function's.
  const submitters = createSubmitters({ platform, config });
  // The archive as the review queue reads and corrects it; ingest is the archive API function's.
  const archive = new ArchiveReading({
    platform,
    search: lambdaSearch(config),
    uploads: new S3UploadUrls(config.aws.bucketName, { region: config.aws.region }),
  });
  return createApp({
    ...common(base),
    routeGroups: [() => createRegisterImportRoutes(submitters)],
    console: createConsoleRoutes(
      {
        ...consoleKitDependencies(base, createConsoleRenderer(base.config.gazette)),
        intake,
        editions,
        // Who a publication sends repost notices to (the reposts module is the reposts API function's).
        sites: { page: (options) => pageSites(platform.records, options) },
        archive,
        statuses,
        submitters,
        // /console/accounts creates department submitters in the user pool (issue 16).
        submitterDirectory:
          config.consoleOidc && config.consoleUserPoolId
            ? new CognitoSubmitterDirectory({ userPoolId: config.consoleUserPoolId })
            : undefined,
      },
      "api",
      // A submitter's sending and the editors' accept (they may read a .docx) are the documents function's.
      registerSubmitterPageAreas,
    ),
  });
}

export const createConsoleHandler = (env: LambdaEnv = process.env) =>
  lambdaHttpHandler(createConsoleFunctionApp(env), env);
