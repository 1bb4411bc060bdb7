// Lambda entry: POST /api/documents (API Gateway HTTP API) → document intake, JSON or .docx.
import { createDocumentsHandler } from "../src/runtime/lambda/api-documents.js";
export const handler = createDocumentsHandler();
