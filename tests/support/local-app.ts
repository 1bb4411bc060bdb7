import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Config, loadConfig } from "../../src/config.js";
import { createApiApp } from "../../src/handlers/api.js";
import {
  BLOB_DIR,
  createEmbeddedPlatform,
  DATABASE_FILE,
  FileBlobStore,
} from "../../src/platform/embedded/index.js";
import { openDatabase } from "../../src/platform/embedded/sqlite.js";
import type { Clock } from "../../src/platform/ports.js";
import { type Container, createContainer } from "../../src/runtime/container.js";

export const EDITOR_TOKEN = "test-editor-token";

export interface TestApp {
  readonly container: Container;
  readonly dataDir: string;
  /** Calls the app as the local server and Lambda do: Request in, Response out. */
  request(path: string, init?: RequestInit & { editor?: boolean }): Promise<Response>;
  postJson(body: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): void;
}

/** The real app on the embedded adapters in a temporary data directory. */
export function createTestApp(
  options: {
    env?: Record<string, string>;
    clock?: Clock;
    config?: (c: Config) => Config;
    /** An existing data directory (a restart); kept on close. Default: a new one, removed on close. */
    dataDir?: string;
  } = {},
): TestApp {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), "gazette-test-"));
  let config = loadConfig({ GAZETTE_DATA_DIR: dataDir, ...options.env });
  if (options.config) config = options.config(config);
  const platform = createEmbeddedPlatform({ dataDir, clock: options.clock });
  const container = createContainer(config, platform, { editorToken: EDITOR_TOKEN });
  const app = createApiApp(container);
  const request = async (path: string, init: RequestInit & { editor?: boolean } = {}) => {
    const { editor = true, headers, ...rest } = init;
    const h = new Headers(headers);
    if (editor) h.set("authorization", `Bearer ${EDITOR_TOKEN}`);
    return app.fetch(new Request(`http://localhost${path}`, { ...rest, headers: h }));
  };
  return {
    container,
    dataDir,
    request,
    postJson: (body, headers = {}) =>
      request("/api/documents", {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(body),
      }),
    close() {
      container.search.close?.();
      platform.close();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The data directory's blob store without the write-once rule (blob-policy.ts): a store like the
 * AWS site bucket (which has no such rule), or what bit rot or an operator with disk access could
 * do, for tests of what the app makes of it. Close it after use.
 */
export function outOfBandBlobs(dataDir: string): { blobs: FileBlobStore; close(): void } {
  const db = openDatabase(join(dataDir, DATABASE_FILE));
  return { blobs: new FileBlobStore(db, join(dataDir, BLOB_DIR)), close: () => db.close() };
}
