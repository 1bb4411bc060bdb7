import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { mailAddressProblem } from "./platform/mail.js";

/** Deployment settings, read once from the environment (and an optional JSON file). */
export interface GazetteSettings {
  /** e.g. 《四川省人民政府公报》 without the book-title marks. */
  readonly name: string;
  readonly publisher: string;
  /** 栏目, in the order they appear in an edition. */
  readonly sections: readonly string[];
}

export interface IntakeLimits {
  /** Largest JSON request body, bytes. */
  readonly maxJsonBytes: number;
  /** Largest .docx upload, bytes. */
  readonly maxDocxBytes: number;
  /** Largest total uncompressed size of a .docx (zip-bomb guard), bytes. */
  readonly maxDocxUncompressedBytes: number;
  readonly maxDocxEntries: number;
  /** Longest body text, characters. */
  readonly maxBodyChars: number;
  readonly maxBlocks: number;
  readonly maxAttachments: number;
  readonly maxInterpretations: number;
}

export interface Config {
  readonly mode: "embedded" | "aws";
  /**
   * How POST /api/editions/{id}/publish runs: `inline` renders within the request; `queued`
   * answers 202 and the publishing consumer renders (AWS default: API Gateway allows 30 s).
   */
  readonly publishing: "inline" | "queued";
  readonly port: number;
  readonly dataDir: string;
  /** Embedded SQLite durability: "ack" and "full" survive power loss, "normal" only process crashes. */
  readonly sqliteSynchronous: "ack" | "full" | "normal";
  /** Editor bearer token for embedded mode; undefined means generate one at first start. */
  readonly editorToken?: string | undefined;
  readonly gazette: GazetteSettings;
  /** The last edition printed before this system (year/issue/总第N期), numbering continues after it. */
  readonly continueFrom?: string | undefined;
  /** Public address of the site, used in feeds, sitemap and citations' links. */
  readonly baseUrl: string;
  readonly limits: IntakeLimits;
  /** How long an Idempotency-Key is remembered. */
  readonly idempotencyTtlSeconds: number;
  /** A console session unused this long ends (GAZETTE_CONSOLE_IDLE_SECONDS, default 1800). */
  readonly consoleIdleSeconds: number;
  /**
   * Entries one page of the console's intake-queue search reads at most before it offers to go on
   * (GAZETTE_CONSOLE_SCAN_LIMIT, default 5,000); published documents are also found through the
   * search index, beyond it.
   */
  readonly consoleDocumentScanLimit?: number | undefined;
  /** Days after its date of issue that a registered normative document not yet submitted is overdue (issue 16). */
  readonly completenessOverdueDays: number;
  /**
   * AWS: an API answer whose Lambda result is larger than this many bytes is put in the staging
   * bucket and the client sent there (src/runtime/lambda/response-spill.ts);
   * GAZETTE_RESPONSE_SPILL_BYTES, default and most 6,000,000 (Lambda returns at most 6 MB).
   */
  readonly responseSpillBytes: number;
  /**
   * Console sign-in through an OIDC provider (AWS: the Cognito user pool's hosted sign-in):
   * GAZETTE_CONSOLE_OIDC_ISSUER, _CLIENT_ID and _SIGN_IN_URL, all three or none. Left out, the
   * console signs in with its own accounts.
   */
  readonly consoleOidc?:
    | { readonly issuer: string; readonly clientId: string; readonly signInBaseUrl: string }
    | undefined;
  /**
   * E-mail notifications (submitters' changes, issue 16): the From address (GAZETTE_MAIL_FROM) and
   * how mail leaves, over SMTP (GAZETTE_SMTP_URL, the local server) or Amazon SES
   * (GAZETTE_SES_IDENTITY, the events function in AWS). Left out, nothing is mailed.
   */
  readonly mail?:
    | {
        readonly from: string;
        readonly transport:
          | { readonly kind: "smtp"; readonly url: string }
          | {
              readonly kind: "ses";
              readonly identity: string;
              readonly configurationSet?: string | undefined;
            };
      }
    | undefined;
  /**
   * The console's Cognito user pool (GAZETTE_CONSOLE_USER_POOL_ID, `<region>_<id>`; the AWS stack
   * sets it on the api function): /console/accounts creates department submitters there
   * (src/console/cognito-submitters.ts). Only with consoleOidc.
   */
  readonly consoleUserPoolId?: string | undefined;
  /** Public search: embedded SQLite FTS5 beside the data, or an OpenSearch domain (GAZETTE_SEARCH). */
  readonly search: {
    readonly engine: "embedded" | "opensearch";
    /** https endpoint of the OpenSearch domain (GAZETTE_OPENSEARCH_URL), SigV4-signed in AWS. */
    readonly opensearchUrl?: string | undefined;
  };
  /** Reposts (issue 4): outbound calls to subordinate sites and the working-day calendar. */
  readonly reposts: {
    /** Loopback/private webhook targets allowed: locally by default, never in AWS mode. */
    readonly allowPrivateTargets: boolean;
    readonly outboundTimeoutMs: number;
    readonly maxResponseBytes: number;
    /** Operator-supplied holiday schedule (JSON), for years chinese-days does not know yet. */
    readonly holidaysFile?: string | undefined;
    /** Delay of the late-registration fan-out sweep, 0–900 s (0: no sweep). */
    readonly sweepSeconds: number;
  };
  /**
   * The signing key (src/signing/): locally generated into dataDir/signing/ at first start; in AWS
   * the KMS key GAZETTE_SIGNING_KMS_KEY (set by the stack). GAZETTE_SIGNING_CERTIFICATE: a PEM
   * certificate for that key with its chain (or a path to one), instead of a self-issued one.
   */
  readonly signing: {
    readonly kmsKeyId?: string | undefined;
    readonly certificatePem?: string | undefined;
    /** GAZETTE_TSA_URL: an RFC 3161 timestamp authority; PDF signatures become PAdES B-T. */
    readonly timestampUrl?: string | undefined;
  };
  readonly aws: {
    readonly region?: string | undefined;
    readonly tableName: string;
    readonly bucketName: string;
    /** GAZETTE_STAGING_BUCKET: staged blobs of requests not yet committed (platform/blob-policy.ts). */
    readonly stagingBucketName: string;
    readonly siteBucketName: string;
    /** Logical queue name → URL, from GAZETTE_QUEUE_URL_<NAME>. */
    readonly queueUrls: Readonly<Record<string, string>>;
  };
}

