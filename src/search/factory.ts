import { join } from "node:path";
import type { Config } from "../config.js";
import { SqliteSearchIndex } from "./embedded/sqlite-search.js";
import type { SearchIndex } from "./ports.js";

/** The search adapter the configuration asks for. */
export function createSearchIndex(config: Config): SearchIndex {
  if (config.search.engine === "opensearch") {
    throw new Error("GAZETTE_SEARCH=opensearch is not wired yet");
  }
  return new SqliteSearchIndex(join(config.dataDir, "search.sqlite"), {
    synchronous: config.sqliteSynchronous === "full" ? "full" : "normal",
  });
}
