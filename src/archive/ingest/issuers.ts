/**
 * The issuing organs of one ingested document, in the order printed. Evidence, strongest first:
 * a labelled field (发文机关：); an order or letter header as the title (行政院令, 行政院環境保護署、
 * 交通部令, 內政部函); the 署名 above the 成文日期 (an abbreviation such as 省政府办公厅 completed
 * from the title's issuer); the publishing organ of a history line (1986年12月25日 公安部公布,
 * …国务院令第37号发布, 國民政府令公布); the organ of the document's own 令 number; the adopting
 * organ (…全国人民代表大会常务委员会第三次会议通过); the issuer the title names (…关于…).
 */
import { parseDocNumber } from "../../documents/doc-number.js";
import { kindOfTitle } from "../segment.js";
import {
  approvalStep,
  currentTextStep,
  historySteps as datedSteps,
  stepOrgan,
  stepOrgans,
} from "./history.js";

const ORG =
  /(人民政府|政府|常务委员会|常務委員會|人民代表大会|人民代表大會|办公厅|辦公廳|办公室|辦公室|委员会|委員會|军委|軍委|秘书处|秘書處|厅|廳|局|部|院|署|会|會|处|處|中心|場|场|所|館|馆|银行|銀行|法院|检察院|檢察院|党组|黨組|党委|黨委|总署|總署|總統|总统|國民政府|国民政府|政務院|政务院)$/u;

const PRC = /^(中华人民共和国|中華人民共和國)(?=.{2,})/u;

function clean(org: string): string {
  return org
    .replace(/[\s\u3000]+/g, "")
    .replace(/^(?:[经經](?![济濟])|由)/u, "")
    .replace(/第[一二三四五六七八九十百\d]+[届屆]/, "")
    .replace(PRC, "");
}

/** Organs joined with 、 (或 和/及), each an organ's name. */
function organs(s: string): string[] | undefined {
  const parts = s
    .split(/[、，,]|(?<=[部局院署会會])(?:和|及|与|與)/)
    .map(clean)
    .filter(Boolean);
  return parts.length && parts.every((p) => [...p].length >= 2 && [...p].length <= 25 && ORG.test(p))
    ? parts
    : undefined;
}

/** The organs of an order or letter header: 行政院令, 行政院環境保護署、交通部令, 內政部函, 行政院公告. */
export function issuersOfHeader(title: string): string[] | undefined {
  const t = title.replace(/[\s\u3000]+/g, "");
  if (/关于|關於/.test(t)) return undefined;
  const m = /^(.{2,80}?)(令|函|書函|书函|公告|通告|公函)$/u.exec(t);
  if (!m || (m[2] === "令" && kindOfTitle(t) !== "令")) return undefined;
  return organs(m[1]!);
}

/** The organ(s) of a 令 number: 公安部令第125号, 监察部、人事部…令第7号, 中华人民共和国国务院令第37号. */
export function issuersOfOrderNumber(number: string): string[] | undefined {
  const m = /^(.{2,80}?)令\s*第/u.exec(number.replace(/[\s\u3000]+/g, ""));
  return m ? organs(m[1]!) : undefined;
}

interface HistoryOrgans {
  readonly published?: string[] | undefined;
  readonly adopted?: string[] | undefined;
}

/** Number expressions inside a history step: （89）華總一義字第 8900098160 號, 令第37号. */
const NUMBERS =
  /[（(][0-9０-９一二三四五六七八九十〇]{1,4}[)）]|[\p{Script=Han}]{0,10}字第[0-9０-９]+[號号]|第[0-9０-９一二三四五六七八九十百零〇]+[號号]/gu;

const PUBLISHED =
  /^(.{2,60}?)(?:令|函)?(?:修正|修訂|修订|增訂|增订|刪除|删除)?(?:制定|訂定|订定)?(?:全文)?(?:發布|发布|公布|公佈|頒布|颁布|訂頒|订颁|訂定|订定|制定)/u;
const ADOPTED =
  /^(.{2,60}?)(?:第[一二三四五六七八九十百\d]+次)?(?:常务|常務|全体|全體)?(?:会议|會議)(?:审议|審議)?(?:通过|通過)/u;

/**
 * Organs named by the history lines at the head of a regulation: who published it (发布/公布/
 * 發布/頒布, 令…号发布, 令制定公布, 函修正發布) in its latest step, or who adopted it (…会议通过).
 */
export function issuersOfHistory(lines: readonly string[]): HistoryOrgans {
  let published: string[] | undefined;
  let adopted: string[] | undefined;
  for (const { text } of datedSteps(lines)) {
    const step = text.replace(/[\s\u3000]+/gu, "");
    const rest = step.replace(NUMBERS, "");
    const pub = PUBLISHED.exec(rest);
    // 總統（75）華總（一）義字第6006號令…: the organ stands before its number.
    const numbered = /^(.{2,20}?)[（(][0-9０-９一二三四五六七八九十〇]{2,4}[)）].{0,16}?字第/u.exec(step);
    const o =
      (numbered && /(發布|发布|公布|公佈|頒布|颁布|訂頒|订颁|訂定|订定|制定)/.test(step)
        ? organs(numbered[1]!)
        : undefined) ?? (pub ? organs(pub[1]!.replace(/令$/, "")) : undefined);
    if (o) published = o;
    const ad = ADOPTED.exec(rest);
    const a = ad && !adopted ? organs(ad[1]!) : undefined;
    if (a) adopted = a;
  }
  return { published, adopted };
}

