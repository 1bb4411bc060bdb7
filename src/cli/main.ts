import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import { SingleBar } from "cli-progress";
import { Command, CommanderError } from "commander";
import { normalizeText } from "../documents/text.js";
import { registerArchiveCommands } from "./archive.js";
import { authorizerFromEnv } from "./auth.js";
import { ApiClient, ApiError, ConnectionError } from "./client.js";
import { registerKeyCommands } from "./key.js";
import { registerMigrateCommands } from "./migrate.js";
import { registerRepostCommands } from "./reposts.js";
import { UsageError } from "./usage-error.js";
import { registerVerifyCommands } from "./verify.js";

/**
 * `gazette` CLI. Talks to a running pipeline (GAZETTE_URL, default http://127.0.0.1:3000) with the
 * editor token (GAZETTE_EDITOR_TOKEN, else .gazette/editor-token written by `npm start`), or to a
 * deployed stack with SigV4 from the default AWS credential chain (IAM) or a JWT (auth.ts).
 * Exit codes: 0 ok, 1 some documents refused/failed, 2 usage error, 3 cannot reach the pipeline.
 */

interface Io {
  out(line: string): void;
  err(line: string): void;
  readonly isTTY: boolean;
}

const defaultIo: Io = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  isTTY: Boolean(process.stderr.isTTY),
};

const DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/** Terminal-safe: submitted text is data, never escape sequences. */
function plain(s: unknown): string {
  return normalizeText(String(s ?? ""));
}

function resolveToken(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GAZETTE_EDITOR_TOKEN) return env.GAZETTE_EDITOR_TOKEN;
  const file = join(resolve(env.GAZETTE_DATA_DIR ?? ".gazette"), "editor-token");
  return existsSync(file) ? readFileSync(file, "utf8").trim() : undefined;
}

/** Submission files: *.json (not *.meta.json) and *.docx (metadata from the sibling .meta.json). */
export function collectSubmissionFiles(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const p of paths) {
    if (!existsSync(p)) throw new UsageError(`${p}: no such file or directory`);
    if (statSync(p).isDirectory()) {
      for (const name of readdirSync(p).sort()) {
        const full = join(p, name);
        if (statSync(full).isFile() && isSubmission(name)) files.push(full);
      }
    } else if (isSubmission(p)) {
      files.push(p);
    } else {
      throw new UsageError(`${p}: expected a .json document or a .docx file`);
    }
  }
  return files;
}

function isSubmission(name: string): boolean {
  return (name.endsWith(".json") && !name.endsWith(".meta.json")) || name.endsWith(".docx");
}

function requestFor(file: string): { body: BodyInit; headers: Record<string, string>; key: string } {
  const bytes = readFileSync(file);
  if (extname(file) === ".docx") {
    const metaPath = file.replace(/\.docx$/, ".meta.json");
    if (!existsSync(metaPath)) {
      throw new UsageError(
        `${file}: its metadata is missing; write ${basename(metaPath)} next to it (the JSON fields without body)`,
      );
    }
    const meta = readFileSync(metaPath);
    try {
      JSON.parse(meta.toString("utf8"));
    } catch (e) {
      throw new UsageError(`${metaPath}: not valid JSON (${(e as Error).message})`);
    }
    const form = new FormData();
    form.set("metadata", meta.toString("utf8"));
    form.set("file", new Blob([bytes], { type: DOCX_MIME }), basename(file));
    const key = createHash("sha256").update(bytes).update(meta).digest("hex");
    return { body: form, headers: {}, key };
  }
  try {
    JSON.parse(bytes.toString("utf8"));
  } catch (e) {
    throw new UsageError(`${file}: not valid JSON (${(e as Error).message})`);
  }
  const key = createHash("sha256").update(bytes).digest("hex");
  return { body: bytes.toString("utf8"), headers: { "content-type": "application/json" }, key };
}

