import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { blockedAddressReason, createOutboundFetch } from "../../src/reposts/outbound.js";
import {
  OutboundBlockedError,
  OutboundConnectionError,
  OutboundTimeoutError,
  OutboundTooLargeError,
} from "../../src/reposts/outbound-errors.js";

const LIMITS = { timeoutMs: 2000, maxResponseBytes: 1000 };

/** What the local server saw of the last request. */
let lastRequest: { method: string; url: string; host: string; body: string } | null = null;

function handle(req: IncomingMessage, res: ServerResponse): void {
  let body = "";
  req.setEncoding("utf8");
  req.on("data", (chunk: string) => {
    body += chunk;
  });
  req.on("end", () => {
    lastRequest = { method: req.method ?? "", url: req.url ?? "", host: req.headers.host ?? "", body };
    switch (req.url) {
      case "/page":
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end("<p>转载页面</p>");
        return;
      case "/echo":
        res.writeHead(201, { "content-type": "application/json" }).end(body);
        return;
      case "/moved":
        res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end();
        return;
      case "/gone":
        res.writeHead(410).end("gone");
        return;
      case "/large-declared":
        res.writeHead(200, { "content-length": "5000" }).end("x".repeat(5000));
        return;
      case "/large-chunked":
        res.writeHead(200);
        for (let i = 0; i < 50; i++) res.write("y".repeat(100));
        res.end();
        return;
      case "/gzip":
        res.writeHead(200, { "content-encoding": "gzip" }).end(gzipSync("压缩的页面"));
        return;
      case "/gzip-bomb":
        res.writeHead(200, { "content-encoding": "gzip" }).end(gzipSync("z".repeat(100_000)));
        return;
      case "/never":
        // Never answers: the client's time limit has to end the call.
        return;
      default:
        res.writeHead(404).end();
    }
  });
}

