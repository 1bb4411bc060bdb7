import type { JSONValue } from "@aws-lambda-powertools/commons/types";
import {
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
} from "@aws-lambda-powertools/idempotency";
import { BasePersistenceLayer, IdempotencyRecord } from "@aws-lambda-powertools/idempotency/persistence";
import { ConditionFailedError } from "../platform/errors.js";
import type { Clock, RecordStore, StoredRecord } from "../platform/ports.js";

interface IdempotencyData {
  status: string;
  expiryTimestamp?: number | undefined;
  inProgressExpiryTimestamp?: number | undefined;
  responseData?: JSONValue | undefined;
  payloadHash?: string | undefined;
}

/**
 * Powertools idempotency persistence on our RecordStore port, so the same idempotency logic runs
 * on DynamoDB in AWS and on SQLite locally. Written with single-item conditional puts only,
 * like Powertools' own DynamoDB layer.
 */
export class RecordStorePersistenceLayer extends BasePersistenceLayer {
  constructor(
    private readonly records: RecordStore,
    private readonly clock: Clock,
  ) {
    super();
  }

  private key(idempotencyKey: string) {
    return { pk: `IDEMPOTENCY#${idempotencyKey}`, sk: "IDEMPOTENCY" };
  }

  private toRecord(idempotencyKey: string, data: IdempotencyData): IdempotencyRecord {
    return new IdempotencyRecord({
      idempotencyKey,
      status: data.status as never,
      expiryTimestamp: data.expiryTimestamp,
      inProgressExpiryTimestamp: data.inProgressExpiryTimestamp,
      responseData: data.responseData,
      payloadHash: data.payloadHash,
    });
  }

  private toData(record: IdempotencyRecord): IdempotencyData {
    return {
      status: record.getStatus(),
      expiryTimestamp: record.expiryTimestamp,
      inProgressExpiryTimestamp: record.inProgressExpiryTimestamp,
      responseData: record.responseData,
      payloadHash: record.payloadHash,
    };
  }

  protected async _getRecord(idempotencyKey: string): Promise<IdempotencyRecord> {
    const stored = await this.records.get<IdempotencyData>(this.key(idempotencyKey));
    if (!stored) throw new IdempotencyItemNotFoundError("Item does not exist in persistence store");
    return this.toRecord(idempotencyKey, stored.data);
  }

  /** A new INPROGRESS record may replace one that expired or whose in-progress lock lapsed. */
  private replaceable(existing: StoredRecord<IdempotencyData>): boolean {
    const now = this.clock.now().getTime();
    const d = existing.data;
    if (d.expiryTimestamp !== undefined && d.expiryTimestamp * 1000 < now) return true;
    return (
      d.status === "INPROGRESS" &&
      d.inProgressExpiryTimestamp !== undefined &&
      d.inProgressExpiryTimestamp < now
    );
  }

  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const key = this.key(record.idempotencyKey);
    const next = { ...key, data: this.toData(record), expiresAt: record.expiryTimestamp };
    try {
      await this.records.put(next, { kind: "absent" });
      return;
    } catch (error) {
      if (!(error instanceof ConditionFailedError)) throw error;
    }
    const existing = await this.records.get<IdempotencyData>(key);
    if (!existing) {
      // It expired between the two calls: try once more as a fresh claim.
      await this.records.put(next, { kind: "absent" }).catch((cause) => {
        throw new IdempotencyItemAlreadyExistsError(
          `Idempotency key ${record.idempotencyKey} is taken`,
          undefined,
          {
            cause,
          },
        );
      });
      return;
    }
    if (this.replaceable(existing)) {
      try {
        await this.records.put(next, { kind: "version", version: existing.version });
        return;
      } catch (cause) {
        if (!(cause instanceof ConditionFailedError)) throw cause;
      }
    }
    throw new IdempotencyItemAlreadyExistsError(
      `Idempotency key ${record.idempotencyKey} already exists`,
      this.toRecord(record.idempotencyKey, existing.data),
    );
  }

  /** Powertools passes the complete record (payload hash included), so no read is needed. */
  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    const key = this.key(record.idempotencyKey);
    await this.records.put({ ...key, data: this.toData(record), expiresAt: record.expiryTimestamp });
  }

  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    await this.records.delete(this.key(record.idempotencyKey));
  }
}
