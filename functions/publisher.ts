// Lambda entry: SQS publication requests → render and publish the edition → partial-batch failures.
import { createPublisherHandler } from "../src/runtime/lambda/publisher.js";
export const handler = createPublisherHandler();
