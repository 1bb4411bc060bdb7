// Load generator for the HTTP intake benchmark. Runs in a worker thread so the client does not
// share the server's event loop: keep-alive connections, `concurrency` requests in flight.
import http from "node:http";
import { parentPort, workerData } from "node:worker_threads";

const { url, token, bodies, concurrency } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const target = new URL(url);

function post(body, key) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: target.hostname,
        port: target.port,
        path: "/api/documents",
        method: "POST",
        headers: {
          authorization: `Bearer ${token}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(body),
          "idempotency-key": key,
        },
      },
      (res) => {
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () =>
          res.statusCode === 201
            ? resolve()
            : reject(new Error(`HTTP ${res.statusCode}: ${Buffer.concat(chunks)}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

let next = 0;
const start = performance.now();
async function lane() {
  while (next < bodies.length) {
    const i = next++;
    await post(bodies[i], `load-${i}`);
  }
}
try {
  await Promise.all(Array.from({ length: concurrency }, lane));
  parentPort.postMessage({ ms: performance.now() - start });
} catch (error) {
  parentPort.postMessage({ error: String(error) });
} finally {
  agent.destroy();
}
