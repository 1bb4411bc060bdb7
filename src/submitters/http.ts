/**
 * The submitters' API (issue 16): issuing bodies (editors), a body's submissions, inbox and
 * register (the body's own system, with the body's token), the editors' submission desk and the
 * completeness report, and the public completeness page.
 */
import { type Context, Hono, type MiddlewareHandler } from "hono";
import type { GazetteSettings } from "../config.js";
import type { Principal } from "../http/auth.js";
import { readJsonBody } from "../http/body.js";
import { jsonResponse } from "../http/json.js";
import { pageLimit } from "../http/query.js";
import { UnauthorisedError } from "../platform/errors.js";
import { renderSitePage } from "../site/render.js";
import { createSubmissionAcceptRoutes } from "./accept-http.js";
import type { IssuingBodies } from "./bodies.js";
import { assertOwnBody } from "./bodies.js";
import { problem, SubmitterInputError } from "./errors.js";
import { type IssuingBody, SUBMISSION_STATES, type SubmissionState } from "./model.js";
import type { CompletenessRegister } from "./register.js";
import {
  completenessCsv,
  completenessHtml,
  completenessHtmlContent,
  publicCompletenessHtmlContent,
} from "./report-formats.js";
import { MAX_SUBMISSION_BYTES, type SubmissionDesk } from "./submissions.js";

export type SubmittersEnv = { Variables: { principal: Principal; body: IssuingBody } };

export interface SubmittersRoutesDeps {
  readonly bodies: IssuingBodies;
  readonly desk: SubmissionDesk;
  readonly register: CompletenessRegister;
  readonly requireEditor: MiddlewareHandler;
  /** The public completeness page is set in the site's layout; left out, it is not served. */
  readonly site?: (GazetteSettings & { readonly baseUrl?: string }) | undefined;
  /**
   * Whether these routes include accepting a submission (POST /api/submissions/{id}/accept,
   * ./accept-http.ts); default true. In AWS the documents function serves it (it reads .docx files).
   */
  readonly accept?: boolean | undefined;
}

const SMALL_BODY = 64 * 1024;

export function parseOverdueDays(raw: string | undefined): number | undefined {
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d{1,4}$/.test(raw) || Number(raw) < 1)
    throw new SubmitterInputError("overdueDays", [
      problem("overdueDays", "invalid", "overdueDays must be a whole number of days from 1 to 9999"),
    ]);
  return Number(raw);
}

/** The body's own system: `Authorization: Bearer <body token>`, for its own body only (403). */
export function bodyToken(bodies: Pick<IssuingBodies, "authenticate">): MiddlewareHandler<SubmittersEnv> {
  return async (c, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("authorization") ?? "");
    const body = match?.[1] ? await bodies.authenticate(match[1]) : undefined;
    if (!body)
      throw new UnauthorisedError([
        {
          code: "unauthorized",
          field: "Authorization",
          message:
            "Submitter endpoints need `Authorization: Bearer <body token>` (given when the body was registered)",
        },
      ]);
    assertOwnBody(body.id, c.req.param("bodyId") ?? "");
    c.set("body", body);
    await next();
  };
}

/** Who acts with a body's token, in the records and the audit. */
export const bodyActor = (c: Context<SubmittersEnv>) => `body:${c.get("body").id}`;

