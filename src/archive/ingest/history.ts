/**
 * A regulation's history (沿革, the 题注 under a law's title): the dated steps that made its text.
 *
 *   1.中華民國五十四年六月七日行政院（54）台財字第 3922 號令訂定發布
 *   10. 中華民國九十七年八月八日行政院院臺財字第 0970034457 號令修正發布第 3 條條文
 *   中華民國一百零一年五月十五日行政院院臺規字第 1010131134 號公告第 4 條…改由「文化部」管轄
 *   2012年12月19日 中华人民共和国公安部令第125号发布，
 *   2018年11月25日 公安部令第149号《公安部关于修改〈…〉的决定》第二次修正。
 *   1993年8月7日 最高人民法院以法发〔1993〕15号通知印发
 *   2003年10月28日 第十届全国人民代表大会常务委员会第五次会议通过
 *
 * Each step is what happened on its date: the text issued (制定/訂定/发布/公布/印发), amended
 * (修正/修订), adopted (通过/批准), put in force (施行), repealed (廢止), or a notice that changes
 * no text (…號公告…改由…管轄). A consolidated text is the text of its latest issuing or amending
 * step: that step's order number is the document's 发文字号 (none when the step prints none), its
 * organ the issuer. Pure; no storage.
 */
import { datesInText } from "../../documents/dates.js";
import { type DocNumberMatch, findDocNumbers } from "../../documents/doc-number.js";

export type HistoryAction = "issued" | "amended" | "adopted" | "effective" | "repealed" | "notice";

export interface HistoryStep {
  /** YYYY-MM-DD. */
  readonly date: string;
  /** The date as printed. */
  readonly printed: string;
  readonly action: HistoryAction;
  /** The step's text after its date, wrapped parts joined. */
  readonly text: string;
  /** The order or letter number of the step (…令第125号发布, …字第 3922 號令訂定發布). */
  readonly number?: DocNumberMatch | undefined;
  /** Index of the line the step starts on. */
  readonly line: number;
}

/** Verbs of a step, in the order they are tried: a 修正 that is also 公布 is an amendment. */
const ACTIONS: readonly [RegExp, HistoryAction][] = [
  [/废止|廢止|停止适用|停止適用|失效/u, "repealed"],
  [/修正|修订|修訂|修改|增订|增訂|删除|刪除/u, "amended"],
  [/发布|發布|公布|公佈|颁布|頒布|印发|印發|制定|订定|訂定|订颁|訂頒|发出|發出/u, "issued"],
  [/通过|通過|批准|核准/u, "adopted"],
  [/公告/u, "notice"],
  [/施行|实施|實施|生效/u, "effective"],
];

/** A line that ends with an organ's name (交通部, 中央军委, 国务院). */
const ORGAN_END = /(?:部|委|院|署|局|厅|廳|政府|军委|軍委|委员会|委員會)$/u;
const STEP_VERB_END = /(?:发布|發布|公布|公佈|颁布|頒布|印发|印發)$/u;

/** An item number before a step (1. / 10. / 2、). */
const ITEM = /^[\s\u3000]*(?:\d{1,3}[.．、][\s\u3000]*)?/u;

