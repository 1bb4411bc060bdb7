import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SqliteSearchIndex } from "../src/search/embedded/sqlite-search.js";
import type { SearchDocument, SearchIndex } from "../src/search/ports.js";
import { foldText } from "../src/search/text.js";

/**
 * Search benchmark: N synthetic gazette-like documents (titles, 发文字号, issuers, years and body
 * text built from real government vocabulary), indexed by the embedded bigram index and by FTS5's
 * trigram tokenizer (the naive peer) in the same run; latency per query class, known-item
 * recall@1, recall of 2-character queries against a brute-force substring scan, and index size.
 */

// ---------------------------------------------------------------------------------------------
// Deterministic generator

function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ISSUERS: [string, string][] = [
  ["四川省人民政府", "川府发"],
  ["四川省人民政府", "川府函"],
  ["四川省人民政府办公厅", "川办发"],
  ["四川省人民政府办公厅", "川办函"],
  ["四川省发展和改革委员会", "川发改"],
  ["四川省财政厅", "川财"],
  ["四川省教育厅", "川教"],
  ["四川省科学技术厅", "川科"],
  ["四川省经济和信息化厅", "川经信"],
  ["四川省公安厅", "川公"],
  ["四川省民政厅", "川民政"],
  ["四川省司法厅", "川司法"],
  ["四川省人力资源和社会保障厅", "川人社"],
  ["四川省自然资源厅", "川自然资"],
  ["四川省生态环境厅", "川环"],
  ["四川省住房和城乡建设厅", "川建"],
  ["四川省交通运输厅", "川交"],
  ["四川省水利厅", "川水"],
  ["四川省农业农村厅", "川农"],
  ["四川省商务厅", "川商"],
  ["四川省文化和旅游厅", "川文旅"],
  ["四川省卫生健康委员会", "川卫"],
  ["四川省应急管理厅", "川应急"],
  ["四川省审计厅", "川审"],
  ["四川省市场监督管理局", "川市监"],
  ["四川省统计局", "川统"],
  ["四川省林业和草原局", "川林"],
  ["成都市人民政府", "成府发"],
  ["绵阳市人民政府", "绵府发"],
  ["德阳市人民政府", "德府发"],
  ["宜宾市人民政府", "宜府发"],
  ["南充市人民政府", "南府发"],
  ["泸州市人民政府", "泸府发"],
  ["乐山市人民政府", "乐府发"],
  ["国务院", "国发"],
  ["国务院办公厅", "国办发"],
];
const KINDS = ["通知", "意见", "决定", "办法", "规定", "通报", "批复", "公告", "方案", "规划"];
const STATUSES = ["有效", "有效", "有效", "有效", "已修改", "已废止", "失效"];
const TOPICS = [
  "安全生产",
  "环境保护",
  "耕地保护",
  "乡村振兴",
  "营商环境",
  "数字经济",
  "高质量发展",
  "防汛抗旱",
  "森林防火",
  "义务教育",
  "医疗保障",
  "养老服务",
  "住房保障",
  "就业创业",
  "科技创新",
  "招商引资",
  "对外开放",
  "文化旅游",
  "食品安全",
  "药品监管",
  "交通运输",
  "水利建设",
  "城乡规划",
  "土地管理",
  "财政预算",
  "政府采购",
  "审计监督",
  "统计调查",
  "应急管理",
  "社会救助",
  "退役军人",
  "民族团结",
  "生态文明",
  "节能减排",
  "大气污染",
  "河长制",
  "新型城镇化",
  "农村改革",
  "国有资产",
  "金融风险",
  "知识产权",
  "市场监管",
  "消费扶贫",
  "城市更新",
  "污水处理",
  "垃圾分类",
  "人才引进",
  "职业教育",
  "公共卫生",
  "疫情防控",
];
const VERBS = [
  "加强",
  "推进",
  "做好",
  "促进",
  "规范",
  "完善",
  "深化",
  "落实",
  "支持",
  "优化",
  "健全",
  "实施",
];
const OBJECTS = [
  "工作",
  "管理",
  "体系",
  "机制",
  "制度",
  "建设",
  "改革",
  "服务",
  "监督",
  "保障",
  "试点",
  "行动",
  "考核",
  "规划",
  "项目",
];
const SENTENCES = [
  "为{v}{t}{o}，根据有关法律法规，结合本省实际，制定本{k}。",
  "各地各部门要高度重视{t}，把{v}{t}{o}摆上重要议事日程。",
  "{p}要切实履行主体责任，确保{t}各项任务落到实处。",
  "到{y}年，全省{t}{o}取得明显成效，基本形成{v}{t}的长效机制。",
  "坚持以人民为中心的发展思想，统筹发展和安全，{v}{t}{o}。",
  "各市（州）人民政府要建立健全{t}{o}，加大资金投入，强化督促检查。",
  "省直有关部门要按照职责分工，密切配合，{v}{t}相关{o}。",
  "对在{t}工作中成绩突出的单位和个人，按照有关规定给予表彰。",
  "本{k}自印发之日起施行，有效期五年。",
  "{p}开展{t}{o}，探索可复制可推广的经验做法。",
  "加大对{p}等地{t}的支持力度，安排专项资金{n}万元。",
  "严格落实{t}责任制，对工作不力的严肃追责问责。",
];
/** Characters for generated place names: rare three-character names make known items. */
const NAME_CHARS =
  "青杠岭石桥柏林松溪龙泉凤凰白鹤黄桷金牛玉堂紫云碧峰红岩铜梁锦江东岳西岭南坪北坝茶园竹林梨花桃源杏坛柳塘荷塘梅岭兰溪菊井桂湖枫桥云顶雾山雪峰霞光星辰月湾日照风吹雨润雷鸣电闪冰川火焰土城沙河泥湾江口湖畔海棠河坝溪口瀑布温泉寒山暖谷".split(
    "",
  );
