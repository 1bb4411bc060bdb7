/**
 * Input checks shared by the embedded and AWS adapters, so both reject the same requests with
 * StorageRequestError before anything is written (the embedded store would otherwise accept
 * what DynamoDB/S3/SQS later refuse in production).
 */

import { StorageRequestError } from "./errors.js";
import {
  indexKeyStrings,
  MAX_TRANSACTION_WRITES,
  type NewRecord,
  type OutgoingMessage,
  type QueryOptions,
  type RecordKey,
  SPARSE_INDEXES,
  type TransactionWrite,
  type WriteCondition,
} from "./ports.js";

/** Bytes of `value` in UTF-8 (a lone surrogate counts as the 3 of U+FFFD, as TextEncoder has it). */
export function utf8Length(value: string): number {
  return Buffer.byteLength(value, "utf8");
}

/** Lone surrogates cannot be encoded as UTF-8: DynamoDB, S3 and SQLite would each mangle or reject them. */
function hasLoneSurrogate(value: string): boolean {
  // String.prototype.isWellFormed (ES2024, Node 20): false exactly when a lone surrogate is in it.
  // Native, and ~6× faster than /\p{Cs}/u over a notice's 700 bytes of JSON (a tick checks 1,000).
  return !(value as string & { isWellFormed(): boolean }).isWellFormed();
}

/** DynamoDB limits: partition key 2048 bytes, sort key 1024 bytes, no empty key strings. */
export function validateRecordKey(key: RecordKey): void {
  checkKeyString("pk", key.pk, 2048);
  checkKeyString("sk", key.sk, 1024);
}

function checkKeyString(name: string, value: unknown, maxBytes: number): void {
  if (typeof value !== "string" || value.length === 0) {
    throw new StorageRequestError(`${name} must be a non-empty string`);
  }
  if (hasLoneSurrogate(value)) {
    throw new StorageRequestError(`${name} contains a lone UTF-16 surrogate`);
  }
  // A UTF-16 code unit is at most 3 bytes of UTF-8: most keys need no count.
  if (value.length * 3 > maxBytes && utf8Length(value) > maxBytes) {
    throw new StorageRequestError(`${name} is longer than ${maxBytes} bytes`);
  }
}

/** DynamoDB's item limit; checked here so the embedded store fails the same way. */
export const MAX_ITEM_BYTES = 400 * 1024;

/**
 * Validates a record and returns its data serialised as JSON (the form both adapters store:
 * a JSON string round-trips empty strings, nested arrays and numbers exactly, a DynamoDB map
 * would not without a marshaller's corner cases).
 */
export function validateNewRecord(record: NewRecord): string {
  validateRecordKey(record);
  if (record.index !== undefined) {
    checkKeyString("gsi1pk", record.index.gsi1pk, 2048);
    checkKeyString("gsi1sk", record.index.gsi1sk, 1024);
    for (const name of SPARSE_INDEXES) {
      const pk = record.index[`${name}pk`];
      const sk = record.index[`${name}sk`];
      if ((pk === undefined) !== (sk === undefined)) {
        throw new StorageRequestError(`${name}pk and ${name}sk go together`);
      }
      if (pk !== undefined) {
        checkKeyString(`${name}pk`, pk, 2048);
        checkKeyString(`${name}sk`, sk!, 1024);
      }
    }
  }
  if (record.expiresAt !== undefined && !(Number.isFinite(record.expiresAt) && record.expiresAt >= 0)) {
    throw new StorageRequestError("expiresAt must be a finite, non-negative number of epoch seconds");
  }
  let json: string | undefined;
  try {
    json = JSON.stringify(record.data);
  } catch (cause) {
    throw new StorageRequestError("record data is not JSON-serialisable", { cause });
  }
  if (json === undefined) {
    throw new StorageRequestError("record data is not JSON-serialisable");
  }
  // No lone-surrogate check on `json`: JSON.stringify writes a lone surrogate as a \uXXXX escape
  // (ES2019), so its output never holds one, and the data round-trips as it was given.
  // Approximates DynamoDB's item size: attribute names plus values. A UTF-16 code unit is at most
  // 3 bytes of UTF-8, so a record under a third of the limit in code units needs no count.
  const indexKeys = record.index ? indexKeyStrings(record.index) : [];
  let units = record.pk.length + record.sk.length + json.length;
  for (const k of indexKeys) units += k?.length ?? 0;
  if (units * 3 + 64 <= MAX_ITEM_BYTES) return json;
  let size = utf8Length(record.pk) + utf8Length(record.sk) + utf8Length(json) + 64;
  for (const k of indexKeys) size += utf8Length(k ?? "");
  if (size > MAX_ITEM_BYTES) {
    throw new StorageRequestError(`record is larger than ${MAX_ITEM_BYTES} bytes`);
  }
  return json;
}

