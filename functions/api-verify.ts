// Lambda entry: the transparency log, the signing certificates, POST /api/verify and /verify (API Gateway HTTP API).
import { createVerifyHandler } from "../src/runtime/lambda/api-verify.js";
export const handler = createVerifyHandler();
