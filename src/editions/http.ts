import { Hono, type MiddlewareHandler } from "hono";
import type { Principal } from "../http/auth.js";
import { readJsonBody } from "../http/body.js";
import { jsonResponse } from "../http/json.js";
import { pageLimit } from "../http/query.js";
import { InvalidEditionRequestError, PlacementRefusedError, problem } from "./errors.js";
import type { EditionService } from "./service.js";

type EditionsEnv = { Variables: { principal: Principal } };

/**
 * Which editions routes an app serves: all (the local server), `preview` alone (its own function
 * in AWS, the one bundling the PDF engine) or every other one (`manage`, the API function).
 */
export type EditionRoutes = "all" | "preview" | "manage";

/** The limit of an editions request body (JSON, read by http/body.ts's one rule). */
export const MAX_EDITIONS_BODY_BYTES = 256 * 1024;

/** A JSON body (http/body.ts); the publish body may be left out (no override). */
const jsonBody = (request: Request, optional = false) =>
  readJsonBody(request, { maxBytes: MAX_EDITIONS_BODY_BYTES, optional });

/** Longest reason kept for publishing over the preflight's errors. */
export const MAX_OVERRIDE_REASON = 2000;

/** The publish body: {} or {"override": {"reason": "…"}} to publish despite preflight errors. */
function parseOverride(body: unknown): { reason: string } | undefined {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new InvalidEditionRequestError("The body must be a JSON object", [
      problem(null, "invalid_type", "The body must be a JSON object"),
    ]);
  }
  const override = (body as Record<string, unknown>).override;
  if (override === undefined || override === null) return undefined;
  const reason = typeof override === "object" ? (override as Record<string, unknown>).reason : undefined;
  if (typeof reason !== "string" || reason.trim() === "" || reason.length > MAX_OVERRIDE_REASON) {
    throw new InvalidEditionRequestError("override.reason is invalid", [
      problem(
        "override.reason",
        "invalid",
        `Publishing over the preflight's errors needs a reason: a non-empty string of at most ${MAX_OVERRIDE_REASON} characters`,
      ),
    ]);
  }
  return { reason: reason.trim() };
}

/**
 * The editions API, every route for editors. Mount with `app.route("/", createEditionsRoutes(…))`
 * inside createApp, after the /api/* flush middleware, so that errors go through the app's
 * onError (errorResponse) and writes are flushed before the response.
 *
 *   POST /api/editions                     {year, date?} → 201 draft with 第N期 / 总第N期
 *   GET  /api/editions                     ?limit&cursor → newest first
 *   GET  /api/editions/{id}                the edition, its documents, urls once published
 *   PUT  /api/editions/{id}/documents      {documents: [id, …]} → the draft's documents
 *   POST /api/editions/{id}/publish        → {edition, manifest}; repeatable. Queued (AWS): 202
 *                                          {edition (publishing), manifest: null}; poll GET
 *   POST /api/editions/{id}/preview        → {pages, documents, artifacts}; ?format=pdf → the PDF
 */
export function createEditionsRoutes(deps: {
  editions: EditionService;
  requireEditor: MiddlewareHandler;
  /**
   * Publish through the publishing queue (202, then poll GET) instead of rendering within the
   * request — in AWS, where API Gateway gives a request 30 s.
   */
  queuePublication?: boolean | undefined;
  /** Default all. */
  routes?: EditionRoutes | undefined;
}): Hono<EditionsEnv> {
  const { editions, requireEditor } = deps;
  const app = new Hono<EditionsEnv>();
  const routes = deps.routes ?? "all";
  if (routes === "preview") {
    previewRoute(app, editions, requireEditor);
    return app;
  }

  app.post("/api/editions", requireEditor, async (c) => {
    const edition = await editions.create(await jsonBody(c.req.raw), c.get("principal").id);
    return jsonResponse(edition, 201, { location: `/api/editions/${edition.id}` });
  });

  app.get("/api/editions", requireEditor, async (c) =>
    jsonResponse(
      await editions.list({
        limit: pageLimit(c.req.query("limit")),
        cursor: c.req.query("cursor") || undefined,
      }),
    ),
  );

  app.get("/api/editions/:id", requireEditor, async (c) =>
    jsonResponse(await editions.get(c.req.param("id"))),
  );

  app.delete("/api/editions/:id", requireEditor, async (c) => {
    await editions.remove(c.req.param("id"));
    return c.body(null, 204);
  });

  app.put("/api/editions/:id/documents", requireEditor, async (c) =>
    jsonResponse(
      await editions.setDocuments(c.req.param("id"), await jsonBody(c.req.raw), c.get("principal").id),
    ),
  );

  app.post("/api/editions/:id/publish", requireEditor, async (c) => {
    const id = c.req.param("id");
    const override = parseOverride(await jsonBody(c.req.raw, true));
    if (!deps.queuePublication)
      return jsonResponse(await editions.publish(id, c.get("principal").id, override));
    const { queued, response } = await editions.requestPublish(id, c.get("principal").id, override);
    return queued ? jsonResponse(response, 202, { location: `/api/editions/${id}` }) : jsonResponse(response);
  });

  if (routes === "all") previewRoute(app, editions, requireEditor);

  return app;
}

/** POST /api/editions/{id}/preview: the edition rendered as it stands; ?format=pdf → the PDF. */
function previewRoute(app: Hono<EditionsEnv>, editions: EditionService, requireEditor: MiddlewareHandler) {
  app.post("/api/editions/:id/preview", requireEditor, async (c) => {
    const preview = await editions.preview(c.req.param("id"));
    if (c.req.query("format") === "pdf") {
      if (!preview.pdf) {
        throw new PlacementRefusedError("The renderer produced no edition PDF", [
          problem("format", "no_pdf", "The renderer produced no PDF for this edition"),
        ]);
      }
      return new Response(new Uint8Array(preview.pdf.bytes), {
        status: 200,
        headers: {
          "content-type": preview.pdf.contentType,
          "content-disposition": `inline; filename="edition-${preview.edition.year}-${preview.edition.issue}-preview.pdf"`,
          "cache-control": "no-store",
        },
      });
    }
    const { pdf: _pdf, ...body } = preview;
    return jsonResponse(body);
  });
}
