/**
 * `gazette verify <file>` and `gazette log audit`: checking the gazette without trusting its
 * server. Offline, from the certificate (GET /signing/certificate.pem, or every one from
 * /api/signing/certificates after a rotation) and a checkpoint: the PDF's signature, and — with
 * the report POST /api/verify gave for it (`--report`) — that its manifest lists this very file
 * and that the log's checkpoint includes that manifest. The audit checks that a newer checkpoint
 * extends an older one: a log rolled back or forked (rewritten) fails it.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { fromPem, readCertificate } from "../signing/certificate.js";
import { type LogEntry, leafData } from "../transparency/log.js";
import { leafHash, verifyConsistency, verifyInclusion } from "../transparency/merkle.js";
import { type Checkpoint, NoteError, openCheckpoint } from "../transparency/note.js";
import { checkPdfSignature } from "../verify/pdf-signature.js";
import type { ApiClient } from "./client.js";
import { onCommandStore, UsageError } from "./usage-error.js";

interface Io {
  out(line: string): void;
  err(line: string): void;
}

function read(path: string, what: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new UsageError(`${path}: cannot read the ${what} (${(error as Error).message})`);
  }
}

function certificatesFrom(path: string) {
  const ders = fromPem(read(path, "certificate").toString("utf8"));
  if (ders.length === 0) throw new UsageError(`${path}: no PEM certificate in it`);
  try {
    return ders.map(readCertificate);
  } catch (error) {
    throw new UsageError(`${path}: not a certificate (${(error as Error).message})`);
  }
}

function checkpointFrom(note: string, keys: readonly Uint8Array[], what: string): Checkpoint {
  try {
    return openCheckpoint(note, keys);
  } catch (error) {
    if (error instanceof NoteError) throw new VerificationFailed(`${what}: ${error.message}`);
    throw error;
  }
}

class VerificationFailed extends Error {}

interface VerifyReport {
  sha256: string;
  published: {
    url: string;
    sha256: string;
    edition: { year: number; issue: number; cumulative: number };
    document: string | null;
    publishedAt: string;
    logEntry: LogEntry;
  } | null;
  log: {
    index: number;
    size: number;
    leafHash: string;
    inclusionProof: string[];
    checkpoint: string | null;
  } | null;
  verdict?: string;
}

const fromB64 = (s: string) => new Uint8Array(Buffer.from(s, "base64"));

/** The offline verification; returns the lines to print, throws VerificationFailed. */
export function verifyOffline(options: {
  readonly file: Uint8Array;
  readonly certificates: ReturnType<typeof readCertificate>[];
  readonly report?: VerifyReport | undefined;
  readonly checkpoint?: string | undefined;
  /**
   * The edition's manifest as published (…manifest.json): ties the file's SHA-256 to the logged
   * entry without trusting the report. Required for a file without a signature (a canonical text,
   * a PDF published before signing existed).
   */
  readonly manifest?: Uint8Array | undefined;
}): string[] {
  const lines: string[] = [];
  const sha256 = createHash("sha256").update(options.file).digest("hex");
  lines.push(`sha256: ${sha256}`);
  const isPdf = Buffer.from(options.file.subarray(0, 5)).toString("latin1") === "%PDF-";
  const signature = isPdf ? checkPdfSignature(options.file, options.certificates) : null;
  if (signature && !signature.present) {
    if (!options.report || !options.manifest)
      throw new VerificationFailed(
        "the PDF carries no signature: an edition published before signing is checked by its SHA-256, with --report, --manifest and --checkpoint",
      );
    lines.push("signature: none (published before the gazette signed its files); checked by its SHA-256");
  } else if (signature) {
    if (!signature.valid) throw new VerificationFailed(`the signature is not valid: ${signature.problem}`);
    if (!signature.trusted)
      throw new VerificationFailed(
        `signed by ${signature.signer?.subject ?? "someone else"} (${signature.signer?.fingerprint}), not by the certificate given: another deployment's file`,
      );
    lines.push(
      `signature: valid, by ${signature.signer?.subject} (certificate sha256 ${signature.signer?.fingerprint})`,
    );
    if (signature.signingTime) lines.push(`signed at: ${signature.signingTime}`);
    if (signature.timestamp)
      lines.push(
        `timestamped at: ${signature.timestamp.time} by ${signature.timestamp.authority} (RFC 3161)`,
      );
    if (signature.reason) lines.push(`reason: ${signature.reason}`);
  } else if (!options.report || !options.manifest) {
    throw new VerificationFailed(
      "not a PDF: give the report of POST /api/verify (--report), the edition's manifest (--manifest) and a checkpoint to check its hash",
    );
  }
  const report = options.report;
  if (report) {
    if (!report.published) throw new VerificationFailed("the report says this file was not published");
    if (report.published.sha256 !== sha256)
      throw new VerificationFailed(
        `the file's SHA-256 is not the published one (${report.published.sha256}): it was changed`,
      );
    const e = report.published.edition;
    lines.push(
      `published: ${report.published.url}, ${e.year}年第${e.issue}期（总第${e.cumulative}期）, ${report.published.publishedAt}`,
    );
    if (options.manifest) lines.push(manifestListing(options.manifest, sha256, report.published));
    const log = report.log;
    if (!log) throw new VerificationFailed("the report has no log inclusion proof");
    const leaf = leafHash(leafData(report.published.logEntry));
    if (Buffer.from(leaf).toString("hex") !== log.leafHash)
      throw new VerificationFailed("the report's log entry does not hash to its leaf");
    const keys = options.certificates.map((c) => c.publicKey);
    const note = options.checkpoint ?? log.checkpoint;
    if (!note) throw new VerificationFailed("no checkpoint to check the inclusion proof against");
    const checkpoint = checkpointFrom(note, keys, "checkpoint");
    if (checkpoint.size !== log.size)
      throw new VerificationFailed(
        `the inclusion proof is for a log of ${log.size} entries, the checkpoint has ${checkpoint.size}: ask the server for a report at this checkpoint`,
      );
    if (!verifyInclusion(log.index, log.size, leaf, log.inclusionProof.map(fromB64), checkpoint.root))
      throw new VerificationFailed(
        "the inclusion proof does not lead to the checkpoint's root: the log does not contain this manifest",
      );
    lines.push(
      `log: entry ${log.index} included in the signed checkpoint of ${checkpoint.size} entries (${checkpoint.origin})`,
    );
  }
  return lines;
}