export const DEFAULT_SECTIONS = [
  "省政府令",
  "省政府文件",
  "省政府办公厅文件",
  "部门文件",
  "人事任免",
  "政策解读",
];

export const DEFAULT_LIMITS: IntakeLimits = {
  maxJsonBytes: 4 * 1024 * 1024,
  // API Gateway → Lambda payloads stop at 6 MB; base64 makes 4.5 MB of file the practical ceiling.
  maxDocxBytes: 4 * 1024 * 1024 + 512 * 1024,
  maxDocxUncompressedBytes: 64 * 1024 * 1024,
  maxDocxEntries: 2000,
  maxBodyChars: 400_000,
  maxBlocks: 5000,
  maxAttachments: 30,
  maxInterpretations: 10,
};

export class ConfigError extends Error {
  override name = "ConfigError";
}

type Env = Readonly<Record<string, string | undefined>>;

function intFromEnv(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new ConfigError(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

/** Lambda returns at most 6 MB (6,291,456 bytes); this leaves room for the runtime's framing. */
export const DEFAULT_RESPONSE_SPILL_BYTES = 6_000_000;

/** GAZETTE_RESPONSE_SPILL_BYTES: 1 to DEFAULT_RESPONSE_SPILL_BYTES. */
function responseSpillBytes(env: Env): number {
  const n = intFromEnv(env, "GAZETTE_RESPONSE_SPILL_BYTES", DEFAULT_RESPONSE_SPILL_BYTES);
  if (n < 1 || n > DEFAULT_RESPONSE_SPILL_BYTES)
    throw new ConfigError(
      `GAZETTE_RESPONSE_SPILL_BYTES must be from 1 to ${DEFAULT_RESPONSE_SPILL_BYTES} (a Lambda function returns at most 6 MB), got ${n}`,
    );
  return n;
}

/** GAZETTE_REPOST_SWEEP_SECONDS: an SQS delay, so at most 900 s. */
function sweepSeconds(env: Env): number {
  const n = intFromEnv(env, "GAZETTE_REPOST_SWEEP_SECONDS", 300);
  if (n > 900)
    throw new ConfigError(`GAZETTE_REPOST_SWEEP_SECONDS must be at most 900 (SQS's delay limit), got ${n}`);
  return n;
}

/** Logical queue name from GAZETTE_QUEUE_URL_EVENTS_DLQ → "events-dlq". */
function queueUrlsFromEnv(env: Env): Record<string, string> {
  const urls: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const m = /^GAZETTE_QUEUE_URL_([A-Z0-9_]+)$/.exec(key);
    if (m?.[1] && value) urls[m[1].toLowerCase().replaceAll("_", "-")] = value;
  }
  return urls;
}

function readSettingsFile(path: string | undefined): Partial<GazetteSettings> {
  if (!path) return {};
  try {
    return JSON.parse(readFileSync(path, "utf8")) as Partial<GazetteSettings>;
  } catch (cause) {
    throw new ConfigError(`GAZETTE_CONFIG: cannot read ${path} as JSON (${(cause as Error).message})`);
  }
}

function sqliteSynchronous(raw: string | undefined): "ack" | "full" | "normal" {
  const value = (raw || "ack").toLowerCase();
  if (value !== "ack" && value !== "full" && value !== "normal") {
    throw new ConfigError(`GAZETTE_SQLITE_SYNCHRONOUS must be "ack", "full" or "normal", got "${raw}"`);
  }
  return value;
}

function searchSettings(env: Env): Config["search"] {
  const engine = (env.GAZETTE_SEARCH || "embedded").toLowerCase();
  if (engine !== "embedded" && engine !== "opensearch") {
    throw new ConfigError(`GAZETTE_SEARCH must be "embedded" or "opensearch", got "${env.GAZETTE_SEARCH}"`);
  }
  const opensearchUrl = env.GAZETTE_OPENSEARCH_URL || undefined;
  if (engine === "opensearch" && !opensearchUrl) {
    throw new ConfigError("GAZETTE_SEARCH=opensearch needs GAZETTE_OPENSEARCH_URL");
  }
  if (opensearchUrl !== undefined && !/^https?:\/\/[^/\s]+/.test(opensearchUrl)) {
    throw new ConfigError(`GAZETTE_OPENSEARCH_URL must be an http(s) URL, got "${opensearchUrl}"`);
  }
  return { engine, opensearchUrl };
}

function timestampUrl(value: string | undefined): string | undefined {
  if (!value) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new ConfigError(`GAZETTE_TSA_URL must be an http(s) URL, got "${value}"`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new ConfigError(`GAZETTE_TSA_URL must be an http(s) URL, got "${value}"`);
  return url.href;
}

function certificatePem(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const pem = value.includes("-----BEGIN CERTIFICATE-----") ? value : readTextFile(value);
  if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
    throw new ConfigError(
      "GAZETTE_SIGNING_CERTIFICATE must be PEM certificates or the path of a file of them",
    );
  }
  return pem;
}

function readTextFile(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`GAZETTE_SIGNING_CERTIFICATE: cannot read ${path}: ${(error as Error).message}`);
  }
}

