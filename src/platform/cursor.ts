import { InvalidCursorError } from "./errors.js";

/**
 * Query cursors are base64url JSON of the last key returned, tagged with the index and
 * partition they belong to so a cursor from another query is refused instead of silently
 * skipping or repeating items.
 */
export interface CursorPayload {
  readonly index: "main" | "gsi1" | "gsi2" | "gsi3";
  readonly partition: string;
  readonly key: Record<string, string>;
}

export function encodeCursor(payload: CursorPayload): string {
  return Buffer.from(
    JSON.stringify({ i: payload.index, p: payload.partition, k: payload.key }),
    "utf8",
  ).toString("base64url");
}

export function decodeCursor(
  cursor: string,
  expected: { index: "main" | "gsi1" | "gsi2" | "gsi3"; partition: string },
): CursorPayload {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch (cause) {
    throw new InvalidCursorError("malformed query cursor", { cause });
  }
  if (
    typeof parsed !== "object" ||
    parsed === null ||
    !("i" in parsed && "p" in parsed && "k" in parsed) ||
    typeof parsed.k !== "object" ||
    parsed.k === null ||
    !Object.values(parsed.k).every((v) => typeof v === "string")
  ) {
    throw new InvalidCursorError("malformed query cursor");
  }
  if (parsed.i !== expected.index || parsed.p !== expected.partition) {
    throw new InvalidCursorError("query cursor belongs to a different query");
  }
  return { index: expected.index, partition: expected.partition, key: parsed.k as Record<string, string> };
}
