import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  bodyCoverage,
  checkRepostPage,
  longestCommonSubsequence,
  normalizeForComparison,
  visibleText,
} from "../../src/reposts/verification.js";

const SAMPLES = join(import.meta.dirname, "../../samples/documents");

function sample(name: string): { title: string; docNumber: string | null; text: string } {
  const d = JSON.parse(readFileSync(join(SAMPLES, name), "utf8")) as {
    title: string;
    docNumber: string | null;
    body: string;
  };
  return { title: d.title, docNumber: d.docNumber, text: d.body };
}

const FLOOD = sample("02-notice-flood-prevention.json");
const ELDERLY = sample("03-policy-opinions-elderly-childcare.json");

function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** A county government's article page: navigation, breadcrumb, the repost, share bar, footer. */
function repostPage(parts: { title?: string; docNumber?: string; paragraphs: readonly string[] }): string {
  return `<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${escapeHtml(parts.title ?? "")}_锦江区人民政府</title>
<style>.nav{color:red} /* 川府发〔2099〕1号 */</style>
<script>var config = {"page": "article", "doc": "四川省人民政府关于"};</script></head>
<body>
<div class="nav"><a href="/">首页</a> | <a href="/zwgk/">政务公开</a> | <a href="/zcwj/">政策文件</a> | <a href="/hdjl/">互动交流</a></div>
<div class="crumb">当前位置：首页 &gt; 政务公开 &gt; 上级文件</div>
<div class="article">
  <h1>${escapeHtml(parts.title ?? "")}</h1>
  <div class="meta">来源：四川省人民政府&nbsp;&nbsp;发布时间：2026-03-02 09:30&nbsp;&nbsp;字号：[大 中 小]</div>
  ${parts.docNumber ? `<p class="docno">${escapeHtml(parts.docNumber)}</p>` : ""}
  ${parts.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n  ")}
</div>
<div class="share">分享到：微信 微博</div>
<noscript>请启用JavaScript以获得更好的浏览体验</noscript>
<div class="footer">主办：成都市锦江区人民政府办公室 &copy; 2026 版权所有 蜀ICP备00000000号</div>
</body></html>`;
}

const paragraphs = (text: string) => text.split("\n");