let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("blockedAddressReason", () => {
  it.each([
    ["127.0.0.1", "loopback"],
    ["10.1.2.3", "private"],
    ["172.16.0.1", "private"],
    ["192.168.1.1", "private"],
    ["169.254.169.254", "linkLocal"],
    ["100.64.0.1", "carrierGradeNat"],
    ["0.0.0.0", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["240.0.0.1", "reserved"],
    ["::1", "loopback"],
    ["fd12:3456::1", "uniqueLocal"],
    ["fe80::1", "linkLocal"],
    ["::ffff:127.0.0.1", "ipv4Mapped"],
    ["::", "unspecified"],
    ["ff02::1", "multicast"],
  ])("refuses %s (%s)", (address, reason) => {
    expect(blockedAddressReason(address)).toBe(reason);
  });

  it.each(["8.8.8.8", "202.96.134.133", "2400:3200::1"])("accepts the public address %s", (address) => {
    expect(blockedAddressReason(address)).toBeNull();
  });
});

describe("outbound fetch in AWS mode (private targets refused)", () => {
  const resolving = (addresses: string[]) => {
    const asked: string[] = [];
    const fetch = createOutboundFetch({
      allowPrivateTargets: false,
      ...LIMITS,
      lookup: async (host) => {
        asked.push(host);
        return addresses;
      },
    });
    return { fetch, asked };
  };

  it.each([
    ["loopback", ["127.0.0.1"]],
    ["the metadata service", ["169.254.169.254"]],
    ["an RFC 1918 address", ["10.0.0.7"]],
    ["carrier-grade NAT", ["100.100.100.200"]],
    ["unique-local IPv6", ["fd00::5"]],
    ["an IPv4-mapped IPv6 loopback", ["::ffff:7f00:1"]],
    ["one private address among public ones", ["8.8.8.8", "192.168.0.10"]],
  ])("refuses a host name that resolves to %s", async (_case, addresses) => {
    // Prepare
    const { fetch, asked } = resolving(addresses);
    // Act
    const result = fetch("https://site.example.gov.cn/hook");
    // Assess
    await expect(result).rejects.toBeInstanceOf(OutboundBlockedError);
    await expect(result).rejects.toMatchObject({ code: "outbound_blocked" });
    expect(asked).toEqual(["site.example.gov.cn"]);
  });

  it.each([
    "http://127.0.0.1/",
    "http://[::1]/",
    "http://2130706433/",
    "http://0x7f.0.0.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::ffff:169.254.169.254]/",
    "http://0.0.0.0/",
  ])("refuses the address literal in %s without resolving it", async (url) => {
    // Prepare
    const { fetch, asked } = resolving(["8.8.8.8"]);
    // Act / Assess
    await expect(fetch(url)).rejects.toBeInstanceOf(OutboundBlockedError);
    expect(asked).toEqual([]);
  });

  it.each(["file:///etc/passwd", "ftp://example.gov.cn/x", "data:text/plain,hi", "gopher://example.gov.cn/"])(
    "refuses the scheme of %s",
    async (url) => {
      await expect(resolving(["8.8.8.8"]).fetch(url)).rejects.toThrow(/Only http and https/);
    },
  );

  it("reports a host name that does not resolve as a connection failure", async () => {
    // Prepare
    const fetch = createOutboundFetch({
      allowPrivateTargets: false,
      ...LIMITS,
      lookup: async () => {
        throw new Error("getaddrinfo ENOTFOUND");
      },
    });
    // Act / Assess
    await expect(fetch("https://nowhere.example.gov.cn/")).rejects.toBeInstanceOf(OutboundConnectionError);
  });
});

describe("outbound fetch in local mode (private targets allowed)", () => {
  const fetch = createOutboundFetch({ allowPrivateTargets: true, ...LIMITS });

  it("fetches a page from a loopback server", async () => {
    // Act
    const response = await fetch(`http://127.0.0.1:${port}/page`);
    // Assess
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(await response.text()).toBe("<p>转载页面</p>");
  });

  it("sends the method, headers and body of the request", async () => {
    // Act
    const response = await fetch(`http://127.0.0.1:${port}/echo`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url: "https://example.gov.cn/转载" }),
    });
    // Assess
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ url: "https://example.gov.cn/转载" });
    expect(lastRequest?.method).toBe("POST");
  });

  it("connects to the address it checked and keeps the site's host name", async () => {
    // Prepare: the name is resolved by the injected lookup only; a second resolution would fail.
    let lookups = 0;
    const pinned = createOutboundFetch({
      allowPrivateTargets: true,
      ...LIMITS,
      lookup: async () => {
        lookups++;
        return ["127.0.0.1"];
      },
    });
    // Act
    const response = await pinned(`http://repost.example.gov.cn:${port}/page`);
    // Assess
    expect(response.status).toBe(200);
    expect(lastRequest?.host).toBe(`repost.example.gov.cn:${port}`);
    expect(lookups).toBe(1);
  });

  it("tries the host's next checked address when a connection is refused", async () => {
    // Prepare: 127.0.0.2 has nothing listening on the port; 127.0.0.1 has the server
    const fallback = createOutboundFetch({
      allowPrivateTargets: true,
      ...LIMITS,
      lookup: async () => ["127.0.0.2", "127.0.0.1"],
    });
    // Act
    const response = await fallback(`http://localhost.example.gov.cn:${port}/page`);
    // Assess
    expect(response.status).toBe(200);
  });

  it("reports a refused connection as a connection failure", async () => {
    // Prepare
    const refused = createOutboundFetch({
      allowPrivateTargets: true,
      ...LIMITS,
      lookup: async () => ["127.0.0.2"],
    });
    // Act / Assess
    await expect(refused(`http://nobody.example.gov.cn:${port}/`)).rejects.toMatchObject({
      code: "outbound_connection_failed",
      message: expect.stringContaining("ECONNREFUSED"),
    });
  });

  it("returns a redirect instead of following it", async () => {
    // Act
    const response = await fetch(`http://127.0.0.1:${port}/moved`);
    // Assess
    expect(response.status).toBe(302);
    expect(response.headers.get("location")).toBe("http://169.254.169.254/latest/meta-data/");
  });

  it("returns error statuses as responses", async () => {
    const response = await fetch(`http://127.0.0.1:${port}/gone`);
    expect(response.status).toBe(410);
  });

  it("decodes a gzip-encoded body", async () => {
    // Act
    const response = await fetch(`http://127.0.0.1:${port}/gzip`);
    // Assess
    expect(await response.text()).toBe("压缩的页面");
    expect(response.headers.get("content-encoding")).toBeNull();
  });

  it("gives up on a server that never answers", async () => {
    // Prepare
    const impatient = createOutboundFetch({
      allowPrivateTargets: true,
      timeoutMs: 200,
      maxResponseBytes: 1000,
    });
    // Act
    const result = impatient(`http://127.0.0.1:${port}/never`);
    // Assess
    await expect(result).rejects.toBeInstanceOf(OutboundTimeoutError);
    await expect(result).rejects.toMatchObject({ code: "outbound_timeout" });
  });

  it.each(["/large-declared", "/large-chunked", "/gzip-bomb"])(
    "refuses a body over the cap (%s)",
    async (path) => {
      // Act
      const result = fetch(`http://127.0.0.1:${port}${path}`);
      // Assess
      await expect(result).rejects.toBeInstanceOf(OutboundTooLargeError);
      await expect(result).rejects.toMatchObject({ code: "outbound_too_large" });
    },
  );

  it("still works after a refused body, on a fresh connection", async () => {
    // Prepare
    await expect(fetch(`http://127.0.0.1:${port}/large-chunked`)).rejects.toThrow();
    // Act
    const response = await fetch(`http://127.0.0.1:${port}/page`);
    // Assess
    expect(response.status).toBe(200);
  });
});