const PLACE_SUFFIX = ["镇", "乡", "村", "街道", "社区", "县"];

export interface GeneratedDocument extends SearchDocument {
  /** A phrase only this document is likely to contain (its generated place name). */
  readonly distinctive: string;
}

export function generateDocuments(n: number, seed = 20240601): GeneratedDocument[] {
  const r = rng(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
  const serials = new Map<string, number>();
  const places = new Set<string>();
  const docs: GeneratedDocument[] = [];
  for (let i = 0; i < n; i++) {
    const [issuer, prefix] = pick(ISSUERS);
    const year = 1980 + Math.floor(r() * 46);
    const month = 1 + Math.floor(r() * 12);
    const day = 1 + Math.floor(r() * 28);
    const date = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
    const serialKey = `${prefix}${year}`;
    const serial = (serials.get(serialKey) ?? 0) + 1;
    serials.set(serialKey, serial);
    const kind = pick(KINDS);
    const topic = pick(TOPICS);
    // Unique, so a known-item query names one document (random names collide for 2.5% of them).
    let place: string;
    do place = `${pick(NAME_CHARS)}${pick(NAME_CHARS)}${pick(NAME_CHARS)}${pick(PLACE_SUFFIX)}`;
    while (places.has(place));
    places.add(place);
    const title = `${issuer}关于${pick(VERBS)}${topic}${pick(OBJECTS)}的${kind}`;
    const sentences: string[] = [];
    const count = 8 + Math.floor(r() * 16);
    for (let s = 0; s < count; s++) {
      sentences.push(
        pick(SENTENCES).replace(/\{(\w)\}/g, (_, k: string) => {
          switch (k) {
            case "v":
              return pick(VERBS);
            case "t":
              return r() < 0.5 ? topic : pick(TOPICS);
            case "o":
              return pick(OBJECTS);
            case "k":
              return kind;
            case "y":
              return String(year + 5);
            case "n":
              return String(100 + Math.floor(r() * 9900));
            default:
              return place;
          }
        }),
      );
      if (s % 6 === 5) sentences.push("\n");
    }
    // The place appears at least once, wherever the templates put it.
    if (!sentences.some((s) => s.includes(place))) sentences.splice(1, 0, `${place}要先行先试。`);
    docs.push({
      id: `bench-${i}`,
      source: r() < 0.3 ? "archive" : "gazette",
      title,
      docNumber: `${prefix}〔${year}〕${serial}号`,
      issuers: [issuer],
      kind,
      date,
      status: pick(STATUSES),
      text: sentences.join(""),
      url: `/documents/bench-${i}.html`,
      distinctive: place,
    });
  }
  return docs;
}

// ---------------------------------------------------------------------------------------------
// Measuring

function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export interface QueryClassResult {
  readonly queries: number;
  readonly p50Ms: number;
  readonly p95Ms: number;
  /** CPU time of this process per query: what the query costs when the machine is shared. */
  readonly cpuP50Ms: number;
  readonly cpuP95Ms: number;
  /** Queries that returned at least one hit. */
  readonly nonEmpty: number;
}

export interface EngineResult {
  readonly engine: "bigram" | "trigram";
  readonly buildDocsPerSecond: number;
  readonly indexBytes: number;
  readonly classes: Record<"oneChar" | "twoChar" | "fourChar" | "docNumber", QueryClassResult>;
  /** Known-item: a document's distinctive phrase; recall@1 = target ranked first. */
  readonly knownItemRecallAt1: number;
  /** Known-item: a document's 发文字号, typed with [ ] and full-width digits. */
  readonly docNumberRecallAt1: number;
  /** 2-character queries: hits found / documents containing the string (brute-force scan). */
  readonly twoCharRecall: number;
}

export interface SearchBenchResult {
  readonly documents: number;
  readonly averageChars: number;
  readonly engines: EngineResult[];
}

async function timeQueries(index: SearchIndex, queries: readonly string[]): Promise<QueryClassResult> {
  const times: number[] = [];
  const cpu: number[] = [];
  let nonEmpty = 0;
  for (const q of queries) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await index.search({ q, limit: 20 });
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    if (result.hits.length) nonEmpty++;
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  return {
    queries: queries.length,
    p50Ms: percentile(times, 50),
    p95Ms: percentile(times, 95),
    cpuP50Ms: percentile(cpu, 50),
    cpuP95Ms: percentile(cpu, 95),
    nonEmpty,
  };
}

function dirBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

function sample<T>(list: readonly T[], n: number, r: () => number): T[] {
  return Array.from({ length: n }, () => list[Math.floor(r() * list.length)]!);
}

/** A 发文字号 as people type it: [ ] brackets, full-width digits. */
function typedDocNumber(docNumber: string, r: () => number): string {
  const bracketed = docNumber.replace("〔", "[").replace("〕", "]");
  return r() < 0.5
    ? bracketed
    : bracketed.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
}

export async function benchSearch(
  n: number,
  options: { queriesPerClass?: number; log?: (s: string) => void } = {},
): Promise<SearchBenchResult> {
  const log = options.log ?? (() => {});
  const perClass = options.queriesPerClass ?? 200;
  log(`generating ${n} documents…`);
  const docs = generateDocuments(n);
  const averageChars = docs.reduce((s, d) => s + d.text.length + d.title.length, 0) / docs.length;
  const r = rng(7);
  const oneChar = sample("省市县水农教医安政法税林".split(""), perClass, r);
  const twoChar = sample(
    [
      "安全",
      "环境",
      "教育",
      "医疗",
      "交通",
      "财政",
      "审计",
      "养老",
      "就业",
      "林业",
      "防火",
      "扶贫",
      "创新",
      "采购",
    ],
    perClass,
    r,
  );
  const fourChar = sample(
    TOPICS.filter((t) => t.length === 4),
    perClass,
    r,
  );
  const knownItems = sample(docs, perClass, r);
  const docNumberQueries = knownItems.map((d) => typedDocNumber(d.docNumber!, r));
  // Brute-force truth for a few 2-character queries: documents whose folded text contains them.
  const truthQueries = ["安全", "养老", "林业", "审计", "扶贫"];
  const folded = docs.map((d) => foldText([d.title, d.docNumber, ...d.issuers, d.text].join("\n")));
  const truth = truthQueries.map((q) => folded.filter((t) => t.includes(q)).length);

  const engines: EngineResult[] = [];
  for (const engine of ["bigram", "trigram"] as const) {
    const dir = mkdtempSync(join(tmpdir(), `gazette-search-bench-${engine}-`));
    try {
      const index = new SqliteSearchIndex(join(dir, "search.sqlite"), { tokenizer: engine });
      log(`${engine}: indexing ${n} documents…`);
      const t0 = performance.now();
      for (let i = 0; i < docs.length; i += 1000) await index.index(docs.slice(i, i + 1000));
      const buildMs = performance.now() - t0;
      // Close and reopen: the size is measured after the WAL is checkpointed into the file.
      index.close();
      const indexBytes = dirBytes(dir);
      const reopened = new SqliteSearchIndex(join(dir, "search.sqlite"), { tokenizer: engine });
      await reopened.search({ q: "预热" });
      log(`${engine}: querying…`);
      const classes = {
        oneChar: await timeQueries(reopened, oneChar),
        twoChar: await timeQueries(reopened, twoChar),
        fourChar: await timeQueries(reopened, fourChar),
        docNumber: await timeQueries(reopened, docNumberQueries),
      };
      let known = 0;
      for (const d of knownItems) {
        const { hits } = await reopened.search({ q: d.distinctive, limit: 1 });
        if (hits[0]?.id === d.id) known++;
      }
      let byNumber = 0;
      for (const [i, d] of knownItems.entries()) {
        const { hits } = await reopened.search({ q: docNumberQueries[i]!, limit: 1 });
        if (hits[0]?.id === d.id) byNumber++;
      }
      let found = 0;
      for (const q of truthQueries) found += (await reopened.search({ q, limit: 1 })).total;
      reopened.close();
      engines.push({
        engine,
        buildDocsPerSecond: (n * 1000) / buildMs,
        indexBytes,
        classes,
        knownItemRecallAt1: known / knownItems.length,
        docNumberRecallAt1: byNumber / knownItems.length,
        twoCharRecall: found / truth.reduce((a, b) => a + b, 0),
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  return { documents: n, averageChars, engines };
}

export function searchReport(r: SearchBenchResult): string[] {
  const [ours, peer] = r.engines;
  const mb = (b: number) => `${(b / 1024 / 1024).toFixed(1)} MiB`;
  const ms = (x: number) => (Number.isNaN(x) ? "n/a" : `${x.toFixed(1)} ms`);
  const lines = [
    `documents: ${r.documents} synthetic gazette documents, ${r.averageChars.toFixed(0)} characters on average (title + text)`,
    "latency: SearchIndex.search({q, limit: 20}) end to end: match, rank, facet counts over all matches, 20 snippets;",
    "wall-clock and this process's CPU time per query (the CPU time is what a query costs; wall-clock also counts waiting for a core)",
    "",
  ];
  for (const e of r.engines) {
    lines.push(
      `## ${e.engine === "bigram" ? "ours: FTS5 over CJK bigrams (+ run-final unigram)" : "peer: FTS5 trigram tokenizer"}`,
      `index build: ${e.buildDocsPerSecond.toFixed(0)} documents/s; index size: ${mb(e.indexBytes)} (file, text for snippets included)`,
    );
    for (const [name, label] of [
      ["oneChar", "1-character"],
      ["twoChar", "2-character"],
      ["fourChar", "4-character"],
      ["docNumber", "发文字号"],
    ] as const) {
      const c = e.classes[name];
      lines.push(
        `${label} queries: p50 ${ms(c.p50Ms)}, p95 ${ms(c.p95Ms)} (CPU p50 ${ms(c.cpuP50Ms)}, p95 ${ms(c.cpuP95Ms)}); ${c.nonEmpty}/${c.queries} returned hits`,
      );
    }
    lines.push(
      `known-item recall@1 (distinctive phrase): ${e.knownItemRecallAt1.toFixed(3)}; by 发文字号 typed with [ ] / full-width digits: ${e.docNumberRecallAt1.toFixed(3)}`,
      `2-character recall against a brute-force substring scan: ${e.twoCharRecall.toFixed(3)}`,
      "",
    );
  }
  if (ours && peer) {
    const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : "n/a");
    lines.push(
      "## ratios ours/peer",
      `build speed: ${ratio(ours.buildDocsPerSecond, peer.buildDocsPerSecond)}; index size: ${ratio(ours.indexBytes, peer.indexBytes)}`,
      `p95 4-character: ${ratio(ours.classes.fourChar.p95Ms, peer.classes.fourChar.p95Ms)}; p95 发文字号: ${ratio(ours.classes.docNumber.p95Ms, peer.classes.docNumber.p95Ms)}`,
      `known-item recall@1: ${ratio(ours.knownItemRecallAt1, peer.knownItemRecallAt1)}; 2-character recall: ours ${ours.twoCharRecall.toFixed(3)} vs peer ${peer.twoCharRecall.toFixed(3)}`,
      "",
    );
    const worstP95 = Math.max(...Object.values(ours.classes).map((c) => c.p95Ms));
    const worstCpuP95 = Math.max(...Object.values(ours.classes).map((c) => c.cpuP95Ms));
    lines.push(
      `goal p95 < 50 ms in every query class: ${worstP95 < 50 ? "met" : "not met"} (worst wall-clock p95 ${ms(worstP95)}; worst CPU p95 ${ms(worstCpuP95)})`,
      `goal known-item recall@1 ≥ 0.95: ${Math.min(ours.knownItemRecallAt1, ours.docNumberRecallAt1) >= 0.95 ? "met" : "not met"}`,
      "",
    );
  }
  return lines;
}
