import { createHash, randomBytes } from "node:crypto";
import { ConditionFailedError } from "../platform/errors.js";
import { mailAddressProblem } from "../platform/mail.js";
import type { Clock, RecordStore } from "../platform/ports.js";
import {
  OtherBodyError,
  problem,
  SubmitterConflictError,
  SubmitterInputError,
  SubmitterNotFoundError,
} from "./errors.js";
import { BODY_ID, type IssuingBody, isRegionCode } from "./model.js";

/**
 * The registry of issuing bodies, and the bearer token each body's own system uses on the API
 * (shown once; the store keeps only its SHA-256, as for sites).
 */
const BODIES_INDEX = "BODIES";
export const bodyKey = (id: string) => ({ pk: `BODY#${id}`, sk: "BODY" });
const tokenKey = (token: string) => ({
  pk: `BODYTOKEN#${createHash("sha256").update(token).digest("hex")}`,
  sk: "TOKEN",
});

interface BodyRecord extends IssuingBody {
  /** pk of the current token's record, so that rotating removes the old one. */
  readonly tokenPk: string;
}

function field(input: Record<string, unknown>, name: string): string | undefined {
  const value = input[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string")
    throw new SubmitterInputError(`${name} must be text`, [
      problem(name, "invalid_type", `${name} must be a string`),
    ]);
  return value.trim();
}

function checkWebhook(url: string | undefined): string | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    parsed = new URL("invalid:");
  }
  if (!["https:", "http:"].includes(parsed.protocol) || url.length > 500)
    throw new SubmitterInputError("webhookUrl is not an http(s) URL", [
      problem("webhookUrl", "invalid", "webhookUrl must be an http(s) URL of at most 500 characters"),
    ]);
  return parsed.toString();
}

function checkEmail(address: string | undefined): string | null {
  if (!address) return null;
  const why = mailAddressProblem(address);
  if (why)
    throw new SubmitterInputError("email is not an e-mail address", [
      problem("email", "invalid", `email must be one e-mail address (name@example.cn): ${why}`),
    ]);
  // The domain is case-insensitive; the local part is kept as given.
  const at = address.lastIndexOf("@");
  return `${address.slice(0, at)}@${address.slice(at + 1).toLowerCase()}`;
}

/** What PATCH /api/bodies/{id} may change: where the body is notified. */
export const BODY_CONTACT_FIELDS = ["webhookUrl", "email"] as const;

export class IssuingBodies {
  constructor(private readonly options: { readonly records: RecordStore; readonly clock: Clock }) {}

  private get records() {
    return this.options.records;
  }

  /** Registers a body; returns it with its API token, which is not kept and never shown again. */
  async create(input: unknown, createdBy: string): Promise<{ body: IssuingBody; token: string }> {
    const o = (input && typeof input === "object" && !Array.isArray(input) ? input : {}) as Record<
      string,
      unknown
    >;
    const problems = [];
    const id = field(o, "id") ?? "";
    const name = field(o, "name") ?? "";
    const regionCode = field(o, "regionCode") ?? "";
    if (!BODY_ID.test(id))
      problems.push(
        problem("id", "invalid", "id must be 2–40 of a-z 0-9 and -, starting with a letter or digit"),
      );
    if (!name || name.length > 60)
      problems.push(
        problem(
          "name",
          name ? "too_long" : "required",
          "name (发文机关名称) is required, at most 60 characters",
        ),
      );
    if (!isRegionCode(regionCode))
      problems.push(
        problem(
          "regionCode",
          "invalid",
          "regionCode must be a six-digit GB/T 2260 code (e.g. 510000, 510100)",
        ),
      );
    const webhookUrl = checkWebhook(field(o, "webhookUrl"));
    const email = checkEmail(field(o, "email"));
    if (problems.length) throw new SubmitterInputError("invalid issuing body", problems);
    const token = `gzb_${randomBytes(24).toString("base64url")}`;
    const record: BodyRecord = {
      id,
      name,
      regionCode,
      webhookUrl,
      email,
      createdAt: this.options.clock.now().toISOString(),
      createdBy,
      tokenPk: tokenKey(token).pk,
    };
    // The token record first: a body record never names a token that does not exist.
    await this.records.put({ ...tokenKey(token), data: { bodyId: id } }, { kind: "absent" });
    try {
      await this.records.put(
        { ...bodyKey(id), data: record, index: { gsi1pk: BODIES_INDEX, gsi1sk: id } },
        { kind: "absent" },
      );
    } catch (error) {
      await this.records.delete(tokenKey(token));
      if (error instanceof ConditionFailedError)
        throw new SubmitterConflictError(`body ${id} exists`, [
          problem("id", "taken", `A body with id ${id} exists`),
        ]);
      throw error;
    }
    return { body: publicView(record), token };
  }