export function validateQueryOptions(partition: string, options: QueryOptions): void {
  checkKeyString("partition", partition, 2048);
  if (options.limit !== undefined && !(Number.isInteger(options.limit) && options.limit > 0)) {
    throw new StorageRequestError("limit must be a positive integer");
  }
  if (options.prefix !== undefined && hasLoneSurrogate(options.prefix)) {
    throw new StorageRequestError("prefix contains a lone UTF-16 surrogate");
  }
  if (options.countsOnly !== undefined) {
    if (options.index !== undefined) throw new StorageRequestError("countsOnly reads the main table only");
    for (const name of options.countsOnly) {
      if (!/^[A-Za-z0-9_]{1,64}$/.test(name))
        throw new StorageRequestError("countsOnly names counts of letters, digits and _");
    }
  }
  if (options.until !== undefined) {
    // DynamoDB takes one condition on the sort key: begins_with or <=, not both.
    if (options.prefix !== undefined) throw new StorageRequestError("until cannot be combined with prefix");
    checkKeyString("until", options.until, 1024);
  }
}

/**
 * Blob keys look like relative paths ("editions/2024/12/gazette.pdf"). They are refused when a
 * file-backed store could resolve them outside its directory, or when S3 and a file system
 * would disagree about them: empty, "." or ".." segments, a leading "/", backslashes, drive
 * letters, control characters (NUL included), more than S3's 1024 bytes.
 */
