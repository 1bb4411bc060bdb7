/**
 * `gazette archive import <folder>`: bulk back-catalogue loads.
 *
 * Folder layout: one subfolder per historical edition, taken in name order.
 *   <folder>/1985-03/            YYYY-NN: year 1985, issue 3 (the folder-name convention)
 *     manifest.json               optional; overrides the name: {"gazette","year","issue","date","script"}
 *                                 (a subfolder named otherwise needs one, else it is refused)
 *     001.pdf 002.tif 003.jpg     scans (PDF, TIFF, PNG, JPEG), pages in file-name order
 *   <folder>/web-1999/
 *     manifest.json
 *     a.html b.txt                born-digital texts (.txt, .html, .htm): one document per file,
 *                                 its file name kept as `ref`
 * A subfolder holds scans or texts, not both. When one of its scans is larger than 8 MiB (API
 * Gateway caps a request at 10 MB), every scan of the subfolder goes through a direct upload
 * (POST /api/archive/uploads, PUT to the URL it returns) and the job is submitted with their keys.
 *
 * Resumable: <folder>/.gazette-import.json records each subfolder's job and outcome (written
 * after every step); a re-run skips subfolders already done, waits for jobs still running and
 * resubmits those that failed or changed. Exit 1 when any edition or page failed or a subfolder was
 * refused (neither YYYY-NN nor a manifest.json); the other subfolders are still imported.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { normalizeText } from "../documents/text.js";
import { type ApiClient, ApiError, ConnectionError } from "./client.js";

export interface ArchiveCliIo {
  out(line: string): void;
  err(line: string): void;
  readonly isTTY: boolean;
}

const SCAN_TYPES: Readonly<Record<string, string>> = {
  ".pdf": "application/pdf",
  ".tif": "image/tiff",
  ".tiff": "image/tiff",
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
};
const TEXT_EXTENSIONS = new Set([".txt", ".html", ".htm"]);
export const STATE_FILE = ".gazette-import.json";
/** Scans above this size are uploaded directly instead of in the multipart request. */
export const UPLOAD_ABOVE_BYTES = 8 * 1024 * 1024;

interface UploadGrant {
  key: string;
  /** null: that scan (same SHA-256) is stored already. */
  upload: { method: string; url: string; headers: Record<string, string> } | null;
}

interface EditionState {
  readonly fingerprint: string;
  readonly jobId?: string | undefined;
  readonly status: "submitted" | "done" | "failed";
  readonly problems?: readonly string[] | undefined;
}

type ImportState = Record<string, EditionState>;

interface EditionFolder {
  readonly name: string;
  readonly dir: string;
  readonly kind: "scans" | "texts";
  readonly files: readonly string[];
  readonly metadata: Record<string, unknown>;
  /** Named YYYY-NN or with a manifest.json; other subfolders are refused, not guessed at. */
  readonly described: boolean;
  readonly fingerprint: string;
}

/** Why a subfolder that is neither YYYY-NN nor described by a manifest.json is refused. */
export const UNDESCRIBED_FOLDER =
  'not an edition folder: name it YYYY-NN (year and issue, e.g. 1985-03) or add a manifest.json such as {"year": 1985, "issue": 3}';

interface JobView {
  status: "queued" | "running" | "done" | "failed";
  progress: Record<string, { total: number; done: number; failed: number }>;
  pages: { index: number; status: string; error?: string }[];
  items: unknown[];
}

class ImportUsageError extends Error {
  override name = "UsageError";
}

function plain(s: unknown): string {
  return normalizeText(String(s ?? ""));
}

/** Reads one subfolder: its files, its metadata (name convention, then manifest.json). */
export function readEditionFolder(dir: string): EditionFolder {
  const name = basename(dir);
  const metadata: Record<string, unknown> = {};
  const m = /^(\d{4})-(\d{1,4})$/.exec(name);
  if (m) {
    metadata.year = Number(m[1]);
    metadata.issue = Number(m[2]);
  }
  const manifestPath = join(dir, "manifest.json");
  const hasManifest = existsSync(manifestPath);
  if (hasManifest) {
    try {
      Object.assign(metadata, JSON.parse(readFileSync(manifestPath, "utf8")));
    } catch (e) {
      throw new ImportUsageError(`${manifestPath}: not valid JSON (${(e as Error).message})`);
    }
  }
  const names = readdirSync(dir)
    .filter((f) => !f.startsWith(".") && f !== "manifest.json" && statSync(join(dir, f)).isFile())
    .sort();
  const scans = names.filter((f) => SCAN_TYPES[extname(f).toLowerCase()]);
  const texts = names.filter((f) => TEXT_EXTENSIONS.has(extname(f).toLowerCase()));
  if (scans.length && texts.length)
    throw new ImportUsageError(`${dir}: holds both scans and texts; split them`);
  const files = scans.length ? scans : texts;
  const hash = createHash("sha256").update(JSON.stringify(metadata));
  for (const f of files) hash.update(`${f}\0${statSync(join(dir, f)).size}\0`);
  return {
    name,
    dir,
    kind: scans.length ? "scans" : "texts",
    files,
    metadata,
    described: m !== null || hasManifest,
    fingerprint: hash.digest("hex"),
  };
}

