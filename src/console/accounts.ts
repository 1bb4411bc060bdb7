import {
  createCipheriv,
  createDecipheriv,
  createHash,
  hkdfSync,
  randomBytes,
  scrypt,
  timingSafeEqual,
} from "node:crypto";
import { ConditionFailedError } from "../platform/errors.js";
import type { Clock, RecordStore } from "../platform/ports.js";

/**
 * Console accounts and sessions on the record store (embedded: SQLite; AWS: DynamoDB).
 *
 * Passwords are hashed with scrypt (node:crypto, N=2^15, r=8, p=1, 16-byte salt) and compared in
 * constant time; an unknown user name costs the same scrypt as a known one. A session is a random
 * 32-byte token held in an HttpOnly cookie; the store keeps only its SHA-256, with the CSRF token
 * of that session and an idle deadline (expiresAt: the store hides the record once it passed).
 *
 * A console session signed in through the OIDC provider (AWS: Cognito) is the same record, with
 * the account's subject and the provider's refresh token, encrypted (AES-256-GCM) with a key
 * derived from the cookie's token: the store alone cannot use it, nor the cookie alone.
 */

export const CONSOLE_ROLES = ["editor", "reviewer", "administrator", "site", "submitter"] as const;
export type ConsoleRole = (typeof CONSOLE_ROLES)[number];

export const ROLE_LABELS: Record<ConsoleRole, string> = {
  editor: "编辑",
  reviewer: "审核员",
  administrator: "管理员",
  site: "下级网站",
  submitter: "报送员",
};

export interface ConsoleAccount {
  readonly username: string;
  readonly displayName: string;
  readonly role: ConsoleRole;
  readonly createdAt: string;
  readonly createdBy: string;
  /** Role `site`: the registered site (id) whose portal this account opens. */
  readonly site?: string | undefined;
  /**
   * Role `submitter`: the issuing body (id, src/submitters) it submits for; a submitter sends,
   * sees and registers documents of this body only.
   */
  readonly body?: string | undefined;
}

interface AccountRecord extends ConsoleAccount {
  /** `scrypt$N$r$p$<salt b64url>$<hash b64url>` */
  readonly passwordHash: string;
}

export interface ConsoleSession {
  readonly username: string;
  readonly displayName: string;
  readonly role: ConsoleRole;
  /** Role `submitter`: the issuing body it acts for (never taken from a request). */
  readonly body?: string | undefined;
  /** Synchronizer token every console form carries. */
  readonly csrf: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
}

/** What an OIDC session keeps beside the console session. */
interface OidcSessionPart {
  /** The account's `sub`: every access token of the session must be this account's. */
  readonly subject: string;
  /** The refresh token, `<iv>.<ciphertext>.<tag>` (base64url), under the cookie token's key. */
  readonly refresh?: string | undefined;
}

interface SessionRecord extends ConsoleSession {
  readonly oidc?: OidcSessionPart | undefined;
}

/** A live session as resumed from its cookie token. */
export interface ResumedSession {
  readonly session: ConsoleSession;
  /** OIDC sessions: the account's subject and the refresh token, decrypted. */
  readonly oidc?: { readonly subject: string; readonly refreshToken?: string | undefined } | undefined;
}

const refreshKey = (token: string) =>
  Buffer.from(hkdfSync("sha256", token, "", "gazette-console-refresh-token", 32));

function sealRefreshToken(refreshToken: string, token: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", refreshKey(token), iv);
  const sealed = Buffer.concat([cipher.update(refreshToken, "utf8"), cipher.final()]);
  return [iv, sealed, cipher.getAuthTag()].map((b) => b.toString("base64url")).join(".");
}

function openRefreshToken(sealed: string | undefined, token: string): string | undefined {
  const [iv, data, tag] = (sealed ?? "").split(".").map((part) => Buffer.from(part, "base64url"));
  if (!iv || !data || !tag) return undefined;
  try {
    const decipher = createDecipheriv("aes-256-gcm", refreshKey(token), iv);
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString("utf8");
  } catch {
    return undefined;
  }
}

/** A field the account form refused, and why (shown next to the field). */
export class AccountError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "AccountError";
  }
}

const ACCOUNTS_INDEX = "CONSOLE#ACCOUNTS";
const SCRYPT = { N: 1 << 15, r: 8, p: 1, keylen: 32 } as const;
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,39}$/;
export const MIN_PASSWORD_LENGTH = 12;

const accountKey = (username: string) => ({ pk: `CONSOLE#ACCOUNT#${username}`, sk: "ACCOUNT" });
const sessionKey = (token: string) => ({
  pk: `CONSOLE#SESSION#${createHash("sha256").update(token).digest("hex")}`,
  sk: "SESSION",
});