  /**
   * Changes where the body is notified: `webhookUrl` and `email`, each left as it is when absent
   * and removed when null or empty. Anything else is refused (400), as is a bad value.
   */
  async updateContact(id: string, input: unknown): Promise<IssuingBody> {
    const o = (input && typeof input === "object" && !Array.isArray(input) ? input : null) as Record<
      string,
      unknown
    > | null;
    if (!o)
      throw new SubmitterInputError("body must be an object", [
        problem(null, "invalid_type", "Send a JSON object with webhookUrl and/or email"),
      ]);
    const unknown = Object.keys(o).filter((k) => !(BODY_CONTACT_FIELDS as readonly string[]).includes(k));
    if (unknown.length)
      throw new SubmitterInputError("unknown fields", [
        ...unknown.map((name) =>
          problem(name, "unknown_field", `Only ${BODY_CONTACT_FIELDS.join(" and ")} can be changed`),
        ),
      ]);
    const changes = {
      ...("webhookUrl" in o ? { webhookUrl: checkWebhook(field(o, "webhookUrl")) } : {}),
      ...("email" in o ? { email: checkEmail(field(o, "email")) } : {}),
    };
    if (!BODY_ID.test(id)) throw notFound(id);
    const current = await this.records.get<BodyRecord>(bodyKey(id));
    if (!current) throw notFound(id);
    const next: BodyRecord = { ...current.data, ...changes };
    try {
      await this.records.put(
        { ...bodyKey(id), data: next, index: current.index },
        { kind: "version", version: current.version },
      );
    } catch (error) {
      if (error instanceof ConditionFailedError)
        throw new SubmitterConflictError("changed meanwhile", [
          problem(null, "conflict", "The body changed meanwhile; retry"),
        ]);
      throw error;
    }
    return publicView(next);
  }

  /** A new API token for the body; the old one stops working. */
  async rotateToken(id: string): Promise<string> {
    const current = await this.records.get<BodyRecord>(bodyKey(id));
    if (!current) throw notFound(id);
    const token = `gzb_${randomBytes(24).toString("base64url")}`;
    await this.records.put({ ...tokenKey(token), data: { bodyId: id } }, { kind: "absent" });
    try {
      await this.records.put(
        { ...bodyKey(id), data: { ...current.data, tokenPk: tokenKey(token).pk }, index: current.index },
        { kind: "version", version: current.version },
      );
    } catch (error) {
      await this.records.delete(tokenKey(token));
      if (error instanceof ConditionFailedError)
        throw new SubmitterConflictError("changed meanwhile", [
          problem(null, "conflict", "The body changed meanwhile; retry"),
        ]);
      throw error;
    }
    await this.records.delete({ pk: current.data.tokenPk, sk: "TOKEN" });
    return token;
  }

  async get(id: string): Promise<IssuingBody | undefined> {
    if (!BODY_ID.test(id)) return undefined;
    const record = await this.records.get<BodyRecord>(bodyKey(id));
    return record && publicView(record.data);
  }

  async mustGet(id: string): Promise<IssuingBody> {
    const body = await this.get(id);
    if (!body) throw notFound(id);
    return body;
  }

  async list(): Promise<IssuingBody[]> {
    const out: IssuingBody[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.records.query<BodyRecord>(BODIES_INDEX, { index: "gsi1", cursor, limit: 100 });
      out.push(...page.items.map((r) => publicView(r.data)));
      cursor = page.cursor;
    } while (cursor);
    return out;
  }

  /** The body whose current token this is; undefined for an unknown or replaced token. */
  async authenticate(token: string | undefined): Promise<IssuingBody | undefined> {
    if (!token || token.length > 200) return undefined;
    const key = tokenKey(token);
    const record = await this.records.get<{ bodyId: string }>(key);
    if (!record) return undefined;
    const body = await this.records.get<BodyRecord>(bodyKey(record.data.bodyId));
    return body && body.data.tokenPk === key.pk ? publicView(body.data) : undefined;
  }
}

/** Acting for `bodyId` is allowed only to the caller's own body (403 otherwise). */
export function assertOwnBody(callerBodyId: string, bodyId: string): void {
  if (callerBodyId !== bodyId)
    throw new OtherBodyError([
      problem(
        "bodyId",
        "other_body",
        `You submit for your own body (${callerBodyId}) only, not for ${bodyId}`,
      ),
    ]);
}

function notFound(id: string) {
  return new SubmitterNotFoundError(`No body ${id}`, [
    problem("bodyId", "not_found", `No issuing body ${id}`),
  ]);
}

function publicView(record: BodyRecord): IssuingBody {
  const { tokenPk: _hidden, ...body } = record;
  return { ...body, email: body.email ?? null };
}