function consoleOidcSettings(env: Env): Config["consoleOidc"] {
  const names = [
    "GAZETTE_CONSOLE_OIDC_ISSUER",
    "GAZETTE_CONSOLE_OIDC_CLIENT_ID",
    "GAZETTE_CONSOLE_OIDC_SIGN_IN_URL",
  ] as const;
  const [issuer, clientId, signInBaseUrl] = names.map((n) => env[n] || undefined);
  if (!issuer && !clientId && !signInBaseUrl) return undefined;
  const missing = names.filter((n) => !env[n]);
  if (missing.length)
    throw new ConfigError(`${missing.join(", ")} must be set too (console OIDC sign-in needs all three)`);
  for (const [name, value] of [
    [names[0], issuer],
    [names[2], signInBaseUrl],
  ] as const) {
    if (!/^https:\/\/[^/\s]+/.test(value ?? ""))
      throw new ConfigError(`${name} must be an https:// URL, got "${value}"`);
  }
  return { issuer: issuer!, clientId: clientId!, signInBaseUrl: signInBaseUrl! };
}

function mailSettings(env: Env): Config["mail"] {
  const url = env.GAZETTE_SMTP_URL || undefined;
  const identity = env.GAZETTE_SES_IDENTITY || undefined;
  const from = env.GAZETTE_MAIL_FROM?.trim() || undefined;
  if (!url && !identity) {
    if (from) throw new ConfigError("GAZETTE_MAIL_FROM needs GAZETTE_SMTP_URL or GAZETTE_SES_IDENTITY");
    return undefined;
  }
  if (url && identity)
    throw new ConfigError("Set GAZETTE_SMTP_URL or GAZETTE_SES_IDENTITY, not both (one way to send mail)");
  if (!from) throw new ConfigError("E-mail needs GAZETTE_MAIL_FROM (the From address)");
  // An address, or a display name (Chinese is fine: the adapter encodes it) and <address>.
  const named = /^([^<>\r\n]{0,100})<([^<>]+)>$/.exec(from);
  const problem = mailAddressProblem(named ? named[2]! : from);
  if (problem)
    throw new ConfigError(
      `GAZETTE_MAIL_FROM must be an address or "Name <address>" (${problem}), got "${from}"`,
    );
  if (url) {
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !["smtp:", "smtps:"].includes(parsed.protocol) || !parsed.hostname)
      throw new ConfigError("GAZETTE_SMTP_URL must be smtp://[user:password@]host[:port] or smtps://…");
    return { from, transport: { kind: "smtp", url } };
  }
  return {
    from,
    transport: {
      kind: "ses",
      identity: identity!,
      configurationSet: env.GAZETTE_SES_CONFIGURATION_SET || undefined,
    },
  };
}