function scryptAsync(password: string, salt: Buffer, params: { N: number; r: number; p: number }) {
  return new Promise<Buffer>((resolve, reject) => {
    scrypt(
      password.normalize("NFC"),
      salt,
      SCRYPT.keylen,
      { ...params, maxmem: 256 * params.N * params.r },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scryptAsync(password, salt, SCRYPT);
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

export async function passwordMatches(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split("$");
  if (scheme !== "scrypt" || !salt || !hash) return false;
  const expected = Buffer.from(hash, "base64url");
  const key = await scryptAsync(password, Buffer.from(salt, "base64url"), {
    N: Number(n),
    r: Number(r),
    p: Number(p),
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Compared against when the user name is unknown, so that the answer takes as long. */
let dummyHash: Promise<string> | undefined;

export interface ConsoleAccountsOptions {
  readonly records: RecordStore;
  readonly clock: Clock;
  /** A session unused this long ends. Default 30 minutes. */
  readonly idleSeconds?: number | undefined;
}

export class ConsoleAccounts {
  readonly idleSeconds: number;

  constructor(private readonly options: ConsoleAccountsOptions) {
    this.idleSeconds = options.idleSeconds ?? 30 * 60;
  }

  private get records() {
    return this.options.records;
  }

  private now() {
    return this.options.clock.now();
  }

  async create(
    input: {
      username: string;
      displayName: string;
      role: string;
      password: string;
      site?: string | undefined;
      body?: string | undefined;
    },
    createdBy: string,
  ): Promise<ConsoleAccount> {
    const username = input.username.trim().toLowerCase();
    if (!USERNAME.test(username)) {
      throw new AccountError(
        "username",
        "用户名须为 2–40 个小写字母、数字或 . _ -，以字母或数字开头 (username must be 2–40 of a-z 0-9 . _ -)",
      );
    }
    const displayName = input.displayName.trim();
    if (!displayName || displayName.length > 50)
      throw new AccountError(
        "displayName",
        "姓名不能为空，最多 50 个字 (displayName must be 1–50 characters)",
      );
    if (!(CONSOLE_ROLES as readonly string[]).includes(input.role))
      throw new AccountError("role", `角色须为 ${CONSOLE_ROLES.join(", ")} 之一`);
    if (input.password.length < MIN_PASSWORD_LENGTH || input.password.length > 200)
      throw new AccountError(
        "password",
        `密码至少 ${MIN_PASSWORD_LENGTH} 个字符 (password must be at least ${MIN_PASSWORD_LENGTH} characters)`,
      );
    const site = input.site?.trim() || undefined;
    if (input.role === "site" && !site)
      throw new AccountError("site", "下级网站账户须选择所属网站 (a site account needs its site)");
    if (input.role !== "site" && site)
      throw new AccountError("site", "只有下级网站账户属于网站 (only site accounts belong to a site)");
    const body = input.body?.trim() || undefined;
    if (input.role === "submitter" && !body)
      throw new AccountError(
        "body",
        "报送员账户须选择所属发文机关 (a submitter account needs its issuing body)",
      );
    if (input.role !== "submitter" && body)
      throw new AccountError(
        "body",
        "只有报送员账户属于发文机关 (only submitter accounts belong to an issuing body)",
      );
    const account: AccountRecord = {
      username,
      displayName,
      role: input.role as ConsoleRole,
      ...(site ? { site } : {}),
      ...(body ? { body } : {}),
      createdAt: this.now().toISOString(),
      createdBy,
      passwordHash: await hashPassword(input.password),
    };
    try {
      await this.records.put(
        { ...accountKey(username), data: account, index: { gsi1pk: ACCOUNTS_INDEX, gsi1sk: username } },
        { kind: "absent" },
      );
    } catch (error) {
      if (error instanceof ConditionFailedError)
        throw new AccountError("username", `用户名 ${username} 已存在 (username taken)`);
      throw error;
    }
    return publicView(account);
  }

  async list(): Promise<ConsoleAccount[]> {
    const out: ConsoleAccount[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.records.query<AccountRecord>(ACCOUNTS_INDEX, {
        index: "gsi1",
        cursor,
        limit: 100,
      });
      out.push(...page.items.map((r) => publicView(r.data)));
      cursor = page.cursor;
    } while (cursor);
    return out;
  }

  /**
   * At first start (no account at all): an administrator `admin` with a random password, returned
   * once so that the start banner can print it. Undefined when accounts exist.
   */
  async ensureFirstAdministrator(): Promise<{ username: string; password: string } | undefined> {
    const any = await this.records.query(ACCOUNTS_INDEX, { index: "gsi1", limit: 1 });
    if (any.items.length) return undefined;
    const password = randomBytes(15).toString("base64url");
    try {
      await this.create(
        { username: "admin", displayName: "管理员", role: "administrator", password },
        "first start",
      );
    } catch (error) {
      if (error instanceof AccountError) return undefined; // another process created it meanwhile
      throw error;
    }
    return { username: "admin", password };
  }

  /** The account when the password is right; undefined otherwise (unknown user or wrong password). */
  async verify(username: string, password: string): Promise<ConsoleAccount | undefined> {
    const name = username.trim().toLowerCase();
    const record = USERNAME.test(name) ? await this.records.get<AccountRecord>(accountKey(name)) : undefined;
    if (!record) {
      dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
      await passwordMatches(password, await dummyHash);
      return undefined;
    }
    return (await passwordMatches(password, record.data.passwordHash)) ? publicView(record.data) : undefined;
  }

  /**
   * A new session: the token goes into the cookie, only its hash into the store. `oidc`: a session
   * signed in through the OIDC provider (the account's subject and its refresh token).
   */
  async startSession(
    account: Pick<ConsoleAccount, "username" | "displayName" | "role"> & Partial<ConsoleAccount>,
    oidc?: { subject: string; refreshToken?: string | undefined },
  ): Promise<{ token: string; session: ConsoleSession }> {
    const token = randomBytes(32).toString("base64url");
    const at = this.now();
    const session: ConsoleSession = {
      username: account.username,
      displayName: account.displayName,
      role: account.role,
      ...(account.body ? { body: account.body } : {}),
      csrf: randomBytes(24).toString("base64url"),
      createdAt: at.toISOString(),
      lastSeenAt: at.toISOString(),
    };
    const record: SessionRecord = oidc
      ? {
          ...session,
          oidc: {
            subject: oidc.subject,
            ...(oidc.refreshToken ? { refresh: sealRefreshToken(oidc.refreshToken, token) } : {}),
          },
        }
      : session;
    await this.records.put(
      { ...sessionKey(token), data: record, expiresAt: this.deadline(at) },
      { kind: "absent" },
    );
    return { token, session };
  }

  /**
   * The session of a cookie token, or undefined once it ended or idled out. Use extends the idle
   * deadline (written at most once a minute).
   */
  async session(token: string | undefined): Promise<ConsoleSession | undefined> {
    return (await this.resume(token))?.session;
  }

  /** As `session`, with an OIDC session's subject and refresh token. */
  async resume(token: string | undefined): Promise<ResumedSession | undefined> {
    if (!token || token.length > 100) return undefined;
    const key = sessionKey(token);
    const record = await this.records.get<SessionRecord>(key);
    if (!record) return undefined;
    const now = this.now();
    const last = Date.parse(record.data.lastSeenAt);
    if (now.getTime() - last >= this.idleSeconds * 1000) return undefined;
    let data = record.data;
    if (now.getTime() - last >= 60_000) {
      data = { ...record.data, lastSeenAt: now.toISOString() };
      try {
        await this.records.put(
          { ...key, data, expiresAt: this.deadline(now) },
          { kind: "version", version: record.version },
        );
      } catch (error) {
        if (!(error instanceof ConditionFailedError)) throw error; // a concurrent request touched it
      }
    }
    const { oidc, ...session } = data;
    return {
      session,
      ...(oidc
        ? { oidc: { subject: oidc.subject, refreshToken: openRefreshToken(oidc.refresh, token) } }
        : {}),
    };
  }

  /** An OIDC session's new refresh token (a provider that rotates them sends one with each renewal). */
  async replaceRefreshToken(token: string, refreshToken: string): Promise<void> {
    const key = sessionKey(token);
    const record = await this.records.get<SessionRecord>(key);
    if (!record?.data.oidc) return;
    const data: SessionRecord = {
      ...record.data,
      oidc: { ...record.data.oidc, refresh: sealRefreshToken(refreshToken, token) },
    };
    try {
      await this.records.put(
        { ...key, data, expiresAt: this.deadline(new Date(Date.parse(data.lastSeenAt))) },
        { kind: "version", version: record.version },
      );
    } catch (error) {
      // Touched meanwhile: the provider's older refresh token stays valid for its grace period.
      if (!(error instanceof ConditionFailedError)) throw error;
    }
  }

  async endSession(token: string | undefined): Promise<void> {
    if (token && token.length <= 100) await this.records.delete(sessionKey(token));
  }

  private deadline(at: Date) {
    return Math.ceil(at.getTime() / 1000) + this.idleSeconds;
  }
}

function publicView(record: AccountRecord): ConsoleAccount {
  const { username, displayName, role, createdAt, createdBy, site, body } = record;
  return {
    username,
    displayName,
    role,
    createdAt,
    createdBy,
    ...(site ? { site } : {}),
    ...(body ? { body } : {}),
  };
}
