import { editionSettingsFrom } from "../../editions/model.js";
import { parseNumberingStart } from "../../editions/numbering.js";
import type { RenderEdition } from "../../editions/publish.js";
import { EditionService } from "../../editions/service.js";
import type { LambdaBase } from "./common.js";

/**
 * The editions service. `render`: the renderer (publishing/render.ts), given by the preview function
 * alone; the API queues publication for the publisher, so its bundle holds no PDF engine.
 */
export function editionService({ config, platform }: LambdaBase, render?: RenderEdition) {
  return new EditionService({
    platform,
    settings: {
      ...editionSettingsFrom(config.gazette),
      continueFrom: parseNumberingStart(config.continueFrom),
    },
    render,
  });
}
