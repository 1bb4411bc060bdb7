// Lambda entry: the reposts API, the console's sites and compliance pages, the site portal (API Gateway HTTP API).
import { createRepostsApiHandler } from "../src/runtime/lambda/api-reposts.js";
export const handler = createRepostsApiHandler();
