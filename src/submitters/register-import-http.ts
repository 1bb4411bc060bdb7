/**
 * A body's register import, POST /api/bodies/{bodyId}/register (JSON or CSV, all or none, with
 * the body's token), apart from the other submitters' routes (./http.ts): the CSV reader
 * (./register-csv.ts, csv-parse) comes with it. In AWS the console function serves it, with the
 * console's own register import (route declarations: `lambda`), so the api function bundles
 * neither.
 */
import { Hono } from "hono";
import { decodeUtf8, mediaType, readBytes, readJsonBody } from "../http/body.js";
import { jsonResponse } from "../http/json.js";
import { UnsupportedError } from "../platform/errors.js";
import type { IssuingBodies } from "./bodies.js";
import { bodyActor, bodyToken, type SubmittersEnv } from "./http.js";
import { type CompletenessRegister, MAX_REGISTER_ROWS, rowsFromJson } from "./register.js";
import { rowsFromCsv } from "./register-csv.js";

/** A register import: MAX_REGISTER_ROWS rows of at most ~1 KB each. */
const REGISTER_BODY = MAX_REGISTER_ROWS * 1024;

export function createRegisterImportRoutes(deps: {
  readonly bodies: Pick<IssuingBodies, "authenticate">;
  readonly register: Pick<CompletenessRegister, "add">;
}): Hono<SubmittersEnv> {
  const { register } = deps;
  const app = new Hono<SubmittersEnv>();
  app.post("/api/bodies/:bodyId/register", bodyToken(deps.bodies), async (c) => {
    const type = mediaType(c.req.header("content-type"));
    let rows: Record<string, unknown>[];
    let lines: number[] | undefined;
    if (type === "text/csv") {
      ({ rows, lines } = rowsFromCsv(decodeUtf8(await readBytes(c.req.raw, REGISTER_BODY), "file")));
    } else if (type === "application/json") {
      rows = rowsFromJson(await readJsonBody(c.req.raw, { maxBytes: REGISTER_BODY }));
    } else {
      throw new UnsupportedError([
        {
          code: "unsupported_media_type",
          field: "Content-Type",
          message: "Send the register as application/json (an array of entries) or text/csv",
        },
      ]);
    }
    const result = await register.add(c.get("body").id, rows, { by: bodyActor(c), source: "api", lines });
    return jsonResponse({ added: result.added }, 201);
  });
  return app;
}
