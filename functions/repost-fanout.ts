// Lambda entry: SQS fan-out messages (one page of sites each) → repost notices → delivery messages.
import { createRepostFanoutHandler } from "../src/runtime/lambda/reposts.js";
export const handler = createRepostFanoutHandler();
