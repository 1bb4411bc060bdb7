// Lambda entry: the stack's trigger after a deploy, and a schedule → pending migrations
// (src/migrations), each from where the last invocation left it.
import { createMigrateHandler } from "../src/runtime/lambda/migrate.js";
export const handler = createMigrateHandler();
