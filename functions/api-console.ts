// Lambda entry: the editor console and a body's register import (API Gateway HTTP API).
import { createConsoleHandler } from "../src/runtime/lambda/api-console.js";
export const handler = createConsoleHandler();
