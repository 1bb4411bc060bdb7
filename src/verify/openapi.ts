/** The verification surface, one declaration per route (see src/http/route-declaration.ts). */
import { problemResponse as error, pathParam, type RouteDeclaration } from "../http/route-declaration.js";

const proof = {
  description: "The proof: hashes in base64, in the order RFC 9162 §2.1 verifies them",
  content: { "application/json": { schema: { type: "object" } } },
};
const checkpoint = {
  description: "A checkpoint (C2SP tlog-checkpoint) as a signed note (C2SP signed-note, ECDSA P-256)",
  content: { "text/plain": { schema: { type: "string" } } },
};

export const verificationRoutes: readonly RouteDeclaration[] = [
  {
    method: "GET",
    path: "/api/log/checkpoint",
    access: "public",
    lambda: "verify",
    operation: {
      summary: "The log's latest signed checkpoint",
      responses: { "200": checkpoint, "404": error("None yet") },
    },
  },
  {
    method: "GET",
    path: "/api/log/checkpoints/{size}",
    access: "public",
    lambda: "verify",
    operation: {
      summary: "The checkpoint signed when the log had {size} entries",
      parameters: [pathParam("size")],
      responses: { "200": checkpoint, "400": error("Not a number"), "404": error("None at this size") },
    },
  },
  {
    method: "GET",
    path: "/api/log/entries/{index}",
    access: "public",
    lambda: "verify",
    operation: {
      summary: "One log entry: a published manifest or a status change, with its leaf hash",
      parameters: [pathParam("index")],
      responses: {
        "200": { description: "{index, leafHash, entry}" },
        "400": error("Not a number"),
        "404": error("No such entry"),
      },
    },
  },
  {
    method: "GET",
    path: "/api/log/proof/inclusion",
    access: "public",
    lambda: "verify",
    operation: {
      summary: "Inclusion proof of entry {index} in the tree of {size} entries",
      parameters: [
        { name: "index", in: "query", required: true, schema: { type: "integer", minimum: 0 } },
        { name: "size", in: "query", required: true, schema: { type: "integer", minimum: 1 } },
      ],
      responses: { "200": proof, "400": error("Out of range") },
    },
  },
  {
    method: "GET",
    path: "/api/log/proof/consistency",
    access: "public",
    lambda: "verify",
    operation: {
      summary: "Consistency proof between the trees of {from} and {to} entries",
      parameters: [
        { name: "from", in: "query", required: true, schema: { type: "integer", minimum: 1 } },
        { name: "to", in: "query", required: true, schema: { type: "integer", minimum: 1 } },
      ],
      responses: { "200": proof, "400": error("Out of range") },
    },
  },
  {
    method: "GET",
    path: "/api/signing/certificates",
    access: "public",
    lambda: "verify",
    operation: {
      summary: "Every certificate this gazette has signed with (PEM, SHA-256 fingerprint), oldest first",
      responses: { "200": { description: "{certificates, logOrigin}" } },
    },
  },
  {
    method: "POST",
    path: "/api/verify",
    access: "public",
    lambda: "verify",
    readOnly: true,
    operation: {
      summary:
        "Verify a file (application/pdf or application/octet-stream body) or a hash ({sha256} as JSON): which edition and document it is, its signature, its log inclusion proof. The /verify page's form (multipart/form-data, file or sha256) gets the answer as that page (HTML) when it accepts text/html",
      requestBody: {
        required: true,
        content: {
          "application/pdf": { schema: { type: "string", format: "binary" } },
          "application/octet-stream": { schema: { type: "string", format: "binary" } },
          "multipart/form-data": {
            schema: {
              type: "object",
              properties: { file: { type: "string", format: "binary" }, sha256: { type: "string" } },
            },
          },
          "application/json": {
            schema: {
              type: "object",
              required: ["sha256"],
              properties: { sha256: { type: "string", pattern: "^[0-9a-fA-F]{64}$" } },
            },
          },
        },
      },
      responses: {
        "200": {
          description:
            "{sha256, verdict: authentic|tampered|foreign|unknown, reasons, published, signature, log}",
        },
        "400": error("Empty file or malformed hash"),
        "413": error("Too large"),
        "415": error("Unsupported content type"),
      },
    },
  },
  { method: "GET", path: "/signing/certificate.pem", access: "public", lambda: "verify" },
  { method: "GET", path: "/verify", access: "public", lambda: "verify" },
];