function loadState(folder: string): ImportState {
  const path = join(folder, STATE_FILE);
  if (!existsSync(path)) return {};
  try {
    return JSON.parse(readFileSync(path, "utf8")) as ImportState;
  } catch {
    throw new ImportUsageError(`${path}: not valid JSON; delete it to start the import afresh`);
  }
}

function saveState(folder: string, state: ImportState): void {
  // Written atomically: an interrupted import never leaves a half-written state file.
  const path = join(folder, STATE_FILE);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}

/**
 * Uploads each scan to a URL from POST /api/archive/uploads and submits the job with their keys.
 * The file's SHA-256 goes with the request: the URL is signed for exactly those bytes (sent as
 * x-amz-checksum-sha256 with the other signed headers), and a scan stored before is not sent again.
 */
async function submitUploaded(api: ApiClient, edition: EditionFolder): Promise<string> {
  const keys: string[] = [];
  for (const f of edition.files) {
    const bytes = readFileSync(join(edition.dir, f));
    const { body: grant } = await api.request<UploadGrant>("POST", "/api/archive/uploads", {
      body: JSON.stringify({
        filename: f,
        contentType: SCAN_TYPES[extname(f).toLowerCase()]!,
        size: bytes.byteLength,
        sha256: createHash("sha256").update(bytes).digest("hex"),
      }),
      headers: { "content-type": "application/json" },
    });
    if (grant.upload) {
      try {
        await api.request(grant.upload.method, grant.upload.url, {
          body: bytes,
          headers: grant.upload.headers,
          anonymous: true,
        });
      } catch (error) {
        // Stored meanwhile by another upload of the same file (S3 412, embedded 409): same bytes.
        if (!(error instanceof ApiError && (error.status === 412 || error.status === 409))) throw error;
      }
    }
    keys.push(grant.key);
  }
  const { body } = await api.request<{ job: { id: string } }>("POST", "/api/archive/scans", {
    body: JSON.stringify({ ...edition.metadata, keys, names: edition.files }),
    headers: { "content-type": "application/json" },
  });
  return body.job.id;
}

async function submit(api: ApiClient, edition: EditionFolder, uploadAbove: number): Promise<string> {
  if (
    edition.kind === "scans" &&
    edition.files.some((f) => statSync(join(edition.dir, f)).size > uploadAbove)
  )
    return submitUploaded(api, edition);
  if (edition.kind === "scans") {
    const form = new FormData();
    for (const f of edition.files) {
      const bytes = readFileSync(join(edition.dir, f));
      form.append("files", new Blob([bytes], { type: SCAN_TYPES[extname(f).toLowerCase()]! }), f);
    }
    for (const [k, v] of Object.entries(edition.metadata))
      if (v !== undefined && v !== null) form.append(k, String(v));
    const { body } = await api.request<{ job: { id: string } }>("POST", "/api/archive/scans", { body: form });
    return body.job.id;
  }
  const documents = edition.files.map((f) => ({ text: readFileSync(join(edition.dir, f), "utf8"), ref: f }));
  const { body } = await api.request<{ job: { id: string } }>("POST", "/api/archive/texts", {
    body: JSON.stringify({ ...edition.metadata, documents }),
    headers: { "content-type": "application/json" },
  });
  return body.job.id;
}

function problemsOf(error: unknown): string[] {
  if (error instanceof ApiError) {
    return [
      `HTTP ${error.status}`,
      ...error.problems.map((p) => `${p.field ? `${plain(p.field)}: ` : ""}${plain(p.message)}`),
    ];
  }
  return [plain((error as Error).message)];
}

export interface ImportOptions {
  readonly wait: boolean;
  readonly pollMs: number;
  /** Default UPLOAD_ABOVE_BYTES. */
  readonly uploadAboveBytes?: number | undefined;
}

