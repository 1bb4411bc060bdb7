/**
 * The archive's HTTP routes as the local server mounts them: the editor API (./api-routes.ts)
 * and the public archive pages (./site.ts) in one app. In AWS they are two functions' (route
 * declarations: `lambda`): the `archive` API function mounts archiveApiRoutes alone, the `api`
 * function the pages alone, from the archive's reading side.
 */
import type { Hono, MiddlewareHandler } from "hono";
import { type ArchiveEnv, createArchiveRoutes } from "./api-routes.js";
import type { Archive } from "./module.js";
import type { ArchiveReading } from "./reading.js";
import { ArchiveSite } from "./site.js";

export { MAX_ARCHIVE_REQUEST_BYTES, MAX_ARCHIVE_TEXTS_BYTES } from "./api-routes.js";

/** The public archive pages of an archive module, or of the archive's reading side alone. */
export function archiveSite(archive: {
  readonly service: ArchiveReading;
  readonly gazette: Archive["gazette"];
}): ArchiveSite {
  return new ArchiveSite(archive.service, archive.gazette);
}

/**
 * The archive API and public pages of an archive module (the local server). Only HTTP apps mount
 * them: the archive consumer builds the module without ever importing this file.
 */
export function archiveRoutes(
  archive: Pick<Archive, "service" | "gazette" | "receiver">,
  requireEditor: MiddlewareHandler,
): Hono<ArchiveEnv> {
  return createArchiveRoutes({
    archive: archive.service,
    site: archiveSite(archive),
    requireEditor,
    receiver: archive.receiver,
  });
}
