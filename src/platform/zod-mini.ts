/**
 * zod's functional "mini" build with English messages, for the modules that the small Lambda
 * functions bundle (the site registry, the working-day calendar): its checks are tree-shaken one
 * by one, so these cost ~20 KB of JavaScript where the chained classic API costs ~95 KB. The
 * issues and messages are the classic API's (both are zod's core). Import it as a namespace:
 * `import * as z from "../platform/zod-mini.js"`.
 */
import { config } from "zod/mini";
import en from "zod/v4/locales/en.js";

config(en());

// Re-exported binding by binding (not as one namespace object), so unused parts stay out.
export * from "zod/mini";
