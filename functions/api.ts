// Lambda entry: API Gateway HTTP API event → Request → app.fetch → Response.
import { handle } from "hono/aws-lambda";
import { createApiApp } from "../src/handlers/api.js";
import { createAwsContainer } from "../src/runtime/aws.js";

export const handler = handle(createApiApp(createAwsContainer()));
