/**
 * One ingested document → its archive segment: segmentation of its text (segment.ts) with the
 * source's stated metadata (hints) taking precedence over what segmentation guesses. A submitted
 * text that is one document gives one segment, whatever headings or 令 headers it contains.
 */
import { chooseDocumentDate, findDocumentDates, type SourcedDate } from "../../documents/dates.js";
import { isFullerDocNumber } from "../../documents/doc-number.js";
import { kindOfTitle, linesOf, normalizeArchiveDocNumber, type Segment, segmentEdition } from "../segment.js";
import type { DateHint, DocumentHints } from "./formats/types.js";
import { currentTextStep, historySteps, promulgations, shownVersion } from "./history.js";
import { documentIssuers } from "./issuers.js";
import { kindOfDocNumber, kindOfText } from "./kind.js";
import { chooseTitle } from "./title.js";

/** A document's dates: what its source states (labels, record fields) and what its text gives. */
export interface ItemDates {
  /** The date the item is dated by, with its kind. */
  readonly date?: DateHint | undefined;
  /** Every date it gives about itself, stated ones first, one per kind and date. */
  readonly dates: readonly DateHint[];
}

/**
 * The dates of one document: stated dates (hints: labelled fields, record fields — a site's
 * metadata) and those its text gives (the signature's 成文日期, history lines, 本办法自…起施行 —
 * read by findDocumentDates), dated by the shared precedence (chooseDocumentDate): the 成文日期
 * under the signature; else the text's own history line's latest 发布/修正; else a stated 成文日期;
 * else the latest 发布/公布 or 修正 date; else 通过; else 施行.
 */
export function itemDates(text: string, hints: DocumentHints): ItemDates {
  const lines = text.split("\n");
  const steps = historySteps(lines);
  // A database's 最新異動日期 on the day the history repealed the text is no amendment.
  const repealed = new Set(steps.filter((s) => s.action === "repealed").map((s) => s.date));
  // A database's latest-change date on the day the history first issued the text (訂定發布), with
  // no amendment that day, is its publication.
  const issued = new Set(steps.filter((s) => s.action === "issued").map((s) => s.date));
  const amended = new Set(steps.filter((s) => s.action === "amended").map((s) => s.date));
  const stated: (SourcedDate & { printed: string })[] = (hints.dates ?? [])
    .filter((d) => !(repealed.has(d.value) && (d.kind === "amended" || d.kind === "published")))
    .map((d) => ({
      kind: d.kind === "amended" && issued.has(d.value) && !amended.has(d.value) ? "published" : d.kind,
      date: d.value,
      printed: d.printed,
      source: "label",
    }));
  let found: (SourcedDate & { printed: string })[] = [...findDocumentDates(lines).dates];
  // A statute's history table (passed, then promulgated): the passing is its adoption, the
  // promulgation its publication or amendment; a repeal dates no text.
  const pairs = promulgations(steps);
  if (pairs.length) {
    const paired = new Set(pairs.flatMap((p) => [p.passed.date, p.promulgated.date]));
    found = found.filter((f) => !(f.source === "history" && paired.has(f.date)));
    for (const p of pairs) {
      if (p.kind === "repealed") continue;
      found.push({ kind: "adopted", date: p.passed.date, printed: p.passed.printed, source: "history" });
      found.push({
        kind: p.kind,
        date: p.promulgated.date,
        printed: p.promulgated.printed,
        source: "history",
      });
    }
  }
  const all = [...stated, ...found];
  const hint = (d: SourcedDate & { printed: string }): DateHint => ({
    kind: d.kind,
    value: d.date,
    printed: d.printed,
  });
  const dates: DateHint[] = [];
  for (const d of all) if (!dates.some((x) => x.kind === d.kind && x.value === d.date)) dates.push(hint(d));
  // A statute page showing one version of its text is dated by that version's promulgation.
  const shown = shownVersion(lines, pairs);
  if (shown && shown.kind !== "repealed")
    return {
      date: { kind: shown.kind, value: shown.promulgated.date, printed: shown.promulgated.printed },
      dates,
    };
  const chosen = chooseDocumentDate(all);
  return { date: chosen ? hint(chosen) : undefined, dates };
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

  // A stated number wins, unless the text prints the same number in full (国令第707号 stated,
  // 中华人民共和国国务院令第707号 printed).
  const stated = hints.docNumberPrinted?.trim() || undefined;
  const statedNumber = stated ? normalizeArchiveDocNumber(stated) : undefined;
  const fromText =
    !statedNumber || (guessed?.docNumber !== undefined && isFullerDocNumber(guessed.docNumber, statedNumber));
  let docNumberPrinted = fromText ? guessed?.docNumberPrinted : stated;
  let docNumber = fromText ? guessed?.docNumber : statedNumber;
  // A consolidated text whose number comes from its history (沿革, 题注): the number of the step
  // that made the text as it stands, not of the first step that printed one (none when that step
  // prints none: a law amended by a 决定 cited by title).
  const steps = historySteps(text.split("\n"));
  const current = currentTextStep(steps);
  const fromHistory =
    docNumberPrinted === undefined || steps.some((s) => s.number?.printed.trim() === docNumberPrinted);
  if (fromText && current && fromHistory) {
    docNumberPrinted = current.number?.printed.trim();
    docNumber = docNumberPrinted ? normalizeArchiveDocNumber(docNumberPrinted) : undefined;
  }

  const { date, dates } = itemDates(text, hints);
  if (date) missing.delete("date");
  else missing.add("date");

  const issuers = documentIssuers({
    stated: hints.issuers,
    title,
    docNumberPrinted,
    signed: guessed?.issuers ?? [],
    lines: text.split("\n").filter((l) => l.trim() !== ""),
  });
  if (issuers.length) missing.delete("issuers");

  // The title's 文种, else what the source states, else the number's (国办函 → 函), else the one
  // the text's own formula names (现将有关事项通知如下).
  const kind =
    (choice && kindOfTitle(title)) ??
    guessed?.kind ??
    hints.kind ??
    kindOfDocNumber(docNumberPrinted) ??
    kindOfText(text.split("\n"));
  if (kind) missing.delete("kind");
  else missing.add("kind");

  return {
    title,
    docNumberPrinted,
    docNumber,
    issuers,
    date: date?.value,
    datePrinted: date?.printed,
    dateKind: date?.kind,
    dates: dates.map((d) => ({ kind: d.kind, date: d.value })),
    kind,
    text,
    pages: [1],
    missing: (["title", "date", "issuers", "kind"] as const).filter((m) => missing.has(m)),
  };
}
