/**
 * Outbound HTTP to subordinate sites (webhook deliveries, WebSub-style challenges, fetching
 * reposted pages), guarded against server-side request forgery.
 *
 * The URL is chosen by a site, so it may point at the pipeline's own network: loopback, private
 * ranges, the cloud metadata service (169.254.169.254). The host name is resolved once, every
 * address is checked, and the connection goes to the checked address (node:http's `lookup`
 * option), so a name that resolves differently a moment later (DNS rebinding) cannot redirect it.
 * Redirects are returned, never followed: a redirect target would need the same check.
 */
import { lookup as dnsLookup } from "node:dns/promises";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { isIP } from "node:net";
import zlib from "node:zlib";
import ipaddr from "ipaddr.js";
import {
  OutboundBlockedError,
  OutboundConnectionError,
  OutboundTimeoutError,
  OutboundTooLargeError,
} from "./outbound-errors.js";

export type OutboundFetch = (url: string, init?: RequestInit) => Promise<Response>;

export interface OutboundOptions {
  /** Allow loopback and private targets: local mode and tests only, never in AWS. */
  readonly allowPrivateTargets: boolean;
  /** Limit for the whole call: resolving, connecting, sending, and reading the full response. */
  readonly timeoutMs: number;
  /** Largest response body (after decompression), bytes. */
  readonly maxResponseBytes: number;
  /** Resolves a host name to its addresses; dns.lookup by default (tests inject their own). */
  readonly lookup?: (host: string) => Promise<string[]>;
}

/**
 * Why an address may not be contacted, or null if it is a public unicast address. ipaddr.js
 * names the special ranges: loopback, private (RFC 1918), linkLocal (169.254/16, fe80::/10),
 * carrierGradeNat (100.64/10), uniqueLocal (fc00::/7), ipv4Mapped (::ffff:0:0/96), unspecified,
 * multicast, broadcast, reserved, and the translation prefixes (6to4, teredo, NAT64) that can
 * embed a private IPv4 address. Only "unicast" is public.
 */
export function blockedAddressReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return "not an IP address";
  const range = ipaddr.parse(address).range();
  return range === "unicast" ? null : range;
}

async function defaultLookup(host: string): Promise<string[]> {
  const results = await dnsLookup(host, { all: true, verbatim: true });
  return results.map((r) => r.address);
}

/** A `lookup` for node:net that answers with the address already checked, whatever is asked. */
function pinnedLookup(address: string): LookupFunction {
  const family = isIP(address);
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address, family }]);
    else callback(null, address, family);
  }) as LookupFunction;
}

/** Errors of connecting, after which another address of the same host may still answer. */
const CONNECT_ERRORS = new Set([
  "ECONNREFUSED",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "EAFNOSUPPORT",
]);

/** Statuses whose Response may not carry a body. */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