export async function run(
  argv: readonly string[],
  io: Io = defaultIo,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const baseUrl = env.GAZETTE_URL ?? "http://127.0.0.1:3000";
  // Bearer token locally (or a JWT); SigV4 from the default credential chain for a deployed IAM API.
  const client = () =>
    new ApiClient(baseUrl, { resolve: () => authorizerFromEnv(env, baseUrl, resolveToken(env)) });
  let exitCode = 0;
  const program = new Command()
    .name("gazette")
    .description(
      "Gazette pipeline CLI: submit and inspect documents, compose, preview and publish editions, manage repost sites and the compliance report, import the historical archive",
    )
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  program
    .command("submit")
    .description(
      "Submit documents: .json files, .docx files (with NAME.meta.json beside them), or folders of them",
    )
    .argument("<paths...>", "files or folders")
    .action(async (paths: string[]) => {
      const files = collectSubmissionFiles(paths);
      if (!files.length) throw new UsageError(`No .json or .docx documents in ${paths.join(", ")}`);
      const api = client();
      const bar =
        io.isTTY && files.length > 1
          ? new SingleBar({ format: "  {bar} {value}/{total} {file}", hideCursor: true })
          : undefined;
      bar?.start(files.length, 0, { file: "" });
      let failed = 0;
      const lines: string[] = [];
      for (const file of files) {
        bar?.update({ file: basename(file) });
        try {
          const req = requestFor(file);
          // Keyed by content: re-running the same submission returns the first result.
          const { body } = await api.request<{
            id: string;
            title: string;
            docNumber: string | null;
            warnings: string[];
          }>("POST", "/api/documents", {
            body: req.body,
            headers: { ...req.headers, "idempotency-key": req.key },
          });
          lines.push(
            `accepted  ${basename(file)}  ${body.id}  ${plain(body.docNumber ?? "")} ${plain(body.title)}`,
          );
          for (const w of body.warnings ?? []) lines.push(`  warning: ${plain(w)}`);
        } catch (error) {
          if (error instanceof ConnectionError) throw error;
          // Not this file's fault: no other file would get through either.
          if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
            bar?.stop();
            for (const l of lines) io.out(l);
            throw error;
          }
          failed++;
          if (error instanceof ApiError) {
            const verb = error.status === 422 ? "refused " : error.status === 409 ? "conflict" : "invalid ";
            lines.push(`${verb}  ${basename(file)}  (HTTP ${error.status})`);
            for (const p of error.problems)
              lines.push(`  ${p.field ? `${plain(p.field)}: ` : ""}${plain(p.message)}`);
          } else {
            lines.push(`error     ${basename(file)}  ${plain((error as Error).message)}`);
          }
        }
        bar?.increment();
      }
      bar?.stop();
      for (const l of lines) io.out(l);
      io.out(`${files.length - failed} accepted, ${failed} not accepted`);
      if (failed) exitCode = 1;
    });

  program
    .command("list")
    .description("List accepted documents, newest first")
    .option("--issuer <issuer>")
    .option("--kind <kind>")
    .option("--section <section>")
    .option("--disclosure <attribute>", "public | on_request | not_public")
    .option("--year <year>")
    .option("--q <text>", "part of the title or 发文字号")
    .option("--limit <n>", "page size", "50")
    .option("--json", "print JSON")
    .action(async (opts: Record<string, string | boolean | undefined>) => {
      const params = new URLSearchParams();
      for (const k of ["issuer", "kind", "section", "disclosure", "year", "q", "limit"]) {
        const v = opts[k];
        if (typeof v === "string") params.set(k, v);
      }
      const { body } = await client().request<{
        items: {
          id: string;
          dateWritten: string;
          docNumber: string | null;
          title: string;
          disclosure: { attribute: string };
        }[];
        cursor?: string;
      }>("GET", `/api/documents?${params}`);
      if (opts.json) {
        io.out(JSON.stringify(body, null, 2));
        return;
      }
      for (const d of body.items) {
        io.out(
          `${d.id}  ${d.dateWritten}  ${plain(d.docNumber ?? "—")}  ${plain(d.title)}  [${d.disclosure.attribute}]`,
        );
      }
      io.out(
        `${body.items.length} document(s)${body.cursor ? "; more: add --cursor (API) for the next page" : ""}`,
      );
    });

  program
    .command("show")
    .description("Show one document as JSON")
    .argument("<id>")
    .action(async (id: string) => {
      const { body } = await client().request("GET", `/api/documents/${encodeURIComponent(id)}`);
      io.out(JSON.stringify(body, null, 2));
    });

  const edition = program.command("edition").description("Compose, preview and publish numbered editions");

  edition
    .command("create")
    .description("Create a draft edition with the next 第N期 and 总第N期")
    .option("--year <year>", "year of the edition (default: this year)")
    .option("--date <YYYY-MM-DD>", "planned publication date (default: today for this year's editions)")
    .action(async (opts: { year?: string; date?: string }) => {
      // China's calendar year, which is the gazette's.
      const thisYear = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
      const year = opts.year ? Number(opts.year) : thisYear;
      const { body } = await client().request<{
        id: string;
        year: number;
        issue: number;
        cumulative: number;
        date: string;
      }>("POST", "/api/editions", {
        body: JSON.stringify({ year, ...(opts.date ? { date: opts.date } : {}) }),
        headers: { "content-type": "application/json" },
      });
      io.out(`edition ${body.id}: ${body.year}年第${body.issue}期（总第${body.cumulative}期）, ${body.date}`);
    });

  edition
    .command("place")
    .description(
      "Set the documents of a draft edition (ids, or --accepted for every accepted public document)",
    )
    .argument("<edition>", "edition id")
    .argument("[documents...]", "document ids in order")
    .option("--accepted", "place every accepted 主动公开 document not yet in an edition")
    .action(async (id: string, documents: string[], opts: { accepted?: boolean }) => {
      const api = client();
      let ids = documents;
      if (opts.accepted) {
        const { body } = await api.request<{ items: { id: string }[] }>(
          "GET",
          "/api/documents?state=accepted&disclosure=public&limit=200",
        );
        ids = body.items.map((d) => d.id).reverse();
      }
      if (!ids.length) throw new UsageError("No documents to place: give ids or --accepted");
      const { body } = await api.request<{
        documents: { id: string; section: string; title: string; interpretations?: { title?: string }[] }[];
      }>("PUT", `/api/editions/${encodeURIComponent(id)}/documents`, {
        body: JSON.stringify({ documents: ids }),
        headers: { "content-type": "application/json" },
      });
      for (const d of body.documents) io.out(`  ${d.section}  ${plain(d.title)}`);
      // The contents list each 解读 as an entry of its own: count what the edition's page shows.
      const interpretations = body.documents.reduce((n, d) => n + (d.interpretations?.length ?? 0), 0);
      io.out(
        interpretations
          ? `${body.documents.length} document(s) and ${interpretations} interpretation(s) placed in edition ${id}: ${body.documents.length + interpretations} entries in its contents`
          : `${body.documents.length} document(s) placed in edition ${id}`,
      );
    });

  edition
    .command("preview")
    .description("Render an edition without publishing; prints where each document lands")
    .argument("<edition>", "edition id")
    .action(async (id: string) => {
      const { body } = await client().request<{
        pages?: number;
        documents: { id: string; title: string; firstPage?: number }[];
      }>("POST", `/api/editions/${encodeURIComponent(id)}/preview`);
      for (const d of body.documents) io.out(`  p.${d.firstPage ?? "?"}  ${plain(d.title)}`);
      io.out(`${body.pages ?? "?"} page(s)`);
    });

  edition
    .command("publish")
    .description("Publish the PDF and the web edition together (safe to repeat)")
    .argument("<edition>", "edition id")
    .option("--wait <seconds>", "where publication is queued (AWS), how long to wait for it", "900")
    .action(async (id: string, opts: { wait: string }) => {
      const api = client();
      const path = `/api/editions/${encodeURIComponent(id)}`;
      type PublishedView = {
        status: string;
        publishing: boolean;
        publishFailure: { message: string } | null;
        urls?: { pdf: string; web: string; manifest: string };
      };
      const waitSeconds = Number(opts.wait);
      if (!Number.isFinite(waitSeconds) || waitSeconds < 0)
        throw new UsageError("--wait takes seconds, e.g. --wait 600");
      const first = await api.request<{ edition: PublishedView }>("POST", `${path}/publish`);
      let view = first.body.edition;
      // 202: the publisher renders in the background (its own Lambda in AWS); follow the edition.
      if (first.status === 202) {
        const started = Date.now();
        io.err(`edition ${id} is queued for publication; rendering…`);
        while (view.status !== "published" && view.publishing) {
          if (Date.now() - started > waitSeconds * 1000) {
            throw new Error(
              `edition ${id} is still being rendered after ${waitSeconds} s; see its state with \`gazette edition list\``,
            );
          }
          await new Promise((r) => setTimeout(r, 1000));
          view = (await api.request<PublishedView>("GET", path)).body;
          if (io.isTTY) io.err(`  …${Math.round((Date.now() - started) / 1000)} s`);
        }
        if (view.status !== "published") {
          throw new Error(
            `publication of edition ${id} failed: ${plain(view.publishFailure?.message ?? "no reason recorded")}. Fix the edition, then run \`gazette edition publish ${id}\` again`,
          );
        }
      }
      const urls = view.urls!;
      io.out(`published: ${new URL(urls.web, api.baseUrl)}`);
      io.out(`PDF:       ${new URL(urls.pdf, api.baseUrl)}`);
      io.out(`manifest:  ${new URL(urls.manifest, api.baseUrl)}`);
    });

  edition
    .command("delete")
    .description("Delete an unpublished edition that is the last one; its number goes to the next edition")
    .argument("<edition>", "edition id")
    .action(async (id: string) => {
      await client().request("DELETE", `/api/editions/${encodeURIComponent(id)}`);
      io.out(`edition ${id} deleted; its documents are accepted again`);
    });

  edition
    .command("list")
    .description("List editions, newest first")
    .action(async () => {
      const { body } = await client().request<{
        items: {
          id: string;
          year: number;
          issue: number;
          cumulative: number;
          status: string;
          documentCount: number;
        }[];
      }>("GET", "/api/editions");
      for (const e of body.items) {
        io.out(
          `${e.id}  ${e.year}年第${e.issue}期（总第${e.cumulative}期）  ${e.status}  ${e.documentCount} document(s)`,
        );
      }
    });

  registerArchiveCommands(program, {
    client,
    io,
    setExitCode: (code) => {
      exitCode = code;
    },
  });

  registerRepostCommands(program, { client, io, env });

  registerVerifyCommands(program, {
    client,
    io,
    env,
    setExitCode: (code) => {
      exitCode = code;
    },
  });

  registerKeyCommands(program, { io, env });

  registerMigrateCommands(program, {
    io,
    env,
    setExitCode: (code) => {
      exitCode = code;
    },
  });

  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof UsageError) {
      io.err(`gazette: ${error.message}`);
      return 2;
    }
    if (error instanceof ConnectionError) {
      io.err(`gazette: ${error.message}`);
      return 3;
    }
    if (error instanceof ApiError) {
      io.err(`gazette: HTTP ${error.status}`);
      for (const p of error.problems) io.err(`  ${p.field ? `${plain(p.field)}: ` : ""}${plain(p.message)}`);
      if (error.status === 401) {
        io.err(
          "  Set GAZETTE_EDITOR_TOKEN to the token `npm start` printed (or GAZETTE_DATA_DIR to its data directory, where it is stored); against a JWT stack set GAZETTE_JWT.",
        );
      }
      if (error.status === 403) {
        io.err(
          "  Against a deployed IAM API (GAZETTE_AUTH=iam, the default for execute-api URLs) your AWS credentials need execute-api:Invoke on it.",
        );
      }
      return 1;
    }
    io.err(`gazette: ${(error as Error).message}`);
    return 1;
  }
}