/** The date a line begins with, after an item number and brackets, or undefined. */
function leadingDate(line: string): { date: string; end: number } | undefined {
  const item = ITEM.exec(line)![0].length;
  const first = datesInText(line)[0];
  if (!first || !/^[\s\u3000（(【[]*$/u.test(line.slice(item, first.start))) return undefined;
  return { date: first.date, end: first.end };
}

/** A line that is the body (an article, a sentence) rather than part of the history. */
function isBody(line: string): boolean {
  return /^第[\s\u3000]*[0-9０-９一二三四五六七八九十百千〇零]+[\s\u3000]*[條条章節节編编]/u.test(line);
}

/**
 * What a step did: the verbs before the first sentence break (a ；並自…施行 after it is its entry
 * into force), cited titles (《…》) left out.
 */
function actionOf(clause: string): HistoryAction | undefined {
  const head = clause
    .replace(/《[^《》]*》|〈[^〈〉]*〉/gu, "《》")
    .split(/[。；;，,]/u)[0]!
    .replace(/[\s\u3000]+/gu, "");
  if ([...head].length > 120) return undefined;
  for (const [re, action] of ACTIONS) if (re.test(head)) return action;
  return undefined;
}

/** The number a step names as its own order or letter: the first before the step's verb. */
function stepNumber(clause: string): DocNumberMatch | undefined {
  const head = clause.split(/[。；;，,]/u)[0]!;
  const found = findDocNumbers(head);
  return found[0];
}

/**
 * The history steps printed at the head of a text (before its first article): lines that begin
 * with a date and say what happened on it. A step broken over lines (a database's hard wrap:
 * …第 6006 / 號令修正公布; a statute table's date cell, then 修正全文12條) is joined; a line with
 * two dated steps (…令第431号发布　根据2011年1月8日…修订) gives both.
 */
export function historySteps(lines: readonly string[]): HistoryStep[] {
  const joined: { text: string; line: number }[] = [];
  let open = false;
  for (const [i, raw] of lines.slice(0, 80).entries()) {
    const line = raw.trim();
    if (!line) continue;
    if (isBody(line)) break;
    if (leadingDate(line)) {
      joined.push({ text: line, line: i });
      open = true;
      continue;
    }
    const last = joined[joined.length - 1];
    // A wrapped part: short, no date at its start, not a sentence of the body.
    if (open && last && [...line].length <= 60 && !/[。：:？！]/u.test(line)) {
      // Joint organs printed one a line (1958年4月19日 交通部 / 水产部发布) are two organs.
      const organs = ORGAN_END.test(last.text) && ORGAN_END.test(line.replace(STEP_VERB_END, ""));
      last.text += organs ? `、${line}` : line;
      continue;
    }
    // The body has begun (a salutation, a sentence): what follows is not the history.
    if (/[。：:]/u.test(line) || [...line].length > 150) break;
    open = false;
  }
  const steps: HistoryStep[] = [];
  for (const { text, line } of joined) {
    const t = text.replace(ITEM, "");
    // A date starts a step at the line's start, or after a space or 根据 (…令第431号发布　根据
    // 2011年1月8日…修订); a date inside a clause (並自…施行, 、2007年2月14日…会议) does not.
    const starts = datesInText(t).filter((d, k) => {
      if (k === 0) return /^[\s\u3000（(【[]*$/u.test(t.slice(0, d.start));
      const before = t.slice(0, d.start);
      // A serial is no date (字第 21560901 號 is not 2156-09-01).
      return /(?:[\s\u3000]|根据|根據)$/u.test(before) && !/(?:自|第)[\s\u3000]*$/u.test(before);
    });
    for (const [k, d] of starts.entries()) {
      const clause = t
        .slice(d.end, starts[k + 1]?.start ?? t.length)
        .replace(/(?:根据|根據)[\s\u3000]*$/u, "")
        .trim();
      const action = actionOf(clause);
      if (!action) continue;
      const numbered = action === "issued" || action === "amended" || action === "notice";
      steps.push({
        date: d.date,
        printed: d.printed.trim(),
        action,
        text: clause,
        number: numbered ? stepNumber(clause) : undefined,
        line,
      });
    }
  }
  return steps;
}

/**
 * The step that made the text as it stands: the latest that issued or amended it (on the same
 * day the later printed). Repeals and notices change no text; adoption and entry into force are
 * not the issuing order.
 */
export function currentTextStep(steps: readonly HistoryStep[]): HistoryStep | undefined {
  let best: HistoryStep | undefined;
  for (const s of steps) {
    if (s.action !== "issued" && s.action !== "amended") continue;
    if (!best || s.date >= best.date) best = s;
  }
  return best;
}

/** The date of a repeal in the history, if any (a database's 最新異動日期 may be that date). */
export function repealDates(steps: readonly HistoryStep[]): string[] {
  return steps.filter((s) => s.action === "repealed").map((s) => s.date);
}

/** The verbs that end a step's organ when it prints no number (國民政府制定公布, 交通部发布). */
const STEP_VERB =
  /(?:令|函|訓令|训令)?(?:修正|修订|修訂|增订|增訂|删除|刪除)?(?:制定|订定|訂定)?(?:发布|發布|公布|公佈|颁布|頒布|印发|印發|订颁|訂頒|制定|订定|訂定|修正|修订|修訂|批准|核准)/u;

/**
 * The organ(s) a step names, as printed: before its number (內政部台內戶字第…號令, 總統（75）華總…,
 * 最高人民法院以法发〔1993〕15号), else before its verb (國民政府制定公布, 国务院批准). Undefined when
 * the step names none (the organ is inside a 令 number: 公安部令第149号).
 */
export function stepOrgan(step: HistoryStep): string | undefined {
  const t = step.number
    ? step.text.slice(0, step.number.start)
    : step.text.slice(0, STEP_VERB.exec(step.text)?.index ?? 0);
  return cleanStepOrgan(t);
}

/** An organ's name as a step prints it before its number or verb, without lead-in and 令/函. */
function cleanStepOrgan(t: string): string | undefined {
  const organ = t
    .replace(/[\s\u3000]+/gu, "")
    .replace(/^(?:[经經](?![济濟])|由)/u, "")
    .replace(/(?:公告|通知|文件)$/u, "")
    .replace(/(?:以|令|函|訓令|训令)$/u, "");
  return [...organ].length >= 2 ? organ : undefined;
}

/**
 * The organs of a step, in the order printed: one per number when a joint order prints each
 * organ with its own number (司法院院台廳…號令、行政院院臺法字第…號令…會同訂定發布), else the one
 * stepOrgan reads. Undefined when the step names none.
 */
export function stepOrgans(step: HistoryStep): string[] | undefined {
  const single = stepOrgan(step);
  const head = step.text.split(/[。；;，,]/u)[0]!;
  const numbers = findDocNumbers(head);
  if (numbers.length < 2) return single ? [single] : undefined;
  const out: string[] = [];
  let from = 0;
  for (const n of numbers) {
    const between = head
      .slice(from, n.start)
      .replace(/[\s\u3000]+/gu, "")
      .replace(/^(?:令|函)?[、及和与與]/u, "");
    // Numbers not joined organ by organ (a step citing another order) leave the single reading.
    if (from > 0 && between === head.slice(from, n.start).replace(/[\s\u3000]+/gu, "")) break;
    const organ = cleanStepOrgan(between);
    if (!organ) break;
    out.push(organ);
    from = n.end;
  }
  return out.length >= 2 ? out : single ? [single] : undefined;
}

/** The latest step that approved the text (…国务院批准), for a text that names no other organ. */
export function approvalStep(steps: readonly HistoryStep[]): HistoryStep | undefined {
  return steps.filter((s) => s.action === "adopted" && /批准|核准/u.test(s.text)).at(-1);
}

/**
 * A statute's passing and its promulgation, as a legislature's history table prints them: the day
 * the bill passed with what it did (制定11條, 修正全文12條, 廢止32條), then the day it was
 * promulgated (公布). The promulgation dates the text: published for an enactment, amended for an
 * amendment; a repeal's pair dates no text.
 */
export interface Promulgation {
  readonly passed: HistoryStep;
  readonly promulgated: HistoryStep;
  readonly kind: "published" | "amended" | "repealed";
}

export function promulgations(steps: readonly HistoryStep[]): Promulgation[] {
  const out: Promulgation[] = [];
  for (let i = 0; i + 1 < steps.length; i++) {
    const passed = steps[i]!;
    const promulgated = steps[i + 1]!;
    const did = /^(制定|修正|修訂|修订|增訂|增订|刪除|删除|廢止|废止)/u.exec(
      passed.text.replace(/[\s\u3000]+/gu, ""),
    );
    if (!did || !/^(?:公布|公佈)/u.test(promulgated.text.replace(/[\s\u3000]+/gu, ""))) continue;
    if (promulgated.date < passed.date) continue;
    const kind = /廢止|废止/u.test(did[1]!) ? "repealed" : /制定/u.test(did[1]!) ? "published" : "amended";
    out.push({ passed, promulgated, kind });
    i++;
  }
  return out;
}

/**
 * The version a statute page shows, by the date its text passed: a date alone on its line after
 * the history (民國58年12月5日, 民國31年3月14日(非現行條文)), that is a passing date of the history.
 */
export function shownVersion(
  lines: readonly string[],
  pairs: readonly Promulgation[],
): Promulgation | undefined {
  if (pairs.length === 0) return undefined;
  const after = Math.max(...pairs.map((p) => p.promulgated.line));
  for (const raw of lines.slice(after + 1, after + 12)) {
    const line = raw.replace(/[\s\u3000]+/gu, "");
    if (!line) continue;
    const first = datesInText(line)[0];
    if (first?.start !== 0 || !/^(?:[（(][^（()）]{0,10}[)）])?$/u.test(line.slice(first.end))) continue;
    const shown = pairs.filter((p) => p.passed.date === first.date && p.kind !== "repealed").at(-1);
    if (shown) return shown;
  }
  return undefined;
}