describe("checkRepostPage", () => {
  it("accepts a county site's page that carries the document inside its own template", () => {
    // Prepare
    const html = repostPage({
      title: FLOOD.title,
      docNumber: FLOOD.docNumber!,
      paragraphs: paragraphs(FLOOD.text),
    });
    // Act
    const result = checkRepostPage(html, FLOOD);
    // Assess
    expect(result).toEqual({ ok: true });
  });

  it("names the 发文字号 when the page leaves it out", () => {
    // Prepare
    const html = repostPage({ title: FLOOD.title, paragraphs: paragraphs(FLOOD.text) });
    // Act
    const result = checkRepostPage(html, FLOOD);
    // Assess
    expect(result).toEqual({ ok: false, reason: "docNumber: 川府发〔2024〕9号 not found on the page" });
  });

  it("reports the coverage and the first missing text when the body is cut short", () => {
    // Prepare: only the first third of the body
    const cut = Math.floor(FLOOD.text.length / 3);
    const html = repostPage({
      title: FLOOD.title,
      docNumber: FLOOD.docNumber!,
      paragraphs: paragraphs(FLOOD.text.slice(0, cut)),
    });
    // Act
    const result = checkRepostPage(html, FLOOD);
    // Assess
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(
      /^body: only [1-4]\d\.\d% of the text found in order \(98% required\), first missing: “.+”$/,
    );
  });

  it("names title, 发文字号 and body when the page carries another document", () => {
    // Prepare
    const html = repostPage({
      title: ELDERLY.title,
      docNumber: ELDERLY.docNumber!,
      paragraphs: paragraphs(ELDERLY.text),
    });
    // Act
    const result = checkRepostPage(html, FLOOD);
    // Assess
    expect(result.ok).toBe(false);
    const reason = result.ok ? "" : result.reason;
    expect(reason).toContain(`title: “${FLOOD.title}” not found on the page`);
    expect(reason).toContain("docNumber: 川府发〔2024〕9号 not found on the page");
    expect(reason).toMatch(/body: only \d{1,2}\.\d% of the text found in order/);
  });

  it("ignores full-width and half-width differences, other brackets and whitespace", () => {
    // Prepare: retyped with full-width digits, ［］ brackets, a leading zero, and broken lines
    const retyped = FLOOD.text.replace(/2024/g, "２０２４").replace(/。/g, "。\n   ").replace(/，/g, " , ");
    const html = repostPage({
      title: FLOOD.title.replace("2024", "２０２４").split("").join(" "),
      docNumber: "川府发［２０２４］０９号",
      paragraphs: paragraphs(retyped),
    });
    // Act
    const result = checkRepostPage(html, FLOOD);
    // Assess
    expect(result).toEqual({ ok: true });
  });

  it("tolerates a few retyped characters but not more than 2% of the body", () => {
    // Prepare: replace every 80th (≈1.25%) or every 30th (≈3.3%) character of the body
    const retype = (every: number) =>
      [...FLOOD.text].map((c, i) => (i % every === every - 1 && c.trim() ? "※" : c)).join("");
    const page = (text: string) =>
      repostPage({ title: FLOOD.title, docNumber: FLOOD.docNumber!, paragraphs: paragraphs(text) });
    // Act
    const few = checkRepostPage(page(retype(80)), FLOOD);
    const many = checkRepostPage(page(retype(30)), FLOOD);
    // Assess
    expect(few).toEqual({ ok: true });
    expect(many.ok).toBe(false);
    expect(!many.ok && many.reason).toMatch(/^body: only 9[67]\.\d% of the text found in order/);
  });

  it("decodes HTML entities before comparing", () => {
    // Prepare
    const document = {
      title: "关于R&D投入“加计扣除”的通知",
      docNumber: "川财税〔2026〕3号",
      text: "研发费用<含R&D>按规定扣除。\n本通知自印发之日起施行。",
    };
    const html =
      "<h1>关于R&amp;D投入&ldquo;加计扣除&rdquo;的通知</h1><p>川财税&#12308;2026&#x3015;3号</p>" +
      "<p>研发费用&lt;含R&amp;D&gt;按规定扣除。</p><p>本通知自印发之日起施行。</p>";
    // Act
    const result = checkRepostPage(html, document);
    // Assess
    expect(result).toEqual({ ok: true });
  });

  it("does not count text that only appears in scripts or styles", () => {
    // Prepare: the page embeds the document as script data but shows something else
    const html = `<script>window.doc = ${JSON.stringify(FLOOD)}</script><style>/* ${FLOOD.title} */</style><p>页面建设中</p>`;
    // Act
    const result = checkRepostPage(html, FLOOD);
    // Assess
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(/^title: .*; docNumber: .*; body: only 0\.\d% of the text/);
  });

  it("does not require a 发文字号 the document does not have", () => {
    // Prepare
    const document = { ...FLOOD, docNumber: null };
    const html = repostPage({ title: FLOOD.title, paragraphs: paragraphs(FLOOD.text) });
    // Act / Assess
    expect(checkRepostPage(html, document)).toEqual({ ok: true });
  });

  it("finds an order number spelled with the full 令 name", () => {
    // Prepare
    const document = { title: "四川省政府令", docNumber: "第356号", text: "" };
    // Act / Assess
    expect(checkRepostPage("<p>四川省政府令</p><p>四川省人民政府令第356號</p>", document)).toEqual({
      ok: true,
    });
    expect(checkRepostPage("<p>四川省政府令</p><p>四川省人民政府令第1356号</p>", document).ok).toBe(false);
  });

  it("checks a 100,000-character document against a larger page", () => {
    // Prepare: 400 distinct paragraphs, the page with a navigation block every 50 paragraphs
    const body = Array.from(
      { length: 450 },
      (_, i) => `第${i + 1}条　${FLOOD.text.slice((i * 37) % 500, ((i * 37) % 500) + 240)}`,
    );
    const document = { title: FLOOD.title, docNumber: FLOOD.docNumber, text: body.join("\n") };
    const shown = body.map((p, i) =>
      i % 50 === 0 ? `<div>相关链接 上一篇 下一篇 ${"导航".repeat(100)}</div>${p}` : p,
    );
    const html = repostPage({ title: FLOOD.title, docNumber: FLOOD.docNumber!, paragraphs: shown });
    const truncated = repostPage({
      title: FLOOD.title,
      docNumber: FLOOD.docNumber!,
      paragraphs: shown.slice(0, 440),
    });
    // Act
    const whole = checkRepostPage(html, document);
    const short = checkRepostPage(truncated, document);
    // Assess
    expect(document.text.length).toBeGreaterThan(100_000);
    expect(whole).toEqual({ ok: true });
    expect(short).toMatchObject({ ok: false, reason: expect.stringMatching(/^body: only 97\.\d%/) });
  });
});

describe("visibleText", () => {
  it("leaves out script, style, noscript and template content", () => {
    const text = visibleText(
      "<p>甲</p><script>乙</script><style>丙</style><noscript>丁</noscript><template><p>戊</p></template><p>己</p>",
    );
    expect(text.replace(/\s/g, "")).toBe("甲己");
  });
});

describe("normalizeForComparison", () => {
  it("unifies widths and brackets and drops whitespace", () => {
    expect(normalizeForComparison("川府发［２０２４］　９号\n【附件】[1] ＡＢＣ，ｘ")).toBe(
      "川府发〔2024〕9号〔附件〕〔1〕ABC,x",
    );
  });
});

describe("bodyCoverage", () => {
  it("counts an empty body as fully covered", () => {
    expect(bodyCoverage("\n \n", "任何页面")).toEqual({ total: 0, coverage: 1, firstMissing: null });
  });
});

describe("longestCommonSubsequence", () => {
  function reference(a: string, b: string): number {
    const row = new Array<number>(b.length + 1).fill(0);
    for (let i = 1; i <= a.length; i++) {
      let diagonal = 0;
      for (let j = 1; j <= b.length; j++) {
        const above = row[j]!;
        row[j] = a[i - 1] === b[j - 1] ? diagonal + 1 : Math.max(above, row[j - 1]!);
        diagonal = above;
      }
    }
    return row[b.length]!;
  }

  it("agrees with the dynamic-programming LCS, across word boundaries", () => {
    const text = fc.string({ unit: fc.constantFrom("的", "通", "知", "a", "b"), maxLength: 150 });
    fc.assert(
      fc.property(text, text, (a, b) => {
        expect(longestCommonSubsequence(a, b).length).toBe(reference(a, b));
      }),
      { numRuns: 300 },
    );
  });

  it("ends right after the last character it uses", () => {
    expect(longestCommonSubsequence("防汛", "xx防yy汛zz")).toEqual({ length: 2, end: 6 });
  });
});
