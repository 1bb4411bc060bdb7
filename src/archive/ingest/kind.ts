/**
 * The 文种 of a document whose title does not give it (a title ending in 答复, a body-only text a
 * crawler kept without its heading): read from its 发文字号 (国办函 is a letter, …令第N号 an
 * order) or from the closing or opening formula every 文种 has (现将有关事项通知如下, 特此通知;
 * 现提出以下实施意见; 现批复如下; 特此函复; 特此公告). Pure.
 */
import { parseDocNumber } from "../../documents/doc-number.js";

/** 函 or 令 when the number says so; undefined otherwise. */
export function kindOfDocNumber(printed: string | undefined): string | undefined {
  const parsed = printed ? parseDocNumber(printed) : null;
  if (!parsed) return undefined;
  if (parsed.form === "order") return "令";
  const code = `${parsed.code}${parsed.codeAfterYear}`;
  return /函$|函字$/u.test(code) ? "函" : undefined;
}

/** Formulas that name the 文种 they close or open, in the order tried. */
const FORMULAS: readonly [RegExp, string][] = [
  [/(?:通知如下|特此通知|现予印发|現予印發)/u, "通知"],
  [
    /(?:提出|制定)(?:以下|如下)[\p{Script=Han}]{0,4}意见|意见如下|(?:提出|制定)(?:以下|如下)[\p{Script=Han}]{0,4}意見|意見如下/u,
    "意见",
  ],
  [/批复如下|特此批复|批覆如下|特此批覆/u, "批复"],
  [/函复如下|特此函复|特此函告|函告如下|函覆如下|特此函覆/u, "函"],
  [/决定如下|特作如下决定|決定如下|特作如下決定/u, "决定"],
  [/通报如下|特此通报|通報如下|特此通報/u, "通报"],
  [/特此公告/u, "公告"],
  [/特此通告/u, "通告"],
];

/** How a law's articles name the text itself (本法, 本条例, 本办法…): its 文种. */
const SELF =
  /本(法|条例|條例|办法|辦法|规定|規定|细则|細則|规则|規則|规程|規程|准则|準則|标准|標準)(?![\p{Script=Han}]{0,1}(?:律|规|規))/gu;

/**
 * The 文种 a text's own formula names, from its first and last lines (现将有关事项通知如下), else
 * the word its articles call it by, when they do so at least twice (本法自…起施行, 本办法所称…);
 * undefined when nothing does.
 */
export function kindOfText(lines: readonly string[]): string | undefined {
  const text = lines.filter((l) => l.trim() !== "");
  const places = [...text.slice(0, 8), ...text.slice(-8)];
  for (const [re, kind] of FORMULAS) if (places.some((l) => re.test(l))) return kind;
  const counts = new Map<string, number>();
  for (const line of text)
    for (const m of line.matchAll(SELF)) counts.set(m[1]!, (counts.get(m[1]!) ?? 0) + 1);
  const [best] = [...counts.entries()].sort((a, b) => b[1] - a[1]);
  return best && best[1] >= 2 ? best[0] : undefined;
}
