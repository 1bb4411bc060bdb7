/** Route declarations of the submitters module (issue 16): see src/http/route-declaration.ts. */
import {
  problemResponse as error,
  jsonRequestBody,
  PAGE_PARAMS,
  pathParam,
  type RouteDeclaration,
} from "../http/route-declaration.js";
import { SUBMISSION_STATES } from "./model.js";

const json = (description: string) => ({
  description,
  content: { "application/json": { schema: { type: "object" } } },
});

const bodyId = pathParam("bodyId", "The issuing body's id (a body's token acts for its own body only)");
const submissionId = pathParam("id", "The submission's id");

const bodyInput = {
  type: "object",
  required: ["id", "name", "regionCode"],
  properties: {
    id: { type: "string", pattern: "^[a-z0-9][a-z0-9-]{1,39}$" },
    name: { type: "string", maxLength: 60, description: "As documents name it among their issuers" },
    regionCode: { type: "string", pattern: "^[0-9]{6}$", description: "GB/T 2260 division code" },
    webhookUrl: { type: "string", format: "uri", description: "Where each change of a submission is POSTed" },
    email: {
      type: "string",
      format: "email",
      maxLength: 254,
      description: "The body's submitter (报送联系人): each change of a submission is e-mailed there",
    },
  },
};

const contactInput = {
  type: "object",
  additionalProperties: false,
  properties: {
    webhookUrl: { type: ["string", "null"], format: "uri", description: "null or empty: no webhook" },
    email: {
      type: ["string", "null"],
      format: "email",
      maxLength: 254,
      description: "null or empty: no e-mail",
    },
  },
};

const registerEntry = {
  type: "object",
  required: ["docNumber", "title", "dateIssued"],
  properties: {
    docNumber: { type: "string", maxLength: 120, description: "发文字号" },
    title: { type: "string", maxLength: 300 },
    dateIssued: { type: "string", description: "YYYY-MM-DD (also 2024年3月5日)" },
    kind: { enum: ["normative", "rule", "规范性文件", "规章"], default: "normative" },
  },
};

