/**
 * Search in the Lambda functions that use it (API, events, archive): OpenSearch or nothing. Apart
 * from common.ts so that the OpenSearch client's chunk is bundled only into those functions.
 */
import type { Config } from "../../config.js";
import { SearchUnavailableError } from "../../search/errors.js";
import type { SearchIndex } from "../../search/ports.js";

/**
 * The OpenSearch index when the stack has a domain, else undefined: a Lambda's embedded index
 * would be private to one container. The OpenSearch client loads on the first search or indexing.
 */
export function lambdaSearch(config: Config): SearchIndex | undefined {
  const url = config.search.engine === "opensearch" ? config.search.opensearchUrl : undefined;
  if (!url) return undefined;
  let index: Promise<SearchIndex> | undefined;
  const open = () => {
    index ??= import("../../search/opensearch/opensearch-search.js").then(
      ({ OpenSearchIndex }) => new OpenSearchIndex({ url, region: config.aws.region }),
    );
    // A failed load is not cached: the next call tries again.
    index.catch(() => {
      index = undefined;
    });
    return index;
  };
  return {
    index: async (docs) => (await open()).index(docs),
    remove: async (ids) => (await open()).remove(ids),
    search: async (query) => (await open()).search(query),
  };
}

/**
 * The API's search: the OpenSearch index when the stack has a domain; otherwise an index that answers every
 * call with SearchUnavailableError (503), as the embedded index cannot serve from Lambda.
 */
export function orUnavailable(index: SearchIndex | undefined): SearchIndex {
  if (index) return index;
  const unavailable = async (): Promise<never> => {
    throw new SearchUnavailableError(
      "Search needs an OpenSearch domain in AWS (deploy with -c search=opensearch)",
    );
  };
  return { index: unavailable, remove: unavailable, search: unavailable };
}
