// Lambda entry: SQS delivery, verification and reminder messages → webhooks / site queues → partial-batch failures.
import { createRepostDeliveryHandler } from "../src/runtime/lambda/reposts.js";
export const handler = createRepostDeliveryHandler();