/** Runs an import; returns the exit code. */
export async function importArchive(
  folder: string,
  api: ApiClient,
  io: ArchiveCliIo,
  options: ImportOptions,
): Promise<number> {
  if (!existsSync(folder) || !statSync(folder).isDirectory())
    throw new ImportUsageError(`${folder}: not a folder`);
  const folders = readdirSync(folder)
    .filter((n) => !n.startsWith(".") && statSync(join(folder, n)).isDirectory())
    .sort()
    .map((n) => readEditionFolder(join(folder, n)))
    .filter((e) => e.files.length > 0);
  if (!folders.length)
    throw new ImportUsageError(`${folder}: no subfolders with scans or texts (one subfolder per edition)`);
  const editions = folders.filter((e) => e.described);
  const undescribed = new Set(folders.filter((e) => !e.described).map((e) => e.name));
  for (const name of undescribed) io.out(`refused   ${name}  ${UNDESCRIBED_FOLDER}`);
  const state = loadState(folder);
  let skipped = 0;

  // Submit what is not done yet (or changed since).
  for (const edition of editions) {
    const previous = state[edition.name];
    if (previous && previous.fingerprint === edition.fingerprint && previous.status !== "failed") {
      if (previous.status === "done") skipped++;
      continue;
    }
    try {
      const jobId = await submit(api, edition, options.uploadAboveBytes ?? UPLOAD_ABOVE_BYTES);
      state[edition.name] = { fingerprint: edition.fingerprint, jobId, status: "submitted" };
      io.out(`submitted ${edition.name}  ${edition.files.length} file(s)  job ${jobId}`);
    } catch (error) {
      if (error instanceof ConnectionError) throw error;
      state[edition.name] = {
        fingerprint: edition.fingerprint,
        status: "failed",
        problems: problemsOf(error),
      };
      io.out(`refused   ${edition.name}`);
    }
    saveState(folder, state);
  }

  // Wait for the jobs, with one progress bar over every page (or text) of the run.
  const pending = editions.filter((e) => state[e.name]?.status === "submitted");
  if (options.wait && pending.length) {
    const bar = io.isTTY
      ? new SingleBar({ format: "  {bar} {value}/{total} pages  {edition}", hideCursor: true })
      : undefined;
    const views = new Map<string, JobView>();
    const units = (v: JobView) => Object.values(v.progress)[0] ?? { total: 0, done: 0, failed: 0 };
    bar?.start(1, 0, { edition: "" });
    while (pending.some((e) => state[e.name]?.status === "submitted")) {
      for (const edition of pending) {
        const s = state[edition.name]!;
        if (s.status !== "submitted" || !s.jobId) continue;
        const { body } = await api.request<JobView>("GET", `/api/archive/jobs/${s.jobId}`);
        views.set(edition.name, body);
        if (body.status === "done" || body.status === "failed") {
          const failedPages = body.pages.filter((p) => p.status === "failed");
          const problems = failedPages.map((p) => `page ${p.index + 1}: ${plain(p.error ?? "failed")}`);
          const ok = body.status === "done" && failedPages.length === 0;
          state[edition.name] = {
            ...s,
            status: ok ? "done" : "failed",
            problems: problems.length ? problems : undefined,
          };
          saveState(folder, state);
          if (!bar)
            io.out(`${ok ? "done" : "failed"}      ${edition.name}  ${body.items.length} document(s)`);
        }
        bar?.update({ edition: edition.name });
      }
      const all = [...views.values()].map(units);
      bar?.setTotal(
        Math.max(
          1,
          all.reduce((n, u) => n + u.total, 0),
        ),
      );
      bar?.update(all.reduce((n, u) => n + u.done + u.failed, 0));
      if (pending.some((e) => state[e.name]?.status === "submitted"))
        await new Promise((r) => setTimeout(r, options.pollMs));
    }
    bar?.stop();
  }

  // Summary.
  const failed = folders.filter((e) => undescribed.has(e.name) || state[e.name]?.status === "failed");
  const done = editions.filter((e) => state[e.name]?.status === "done").length;
  const waiting = editions.filter((e) => state[e.name]?.status === "submitted").length;
  io.out(
    `${done} edition(s) done (${skipped} from an earlier run), ${waiting} still running, ${failed.length} failed`,
  );
  for (const e of failed) {
    io.out(`failed: ${e.name}`);
    const problems = undescribed.has(e.name) ? [UNDESCRIBED_FOLDER] : (state[e.name]?.problems ?? []);
    for (const p of problems) io.out(`  ${p}`);
  }
  return failed.length ? 1 : 0;
}

/** Mounts `archive import` on the CLI program. */
export function registerArchiveCommands(
  program: Command,
  deps: {
    readonly client: () => ApiClient;
    readonly io: ArchiveCliIo;
    readonly setExitCode: (code: number) => void;
  },
): void {
  const archive = program.command("archive").description("Digitise historical gazettes");
  archive
    .command("import")
    .description("Bulk-load a folder with one subfolder per edition (scans or texts); resumable")
    .argument("<folder>", "folder of edition subfolders")
    .option("--no-wait", "submit only; do not wait for OCR to finish")
    .option("--poll <ms>", "how often to check running jobs", "2000")
    .action(async (folder: string, opts: { wait: boolean; poll: string }) => {
      try {
        const code = await importArchive(folder, deps.client(), deps.io, {
          wait: opts.wait,
          pollMs: Number(opts.poll) || 2000,
        });
        if (code) deps.setExitCode(code);
      } catch (error) {
        if (error instanceof ImportUsageError) {
          deps.io.err(`gazette: ${error.message}`);
          deps.setExitCode(2);
          return;
        }
        throw error;
      }
    });
}
