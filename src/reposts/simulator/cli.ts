/**
 * `npm run simulate-sites -- --api http://127.0.0.1:3000 --sites 12`: registers simulated
 * subordinate sites with a running pipeline and prints what each one does with its notices.
 * The editor token is found as the gazette CLI finds it: GAZETTE_EDITOR_TOKEN, else the
 * editor-token file `npm start` writes in the data directory (GAZETTE_DATA_DIR, default .gazette).
 */
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Command, CommanderError, InvalidArgumentError } from "commander";
import { BEHAVIOUR_DESCRIPTIONS, SITE_BEHAVIOURS, type SiteBehaviour } from "./catalogue.js";
import { type SimulatorEvent, type SiteSimulator, startSiteSimulator } from "./simulator.js";

export interface Io {
  out(line: string): void;
  err(line: string): void;
}

function resolveToken(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GAZETTE_EDITOR_TOKEN) return env.GAZETTE_EDITOR_TOKEN;
  const file = join(resolve(env.GAZETTE_DATA_DIR ?? ".gazette"), "editor-token");
  return existsSync(file) ? readFileSync(file, "utf8").trim() || undefined : undefined;
}

function integer(min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected an integer from ${min} to ${max}`);
    }
    return n;
  };
}

function behaviourList(value: string): SiteBehaviour[] {
  const list = value.split(",").map((s) => s.trim());
  for (const b of list) {
    if (!(SITE_BEHAVIOURS as readonly string[]).includes(b)) {
      throw new InvalidArgumentError(
        `unknown behaviour "${b}"; expected some of ${SITE_BEHAVIOURS.join(", ")}`,
      );
    }
  }
  return list as SiteBehaviour[];
}

function time(): string {
  return new Date().toISOString().slice(11, 19);
}

export function formatEvent(event: SimulatorEvent): string {
  const notice = event.noticeId ? ` ${event.noticeId}:` : "";
  return `${time()}  #${event.site.number} ${event.site.name} [${event.site.behaviour}]${notice} ${event.message}`;
}

/**
 * Starts the simulator as the command line asks. Returns the running simulator (exit code 0), or
 * no simulator and the exit code: 1 no site could be registered, 2 usage error.
 */
export async function runSimulator(
  argv: readonly string[],
  io: Io,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ exitCode: number; simulator?: SiteSimulator }> {
  const program = new Command()
    .name("simulate-sites")
    .description("Simulated subordinate sites that receive repost notices, repost and acknowledge")
    .option("--api <url>", "the pipeline's base URL", env.GAZETTE_URL ?? "http://127.0.0.1:3000")
    .option("--sites <n>", "how many sites to register", integer(1, 100_000), 12)
    .option("--token <token>", "editor token (default: GAZETTE_EDITOR_TOKEN, else .gazette/editor-token)")
    .option("--host <host>", "address the simulated sites listen on", "127.0.0.1")
    .option("--port <port>", "port the simulated sites listen on (0: any free port)", integer(0, 65_535), 0)
    .option(
      "--behaviours <list>",
      `comma-separated, given in rotation (${SITE_BEHAVIOURS.join(",")})`,
      behaviourList,
    )
    .option(
      "--slow-ms <ms>",
      "how long a slow site takes to answer, and again to acknowledge",
      integer(0, 600_000),
      3000,
    )
    .option(
      "--failures <n>",
      "how many deliveries of each notice a failing site answers with 500",
      integer(0, 100),
      2,
    )
    .option("--quiet", "print the sites, not every event")
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  try {
    program.parse([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) return { exitCode: error.exitCode === 0 ? 0 : 2 };
    throw error;
  }
  const opts = program.opts<{
    api: string;
    sites: number;
    token?: string;
    host: string;
    port: number;
    behaviours?: SiteBehaviour[];
    slowMs: number;
    failures: number;
    quiet?: boolean;
  }>();
  const token = opts.token ?? resolveToken(env);
  if (!token) {
    io.err(
      "simulate-sites: no editor token. Set GAZETTE_EDITOR_TOKEN, or start the pipeline with `npm start`,",
    );
    io.err("  which writes .gazette/editor-token.");
    return { exitCode: 2 };
  }

  const failures: string[] = [];
  const simulator = await startSiteSimulator({
    api: opts.api,
    editorToken: token,
    sites: opts.sites,
    behaviours: opts.behaviours,
    host: opts.host,
    port: opts.port,
    slowMs: opts.slowMs,
    failures: opts.failures,
    onEvent: (event) => {
      if (event.kind === "registration_failed")
        failures.push(`#${event.site.number} ${event.site.name}: ${event.message}`);
      else if (!opts.quiet && event.kind !== "challenged" && event.kind !== "registered")
        io.out(formatEvent(event));
    },
  });

  if (simulator.sites.length === 0) {
    io.err(`simulate-sites: no site could be registered with ${opts.api}:`);
    for (const line of failures.slice(0, 5)) io.err(`  ${line}`);
    await simulator.stop();
    return { exitCode: 1 };
  }
  io.out(`Simulated sites at ${simulator.url}, registered with ${opts.api}:`);
  for (const site of simulator.sites) {
    io.out(`  #${site.number} ${site.name} (${site.level}, ${site.region}) ${site.id}`);
    io.out(`      ${site.behaviour}: ${BEHAVIOUR_DESCRIPTIONS[site.behaviour]}`);
  }
  for (const line of failures) io.err(`  not registered: ${line}`);
  io.out("Waiting for repost notices (publish an edition with repost.scope all or targeted); Ctrl-C stops.");
  return { exitCode: 0, simulator };
}
