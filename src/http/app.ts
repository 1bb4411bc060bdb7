import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import type { Config } from "../config.js";
import type { ConsoleRoutes } from "../console/http.js";
import type { DocumentIntake, ListFilter } from "../documents/intake.js";
import { DISCLOSURE_ATTRIBUTES, DOCUMENT_KINDS } from "../documents/model.js";
import { receivedRange } from "../documents/received-range.js";
import { createEditionsRoutes, type EditionRoutes } from "../editions/http.js";
import type { EditionService } from "../editions/service.js";
import {
  NotFoundError,
  ProblemError,
  TooLargeError,
  UnauthorisedError,
  ValidationError,
} from "../platform/errors.js";
import type { PublicSite } from "../publishing/public-site.js";
import { FAVICON_PATH, FAVICON_SVG } from "../site/favicon.js";
import { chinaToday, type DocumentStatuses } from "../status/service.js";
import type { Authenticator, Principal } from "./auth.js";
import {
  checkJsonValue,
  decodePath,
  type FormFields,
  isJsonType,
  isMultipartType,
  readJsonBody,
  readMultipart,
  refuseBody,
} from "./body.js";
import { errorResponse, problemResponse } from "./errors.js";
import { jsonResponse } from "./json.js";
import { methodIndex } from "./methods.js";
import { pageLimit } from "./query.js";

export interface AppDependencies {
  readonly config: Pick<Config, "limits" | "gazette" | "mode"> & Partial<Pick<Config, "publishing">>;
  readonly auth: Authenticator;
  /** Document intake and reads; left out, no /api/documents routes. */
  readonly intake?: DocumentIntake | undefined;
  /**
   * Which /api/documents routes: POST (`submit`), the GETs (`read`) or both (default). In AWS the
   * submission has its own function (it alone bundles the .docx reader).
   */
  readonly documentRoutes?: "all" | "submit" | "read" | undefined;
  /** The public pages, feeds and published files; left out, not served (404s answer JSON). */
  readonly site?: PublicSite | undefined;
  /** The editions API; left out, not served. */
  readonly editions?: EditionService | undefined;
  /** Which editions routes (editions/http.ts); default all. */
  readonly editionRoutes?: EditionRoutes | undefined;
  /** 效力状态 of published documents, added to GET /api/documents/{id} as `status`. */
  readonly statuses?: DocumentStatuses | undefined;
  /**
   * Further route groups, each given the editor middleware: the site registry, acknowledgements
   * and the inspection report (reposts/http.ts), the archive API and pages (archive/http.ts),
   * search (search/http.ts), the log, certificates and verification (verify/http.ts). The
   * composition root builds them, so a function that does not serve them does not bundle them.
   */
  readonly routeGroups?: readonly RouteGroup[] | undefined;
  /**
   * GET /api/openapi.json (http/openapi.ts: buildOpenApiDocument), served with GET /health;
   * left out, neither is served. A function is called when the document is first asked for (the
   * api function reads the document built at build time: http/openapi-file.ts).
   */
  readonly openApi?: unknown;
  /** The editor console at /console/ (src/console/http.ts); left out, not mounted. */
  readonly console?: ConsoleRoutes | undefined;
  /** The clock for validity periods; default the system clock. */
  readonly now?: (() => Date) | undefined;
  /** Makes the request's writes durable before it is acknowledged (Platform.flush). */
  readonly flush: () => Promise<void>;
  readonly logError?: (error: unknown) => void;
}

type AppEnv = { Variables: { principal: Principal } };

/** Routes mounted on the app, built with the editor-only middleware. */
// biome-ignore lint/suspicious/noExplicitAny: each route group has its own environment
export type RouteGroup = (requireEditor: MiddlewareHandler) => Hono<any>;

const MULTIPART_OVERHEAD = 256 * 1024;

