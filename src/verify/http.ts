/**
 * The public verification surface (declared in ./openapi.ts): the log's checkpoints, entries and
 * proofs, the keyring's certificates, POST /api/verify and the /verify page. The verification of
 * files (CMS parsing) loads on first use, so the functions that serve the rest do not carry it.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { jsonResponse } from "../http/json.js";
import { NotFoundError, TooLargeError, UnsupportedError, ValidationError } from "../platform/errors.js";
import type { Platform } from "../platform/ports.js";
import { listKeyring } from "../signing/keyring-list.js";
import { LogRangeError, TransparencyLog } from "../transparency/log.js";
import { renderVerifyPage } from "./page.js";
import type { VerificationReport, VerificationService } from "./service.js";

/** Largest file POST /api/verify and /verify accept. */
export const MAX_VERIFY_BYTES = 64 * 1024 * 1024;

export interface VerificationRoutesDeps {
  readonly platform: Pick<Platform, "records">;
  /** The log's name in its checkpoints (transparency/log.ts logOrigin). */
  readonly origin: string;
  readonly gazetteName: string;
}

const b64 = (h: Uint8Array) => Buffer.from(h).toString("base64");

function intParam(value: string | undefined, field: string, min: number): number {
  if (value === undefined || !/^(0|[1-9][0-9]{0,14})$/.test(value)) {
    throw new ValidationError([
      { code: "invalid", field, message: `${field} must be a whole number of at least ${min}` },
    ]);
  }
  const n = Number(value);
  if (n < min)
    throw new ValidationError([{ code: "invalid", field, message: `${field} must be at least ${min}` }]);
  return n;
}

function rangeProblem(error: unknown, field: string): never {
  if (error instanceof LogRangeError) {
    throw new ValidationError([{ code: "out_of_range", field, message: error.message }]);
  }
  throw error;
}

const SHA256 = /^[0-9a-fA-F]{64}$/;

