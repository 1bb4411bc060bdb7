// Lambda entry: EventBridge schedule → reminders, overdue escalation, re-checks of reposted pages.
import { createRepostTickHandler } from "../src/runtime/lambda/reposts.js";
export const handler = createRepostTickHandler();
