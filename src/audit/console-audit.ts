import { monotonicFactory } from "ulid";
import type { RecordStore } from "../platform/ports.js";
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

const PARTITION = "AUDIT#CONSOLE";
const ulid = monotonicFactory();

/**
 * The console's append-only audit log, newest first on reading. Every entry has its own sort key
 * (time, then a ULID), so two actions in the same millisecond are both kept.
 */
export class ConsoleAuditLog {
  constructor(private readonly records: RecordStore) {}

  async record(entry: ConsoleAuditEntry): Promise<void> {
    await this.records.put(
      { pk: PARTITION, sk: `${entry.at}#${ulid(Date.parse(entry.at))}`, data: entry },
      { kind: "absent" },
    );
  }

  async page(options: { limit: number; cursor?: string | undefined }) {
    const page = await this.records.query<ConsoleAuditEntry>(PARTITION, {
      descending: true,
      limit: options.limit,
      cursor: options.cursor,
    });
    return { items: page.items.map((r) => r.data), cursor: page.cursor };
  }
}