function consoleUserPoolId(env: Env, oidc: Config["consoleOidc"]): string | undefined {
  const id = env.GAZETTE_CONSOLE_USER_POOL_ID || undefined;
  if (!id) return undefined;
  if (!oidc)
    throw new ConfigError(
      "GAZETTE_CONSOLE_USER_POOL_ID needs GAZETTE_CONSOLE_OIDC_* (the console's user pool)",
    );
  if (!/^[a-z]{2}(?:-[a-z]+)+-\d_[0-9A-Za-z]+$/.test(id))
    throw new ConfigError(`GAZETTE_CONSOLE_USER_POOL_ID must be a user pool id (<region>_<id>), got "${id}"`);
  return id;
}

/**
 * The gazette's settings and the intake limits, from the environment (GAZETTE_NAME,
 * GAZETTE_PUBLISHER, GAZETTE_SECTIONS, GAZETTE_CONFIG, GAZETTE_MAX_*_BYTES): what loadConfig
 * reads for them, alone. The build reads them from a function's environment to write the
 * OpenAPI document the api function serves (src/http/openapi-file.ts).
 */
export function gazetteSettingsFromEnv(env: Env = process.env): Pick<Config, "gazette" | "limits"> {
  const file = readSettingsFile(env.GAZETTE_CONFIG);
  const sections = env.GAZETTE_SECTIONS
    ? env.GAZETTE_SECTIONS.split(/[,，]/)
        .map((s) => s.trim())
        .filter(Boolean)
    : (file.sections ?? DEFAULT_SECTIONS);
  return {
    gazette: {
      name: env.GAZETTE_NAME ?? file.name ?? "四川省人民政府公报",
      publisher: env.GAZETTE_PUBLISHER ?? file.publisher ?? "四川省人民政府办公厅",
      sections,
    },
    limits: {
      ...DEFAULT_LIMITS,
      maxDocxBytes: intFromEnv(env, "GAZETTE_MAX_DOCX_BYTES", DEFAULT_LIMITS.maxDocxBytes),
      maxJsonBytes: intFromEnv(env, "GAZETTE_MAX_JSON_BYTES", DEFAULT_LIMITS.maxJsonBytes),
    },
  };
}

