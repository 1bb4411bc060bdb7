/**
 * Composition root of the publisher: publication requests → render and publish the edition;
 * checkpoint requests → sign the log's checkpoint.
 */
import { editionSettingsFrom } from "../../editions/model.js";
import { parseNumberingStart } from "../../editions/numbering.js";
import { EditionService } from "../../editions/service.js";
import { createPublishingHandler } from "../../handlers/publishing.js";
import { createEditionRenderer } from "../../publishing/render.js";
import { KmsSigningKey } from "../../signing/kms-key.js";
import { createSealer } from "../../signing/seal.js";
import { timestampAuthority } from "../../signing/timestamp.js";
import { backfillPublicationLog } from "../../transparency/backfill.js";
import { type LambdaEnv, lambdaBase, siteGazette } from "./common.js";

export function createPublisherHandler(env: LambdaEnv = process.env) {
  const { config, platform, logger } = lambdaBase(env);
  // Only the publisher holds the signing key: it signs publications and the log's checkpoints,
  // also those other functions ask for (transparency/checkpoint-request.ts).
  const seal = config.signing.kmsKeyId
    ? createSealer({
        key: new KmsSigningKey(config.signing.kmsKeyId),
        records: platform.records,
        subject: config.gazette,
        baseUrl: config.baseUrl,
        certificatePem: config.signing.certificatePem,
        timestamp: config.signing.timestampUrl
          ? timestampAuthority({ url: config.signing.timestampUrl })
          : undefined,
        now: () => platform.clock.now(),
      })
    : undefined;
  const handler = createPublishingHandler({
    queues: platform.queues,
    editions: new EditionService({
      platform,
      settings: {
        ...editionSettingsFrom(config.gazette),
        continueFrom: parseNumberingStart(config.continueFrom),
      },
      render: createEditionRenderer(siteGazette(config)),
      seal,
    }),
    checkpoints: seal,
    logger,
  });
  // The migration: editions published before signing existed enter the log before this
  // container's first publication or checkpoint (one read once it has run). A failure is logged
  // and tried again with the next invocation; it never holds a publication up.
  let backfilled: Promise<void> | undefined;
  const backfill = () =>
    backfillPublicationLog(platform).then(
      (result) => {
        if (result.appended.length || result.withoutManifest.length)
          logger.info("Editions published before signing appended to the log", { ...result });
      },
      (error) => {
        backfilled = undefined;
        logger.error("Appending editions published before signing to the log failed", {
          error: error as Error,
        });
      },
    );
  return async (event: Parameters<typeof handler>[0], context: Parameters<typeof handler>[1]) => {
    backfilled ??= backfill();
    await backfilled;
    return handler(event, context);
  };
}