export function createVerificationRoutes(deps: VerificationRoutesDeps): Hono {
  const app = new Hono();
  const log = new TransparencyLog({ records: deps.platform.records, origin: deps.origin });
  let service: Promise<VerificationService> | undefined;
  const verifier = () => {
    service ??= import("./service.js").then(
      (m) => new m.VerificationService(deps.platform.records, deps.origin),
    );
    return service;
  };
  const text = (body: string) =>
    new Response(body, {
      headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-cache" },
    });
  const noCheckpoint = () =>
    new NotFoundError([{ code: "not_found", field: null, message: "The log has no signed checkpoint yet" }]);

  app.get("/api/log/checkpoint", async () => {
    const latest = await log.latestCheckpoint();
    if (!latest) throw noCheckpoint();
    return text(latest.note);
  });

  app.get("/api/log/checkpoints/:size", async (c) => {
    const note = await log.checkpointAt(intParam(c.req.param("size"), "size", 0));
    if (!note)
      throw new NotFoundError([
        { code: "not_found", field: "size", message: "No checkpoint was signed at this size" },
      ]);
    return text(note);
  });

  app.get("/api/log/entries/:index", async (c) => {
    const entry = await log.entry(intParam(c.req.param("index"), "index", 0));
    if (!entry) throw new NotFoundError([{ code: "not_found", field: "index", message: "No such entry" }]);
    return jsonResponse(entry);
  });

  app.get("/api/log/proof/inclusion", async (c) => {
    const index = intParam(c.req.query("index"), "index", 0);
    const size = intParam(c.req.query("size"), "size", 1);
    const proof = await log.inclusion(index, size).catch((e) => rangeProblem(e, "index"));
    const entry = await log.entry(index);
    return jsonResponse({ index, size, leafHash: entry?.leafHash, proof: proof.map(b64) });
  });

  app.get("/api/log/proof/consistency", async (c) => {
    const from = intParam(c.req.query("from"), "from", 1);
    const to = intParam(c.req.query("to"), "to", 1);
    const proof = await log.consistency(from, to).catch((e) => rangeProblem(e, "from"));
    return jsonResponse({ from, to, proof: proof.map(b64) });
  });

  app.get("/api/signing/certificates", async () => {
    const entries = await listKeyring(deps.platform.records);
    return jsonResponse({
      certificates: entries.map((e) => ({
        fingerprint: e.fingerprint,
        algorithm: e.algorithm,
        subject: e.subject,
        notBefore: e.notBefore,
        notAfter: e.notAfter,
        addedAt: e.addedAt,
        source: e.source,
        pem: e.pem,
      })),
      logOrigin: deps.origin,
    });
  });

  app.get("/signing/certificate.pem", async () => {
    const entries = await listKeyring(deps.platform.records);
    const current = entries.at(-1);
    if (!current)
      throw new NotFoundError([{ code: "not_found", field: null, message: "Nothing has been signed yet" }]);
    return new Response(current.pem, {
      headers: {
        "content-type": "application/x-pem-file",
        "cache-control": "no-cache",
        "x-certificate-sha256": current.fingerprint,
      },
    });
  });

  const limit = bodyLimit({
    maxSize: MAX_VERIFY_BYTES,
    onError: () => {
      throw new TooLargeError([
        {
          code: "too_large",
          field: null,
          message: `A file to verify must be at most ${MAX_VERIFY_BYTES} bytes`,
        },
      ]);
    },
  });

  app.post("/api/verify", limit, async (c) => {
    const type = (c.req.header("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
    if (type === "multipart/form-data")
      return verifyForm(c.req.raw, (c.req.header("accept") ?? "").includes("text/html"));
    if (type === "application/json") {
      let body: unknown;
      try {
        body = await c.req.json();
      } catch {
        throw new ValidationError([{ code: "invalid_json", field: null, message: "The body is not JSON" }]);
      }
      const sha256 = (body as { sha256?: unknown } | null)?.sha256;
      if (typeof sha256 !== "string" || !SHA256.test(sha256)) {
        throw new ValidationError([
          { code: "invalid", field: "sha256", message: "sha256 must be 64 hexadecimal digits" },
        ]);
      }
      return jsonResponse(await (await verifier()).verifyHash(sha256));
    }
    if (type !== "application/pdf" && type !== "application/octet-stream") {
      throw new UnsupportedError([
        {
          code: "unsupported_media_type",
          field: "Content-Type",
          message:
            "Send the file as application/pdf, application/octet-stream or multipart/form-data (file), or {sha256} as application/json",
        },
      ]);
    }
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    if (bytes.length === 0)
      throw new ValidationError([{ code: "empty", field: "body", message: "The file to verify is empty" }]);
    return jsonResponse(await (await verifier()).verifyFile(bytes));
  });

  /** The /verify page's form: a file or a hash; the answer as the page (HTML) or as JSON. */
  async function verifyForm(request: Request, html: boolean): Promise<Response> {
    let form: FormData;
    try {
      form = await request.formData();
    } catch {
      throw new ValidationError([
        { code: "invalid_multipart", field: null, message: "The form could not be read" },
      ]);
    }
    const file = form.get("file");
    const hash = typeof form.get("sha256") === "string" ? String(form.get("sha256")).trim() : "";
    let report: VerificationReport | undefined;
    let problem: { field: string; message: string } | undefined;
    if (file instanceof File && file.size > 0) {
      report = await (await verifier()).verifyFile(new Uint8Array(await file.arrayBuffer()));
    } else if (hash) {
      if (SHA256.test(hash)) report = await (await verifier()).verifyHash(hash);
      else problem = { field: "sha256", message: "SHA-256 值应为 64 位十六进制数字。" };
    } else problem = { field: "file", message: "请选择文件或填写 SHA-256 值。" };
    if (!html) {
      if (problem) throw new ValidationError([{ code: "invalid", ...problem }]);
      return jsonResponse(report);
    }
    const page = renderVerifyPage({
      gazette: deps.gazetteName,
      report,
      problem: problem?.message,
      certificates: await listKeyring(deps.platform.records),
    });
    return new Response(page, {
      status: problem ? 400 : 200,
      headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" },
    });
  }

  app.get("/verify", async (c) =>
    c.html(
      renderVerifyPage({ gazette: deps.gazetteName, certificates: await listKeyring(deps.platform.records) }),
    ),
  );

  return app;
}