export function createSubmittersRoutes(deps: SubmittersRoutesDeps): Hono<SubmittersEnv> {
  const { bodies, desk, register, requireEditor } = deps;
  const app = new Hono<SubmittersEnv>();

  const requireBody = bodyToken(bodies);

  const who = bodyActor;

  // --- Issuing bodies (editors) ---
  app.post("/api/bodies", requireEditor, async (c) => {
    const input = await readJsonBody(c.req.raw, { maxBytes: SMALL_BODY });
    const created = await bodies.create(input, c.get("principal").id);
    return jsonResponse(created, 201, {
      location: `/api/bodies/${created.body.id}`,
      "cache-control": "no-store",
    });
  });
  app.get("/api/bodies", requireEditor, async () => jsonResponse({ items: await bodies.list() }));
  app.patch("/api/bodies/:bodyId", requireEditor, async (c) => {
    const input = await readJsonBody(c.req.raw, { maxBytes: SMALL_BODY });
    return jsonResponse(await bodies.updateContact(c.req.param("bodyId"), input));
  });
  app.post("/api/bodies/:bodyId/token", requireEditor, async (c) => {
    const token = await bodies.rotateToken(c.req.param("bodyId"));
    return jsonResponse({ token }, 200, { "cache-control": "no-store" });
  });

  // --- A body's submissions (the body's token) ---
  app.post("/api/bodies/:bodyId/submissions", requireBody, async (c) => {
    const input = await readJsonBody(c.req.raw, { maxBytes: MAX_SUBMISSION_BYTES });
    const submission = await desk.submit(c.get("body").id, input, who(c));
    return jsonResponse(submission, 201, {
      location: `/api/bodies/${submission.bodyId}/submissions/${submission.id}`,
    });
  });
  app.get("/api/bodies/:bodyId/submissions", requireBody, async (c) =>
    jsonResponse(
      await desk.listForBody(c.get("body").id, {
        limit: pageLimit(c.req.query("limit")),
        cursor: c.req.query("cursor") || undefined,
      }),
    ),
  );
  app.get("/api/bodies/:bodyId/submissions/:id", requireBody, async (c) =>
    jsonResponse(await desk.getForBody(c.get("body").id, c.req.param("id"))),
  );
  app.put("/api/bodies/:bodyId/submissions/:id", requireBody, async (c) => {
    const input = await readJsonBody(c.req.raw, { maxBytes: MAX_SUBMISSION_BYTES });
    return jsonResponse(await desk.resubmit(c.get("body").id, c.req.param("id"), input, who(c)));
  });
  app.get("/api/bodies/:bodyId/inbox", requireBody, async (c) =>
    jsonResponse(
      await desk.inbox(c.get("body").id, {
        limit: pageLimit(c.req.query("limit")),
        cursor: c.req.query("cursor") || undefined,
      }),
    ),
  );

  // --- A body's register (the body's token); its import, POST, is ./register-import-http.ts ---
  app.get("/api/bodies/:bodyId/register", requireBody, async (c) => {
    const report = await register.report({ bodyId: c.get("body").id });
    return jsonResponse(report.bodies[0]);
  });

  // --- The submission desk (editors) ---
  app.get("/api/submissions", requireEditor, async (c) => {
    const state = c.req.query("state");
    if (state && !(SUBMISSION_STATES as readonly string[]).includes(state))
      throw new SubmitterInputError("state", [
        problem("state", "invalid", `state must be one of ${SUBMISSION_STATES.join(", ")}`),
      ]);
    return jsonResponse({ items: await desk.listAll(state as SubmissionState | undefined) });
  });
  app.get("/api/submissions/:id", requireEditor, async (c) => {
    const view = await desk.mustGet(c.req.param("id"));
    return jsonResponse(view.documentId && view.state !== "published" ? await desk.refresh(view.id) : view);
  });
  if (deps.accept !== false) app.route("/", createSubmissionAcceptRoutes({ desk, requireEditor }));
  app.post("/api/submissions/:id/return", requireEditor, async (c) => {
    const input = (await readJsonBody(c.req.raw, { maxBytes: SMALL_BODY })) as { reason?: unknown } | null;
    const reason = input && typeof input === "object" ? input.reason : undefined;
    return jsonResponse(await desk.returnSubmission(c.req.param("id"), reason, c.get("principal").id));
  });

  // --- The completeness report (editors) ---
  app.get("/api/completeness", requireEditor, async (c) => {
    const format = c.req.query("format") ?? "json";
    if (!["json", "csv", "html"].includes(format))
      throw new SubmitterInputError("format", [
        problem("format", "invalid", "format must be json, csv or html"),
      ]);
    const bodyId = c.req.query("body") || undefined;
    const report = await register.report({
      bodyId,
      overdueDays: parseOverdueDays(c.req.query("overdueDays")),
    });
    if (format === "csv")
      return new Response(completenessCsv(report), {
        headers: {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": 'attachment; filename="completeness.csv"',
        },
      });
    if (format === "html")
      return c.html(
        deps.site
          ? renderSitePage(
              deps.site,
              { title: "应登尽登：规范性文件报送情况", noindex: true },
              completenessHtmlContent(report),
            )
          : completenessHtml(report),
      );
    return jsonResponse(report);
  });

  // --- The public figures ---
  const site = deps.site;
  if (site)
    app.get("/completeness.html", async (c) =>
      c.html(
        renderSitePage(
          site,
          { title: "规范性文件刊登情况", description: "各发文单位登记的规范性文件中本公报已刊登的件数" },
          publicCompletenessHtmlContent(await register.publicFigures()),
        ),
        200,
        { "cache-control": "public, max-age=300" },
      ),
    );

  return app;
}
