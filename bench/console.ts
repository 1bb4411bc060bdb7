import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadConfig } from "../src/config.js";
import { SESSION_COOKIE } from "../src/console/http.js";
import { createApiApp } from "../src/handlers/api.js";
import { createEmbeddedPlatform } from "../src/platform/embedded/index.js";
import { createContainer } from "../src/runtime/container.js";
import { aSubmission } from "../tests/support/factories.js";

/**
 * Console page benchmark (issue 12 point 8: p95 < 100 ms with 10,000 documents and 500 editions
 * in the embedded store). The store is filled through the real services (intake, editions); each
 * page is then requested through the app (Request in, Response out, the body read) with an
 * administrator's session cookie. Peer: the JSON API answering the same question (the same list, the
 * same document or edition) with the editor token, so the ratio is what the console's rendering
 * and session add to the same reads.
 */

const EDITOR_TOKEN = "bench-editor-token";

export interface ConsolePageTiming {
  readonly page: string;
  readonly path: string;
  readonly p50: number;
  readonly p95: number;
  readonly peer?: { readonly path: string; readonly p50: number; readonly p95: number } | undefined;
}

export interface ConsoleBenchResult {
  readonly documents: number;
  /** Of those, accepted and waiting to be placed (the rest are in the editions). */
  readonly accepted: number;
  readonly editions: number;
  readonly requests: number;
  readonly seedSeconds: number;
  readonly pages: readonly ConsolePageTiming[];
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export async function benchConsole(
  documents: number,
  editionCount: number,
  requests: number,
  accepted = 500,
): Promise<ConsoleBenchResult> {
  const dataDir = mkdtempSync(join(tmpdir(), "gazette-bench-console-"));
  try {
    const config = loadConfig({ GAZETTE_DATA_DIR: dataDir });
    const platform = createEmbeddedPlatform({ dataDir });
    const container = createContainer(config, platform, { editorToken: EDITOR_TOKEN });
    const app = createApiApp(container);

    // Seed: documents through intake, then editions each holding its share of them.
    const seedStart = performance.now();
    const ids: string[] = [];
    for (let i = 0; i < documents; i++) {
      const { document } = await container.intake.submit({
        input: aSubmission({
          docNumber: `川府发〔${2000 + (i % 25)}〕${i + 1}号`,
          issuers: [`四川省人民政府${i % 40}`],
        }),
        submittedBy: "bench",
      });
      ids.push(document.id);
      if (i % 500 === 499) {
        await platform.flush();
        process.stderr.write(`console bench: ${i + 1} documents\n`);
      }
    }
    const perEdition = Math.floor((documents - accepted) / editionCount);
    const editionIds: string[] = [];
    for (let e = 0; e < editionCount; e++) {
      // 20 editions a year, twice a month, in order (numbering is by date).
      const year = 2000 + Math.floor(e / 20);
      const month = String(1 + Math.floor((e % 20) / 2)).padStart(2, "0");
      const date = `${year}-${month}-${e % 2 ? "16" : "01"}`;
      const edition = await container.editions.create({ year, date }, "bench");
      await container.editions.setDocuments(
        edition.id,
        { documents: ids.slice(e * perEdition, (e + 1) * perEdition) },
        "bench",
      );
      editionIds.push(edition.id);
      if (e % 100 === 99) process.stderr.write(`console bench: ${e + 1} editions\n`);
    }
    await platform.flush();
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const accounts = container.console!.accounts;
    const account = await accounts.create(
      { username: "bench", displayName: "管理员", role: "administrator", password: "bench password 123" },
      "bench",
    );
    const { token } = await accounts.startSession(account);
    const cookie = `${SESSION_COOKIE}=${token}`;

    const time = async (path: string, headers: Record<string, string>) => {
      const samples: number[] = [];
      for (let i = 0; i < requests + 5; i++) {
        const t = performance.now();
        const res = await app.fetch(new Request(`http://127.0.0.1${path}`, { headers }));
        await res.arrayBuffer();
        if (res.status !== 200) throw new Error(`${path} answered ${res.status}`);
        if (i >= 5) samples.push(performance.now() - t); // five warm-up requests
      }
      samples.sort((a, b) => a - b);
      return { p50: percentile(samples, 50), p95: percentile(samples, 95) };
    };
    const someDocument = ids[Math.floor(documents / 2)]!;
    const someEdition = editionIds[Math.floor(editionCount / 2)]!;
    const cases: { page: string; path: string; peer?: string }[] = [
      { page: "首页", path: "/console/" },
      { page: "来文 (intake queue)", path: "/console/documents", peer: "/api/documents?limit=50" },
      {
        page: "来文, filtered (state + search)",
        path: "/console/documents?state=placed&q=%E5%86%AC%E6%98%A5",
        peer: "/api/documents?limit=50&state=placed&q=%E5%86%AC%E6%98%A5",
      },
      {
        page: "document",
        path: `/console/documents/${someDocument}`,
        peer: `/api/documents/${someDocument}`,
      },
      { page: "期刊 (editions)", path: "/console/editions", peer: "/api/editions?limit=50" },
      { page: "edition", path: `/console/editions/${someEdition}`, peer: `/api/editions/${someEdition}` },
      { page: "报送文件 (form)", path: "/console/documents/new" },
      { page: "审计 (audit)", path: "/console/audit" },
    ];
    const pages: ConsolePageTiming[] = [];
    for (const c of cases) {
      process.stderr.write(`console bench: ${c.path}\n`);
      const own = await time(c.path, { cookie });
      const peer = c.peer
        ? { path: c.peer, ...(await time(c.peer, { authorization: `Bearer ${EDITOR_TOKEN}` })) }
        : undefined;
      pages.push({ page: c.page, path: c.path, ...own, peer });
    }
    container.search.close?.();
    platform.close();
    return { documents, accepted, editions: editionCount, requests, seedSeconds, pages };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

export function consoleReport(r: ConsoleBenchResult): string[] {
  const worst = Math.max(...r.pages.map((p) => p.p95));
  return [
    `store: ${r.documents} documents and ${r.editions} editions (${Math.floor((r.documents - r.accepted) / r.editions)} documents each, ${r.accepted} accepted documents waiting to be placed) in the embedded store, filled through intake and EditionService in ${r.seedSeconds.toFixed(0)} s`,
    `each page: ${r.requests} requests through the app (after 5 warm-up), one at a time, with an administrator's session cookie (administrators see every page); times in ms`,
    "peer: the JSON API answering the same read with the editor token (same list, document or edition)",
    "",
    "| page | path | p50 | p95 | peer p50 | peer p95 | ratio p95 console/API |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ...r.pages.map(
      (p) =>
        `| ${p.page} | \`${p.path.length > 48 ? `${p.path.slice(0, 45)}…` : p.path}\` | ${p.p50.toFixed(1)} | ${p.p95.toFixed(1)} | ${p.peer ? p.peer.p50.toFixed(1) : "—"} | ${p.peer ? p.peer.p95.toFixed(1) : "—"} | ${p.peer ? (p.p95 / p.peer.p95).toFixed(2) : "—"} |`,
    ),
    "",
    `slowest page p95: ${worst.toFixed(1)} ms (goal < 100 ms: ${worst < 100 ? "met" : "not met"})`,
    "",
  ];
}
