// Lambda entry: EventBridge schedule → reminders, overdue escalation, re-checks of reposted pages,
// publications whose completion a crash or a lost message left pending (editions/completion.ts)
// and events left in the outbox (platform/outbox.ts).
import { createRepostTickHandler } from "../src/runtime/lambda/reposts.js";
export const handler = createRepostTickHandler();
