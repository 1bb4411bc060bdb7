import { join } from "node:path";
import type { Config } from "../config.js";
import { SqliteSearchIndex } from "./embedded/sqlite-search.js";
import { OpenSearchIndex } from "./opensearch/opensearch-search.js";
import type { SearchIndex } from "./ports.js";

/** The search adapter the configuration asks for; neither connects before its first use. */
export function createSearchIndex(config: Config): SearchIndex {
  if (config.search.engine === "opensearch" && config.search.opensearchUrl) {
    // In AWS the domain only accepts SigV4-signed requests; a local cluster takes plain ones.
    const region = config.mode === "aws" ? config.aws.region : undefined;
    return new OpenSearchIndex({ url: config.search.opensearchUrl, region });
  }
  return new SqliteSearchIndex(join(config.dataDir, "search.sqlite"), {
    synchronous: config.sqliteSynchronous === "full" ? "full" : "normal",
  });
}
