/** `gazette sites …` and `gazette compliance`: the site registry and the inspection report. */
import type { Command } from "commander";
import { isValidIsoDate } from "../documents/dates.js";
import { normalizeText } from "../documents/text.js";
import type { ApiClient } from "./client.js";
import { onCommandStore, UsageError } from "./usage-error.js";

interface Io {
  out(line: string): void;
  err(line: string): void;
}

/** Terminal-safe: names come from the registry, and are data, never escape sequences. */
const plain = (s: unknown) => normalizeText(String(s ?? ""));

interface SiteView {
  id: string;
  name: string;
  level: string;
  region: string;
  sectors: string[];
  status: string;
  delivery: { type: string; url?: string; queueUrl?: string };
  disabledReason: string | null;
}

const FIGURES = [
  "notices",
  "delivered",
  "acknowledged",
  "verified",
  "verification_failed",
  "overdue",
  "failed",
];

interface Report {
  totals: Record<string, number>;
  rates: Record<string, number>;
  sites: (Record<string, number> & { name: string; region: string; level: string })[];
  overdue: { title: string; siteName: string; region: string; deadline: string; status: string }[];
  overdueCursor?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Mounts `sites` and `compliance` on the CLI program. */
export function registerRepostCommands(
  program: Command,
  deps: { readonly client: () => ApiClient; readonly io: Io; readonly env?: NodeJS.ProcessEnv },
): void {
  const { io } = deps;
  const sites = program.command("sites").description("Subordinate sites that must repost (转载单位)");

  sites
    .command("add")
    .description("Register a site; a webhook must answer the hub.challenge GET first")
    .requiredOption("--name <name>", "site name, e.g. 成都市人民政府")
    .requiredOption("--level <level>", "province_dept, city, county or township")
    .requiredOption("--region <code>", "GB/T 2260 code, e.g. 510100")
    .option("--sector <sector>", "a sector (repeatable); none for a comprehensive site", collect, [])
    .option("--webhook <url>", "deliver as signed webhooks to this URL")
    .option("--sqs <queueUrl>", "deliver to this SQS queue (AWS)")
    .option(
      "--sqs-role <roleArn>",
      "with --sqs: send as this role of the site (gazette-repost-*, assumed with the site id as external id)",
    )
    .action(
      async (opts: {
        name: string;
        level: string;
        region: string;
        sector: string[];
        webhook?: string;
        sqs?: string;
        sqsRole?: string;
      }) => {
        if (Boolean(opts.webhook) === Boolean(opts.sqs)) {
          throw new UsageError("give exactly one of --webhook <url> and --sqs <queueUrl>");
        }
        if (opts.sqsRole && !opts.sqs) throw new UsageError("--sqs-role goes with --sqs <queueUrl>");
        const delivery = opts.webhook
          ? { type: "webhook", url: opts.webhook }
          : { type: "sqs", queueUrl: opts.sqs, ...(opts.sqsRole ? { roleArn: opts.sqsRole } : {}) };
        const { body } = await deps
          .client()
          .request<{ id: string; token: string; webhookSecret: string }>("POST", "/api/sites", {
            body: JSON.stringify({
              name: opts.name,
              level: opts.level,
              region: opts.region,
              sectors: opts.sector,
              delivery,
            }),
            headers: { "content-type": "application/json" },
          });
        io.out(`site ${body.id}`);
        io.out(`token          ${body.token}`);
        io.out(`webhookSecret  ${body.webhookSecret}`);
        io.out("Give both to the site now: they are not shown again.");
      },
    );

  sites
    .command("list")
    .description("List registered sites")
    .action(async () => {
      let cursor: string | undefined;
      do {
        const query = new URLSearchParams({ limit: "200", ...(cursor ? { cursor } : {}) });
        const { body } = await deps
          .client()
          .request<{ items: SiteView[]; cursor?: string }>("GET", `/api/sites?${query}`);
        for (const s of body.items) {
          const target = s.delivery.url ?? s.delivery.queueUrl ?? "";
          io.out(
            `${s.id}  ${plain(s.name)}  ${s.level}  ${s.region}  ${s.status}${s.disabledReason ? ` (${plain(s.disabledReason)})` : ""}  ${plain(target)}`,
          );
        }
        cursor = body.cursor;
      } while (cursor);
    });

  for (const [command, status] of [
    ["disable", "disabled"],
    ["enable", "active"],
  ] as const) {
    const toggle = sites
      .command(command)
      .description(
        status === "disabled" ? "Stop delivering to a site" : "Deliver again (the webhook is checked first)",
      )
      .argument("<id>", "site id");
    // Enabling clears the reason, so only disable takes one.
    if (status === "disabled")
      toggle.option("--reason <text>", "why the site is disabled (shown by `gazette sites list`)");
    toggle.action(async (id: string, opts: { reason?: string }) => {
      const { body } = await deps
        .client()
        .request<SiteView>("PATCH", `/api/sites/${encodeURIComponent(id)}`, {
          body: JSON.stringify({ status, ...(opts.reason ? { disabledReason: opts.reason } : {}) }),
          headers: { "content-type": "application/json" },
        });
      io.out(`${body.id}  ${plain(body.name)}  ${body.status}`);
    });
  }

  sites
    .command("rotate-secret")
    .description("A new signing secret; the old one keeps signing during the grace period")
    .argument("<id>", "site id")
    .option("--grace-seconds <n>", "how long the old secret keeps signing", "86400")
    .action(async (id: string, opts: { graceSeconds: string }) => {
      const { body } = await deps
        .client()
        .request<{ webhookSecret: string; previousExpiresAt: string }>(
          "POST",
          `/api/sites/${encodeURIComponent(id)}/rotate-secret`,
          {
            body: JSON.stringify({ graceSeconds: Number(opts.graceSeconds) }),
            headers: { "content-type": "application/json" },
          },
        );
      io.out(`webhookSecret  ${body.webhookSecret}`);
      io.out(`the previous secret signs until ${body.previousExpiresAt}`);
    });

  program
    .command("compliance")
    .description("The repost inspection report (转载情况检查)")
    .option("--from <date>", "published on or after (YYYY-MM-DD)")
    .option("--to <date>", "published on or before (YYYY-MM-DD)")
    .option("--region <code>", "GB/T 2260 code (covers its subdivisions)")
    .option("--level <level>", "province_dept, city, county or township")
    .option("--document <id>", "one document")
    .option("--csv", "print the CSV (one row per site)")
    .option("--overdue-csv", "print every overdue notice as CSV (one row each)")
    .action(
      async (opts: {
        from?: string;
        to?: string;
        region?: string;
        level?: string;
        document?: string;
        csv?: boolean;
        overdueCsv?: boolean;
      }) => {
        for (const key of ["from", "to"] as const) {
          const value = opts[key];
          if (value !== undefined && !isValidIsoDate(value))
            throw new UsageError(`--${key} must be a date YYYY-MM-DD, e.g. 2026-01-31 (got ${plain(value)})`);
        }
        const query = new URLSearchParams();
        for (const key of ["from", "to", "region", "level", "document"] as const) {
          const value = opts[key];
          if (value) query.set(key, value);
        }
        if (opts.csv || opts.overdueCsv) {
          query.set("format", opts.overdueCsv ? "overdue-csv" : "csv");
          const { body } = await deps.client().request<string>("GET", `/api/compliance?${query}`);
          io.out(
            String(body)
              .replace(/^\uFEFF/, "")
              .trimEnd(),
          );
          return;
        }
        const { body: r } = await deps.client().request<Report>("GET", `/api/compliance?${query}`);
        io.out(FIGURES.map((f) => `${f} ${r.totals[f] ?? 0}`).join("  "));
        io.out(
          `verified ${((r.rates.verified ?? 0) * 100).toFixed(1)}%  overdue ${((r.rates.overdue ?? 0) * 100).toFixed(1)}%`,
        );
        for (const s of r.sites) {
          io.out(
            `  ${plain(s.name)} (${s.region}, ${s.level}): ${FIGURES.map((f) => `${f} ${s[f] ?? 0}`).join(", ")}`,
          );
        }
        if (r.overdue.length) io.out(`overdue (${r.totals.overdue ?? r.overdue.length}):`);
        // The report carries one page of the overdue list; the rest follows page by page.
        let page: Report = r;
        for (;;) {
          for (const o of page.overdue) {
            io.out(`  ${o.deadline}  ${plain(o.siteName)} (${o.region})  ${plain(o.title)}  ${o.status}`);
          }
          if (!page.overdueCursor) break;
          query.set("limit", "200");
          query.set("cursor", page.overdueCursor);
          page = (await deps.client().request<Report>("GET", `/api/compliance?${query}`)).body;
        }
      },
    );

  program
    .command("reposts")
    .description("Repost bookkeeping kept beside the notices")
    .command("rebuild")
    .description(
      "Recompute the compliance report's counters, the overdue list and every notice's due time from the notices, straight in the store (GAZETTE_DATA_DIR with the pipeline stopped, or GAZETTE_MODE=aws with GAZETTE_TABLE), again on demand: after an upgrade the migration reposts-rebuild does it once (see `gazette migrate`)",
    )
    .action(async () => {
      const { rebuildFromEnvironment } = await import("../reposts/rebuild-command.js");
      const r = await onCommandStore(() =>
        rebuildFromEnvironment(deps.env ?? process.env, (warning) => io.err(warning)),
      );
      io.out(
        `documents ${r.documents}  notices ${r.notices}  rewritten ${r.rewritten}  counters corrected ${r.counters}  overdue entries ${r.overdue}`,
      );
    });
}