const TITLE_ISSUER = /^(.{2,60}?)(?:关于|關於|印发|印發|转发|轉發)/u;

/** The organs a title names before 关于: 国务院、中央军委关于保护通信线路的规定 → 国务院, 中央军委. */
export function issuersOfTitle(title: string): string[] | undefined {
  const m = TITLE_ISSUER.exec(title.replace(/[\s\u3000]+/g, ""));
  return m ? organs(m[1]!.replace(/[、和与與及]$/, "")) : undefined;
}

/** A 署名 completed from the title's issuer: 省政府办公厅 under 江西省人民政府办公厅关于… */
function completedSignature(signed: readonly string[], fromTitle: readonly string[] | undefined): string[] {
  if (!fromTitle || signed.length !== 1 || fromTitle.length !== 1) return [...signed];
  const s = signed[0]!;
  const t = fromTitle[0]!;
  if (t === s) return [s];
  if (t.includes(s)) return [t];
  if (/^[省市县縣区區州]/.test(s) && s.slice(-2) === t.slice(-2)) return [t];
  return [s];
}

export interface IssuerEvidence {
  readonly stated?: readonly string[] | undefined;
  readonly title: string;
  readonly docNumberPrinted?: string | undefined;
  /** The 署名 segmentation found above the 成文日期 (empty when none). */
  readonly signed: readonly string[];
  readonly lines: readonly string[];
}

export function documentIssuers(e: IssuerEvidence): string[] {
  const fromTitle = e.title ? issuersOfTitle(e.title) : undefined;
  if (e.stated?.length) return completedSignature(e.stated, fromTitle);
  const header = e.title ? issuersOfHeader(e.title) : undefined;
  if (header) return header;
  // Joint organs found as one (最高人民法院、最高人民检察院) are each an issuer.
  const signed = e.signed.flatMap((s) => {
    const split = organs(s);
    return split && split.length > 1 ? split : [s];
  });
  if (signed.length) return completedSignature(signed, fromTitle);
  // The step that made the current text names its organ (內政部台內戶字第…號令訂定發布), or its 令
  // number does (公安部令第149号《…》修正).
  const steps = datedSteps(e.lines);
  const current = currentTextStep(steps);
  const currentOrgans = current ? stepOrgans(current) : undefined;
  const named = currentOrgans?.map((o) => organs(o));
  const fromStep =
    (named?.length && named.every((o) => o !== undefined) ? named.flat() : undefined) ??
    (current?.number ? issuersOfOrderNumber(current.number.printed) : undefined);
  if (fromStep) return fromStep;
  const history = issuersOfHistory(e.lines);
  if (history.published) return history.published;
  const order = e.docNumberPrinted ? issuersOfOrderNumber(e.docNumberPrinted) : undefined;
  if (order) return order;
  if (history.adopted) return history.adopted;
  if (fromTitle) return fromTitle;
  // The number's 机关代字 (国办函 → 国务院办公厅, 院臺 → 行政院).
  const coded = issuersOfCode(e.docNumberPrinted);
  if (coded) return coded;
  // Only an approval is printed (1990年4月9日 国务院批准): the approving organ.
  const approval = approvalStep(steps);
  const approver = approval ? stepOrgan(approval) : undefined;
  return (approver ? organs(approver) : undefined) ?? [];
}

/**
 * 机关代字 of central organs, as their 发文字号 begin (canonical Simplified spelling, see
 * parseDocNumber): the organ a number names when nothing else in the text does. Only codes that
 * one organ alone uses (院臺 is both 行政院's and 司法院's, so it is not here).
 */
const ORGAN_CODES: readonly [string, string][] = [
  ["国办发", "国务院办公厅"],
  ["国办函", "国务院办公厅"],
  ["国发", "国务院"],
  ["国函", "国务院"],
  ["中发", "中共中央"],
  ["中办发", "中共中央办公厅"],
  ["法释", "最高人民法院"],
  ["法发", "最高人民法院"],
  ["高检发", "最高人民检察院"],
  ["华总", "总统"],
];

/** The organ whose 机关代字 a number begins with (国办函〔2006〕82号 → 国务院办公厅), printed in the number's script. */
export function issuersOfCode(docNumberPrinted: string | undefined): string[] | undefined {
  const parsed = docNumberPrinted ? parseDocNumber(docNumberPrinted) : null;
  if (!parsed || parsed.form === "order") return undefined;
  const code = `${parsed.code}${parsed.codeAfterYear}`;
  const hit = ORGAN_CODES.find(([prefix]) => code.startsWith(prefix));
  if (!hit) return undefined;
  // A Traditional number names its organ in Traditional script.
  const traditional = /[發號臺總華]/u.test(docNumberPrinted!);
  const organ = traditional ? ({ 行政院: "行政院", 总统: "總統" }[hit[1]] ?? hit[1]) : hit[1];
  return [organ];
}
