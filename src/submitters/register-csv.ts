/**
 * The register's CSV reader (csv-parse), a module of its own: only the routes that import a
 * register as CSV load it (POST /api/bodies/{bodyId}/register and the submitter's
 * POST /console/body/register/import; in AWS the console function's), so the api function does
 * not bundle csv-parse.
 */
import { parse as parseCsv } from "csv-parse/sync";
import { problem, SubmitterInputError } from "./errors.js";
import { COLUMNS, type RegisterEntry } from "./register.js";

/** Rows of a CSV file (UTF-8, with or without BOM, a header row naming the columns). */
export function rowsFromCsv(csv: string): { rows: Record<string, unknown>[]; lines: number[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parseCsv(csv.replace(/^\uFEFF/, ""), {
      bom: true,
      relax_column_count: false,
      skip_empty_lines: true,
      info: true,
      trim: true,
    }) as never;
  } catch (error) {
    const line = (error as { lines?: number }).lines;
    throw new SubmitterInputError("unreadable CSV", [
      problem(
        "file",
        "invalid_csv",
        `The CSV cannot be read${line ? ` at line ${line}` : ""}: ${(error as Error).message}`,
      ),
    ]);
  }
  const [header, ...data] = records;
  if (!header)
    throw new SubmitterInputError("empty CSV", [
      problem("file", "empty", "The CSV has no header row and no entries"),
    ]);
  const names = header.record.map((h) => h.replace(/\s+/g, "").toLowerCase());
  const index: Partial<Record<keyof RegisterEntry, number>> = {};
  for (const [field, aliases] of Object.entries(COLUMNS) as [keyof RegisterEntry, readonly string[]][]) {
    const at = names.findIndex((n) => aliases.includes(n));
    if (at >= 0) index[field] = at;
  }
  const missing = (["docNumber", "title", "dateIssued"] as const).filter((f) => index[f] === undefined);
  if (missing.length)
    throw new SubmitterInputError("CSV header", [
      problem(
        "header",
        "missing_column",
        `The CSV header lacks ${missing.join(", ")} (columns: 发文字号/docNumber, 标题/title, 成文日期/dateIssued, optional 类别/kind)`,
      ),
    ]);
  return {
    rows: data.map(({ record }) =>
      Object.fromEntries(
        (Object.entries(index) as [string, number][]).map(([field, at]) => [field, record[at]]),
      ),
    ),
    lines: data.map(({ info }) => info.lines),
  };
}