/**
 * That `manifest` is the one the log entry names (by SHA-256) and lists a file with this SHA-256:
 * the file's tie to the log, checked rather than taken from the server's report.
 */
function manifestListing(
  manifest: Uint8Array,
  fileSha256: string,
  published: NonNullable<VerifyReport["published"]>,
): string {
  const entry = published.logEntry;
  const manifestSha = createHash("sha256").update(manifest).digest("hex");
  if (entry.type !== "edition.manifest" || entry.sha256 !== manifestSha)
    throw new VerificationFailed(
      `the manifest given is not the one in the log entry (its SHA-256 is ${manifestSha})`,
    );
  if (fileSha256 === manifestSha) return `manifest: this file is the logged manifest ${entry.url}`;
  let artifacts: { url?: unknown; sha256?: unknown }[];
  try {
    const parsed = JSON.parse(new TextDecoder().decode(manifest)) as { artifacts?: unknown };
    artifacts = Array.isArray(parsed.artifacts) ? parsed.artifacts : [];
  } catch {
    throw new VerificationFailed("the manifest given is not JSON");
  }
  const listed = artifacts.find((a) => a.sha256 === fileSha256);
  if (!listed)
    throw new VerificationFailed(
      "the logged manifest does not list a file with this SHA-256: it was changed",
    );
  return `manifest: ${entry.url} (sha256 ${manifestSha}, the logged one) lists this file as ${String(listed.url)}`;
}

/** Whether `next` extends `previous`; throws VerificationFailed saying how it does not. */
export function auditCheckpoints(
  previous: Checkpoint,
  next: Checkpoint,
  proof: readonly Uint8Array[],
): string {
  if (previous.origin !== next.origin)
    throw new VerificationFailed(
      `the checkpoints are of different logs (${previous.origin}, ${next.origin})`,
    );
  if (next.size < previous.size)
    throw new VerificationFailed(
      `rolled back: the log had ${previous.size} entries and now shows ${next.size}`,
    );
  if (next.size === previous.size) {
    if (!Buffer.from(next.root).equals(Buffer.from(previous.root)))
      throw new VerificationFailed(`forked: two different trees of ${next.size} entries were signed`);
    return `consistent: the log still has ${next.size} entries, same root`;
  }
  if (previous.size === 0) return `consistent: the log grew from empty to ${next.size} entries`;
  if (!verifyConsistency(previous.size, next.size, previous.root, next.root, proof))
    throw new VerificationFailed(
      `forked: the tree of ${next.size} entries does not extend the one of ${previous.size} (the consistency proof fails)`,
    );
  return `consistent: the log grew from ${previous.size} to ${next.size} entries, append-only`;
}