export function validateBlobKey(key: string): void {
  if (typeof key !== "string" || key.length === 0) {
    throw new StorageRequestError("blob key must be a non-empty string");
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (/[\u0000-\u001f\u007f]/.test(key)) {
    throw new StorageRequestError(`blob key contains a control character: ${JSON.stringify(key)}`);
  }
  if (key.startsWith("/") || key.includes("\\") || /^[A-Za-z]:/.test(key)) {
    throw new StorageRequestError(`blob key must be a relative path: ${JSON.stringify(key)}`);
  }
  for (const segment of key.split("/")) {
    if (segment === "" || segment === "." || segment === "..") {
      throw new StorageRequestError(`blob key has an empty, "." or ".." segment: ${JSON.stringify(key)}`);
    }
  }
  if (hasLoneSurrogate(key)) {
    throw new StorageRequestError("blob key contains a lone UTF-16 surrogate");
  }
  if (utf8Length(key) > 1024) {
    throw new StorageRequestError("blob key is longer than 1024 bytes");
  }
}

/** SQS limits (1 MiB since August 2025; fauxqs uses the same). */
export const MAX_MESSAGE_BYTES = 1024 * 1024;
export const MAX_DELAY_SECONDS = 900;
export const MAX_VISIBILITY_SECONDS = 43_200;
export const MAX_WAIT_SECONDS = 20;

/** Characters SQS accepts in a message body: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF. */
const INVALID_BODY_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

export function validateOutgoingMessage(message: OutgoingMessage): void {
  if (typeof message.body !== "string" || message.body.length === 0) {
    throw new StorageRequestError("message body must be a non-empty string");
  }
  if (hasLoneSurrogate(message.body) || INVALID_BODY_CHAR.test(message.body)) {
    throw new StorageRequestError("message body contains characters SQS does not accept");
  }
  if (utf8Length(message.body) > MAX_MESSAGE_BYTES) {
    throw new StorageRequestError(`message body is larger than ${MAX_MESSAGE_BYTES} bytes`);
  }
  if (message.delaySeconds !== undefined) {
    checkSeconds("delaySeconds", message.delaySeconds, MAX_DELAY_SECONDS);
  }
}

export function checkSeconds(name: string, value: number, max: number): void {
  if (!(Number.isInteger(value) && value >= 0 && value <= max)) {
    throw new StorageRequestError(`${name} must be an integer from 0 to ${max}, got ${value}`);
  }
}

export function checkMaxMessages(value: number): void {
  if (!(Number.isInteger(value) && value >= 1 && value <= 10)) {
    throw new StorageRequestError(`maxMessages must be an integer from 1 to 10, got ${value}`);
  }
}

/** Logical queue names follow SQS queue-name rules, so a local name is always deployable. */
export function validateQueueName(queue: string): void {
  if (typeof queue !== "string" || !/^[A-Za-z0-9_-]{1,80}$/.test(queue)) {
    throw new StorageRequestError(`invalid queue name: ${JSON.stringify(queue)}`);
  }
}

export function validateCondition(condition: WriteCondition | undefined): void {
  if (condition === undefined || condition.kind === "absent") return;
  if (condition.kind !== "version" || !(Number.isInteger(condition.version) && condition.version >= 0)) {
    throw new StorageRequestError(
      "write condition must be absent, or a version that is a non-negative integer",
    );
  }
}

/** A counter's name: what DynamoDB stores as the attribute `c_<name>`. */
const COUNT_NAME = /^[a-z][a-z0-9_]{0,31}$/;
/** Names found valid (a handful in practice: the reposts figures), so a busy tick tests each once. */
const validCountNames = new Set<string>();

/**
 * Validates a transaction (1–`limit` writes, one per record, counts finite integers with plain
 * names) and returns each write's data as JSON (undefined for a delete).
 */
export function validateTransaction(
  writes: readonly TransactionWrite[],
  limit = MAX_TRANSACTION_WRITES,
): (string | undefined)[] {
  if (!Array.isArray(writes) || writes.length === 0 || writes.length > limit) {
    throw new StorageRequestError(`a transaction has 1–${limit} writes`);
  }
  // Records written, by partition then sort key (no key string built per write).
  const seen = new Map<string, Set<string>>();
  return writes.map((write) => {
    let key: RecordKey;
    let json: string | undefined;
    if ("put" in write) {
      json = validateNewRecord(write.put);
      validateCondition(write.condition);
      key = write.put;
    } else if ("delete" in write) {
      validateRecordKey(write.delete);
      validateCondition(write.condition);
      key = write.delete;
    } else {
      json = validateNewRecord({ pk: write.add.pk, sk: write.add.sk, data: write.add.data });
      validateCondition(write.condition);
      for (const name in write.counts) {
        if (!Object.hasOwn(write.counts, name)) continue;
        if (!validCountNames.has(name)) {
          if (!COUNT_NAME.test(name))
            throw new StorageRequestError(`invalid count name: ${JSON.stringify(name)}`);
          if (validCountNames.size < 1024) validCountNames.add(name);
        }
        if (!Number.isSafeInteger(write.counts[name]))
          throw new StorageRequestError(`count ${name} must be an integer`);
      }
      key = write.add;
    }
    let inPartition = seen.get(key.pk);
    if (!inPartition) {
      inPartition = new Set();
      seen.set(key.pk, inPartition);
    } else if (inPartition.has(key.sk)) {
      throw new StorageRequestError(`a transaction writes ${key.pk}/${key.sk} twice`);
    }
    inPartition.add(key.sk);
    return json;
  });
}
