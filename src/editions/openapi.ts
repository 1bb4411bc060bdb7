/** The editions API's HTTP surface, every route for editors (see src/http/route-declaration.ts). */
import {
  problemResponse as error,
  jsonRequestBody,
  PAGE_PARAMS,
  pathParam,
  type RouteDeclaration,
} from "../http/route-declaration.js";

const ID = pathParam("id");

export const editionsRoutes: readonly RouteDeclaration[] = [
  {
    method: "POST",
    path: "/api/editions",
    access: "editor",
    operation: {
      summary: "Create a draft edition with the next 第N期 and 总第N期 (editor)",
      requestBody: jsonRequestBody({
        type: "object",
        required: ["year"],
        properties: {
          year: { type: "integer" },
          date: {
            type: "string",
            format: "date",
            description: "Planned publication date; default today for this year's editions",
          },
        },
      }),
      responses: {
        "201": { description: "The draft edition" },
        "400": error("Invalid fields"),
        "422": error("Year closed (a later year's edition exists)"),
      },
    },
  },
  {
    method: "GET",
    path: "/api/editions",
    access: "editor",
    operation: {
      summary: "List editions, newest first (editor)",
      parameters: [...PAGE_PARAMS],
      responses: { "200": { description: "{items, cursor?}" }, "400": error("Invalid limit") },
    },
  },
  {
    method: "GET",
    path: "/api/editions/{id}",
    access: "editor",
    operation: {
      summary:
        "One edition: status, numbers, documents, and once published urls {pdf, web, manifest} (editor)",
      parameters: [ID],
      responses: { "200": { description: "The edition" }, "404": error("No such edition") },
    },
  },
  {
    method: "DELETE",
    path: "/api/editions/{id}",
    access: "editor",
    operation: {
      summary:
        "Delete an unpublished edition that is the last one, so its number goes to the next edition created (editor)",
      parameters: [ID],
      responses: {
        "204": { description: "Deleted; its documents are accepted again" },
        "404": error("No such edition"),
        "409": error(
          "Published, being published, or not the last edition (not_last_edition: delete the later drafts first)",
        ),
      },
    },
  },
  {
    method: "PUT",
    path: "/api/editions/{id}/documents",
    access: "editor",
    operation: {
      summary:
        "Set a draft's documents (accepted, 主动公开, one edition each; a policy brings its 解读) (editor)",
      parameters: [ID],
      requestBody: jsonRequestBody({
        type: "object",
        required: ["documents"],
        properties: { documents: { type: "array", items: { type: "string" } } },
      }),
      responses: {
        "200": { description: "The edition" },
        "400": error("Invalid list"),
        "404": error("No such edition"),
        "409": error("Published, being published, changed meanwhile, or a document is in another edition"),
        "422": error("A document is not accepted or not 主动公开"),
      },
    },
  },
  {
    method: "POST",
    path: "/api/editions/{id}/preview",
    access: "editor",
    lambda: "preview",
    operation: {
      summary:
        "Render without publishing: pages, where each document lands and the preflight's findings with their pages; ?format=pdf for the PDF (editor)",
      parameters: [ID, { name: "format", in: "query", schema: { enum: ["json", "pdf"] } }],
      responses: { "200": { description: "Preview" }, "404": error("No such edition") },
    },
  },
  {
    method: "POST",
    path: "/api/editions/{id}/publish",
    access: "editor",
    operation: {
      summary:
        "Publish the PDF and the web edition together; repeatable, returns the same manifest. Refused (422 preflight_*) when the preflight finds errors, unless the body overrides them with a reason, which the edition keeps (editor)",
      parameters: [ID],
      requestBody: jsonRequestBody(
        {
          type: "object",
          properties: {
            override: {
              type: "object",
              required: ["reason"],
              properties: { reason: { type: "string", minLength: 1, maxLength: 2000 } },
            },
          },
        },
        { optional: true },
      ),
      responses: {
        "200": { description: "{edition, manifest}" },
        "202": {
          description:
            "Publication queued (AWS): {edition (publishing), manifest: null}; poll the edition at Location until it is published",
          headers: {
            Location: { description: "The edition, /api/editions/{id}", schema: { type: "string" } },
          },
        },
        "404": error("No such edition"),
        "409": error(
          "Conflicting published file, or the edition before it is not published (previous_edition_unpublished: editions are published in order)",
        ),
        "400": error("Invalid body: override.reason missing, empty or too long"),
        "422": error(
          "Refused: an edition without documents (edition_empty), or preflight errors (preflight_outside_type_area, preflight_orphaned_heading, preflight_missing_attachment_note, preflight_missing_glyph, preflight_text_not_extractable, preflight_font_not_embedded, preflight_table_cell_missing)",
        ),
      },
    },
  },
];
