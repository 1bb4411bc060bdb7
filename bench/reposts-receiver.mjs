// Webhook receiver for the reposts benchmark: one HTTP server on loopback standing in for 10,000
// subordinate sites (one path each). Runs in a worker thread so receiving does not share the
// pipeline's event loop. Answers WebSub-style challenges, verifies every delivery's Standard
// Webhooks signature with the `standardwebhooks` library, and counts deliveries per site.
import http from "node:http";
import { parentPort } from "node:worker_threads";
import { Webhook } from "standardwebhooks";

const verifiers = new Map(); // path → Webhook
const counts = new Map(); // path → deliveries
let invalid = 0;
let total = 0;

const server = http.createServer((req, res) => {
  const url = new URL(req.url ?? "/", "http://x");
  if (req.method === "GET") {
    res.writeHead(200, { "content-type": "text/plain" }).end(url.searchParams.get("hub.challenge") ?? "");
    return;
  }
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString("utf8");
    const verifier = verifiers.get(url.pathname);
    try {
      if (!verifier) throw new Error("unknown site");
      // The pipeline signs with real time; tolerance is the library's default five minutes.
      verifier.verify(body, req.headers);
      counts.set(url.pathname, (counts.get(url.pathname) ?? 0) + 1);
      total += 1;
      res.writeHead(204).end();
    } catch {
      invalid += 1;
      res.writeHead(400).end();
    }
  });
});
server.keepAliveTimeout = 60_000;

parentPort.on("message", (message) => {
  if (message.type === "secrets") {
    for (const [path, secret] of message.secrets) verifiers.set(path, new Webhook(secret));
    parentPort.postMessage({ type: "secrets-ok" });
  } else if (message.type === "reset") {
    counts.clear();
    invalid = 0;
    total = 0;
    parentPort.postMessage({ type: "reset-ok" });
  } else if (message.type === "stats") {
    let distinct = 0;
    let duplicates = 0;
    for (const n of counts.values()) {
      distinct += 1;
      duplicates += n - 1;
    }
    parentPort.postMessage({ type: "stats", total, distinct, duplicates, invalid });
  } else if (message.type === "close") {
    server.close(() => parentPort.postMessage({ type: "closed" }));
  }
});

server.listen(0, "127.0.0.1", () =>
  parentPort.postMessage({ type: "listening", port: server.address().port }),
);
