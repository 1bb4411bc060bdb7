// Lambda entry: SQS delivery, verification and reminder messages → webhooks / site queues → partial-batch failures.
import { createAwsContainer } from "../src/runtime/aws.js";

export const handler = createAwsContainer().reposts.deliveryHandler;