export function requireEditor(auth: Authenticator) {
  return async (
    c: { req: { raw: Request }; env: unknown; set: (k: "principal", v: Principal) => void },
    next: () => Promise<void>,
  ) => {
    const principal = auth.authenticate(c.req.raw, c.env);
    if (!principal) {
      throw new UnauthorisedError([
        {
          code: "unauthorized",
          field: "Authorization",
          message: "Editor endpoints need `Authorization: Bearer <editor token>` (printed by npm start)",
        },
      ]);
    }
    c.set("principal", principal);
    await next();
  };
}

function tooLarge(limit: number) {
  return () => {
    throw new TooLargeError([
      { code: "too_large", field: null, message: `The request body must be at most ${limit} bytes` },
    ]);
  };
}

/** Multipart metadata: a `metadata` JSON part, overlaid by individual fields (JSON-valued where they parse). */
function metadataFromForm(form: FormFields): Record<string, unknown> {
  let metadata: Record<string, unknown> = {};
  const raw = form.metadata;
  if (typeof raw === "string") {
    try {
      const parsed: unknown = JSON.parse(raw);
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object");
      checkJsonValue(parsed);
      metadata = parsed as Record<string, unknown>;
    } catch (error) {
      if (error instanceof ProblemError) throw error;
      throw new ValidationError([
        { code: "invalid_json", field: "metadata", message: "metadata must be a JSON object" },
      ]);
    }
  }
  for (const [name, value] of Object.entries(form)) {
    if (name === "metadata" || name === "file" || typeof value !== "string") continue;
    const trimmed = value.trim();
    if (
      /^[[{]/.test(trimmed) ||
      trimmed === "true" ||
      trimmed === "false" ||
      trimmed === "null" ||
      /^\d+$/.test(trimmed)
    ) {
      try {
        metadata[name] = JSON.parse(trimmed);
        checkJsonValue(metadata[name]);
        continue;
      } catch {
        // not JSON: keep as text
      }
    }
    metadata[name] = value;
  }
  return metadata;
}

function listFilter(query: Record<string, string>): ListFilter {
  const problems = [];
  const year = query.year ? Number(query.year) : undefined;
  if (year !== undefined && !(Number.isInteger(year) && year >= 1949 && year <= 2200)) {
    problems.push({ code: "invalid", field: "year", message: "year must be a four-digit year" });
  }
  if (query.kind && !(DOCUMENT_KINDS as readonly string[]).includes(query.kind)) {
    problems.push({
      code: "invalid",
      field: "kind",
      message: `kind must be one of ${DOCUMENT_KINDS.join(" ")}`,
    });
  }
  if (query.disclosure && !(DISCLOSURE_ATTRIBUTES as readonly string[]).includes(query.disclosure)) {
    problems.push({
      code: "invalid",
      field: "disclosure",
      message: `disclosure must be one of ${DISCLOSURE_ATTRIBUTES.join(", ")}`,
    });
  }
  if (query.state && !["accepted", "placed", "published"].includes(query.state)) {
    problems.push({
      code: "invalid",
      field: "state",
      message: "state must be accepted, placed or published",
    });
  }
  if (query.policy && !["true", "false"].includes(query.policy)) {
    problems.push({ code: "invalid", field: "policy", message: "policy must be true or false" });
  }
  const received = receivedRange(query.receivedFrom, query.receivedTo);
  problems.push(...received.problems);
  if (problems.length) throw new ValidationError(problems);
  return {
    ...received.range,
    issuer: query.issuer,
    kind: query.kind,
    section: query.section,
    disclosure: query.disclosure,
    state: query.state as ListFilter["state"],
    year,
    policy: query.policy === undefined ? undefined : query.policy === "true",
    q: query.q,
  };
}

/** The HTTP API and public site: one app for Lambda (hono/aws-lambda) and for the local server. */
export function createApp(deps: AppDependencies): Hono<AppEnv> {
  const { intake, auth, config, site } = deps;
  const app = new Hono<AppEnv>();
  const editor = requireEditor(auth);
  const documentRoutes = deps.documentRoutes ?? "all";

  app.onError((error) => errorResponse(error, deps.logError));
  const methodsOf = methodIndex(() => app.routes);
  app.notFound((c) => {
    const allowed = methodsOf(c.req.path);
    if (allowed.length && !allowed.includes(c.req.method)) {
      // A known path asked with a method it does not answer: 405 with what it does answer.
      const allow = allowed.join(", ");
      if (!c.req.path.startsWith("/api/")) {
        return c.text(`405 不支持 ${c.req.method} 请求；本地址支持 ${allow}。`, 405, { allow });
      }
      // Routing, not a request error of any module: answered here, in the same shape.
      return problemResponse(
        405,
        [
          {
            code: "method_not_allowed",
            field: null,
            message: `${c.req.path} does not answer ${c.req.method}; it answers ${allow}`,
          },
        ],
        { allow },
      );
    }
    return c.req.path.startsWith("/api/")
      ? errorResponse(
          new NotFoundError([
            {
              code: "not_found",
              field: null,
              message: `No endpoint ${c.req.method} ${c.req.path}; see /api/openapi.json`,
            },
          ]),
        )
      : site
        ? c.html(site.notFound(), 404)
        : errorResponse(
            new NotFoundError([{ code: "not_found", field: null, message: `No page ${c.req.path}` }]),
          );
  });
  app.use("*", secureHeaders());
  // Nothing is acknowledged before it is durable: one flush per write request (shared by
  // concurrent requests on the embedded store, a no-op on AWS).
  app.use("/api/*", async (c, next) => {
    await next();
    if (c.req.method !== "GET" && c.req.method !== "HEAD") await deps.flush();
  });

  // The service routes, with the API description: served by the function that has it (in AWS the
  // api function; API Gateway sends /health and /api/openapi.json nowhere else).
  if (deps.openApi !== undefined) {
    app.get("/health", () => jsonResponse({ status: "ok" }));
    const openApi = deps.openApi;
    app.get("/api/openapi.json", () => jsonResponse(typeof openApi === "function" ? openApi() : openApi));
  }

  if (intake && documentRoutes !== "read")
    app.post(
      "/api/documents",
      editor,
      bodyLimit({
        maxSize: Math.max(config.limits.maxJsonBytes, config.limits.maxDocxBytes + MULTIPART_OVERHEAD),
        // Say the limit of what was sent: JSON bodies have their own, smaller one.
        onError: (c) =>
          tooLarge(
            isJsonType(c.req.header("content-type"))
              ? config.limits.maxJsonBytes
              : config.limits.maxDocxBytes + MULTIPART_OVERHEAD,
          )(),
      }),
      async (c) => {
        const principal = c.get("principal");
        const idempotencyKey = c.req.header("idempotency-key")?.trim() || undefined;
        if (idempotencyKey && idempotencyKey.length > 255) {
          throw new ValidationError([
            {
              code: "too_long",
              field: "Idempotency-Key",
              message: "Idempotency-Key must be at most 255 characters",
            },
          ]);
        }
        const contentType = c.req.header("content-type");
        let input: unknown;
        let docx: { bytes: Uint8Array; filename: string | null } | undefined;
        if (isJsonType(contentType)) {
          input = await readJsonBody(c.req.raw, { maxBytes: config.limits.maxJsonBytes });
        } else if (isMultipartType(contentType)) {
          const form = await readMultipart(c.req.raw);
          const file = form.file;
          if (!(file instanceof File)) {
            throw new ValidationError([
              {
                code: "required",
                field: "file",
                message: "multipart uploads need a `file` part with the .docx",
              },
            ]);
          }
          docx = { bytes: new Uint8Array(await file.arrayBuffer()), filename: file.name || null };
          input = metadataFromForm(form);
        } else {
          await refuseBody(
            c.req.raw,
            config.limits.maxDocxBytes + MULTIPART_OVERHEAD,
            "Send application/json, or multipart/form-data with a .docx `file` and `metadata`",
          );
        }
        const result = await intake.submit({ input, docx, idempotencyKey, submittedBy: principal.id });
        return jsonResponse(result.document, result.status, {
          location: `/api/documents/${result.document.id}`,
        });
      },
    );

  if (intake && documentRoutes !== "submit") {
    app.get("/api/documents", editor, async (c) => {
      const query = c.req.query();
      const result = await intake.list(listFilter(query), {
        limit: pageLimit(query.limit),
        cursor: query.cursor || undefined,
      });
      return jsonResponse(result);
    });

    app.get("/api/documents/:id", editor, async (c) => {
      const document = await intake.get(c.req.param("id"));
      // Only a published document has a validity status: the field is added once it is published.
      if (!deps.statuses || document.state !== "published") return jsonResponse(document);
      const today = chinaToday((deps.now ?? (() => new Date()))());
      const [status, references] = await Promise.all([
        deps.statuses.statusOf(document.id, today, document.normative),
        deps.statuses.referencesFrom(document),
      ]);
      return jsonResponse({ ...document, corrects: document.corrects ?? [], status, references });
    });
  }

  if (deps.editions) {
    app.route(
      "/",
      createEditionsRoutes({
        editions: deps.editions,
        requireEditor: editor,
        queuePublication: config.publishing === "queued",
        routes: deps.editionRoutes,
      }),
    );
  }

  for (const group of deps.routeGroups ?? []) app.route("/", group(editor as MiddlewareHandler));

  if (deps.console) app.route("/", deps.console);
  if (!site) return app;

  // The public site. Listings change as editions are published; published files never change.
  const LISTING = "public, max-age=60";
  const home = async (c: Context<AppEnv>) => {
    // 往期 beyond the first page: ?page=N (N from 2); anything else in `page` is refused.
    const raw = c.req.query("page");
    const page = raw === undefined ? 1 : /^[1-9][0-9]{0,5}$/.test(raw) ? Number(raw) : Number.NaN;
    if (Number.isNaN(page)) {
      return c.html(
        site.badRequest("page", "页码应为从 1 起的整数（page must be a whole number from 1）"),
        400,
      );
    }
    const html = await site.home(page);
    if (html === undefined) return c.html(site.notFound(), 404);
    return c.html(html, 200, { "cache-control": LISTING });
  };
  app.get("/", home);
  app.get("/index.html", home);
  app.get("/robots.txt", (c) =>
    c.body(site.robots(), 200, { "content-type": "text/plain; charset=utf-8", "cache-control": LISTING }),
  );
  app.get(`/${FAVICON_PATH}`, (c) =>
    c.body(FAVICON_SVG, 200, {
      "content-type": "image/svg+xml",
      "cache-control": "public, max-age=86400",
    }),
  );
  app.get("/favicon.ico", (c) => c.redirect(`/${FAVICON_PATH}`, 301));
  app.get("/feeds/editions.atom", async (c) =>
    c.body(await site.editionsFeed(), 200, {
      "content-type": "application/atom+xml; charset=utf-8",
      "cache-control": LISTING,
    }),
  );
  app.get("/feeds/documents.atom", async (c) =>
    c.body(await site.documentsFeed(), 200, {
      "content-type": "application/atom+xml; charset=utf-8",
      "cache-control": LISTING,
    }),
  );
  app.get("/sitemap.xml", async (c) =>
    c.body(await site.sitemap(), 200, {
      "content-type": "application/xml; charset=utf-8",
      "cache-control": LISTING,
    }),
  );
  const published = async (c: Context<AppEnv>) => {
    const file = await site.file(decodePath(c.req.path.slice(1)));
    if (!file) return c.html(site.notFound(), 404);
    return new Response(file.body as BodyInit, {
      headers: {
        "content-type": file.contentType,
        "cache-control": file.immutable ? "public, max-age=31536000, immutable" : LISTING,
        "x-content-type-options": "nosniff",
      },
    });
  };
  app.get("/editions/*", published);
  app.get("/documents/*", published);

  return app;
}
