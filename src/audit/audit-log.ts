import { ConditionFailedError } from "../platform/errors.js";
import type { RecordStore } from "../platform/ports.js";

/** One line of a document's audit trail (留痕): what happened, when, by whom. */
export interface AuditEntry {
  readonly documentId: string;
  readonly type: string;
  readonly at: string;
  readonly actor: string;
  readonly details: Readonly<Record<string, unknown>>;
}

/** Append-only audit trail per document, fed from the events queue. */
export class AuditLog {
  constructor(private readonly records: RecordStore) {}

  /** Idempotent: a redelivered event finds its entry written and changes nothing. */
  async append(entry: AuditEntry): Promise<void> {
    try {
      await this.records.put(
        { pk: `AUDIT#${entry.documentId}`, sk: `${entry.at}#${entry.type}`, data: entry },
        { kind: "absent" },
      );
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
    }
  }

  async entries(documentId: string): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.records.query<AuditEntry>(`AUDIT#${documentId}`, { cursor, limit: 100 });
      out.push(...page.items.map((r) => r.data));
      cursor = page.cursor;
    } while (cursor);
    return out;
  }
}
