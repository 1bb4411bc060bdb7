// Lambda entry: SQS fan-out messages (one page of sites each) → repost notices → delivery messages.
import { createAwsContainer } from "../src/runtime/aws.js";

export const handler = createAwsContainer().reposts.fanoutHandler;
