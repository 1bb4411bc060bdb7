// Lambda entry: API Gateway HTTP API event → Request → app.fetch → Response.
import { createApiHandler } from "../src/runtime/lambda/api.js";
export const handler = createApiHandler();