export const submittersRoutes: readonly RouteDeclaration[] = [
  {
    method: "POST",
    path: "/api/bodies",
    access: "editor",
    operation: {
      summary: "Register an issuing body; answers its API token once (editor)",
      requestBody: jsonRequestBody(bodyInput),
      responses: {
        "201": json("The body and its token (not kept: store it now)"),
        "400": error("Invalid id, name, region code, webhook URL or e-mail address"),
        "409": error("A body with this id exists"),
        "413": error("Body too large"),
        "415": error("Not JSON"),
      },
    },
  },
  {
    method: "GET",
    path: "/api/bodies",
    access: "editor",
    operation: { summary: "Issuing bodies (editor)", responses: { "200": json("{items}") } },
  },
  {
    method: "PATCH",
    path: "/api/bodies/{bodyId}",
    access: "editor",
    operation: {
      summary: "Change where a body is notified: its webhook URL and e-mail address (editor)",
      parameters: [bodyId],
      requestBody: jsonRequestBody(contactInput),
      responses: {
        "200": json("The body"),
        "400": error("An invalid webhook URL or e-mail address, or another field"),
        "404": error("No such body"),
        "409": error("Changed meanwhile"),
        "413": error("Body too large"),
        "415": error("Not JSON"),
      },
    },
  },
  {
    method: "POST",
    path: "/api/bodies/{bodyId}/token",
    access: "editor",
    operation: {
      summary: "A new API token for a body; the old one stops working (editor)",
      parameters: [bodyId],
      responses: { "200": json("{token}"), "404": error("No such body"), "409": error("Changed meanwhile") },
    },
  },
  {
    method: "POST",
    path: "/api/bodies/{bodyId}/submissions",
    access: "submitter",
    operation: {
      summary: "Send a document to the gazette office (the body's system)",
      parameters: [bodyId],
      requestBody: {
        required: true,
        content: { "application/json": { schema: { $ref: "#/components/schemas/DocumentSubmission" } } },
      },
      responses: {
        "201": json("The submission, received"),
        "400": error("Invalid fields"),
        "403": error("Another body's path, or the body is not among the document's issuers"),
        "404": error("No such body"),
        "413": error("Too large"),
        "415": error("Not JSON"),
        "422": error("Refused under the publication rules (退文)"),
      },
    },
  },
  {
    method: "GET",
    path: "/api/bodies/{bodyId}/submissions",
    access: "submitter",
    operation: {
      summary: "The body's submissions, newest first",
      parameters: [bodyId, ...PAGE_PARAMS],
      responses: {
        "200": json("{items, cursor}"),
        "400": error("Invalid limit or cursor"),
        "403": error("Another body's"),
      },
    },
  },
  {
    method: "GET",
    path: "/api/bodies/{bodyId}/submissions/{id}",
    access: "submitter",
    operation: {
      summary: "One submission: state, 退文 reason, edition, citation and URLs, history",
      parameters: [bodyId, submissionId],
      responses: {
        "200": json("The submission"),
        "403": error("Another body's"),
        "404": error("No such submission"),
      },
    },
  },
  {
    method: "PUT",
    path: "/api/bodies/{bodyId}/submissions/{id}",
    access: "submitter",
    operation: {
      summary: "Send a returned submission again, corrected",
      parameters: [bodyId, submissionId],
      requestBody: {
        required: true,
        content: { "application/json": { schema: { $ref: "#/components/schemas/DocumentSubmission" } } },
      },
      responses: {
        "200": json("The submission, received again"),
        "400": error("Invalid fields"),
        "403": error("Another body's"),
        "404": error("No such submission"),
        "409": error("Changed meanwhile"),
        "413": error("Too large"),
        "415": error("Not JSON"),
        "422": error("Not returned, or refused under the publication rules"),
      },
    },
  },
  {
    method: "GET",
    path: "/api/bodies/{bodyId}/inbox",
    access: "submitter",
    operation: {
      summary: "Every change of the body's submissions, newest first",
      parameters: [bodyId, ...PAGE_PARAMS],
      responses: {
        "200": json("{items, cursor}"),
        "400": error("Invalid limit or cursor"),
        "403": error("Another body's"),
      },
    },
  },
  {
    method: "POST",
    path: "/api/bodies/{bodyId}/register",
    access: "submitter",
    // With the register's CSV reader (csv-parse): in AWS the console function's, which reads CSV
    // for the console's register import too.
    lambda: "console",
    operation: {
      summary: "Add entries to the body's register of normative documents (JSON or CSV), all or none",
      parameters: [bodyId],
      requestBody: {
        required: true,
        content: {
          "application/json": { schema: { type: "array", items: registerEntry } },
          "text/csv": {
            schema: {
              type: "string",
              description: "Header 发文字号,标题,成文日期[,类别] (or docNumber,title,dateIssued,kind)",
            },
          },
        },
      },
      responses: {
        "201": json("{added}"),
        "400": error("A bad row (entries.N.field and why) or header: nothing stored"),
        "403": error("Another body's"),
        "404": error("No such body"),
        "413": error("Too large"),
        "415": error("Neither JSON nor CSV"),
      },
    },
  },
  {
    method: "GET",
    path: "/api/bodies/{bodyId}/register",
    access: "submitter",
    operation: {
      summary: "The body's register, each entry with its status (published, submitted, missing)",
      parameters: [bodyId],
      responses: {
        "200": json("The body's completeness"),
        "403": error("Another body's"),
        "404": error("No such body"),
      },
    },
  },
  {
    method: "GET",
    path: "/api/submissions",
    access: "editor",
    operation: {
      summary: "Every body's submissions, with who sent them (editor)",
      parameters: [{ name: "state", in: "query", schema: { enum: [...SUBMISSION_STATES] } }],
      responses: { "200": json("{items}"), "400": error("Invalid state") },
    },
  },
  {
    method: "GET",
    path: "/api/submissions/{id}",
    access: "editor",
    operation: {
      summary: "One submission (editor)",
      parameters: [submissionId],
      responses: { "200": json("The submission"), "404": error("No such submission") },
    },
  },
  {
    method: "POST",
    path: "/api/submissions/{id}/accept",
    access: "editor",
    // Intake reads a submission sent as a .docx: in AWS the documents function, which has the reader.
    lambda: "documents",
    operation: {
      summary: "受理: the submission becomes a document of intake (editor)",
      parameters: [submissionId],
      responses: {
        "200": json("The submission, accepted, with its documentId"),
        "400": error("Intake refused a field"),
        "404": error("No such submission"),
        "409": error("Changed meanwhile, or a duplicate 发文字号"),
        "422": error("Not received (already accepted or returned), or refused under the publication rules"),
      },
    },
  },
  {
    method: "POST",
    path: "/api/submissions/{id}/return",
    access: "editor",
    operation: {
      summary: "退文: return the submission to its body with the reason (editor)",
      parameters: [submissionId],
      requestBody: jsonRequestBody({
        type: "object",
        required: ["reason"],
        properties: { reason: { type: "string", maxLength: 1000 } },
      }),
      responses: {
        "200": json("The submission, returned"),
        "400": error("No reason"),
        "404": error("No such submission"),
        "409": error("Changed meanwhile"),
        "413": error("Too large"),
        "415": error("Not JSON"),
        "422": error("Not received"),
      },
    },
  },
  {
    method: "GET",
    path: "/api/completeness",
    access: "editor",
    operation: {
      summary: "应登尽登: per body issued, submitted, published, missing, overdue (editor)",
      parameters: [
        { name: "format", in: "query", schema: { enum: ["json", "csv", "html"], default: "json" } },
        { name: "body", in: "query", schema: { type: "string" } },
        { name: "overdueDays", in: "query", schema: { type: "integer", minimum: 1, maximum: 9999 } },
      ],
      responses: {
        "200": json("The report"),
        "400": error("Invalid format or overdueDays"),
        "404": error("No such body"),
      },
    },
  },
];
