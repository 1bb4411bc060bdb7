/**
 * One ingested document → its archive segment: segmentation of its text (segment.ts) with the
 * source's stated metadata (hints) taking precedence over what segmentation guesses. A submitted
 * text that is one document gives one segment, whatever headings or 令 headers it contains.
 */
import { kindOfTitle, linesOf, normalizeArchiveDocNumber, type Segment, segmentEdition } from "../segment.js";
import type { DateHint, DocumentHints } from "./formats/types.js";
import { chooseTitle } from "./title.js";

const LATER_FIRST = (a: DateHint, b: DateHint) => b.value.localeCompare(a.value);

/**
 * The date an item is dated by: the 成文日期 (stated, else the date line under the signature);
 * else the latest 发布/公布 or 修正 date; else 通过; else 施行.
 */
export function itemDate(hints: DocumentHints, printedDate: string | undefined): DateHint | undefined {
  const dates = hints.dates ?? [];
  const written = dates.find((d) => d.kind === "written");
  if (written) return written;
  if (printedDate) return { kind: "written", value: printedDate, printed: printedDate };
  const published = dates.filter((d) => d.kind === "published" || d.kind === "amended").sort(LATER_FIRST)[0];
  return published ?? dates.find((d) => d.kind === "adopted") ?? dates.find((d) => d.kind === "effective");
}

/** The segment of one ingested document (text as read, hints as stated). */
export function segmentDocument(text: string, hints: DocumentHints = {}): Segment {
  const segments = segmentEdition(linesOf(text));
  const guessed = segments.find((s) => !s.missing.includes("title")) ?? segments[0];
  const choice = chooseTitle(text, hints);
  // No title found: left empty for review rather than a line of the body passed off as one.
  const title = choice?.title ?? "";
  const missing = new Set<Segment["missing"][number]>(
    guessed?.missing ?? ["title", "date", "issuers", "kind"],
  );
  if (choice) missing.delete("title");
  else missing.add("title");

  const docNumberPrinted = hints.docNumberPrinted?.trim() || guessed?.docNumberPrinted;
  const docNumber = hints.docNumberPrinted
    ? normalizeArchiveDocNumber(hints.docNumberPrinted)
    : guessed?.docNumber;

  const date = itemDate(hints, guessed?.date);
  if (date) missing.delete("date");

  const issuers = hints.issuers?.length ? hints.issuers : (guessed?.issuers ?? []);
  if (issuers.length) missing.delete("issuers");

  const kind = (choice && kindOfTitle(title)) ?? guessed?.kind ?? hints.kind;
  if (kind) missing.delete("kind");
  else missing.add("kind");

  return {
    title,
    docNumberPrinted,
    docNumber,
    issuers,
    date: date?.value,
    datePrinted: date?.printed ?? guessed?.datePrinted,
    kind,
    text,
    pages: [1],
    missing: (["title", "date", "issuers", "kind"] as const).filter((m) => missing.has(m)),
  };
}