export function createOutboundFetch(options: OutboundOptions): OutboundFetch {
  const resolve = options.lookup ?? defaultLookup;
  // Own agents, so that pooled connections are never shared with code that does not check targets.
  const agents = {
    "http:": new http.Agent({ keepAlive: true }),
    "https:": new https.Agent({ keepAlive: true }),
  } as const;

  return async (url, init = {}) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch (cause) {
      throw new OutboundBlockedError(`Not a valid URL: ${url}`, url, { cause });
    }
    if (target.protocol !== "http:" && target.protocol !== "https:") {
      throw new OutboundBlockedError(`Only http and https URLs are fetched, not ${target.protocol}`, url);
    }
    if (target.username || target.password) {
      throw new OutboundBlockedError("URLs with credentials are not fetched", url);
    }

    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = init.signal ? AbortSignal.any([init.signal, timeout]) : timeout;
    const onAbort = (cause: unknown): never => {
      if (timeout.aborted) {
        throw new OutboundTimeoutError(
          `No complete response from ${target.host} within ${options.timeoutMs} ms`,
          url,
          {
            cause,
          },
        );
      }
      throw signal.reason ?? cause;
    };

    // Resolve and check.
    const host = target.hostname.replace(/^\[(.*)\]$/, "$1");
    let addresses: string[];
    if (isIP(host)) {
      addresses = [host];
    } else {
      try {
        addresses = await abortable(resolve(host), signal);
      } catch (cause) {
        if (signal.aborted) onAbort(cause);
        throw new OutboundConnectionError(`Cannot resolve ${host}: ${(cause as Error).message}`, url, {
          cause,
        });
      }
      if (addresses.length === 0) throw new OutboundConnectionError(`${host} has no address`, url);
    }
    if (!options.allowPrivateTargets) {
      for (const address of addresses) {
        const reason = blockedAddressReason(address);
        if (reason) {
          throw new OutboundBlockedError(
            `${target.host} resolves to ${address} (${reason}); only public addresses are contacted`,
            url,
          );
        }
      }
    }
    // Request via the Fetch API's own normalisation of headers and body.
    const request = new Request(target, { method: init.method, headers: init.headers, body: init.body });
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : null;
    const headers: Record<string, string> = { "accept-encoding": "gzip, deflate, br" };
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    if (body) headers["content-length"] = String(body.length);

    const send = (address: string) =>
      new Promise<IncomingMessage>((resolveResponse, reject) => {
        const req = (target.protocol === "https:" ? https : http).request(target, {
          method: request.method,
          headers,
          agent: agents[target.protocol as "http:" | "https:"],
          lookup: pinnedLookup(address),
          signal,
        });
        req.once("response", resolveResponse);
        req.once("error", reject);
        req.end(body ?? undefined);
      });
    // Each checked address in turn while the connection itself fails (localhost: ::1, then 127.0.0.1).
    let incoming: IncomingMessage | undefined;
    let failure: unknown = new Error(`${host} resolved to no IP address`);
    for (const address of addresses.filter((a) => ipaddr.isValid(a))) {
      try {
        incoming = await send(address);
        break;
      } catch (cause) {
        if (signal.aborted) onAbort(cause);
        failure = cause;
        if (!CONNECT_ERRORS.has((cause as NodeJS.ErrnoException).code ?? "")) break;
      }
    }
    if (!incoming) {
      throw new OutboundConnectionError(
        `Request to ${target.host} failed: ${(failure as NodeJS.ErrnoException).code ?? (failure as Error).message}`,
        url,
        { cause: failure },
      );
    }

    // Read the whole body, capped, inside the time limit.
    const declared = Number(incoming.headers["content-length"]);
    if (Number.isFinite(declared) && declared > options.maxResponseBytes) {
      incoming.destroy();
      throw new OutboundTooLargeError(
        `Response of ${declared} bytes from ${target.host} exceeds the limit of ${options.maxResponseBytes}`,
        url,
      );
    }
    const encoding = String(incoming.headers["content-encoding"] ?? "identity").toLowerCase();
    const decoder =
      encoding === "gzip" || encoding === "x-gzip"
        ? zlib.createGunzip()
        : encoding === "deflate"
          ? zlib.createInflate()
          : encoding === "br"
            ? zlib.createBrotliDecompress()
            : null;
    const stream = decoder ? incoming.pipe(decoder) : incoming;
    if (decoder) incoming.once("error", (error) => decoder.destroy(error));
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > options.maxResponseBytes) {
          throw new OutboundTooLargeError(
            `Response from ${target.host} exceeds the limit of ${options.maxResponseBytes} bytes`,
            url,
          );
        }
        chunks.push(chunk);
      }
    } catch (cause) {
      incoming.destroy();
      if (cause instanceof OutboundTooLargeError) throw cause;
      if (signal.aborted) onAbort(cause);
      throw new OutboundConnectionError(`Reading the response from ${target.host} failed`, url, { cause });
    }

    const responseHeaders = new Headers();
    for (let i = 0; i + 1 < incoming.rawHeaders.length; i += 2) {
      const name = incoming.rawHeaders[i]!.toLowerCase();
      // The body handed back is decoded, so its encoding and length headers no longer apply.
      if (decoder && (name === "content-encoding" || name === "content-length")) continue;
      try {
        responseHeaders.append(name, incoming.rawHeaders[i + 1]!);
      } catch {
        // A header value the Fetch API refuses (control characters): dropped.
      }
    }
    const status = incoming.statusCode ?? 0;
    if (status < 200 || status > 599) {
      throw new OutboundConnectionError(`${target.host} answered with status ${status}`, url);
    }
    return new Response(NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks), {
      status,
      statusText: incoming.statusMessage ?? "",
      headers: responseHeaders,
    });
  };
}

/** Settles with the promise, or rejects as soon as the signal aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
