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
  // Editions published before signing existed enter the log by the migration `log-backfill`
  // (src/migrations), which the migration function runs after the deploy.
  return handler;
}
