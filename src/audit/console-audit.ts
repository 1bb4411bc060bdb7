import { monotonicFactory } from "ulid";
import type { RecordStore } from "../platform/ports.js";
import { queryShards, type ShardSource, shardOf, shardPartitions } from "../platform/sharded.js";
import type { ConsoleAuditAction } from "./console-actions.js";

/** One action taken in the console: who, when, what, on which object, and how it ended. */
export interface ConsoleAuditEntry {
  readonly at: string;
  /** The account's user name; for a failed sign-in, the name that was tried. */
  readonly actor: string;
  /** e.g. `sign-in`, `document.submit`, `edition.publish` (console-actions.ts names each). */
  readonly action: ConsoleAuditAction;
  /** The object acted on (a document or edition id, an account), when there is one. */
  readonly target: string | null;
  readonly outcome: "ok" | "refused";
  readonly details: Readonly<Record<string, unknown>>;
}

/**
 * Entries are spread over SHARDS partitions `AUDIT#CONSOLE#<shard>` (the shard a hash of the
 * entry's ULID), so the log's writes — every console action, every refused sign-in — do not all
 * land on one partition at its end; the listing merges the shards newest first
 * (platform/sharded.ts). Releases before wrote every entry to `AUDIT#CONSOLE`: those entries are
 * never changed, so they stay there and the listing merges that partition in too.
 */
export const LEGACY_CONSOLE_AUDIT_PARTITION = "AUDIT#CONSOLE";
const KIND = LEGACY_CONSOLE_AUDIT_PARTITION;
const SOURCES: readonly ShardSource[] = [
  { partition: LEGACY_CONSOLE_AUDIT_PARTITION },
  ...shardPartitions(KIND).map((partition) => ({ partition })),
];
const ulid = monotonicFactory();

/**
 * The console's append-only audit log, newest first on reading. Every entry has its own sort key
 * (time, then a ULID), so two actions in the same millisecond are both kept.
 */
export class ConsoleAuditLog {
  constructor(private readonly records: RecordStore) {}

  async record(entry: ConsoleAuditEntry): Promise<void> {
    const id = ulid(Date.parse(entry.at));
    await this.records.put(
      { pk: `${KIND}#${shardOf(id)}`, sk: `${entry.at}#${id}`, data: entry },
      { kind: "absent" },
    );
  }

  async page(options: { limit: number; cursor?: string | undefined }) {
    const page = await queryShards<ConsoleAuditEntry>(this.records, KIND, SOURCES, {
      descending: true,
      limit: options.limit,
      cursor: options.cursor,
    });
    return { items: page.items.map((r) => r.data), cursor: page.cursor };
  }
}
