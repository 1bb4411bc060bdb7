/** The /verify page: a file (drop it on the field) or a SHA-256, and what the gazette knows of it. */
import { escapeHtml as e } from "../search/text.js";
import type { VerificationReport } from "./service.js";

const VERDICTS: Record<VerificationReport["verdict"], string> = {
  authentic: "真实：本公报发布的原件，未经改动",
  tampered: "已被改动：签名与文件内容不符",
  foreign: "非本公报签发：签名有效，但签名证书不属于本公报",
  unknown: "未找到：本公报未发布过此文件",
};

export function renderVerifyPage(input: {
  readonly gazette: string;
  readonly report?: VerificationReport | undefined;
  readonly problem?: string | undefined;
}): string {
  const r = input.report;
  const result = r
    ? `<section class="result ${e(r.verdict)}" aria-live="polite">
<h2>${e(VERDICTS[r.verdict])}</h2>
<dl>
<dt>SHA-256</dt><dd><code>${e(r.sha256)}</code></dd>
${
  r.published
    ? `<dt>发布位置</dt><dd><a href="${e(r.published.url)}">${e(r.published.url)}</a></dd>
<dt>期次</dt><dd>${r.published.edition.year}年第${r.published.edition.issue}期（总第${r.published.edition.cumulative}期）</dd>
<dt>发布时间</dt><dd>${e(r.published.publishedAt)}</dd>
<dt>清单</dt><dd><a href="${e(r.published.manifest.url)}">${e(r.published.manifest.url)}</a>（<a href="${e(r.published.manifest.url)}.jws">签名</a>）</dd>`
    : ""
}
${r.signature ? `<dt>电子签名</dt><dd>${r.signature.present ? (r.signature.valid ? "有效" : "无效") : "无"}${r.signature.signer ? `，签名者 ${e(r.signature.signer.subject)}` : ""}${r.signature.signingTime ? `，签名时间 ${e(r.signature.signingTime)}` : ""}${r.signature.timestamp ? `，时间戳 ${e(r.signature.timestamp.time)}（${e(r.signature.timestamp.authority)}）` : ""}</dd>` : ""}
${r.log ? `<dt>公开日志</dt><dd>第 ${r.log.index} 条，已包含于 ${r.log.size} 条的签名检查点（<a href="/api/log/proof/inclusion?index=${r.log.index}&amp;size=${r.log.size}">包含证明</a>）</dd>` : ""}
</dl>
<ul>${r.reasons.map((x) => `<li>${e(x)}</li>`).join("")}</ul>
</section>`
    : "";
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>核验文件 — ${e(input.gazette)}</title>
<style>
body{font-family:system-ui,"Noto Sans CJK SC",sans-serif;max-width:48rem;margin:1rem auto;padding:0 1rem;line-height:1.6}
label{display:block;margin-top:1rem;font-weight:600}
input[type=file]{display:block;width:100%;padding:2rem 1rem;border:2px dashed #888;border-radius:.5rem;box-sizing:border-box}
input[type=text]{width:100%;box-sizing:border-box;font-family:monospace}
button{margin-top:1rem;padding:.5rem 1.5rem}
.result{margin-top:1.5rem;padding:1rem;border-radius:.5rem;border:2px solid #888}
.authentic{border-color:#1a7f37}.tampered,.foreign{border-color:#b42318}
dt{font-weight:600}dd{margin:0 0 .5rem 0;word-break:break-all}
.problem{color:#b42318}
</style>
</head>
<body>
<header><a href="/">${e(input.gazette)}</a></header>
<main>
<h1>核验文件</h1>
<p>把收到的公报 PDF 拖到下面的框里（或选择文件），也可以填写文件的 SHA-256 值。核验会说明它是哪一期、哪一篇，签名和哈希是否有效，何时发布，以及它在公开日志中的包含证明。离线核验：<code>gazette verify 文件.pdf</code>，见<a href="/signing/certificate.pem">签名证书</a>。</p>
<form method="post" action="/api/verify" enctype="multipart/form-data">
<label for="file">文件</label>
<input id="file" name="file" type="file" accept="application/pdf,.pdf,.json,.html">
<label for="sha256">或 SHA-256</label>
<input id="sha256" name="sha256" type="text" inputmode="latin" autocomplete="off" spellcheck="false" pattern="[0-9a-fA-F]{64}">
<button type="submit">核验</button>
</form>
${input.problem ? `<p class="problem" role="alert">${e(input.problem)}</p>` : ""}
${result}
</main>
</body>
</html>
`;
}
