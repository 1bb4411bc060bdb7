// Lambda entry: SQS batch of domain events → subscribers → partial-batch failures.
import { createEventsHandler } from "../src/runtime/lambda/events.js";
export const handler = createEventsHandler();
