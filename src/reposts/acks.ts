/**
 * Acknowledgement and verification. A site reports where it reposted a notice's document; the
 * page is fetched and checked for the title, 发文字号 and body text, now and again later (a site
 * that takes the page down or edits it is caught by the re-checks).
 */
import { readDocument } from "../documents/records.js";
import { PermanentMessageError } from "../platform/errors.js";
import type { Platform } from "../platform/ports.js";
import { InvalidRepostRequestError, NoticeNotFoundError, problem, RepostRefusedError } from "./errors.js";
import { DELIVERY_QUEUE, type VerifyMessage } from "./messages.js";
import { parseNoticeId, type RepostNotice, type SiteRecord } from "./model.js";
import type { OutboundFetch } from "./outbound.js";
import { documentText } from "./payload.js";
import { noticeKeys, updateNotice } from "./records.js";
import { checkRepostPage } from "./verification.js";

/** Re-checks after the first verification: one day, one week, thirty days later. */
export const DEFAULT_RECHECKS_SECONDS: readonly number[] = [86_400, 7 * 86_400, 30 * 86_400];
const MAX_PAGE_ERROR = 300;

export interface AcknowledgementOptions {
  readonly platform: Pick<Platform, "records" | "blobs" | "queues" | "clock">;
  readonly fetch: OutboundFetch;
  readonly recheckSeconds?: readonly number[] | undefined;
}

export class RepostAcknowledgements {
  readonly #platform;
  readonly #fetch: OutboundFetch;
  readonly #rechecks: readonly number[];

  constructor(options: AcknowledgementOptions) {
    this.#platform = options.platform;
    this.#fetch = options.fetch;
    this.#rechecks = options.recheckSeconds ?? DEFAULT_RECHECKS_SECONDS;
  }

  /**
   * The notice, if it belongs to the site; 404 otherwise — whether there is no such notice or it
   * was sent to another site, so a site cannot learn which notices other sites have.
   */
  async noticeFor(site: Pick<SiteRecord, "id">, id: string): Promise<RepostNotice> {
    const ids = parseNoticeId(id);
    const notice =
      ids && ids.siteId === site.id
        ? (await this.#platform.records.get<RepostNotice>(noticeKeys(ids.documentId, ids.siteId)))?.data
        : undefined;
    if (!notice || notice.siteId !== site.id)
      throw new NoticeNotFoundError(`No notice ${id}`, [problem("noticeId", "not_found", `No notice ${id}`)]);
    return notice;
  }

  /** POST /api/reposts/{id}/ack {url}: records where the site reposted and queues the check. */
  async acknowledge(site: Pick<SiteRecord, "id">, id: string, input: unknown): Promise<RepostNotice> {
    const url = (input as { url?: unknown } | null)?.url;
    if (typeof url !== "string" || url.length > 2048 || !isHttpUrl(url)) {
      throw new InvalidRepostRequestError("url is invalid", [
        problem(
          "url",
          url === undefined ? "required" : "invalid",
          "url must be the http(s) address of the reposted page",
        ),
      ]);
    }
    const notice = await this.noticeFor(site, id);
    if (notice.verification?.state === "verified" && notice.ack?.url === url) return notice;
    const at = this.#platform.clock.now().toISOString();
    const updated = await updateNotice(this.#platform, noticeKeys(notice.documentId, notice.siteId), (n) => ({
      ...n,
      ack: { url, at },
      verification: { state: "pending", reason: null, checkedAt: null, checks: 0, nextCheckAt: null },
    }));
    if (!updated)
      throw new RepostRefusedError("Notice vanished", [problem("noticeId", "not_found", "No such notice")]);
    await this.#platform.queues.send(DELIVERY_QUEUE, [
      { body: JSON.stringify({ type: "repost.verify", noticeId: notice.id } satisfies VerifyMessage) },
    ]);
    return updated.data;
  }

  /** Fetches the acknowledged page and records verified / failed with the reason. */
  async verify(message: VerifyMessage): Promise<void> {
    const ids = parseNoticeId(message.noticeId);
    if (!ids) throw new PermanentMessageError(`Not a notice id: ${message.noticeId}`);
    const key = noticeKeys(ids.documentId, ids.siteId);
    const notice = (await this.#platform.records.get<RepostNotice>(key))?.data;
    if (!notice?.ack) return;
    const found = await readDocument(this.#platform, notice.documentId);
    if (!found) throw new PermanentMessageError(`No document ${notice.documentId}`);
    const url = notice.ack.url;
    let result: { ok: true } | { ok: false; reason: string };
    try {
      const response = await this.#get(url);
      if (response.status !== 200) {
        await response.arrayBuffer().catch(() => undefined);
        result = { ok: false, reason: `the page answered HTTP ${response.status}` };
      } else {
        result = checkRepostPage(await response.text(), {
          title: found.document.title,
          docNumber: found.document.docNumber,
          text: documentText(found.document),
        });
      }
    } catch (error) {
      result = {
        ok: false,
        reason: `the page could not be fetched: ${String((error as Error).message).slice(0, MAX_PAGE_ERROR)}`,
      };
    }
    const now = this.#platform.clock.now();
    await updateNotice(this.#platform, key, (n) => {
      // A newer acknowledgement (another URL) is checked by its own message.
      if (!n.ack || n.ack.url !== url) return undefined;
      const checks = (n.verification?.checks ?? 0) + 1;
      const wait = this.#rechecks[checks - 1];
      return {
        ...n,
        verification: {
          state: result.ok ? "verified" : "failed",
          reason: result.ok ? null : result.reason,
          checkedAt: now.toISOString(),
          checks,
          nextCheckAt: wait === undefined ? null : new Date(now.getTime() + wait * 1000).toISOString(),
        },
      };
    });
  }

  /** GET following up to three redirects, each target checked again by the outbound guard. */
  async #get(url: string): Promise<Response> {
    let target = url;
    for (let hop = 0; ; hop++) {
      const response = await this.#fetch(target, { method: "GET", redirect: "manual" });
      const location = response.headers.get("location");
      if (hop >= 3 || response.status < 300 || response.status >= 400 || !location) return response;
      await response.arrayBuffer().catch(() => undefined);
      target = new URL(location, target).toString();
    }
  }
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === "http:" || u.protocol === "https:";
  } catch {
    return false;
  }
}