export function registerVerifyCommands(
  program: Command,
  deps: {
    client: () => ApiClient;
    io: Io;
    setExitCode: (code: number) => void;
    env?: NodeJS.ProcessEnv | undefined;
  },
): void {
  const { io } = deps;
  const fail = (error: unknown) => {
    if (!(error instanceof VerificationFailed)) throw error;
    io.out(`NOT VERIFIED: ${error.message}`);
    deps.setExitCode(1);
  };

  program
    .command("verify <file>")
    .description(
      "Verify a published file offline: its signature against --certificate; with --report (what POST /api/verify said) and a checkpoint, that it is the published file and in the log. --online asks the server instead",
    )
    .option("--certificate <pem>", "the gazette's certificate(s), PEM (GET /signing/certificate.pem)")
    .option("--checkpoint <file>", "a signed checkpoint you trust (GET /api/log/checkpoint)")
    .option("--report <json>", "the JSON POST /api/verify answered for this file")
    .option(
      "--manifest <json>",
      "the edition's manifest (…manifest.json): checks it is the logged one and lists this file; needed for a file without a signature",
    )
    .option("--online", "ask the server (POST /api/verify) and print its answer")
    .option("--save-report <json>", "with --online: keep the answer for later offline checks")
    .action(
      async (
        file: string,
        options: {
          certificate?: string;
          checkpoint?: string;
          report?: string;
          manifest?: string;
          online?: boolean;
          saveReport?: string;
        },
      ) => {
        const bytes = new Uint8Array(read(file, "file"));
        if (options.online) {
          const { body } = await deps
            .client()
            .request<VerifyReport & { reasons: string[]; verdict: string }>("POST", "/api/verify", {
              body: bytes,
              headers: { "content-type": "application/octet-stream" },
              anonymous: true,
            });
          io.out(`verdict: ${body.verdict}`);
          for (const reason of body.reasons) io.out(`  ${reason}`);
          if (options.saveReport) writeFileSync(options.saveReport, `${JSON.stringify(body, null, 2)}\n`);
          if (body.verdict !== "authentic") deps.setExitCode(1);
          return;
        }
        if (!options.certificate)
          throw new UsageError("verify: --certificate is required offline (or use --online)");
        try {
          const lines = verifyOffline({
            file: bytes,
            certificates: certificatesFrom(options.certificate),
            report: options.report
              ? (JSON.parse(read(options.report, "report").toString("utf8")) as VerifyReport)
              : undefined,
            checkpoint: options.checkpoint
              ? read(options.checkpoint, "checkpoint").toString("utf8")
              : undefined,
            manifest: options.manifest ? new Uint8Array(read(options.manifest, "manifest")) : undefined,
          });
          io.out("VERIFIED");
          for (const line of lines) io.out(`  ${line}`);
        } catch (error) {
          fail(error);
        }
      },
    );

  const log = program.command("log").description("The gazette's append-only public log");
  log
    .command("audit <previous-checkpoint> [next-checkpoint]")
    .description(
      "Check that the log only grew since a checkpoint you kept: against the server's latest (and its consistency proof), or offline against a second checkpoint with --proof",
    )
    .requiredOption("--certificate <pem>", "the gazette's certificate(s), PEM")
    .option("--proof <json>", "offline: the consistency proof (GET /api/log/proof/consistency)")
    .option("--save <file>", "write the newer checkpoint there, for the next audit")
    .action(
      async (
        previousPath: string,
        nextPath: string | undefined,
        options: { certificate: string; proof?: string; save?: string },
      ) => {
        const keys = certificatesFrom(options.certificate).map((c) => c.publicKey);
        try {
          const previous = checkpointFrom(
            read(previousPath, "checkpoint").toString("utf8"),
            keys,
            previousPath,
          );
          let nextNote: string;
          let proof: Uint8Array[] = [];
          if (nextPath) {
            nextNote = read(nextPath, "checkpoint").toString("utf8");
            if (options.proof) {
              const parsed = JSON.parse(read(options.proof, "proof").toString("utf8")) as { proof: string[] };
              proof = parsed.proof.map(fromB64);
            }
          } else {
            const { body } = await deps.client().request<string>("GET", "/api/log/checkpoint", {
              headers: { accept: "text/plain" },
              anonymous: true,
            });
            nextNote = String(body);
          }
          const next = checkpointFrom(nextNote, keys, nextPath ?? "the server's checkpoint");
          if (!nextPath && next.size > previous.size && previous.size > 0) {
            const { body } = await deps
              .client()
              .request<{ proof: string[] }>(
                "GET",
                `/api/log/proof/consistency?from=${previous.size}&to=${next.size}`,
                { anonymous: true },
              );
            proof = body.proof.map(fromB64);
          }
          io.out(auditCheckpoints(previous, next, proof));
          if (options.save) writeFileSync(options.save, nextNote);
        } catch (error) {
          fail(error);
        }
      },
    );

  log
    .command("backfill")
    .description(
      "Append the manifests of editions published before signing existed to the log, in publication order, straight in the store (GAZETTE_DATA_DIR with the pipeline stopped, or GAZETTE_MODE=aws with GAZETTE_TABLE and GAZETTE_BUCKET); then sign a checkpoint (locally) or ask the publisher for one (AWS). Safe to repeat; `npm start` and the migration function run it once by themselves (the migration log-backfill, see `gazette migrate`)",
    )
    .action(async () => {
      const { backfillFromEnvironment } = await import("../transparency/backfill-command.js");
      const r = await onCommandStore(() => backfillFromEnvironment(deps.env ?? process.env));
      io.out(
        `appended ${r.appended.length}${r.appended.length ? ` (editions ${r.appended.join(", ")})` : ""}  already in the log ${r.alreadyLogged}`,
      );
      if (r.withoutManifest.length)
        io.out(`without a manifest, not logged: editions ${r.withoutManifest.join(", ")}`);
      io.out(
        "size" in r.checkpoint
          ? `checkpoint: ${r.checkpoint.size} entries, signed`
          : r.checkpoint.requested
            ? "checkpoint: asked the publisher to sign one"
            : "checkpoint: the latest already covers the log",
      );
    });
}
