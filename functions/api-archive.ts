// Lambda entry: the archive's editor API, /api/archive/… (API Gateway HTTP API).
import { createArchiveApiHandler } from "../src/runtime/lambda/api-archive.js";
export const handler = createArchiveApiHandler();
