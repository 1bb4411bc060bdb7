import { ConditionFailedError } from "../platform/errors.js";
import type { RecordIndexKeys, RecordKey, RecordStore, StoredRecord } from "../platform/ports.js";

const MAX_ATTEMPTS = 20;

/**
 * Read-modify-write of one record under its version (optimistic concurrency), retried when another
 * writer got there first. `change` returns the new data, or undefined to leave the record as it is.
 * Returns the record as it ends up, or undefined when it does not exist. `known`, a copy just read,
 * saves the first read.
 */
export async function updateRecord<T>(
  records: RecordStore,
  key: RecordKey,
  change: (current: T) => T | undefined,
  index?: (next: T) => RecordIndexKeys | undefined,
  known?: StoredRecord<T>,
): Promise<StoredRecord<T> | undefined> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const current = attempt === 0 && known ? known : await records.get<T>(key);
    if (!current) return undefined;
    const next = change(current.data);
    if (next === undefined) return current;
    try {
      return await records.put<T>(
        { ...key, data: next, index: index ? index(next) : current.index },
        { kind: "version", version: current.version },
      );
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
    }
  }
  throw new ConditionFailedError(
    `Record ${key.pk}/${key.sk} kept changing; giving up after ${MAX_ATTEMPTS} tries`,
  );
}
