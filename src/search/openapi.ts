/** The search HTTP surface, one declaration per route (see src/http/route-declaration.ts). */
import type { RouteDeclaration } from "../http/route-declaration.js";
import { MAX_LIMIT, MAX_QUERY_CHARS, STATUSES } from "./query.js";

const problemList = {
  description: "Invalid parameter: {error: {code, field, message}} or a list of those",
  content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
};

const facetCounts = { type: "object", additionalProperties: { type: "integer" } };

export const searchRoutes: readonly RouteDeclaration[] = [
  {
    method: "POST",
    path: "/api/search/reindex",
    access: "editor",
    operation: {
      summary:
        "Index every published edition's 主动公开 documents again, e.g. after switching GAZETTE_SEARCH (editor); the events consumer does the work",
      responses: { "202": { description: "{editions}: how many editions were queued" } },
    },
  },
  {
    method: "GET",
    path: "/api/search",
    access: "public",
    operation: {
      summary:
        "Search published gazette documents and the archive (public): words in Simplified or Traditional, 1+ characters, or a 发文字号",
      parameters: [
        { name: "q", in: "query", schema: { type: "string", maxLength: MAX_QUERY_CHARS } },
        { name: "issuer", in: "query", schema: { type: "string" } },
        { name: "kind", in: "query", schema: { type: "string" } },
        { name: "year", in: "query", schema: { type: "integer" } },
        { name: "from", in: "query", schema: { type: "string", format: "date" } },
        { name: "to", in: "query", schema: { type: "string", format: "date" } },
        { name: "status", in: "query", schema: { enum: STATUSES } },
        { name: "source", in: "query", schema: { enum: ["gazette", "archive"] } },
        {
          name: "limit",
          in: "query",
          schema: { type: "integer", minimum: 1, maximum: MAX_LIMIT, default: 20 },
        },
        {
          name: "cursor",
          in: "query",
          description: "The `cursor` of the previous page; pages continue until it is null, with no cap",
          schema: { type: "string" },
        },
      ],
      responses: {
        "200": {
          description: "Hits ranked by relevance (newest first without q), facet counts over all matches",
          content: {
            "application/json": {
              schema: {
                type: "object",
                required: ["total", "hits", "facets", "cursor"],
                properties: {
                  total: { type: "integer" },
                  hits: {
                    type: "array",
                    items: {
                      type: "object",
                      properties: {
                        id: { type: "string" },
                        ref: { type: ["string", "null"] },
                        title: { type: "string" },
                        docNumber: { type: ["string", "null"] },
                        issuers: { type: "array", items: { type: "string" } },
                        date: { type: ["string", "null"], format: "date" },
                        dateKind: {
                          enum: ["written", "published", "amended", "adopted", "effective", null],
                          description: "Which date `date` is: 成文, 发布, 修正, 通过 or 施行",
                        },
                        snippet: { type: "string", description: "HTML-escaped, matches in <mark>" },
                        url: { type: "string" },
                        source: { enum: ["gazette", "archive"] },
                        score: { type: "number" },
                      },
                    },
                  },
                  facets: {
                    type: "object",
                    properties: {
                      issuer: facetCounts,
                      kind: facetCounts,
                      year: facetCounts,
                      source: facetCounts,
                      status: facetCounts,
                    },
                  },
                  cursor: { type: ["string", "null"] },
                },
              },
            },
          },
        },
        "400": problemList,
        "503": problemList,
      },
    },
  },
  /** The HTML search page. */
  { method: "GET", path: "/search", access: "public" },
];
