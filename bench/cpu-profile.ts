/**
 * CPU profiles of bench steps, when BENCH_CPU_PROFILE names a directory: `<dir>/<name>.cpuprofile`
 * (open in Chrome DevTools, or summarise by package with `node bench/profile-summary.mjs FILE`).
 * The profiler slows what it watches: a profiled run's times are not the bench's figures.
 */
import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { join } from "node:path";

let session: Session | undefined;

export async function startProfile(): Promise<void> {
  if (!process.env.BENCH_CPU_PROFILE) return;
  session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
}

export async function stopProfile(name: string): Promise<void> {
  const dir = process.env.BENCH_CPU_PROFILE;
  if (!dir || !session) return;
  const { profile } = await session.post("Profiler.stop");
  writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
  session.disconnect();
  session = undefined;
}
