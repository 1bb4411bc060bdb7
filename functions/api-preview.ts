// Lambda entry: POST /api/editions/{id}/preview (API Gateway HTTP API) → the edition rendered, unpublished.
import { createPreviewHandler } from "../src/runtime/lambda/api-preview.js";
export const handler = createPreviewHandler();