export function loadConfig(env: Env = process.env): Config {
  const mode = env.GAZETTE_MODE ?? "embedded";
  if (mode !== "embedded" && mode !== "aws") {
    throw new ConfigError(`GAZETTE_MODE must be "embedded" or "aws", got "${mode}"`);
  }
  const { gazette, limits } = gazetteSettingsFromEnv(env);
  const port = intFromEnv(env, "PORT", 3000);
  if (port > 65535) throw new ConfigError(`PORT must be at most 65535, got ${port}`);
  const publishing = env.GAZETTE_PUBLISHING || (mode === "aws" ? "queued" : "inline");
  if (publishing !== "inline" && publishing !== "queued") {
    throw new ConfigError(`GAZETTE_PUBLISHING must be "inline" or "queued", got "${publishing}"`);
  }
  return {
    mode,
    publishing,
    port,
    dataDir: resolve(env.GAZETTE_DATA_DIR ?? ".gazette"),
    sqliteSynchronous: sqliteSynchronous(env.GAZETTE_SQLITE_SYNCHRONOUS),
    editorToken: env.GAZETTE_EDITOR_TOKEN || undefined,
    continueFrom: env.GAZETTE_CONTINUE_FROM || undefined,
    baseUrl: (env.GAZETTE_BASE_URL || `http://127.0.0.1:${port}`).replace(/\/+$/, ""),
    gazette,
    limits,
    idempotencyTtlSeconds: intFromEnv(env, "GAZETTE_IDEMPOTENCY_TTL_SECONDS", 7 * 24 * 3600),
    consoleIdleSeconds: intFromEnv(env, "GAZETTE_CONSOLE_IDLE_SECONDS", 30 * 60),
    consoleDocumentScanLimit: intFromEnv(env, "GAZETTE_CONSOLE_SCAN_LIMIT", 5_000),
    completenessOverdueDays: intFromEnv(env, "GAZETTE_COMPLETENESS_OVERDUE_DAYS", 30),
    responseSpillBytes: responseSpillBytes(env),
    consoleOidc: consoleOidcSettings(env),
    mail: mailSettings(env),
    consoleUserPoolId: consoleUserPoolId(env, consoleOidcSettings(env)),
    search: searchSettings(env),
    signing: {
      kmsKeyId: env.GAZETTE_SIGNING_KMS_KEY || undefined,
      certificatePem: certificatePem(env.GAZETTE_SIGNING_CERTIFICATE),
      timestampUrl: timestampUrl(env.GAZETTE_TSA_URL),
    },
    reposts: {
      allowPrivateTargets: mode === "embedded" && env.GAZETTE_ALLOW_PRIVATE_TARGETS !== "false",
      outboundTimeoutMs: intFromEnv(env, "GAZETTE_OUTBOUND_TIMEOUT_MS", 10_000),
      maxResponseBytes: intFromEnv(env, "GAZETTE_OUTBOUND_MAX_BYTES", 2 * 1024 * 1024),
      holidaysFile: env.GAZETTE_HOLIDAYS_FILE || undefined,
      sweepSeconds: sweepSeconds(env),
    },
    aws: {
      region: env.AWS_REGION,
      tableName: env.GAZETTE_TABLE ?? "",
      bucketName: env.GAZETTE_BUCKET ?? "",
      stagingBucketName: env.GAZETTE_STAGING_BUCKET ?? "",
      siteBucketName: env.GAZETTE_SITE_BUCKET ?? "",
      queueUrls: queueUrlsFromEnv(env),
    },
  };
}
