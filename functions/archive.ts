// Lambda entry: "archive" queue messages (one scanned page or ingested text each) → OCR, items, search.
import { createArchiveHandler } from "../src/runtime/lambda/archive.js";
export const handler = createArchiveHandler();
