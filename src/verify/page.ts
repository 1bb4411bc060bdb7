/** The /verify page: a file (drop it on the field) or a SHA-256, and what the gazette knows of it. */
import { escapeHtml as e } from "../search/text.js";
import type { VerificationReport } from "./service.js";

const VERDICTS: Record<VerificationReport["verdict"], string> = {
  authentic: "真实：本公报发布的原件，未经改动",
  tampered: "已被改动：签名与文件内容不符",
  foreign: "非本公报签发：签名有效，但签名证书不属于本公报",
  unknown: "未找到：本公报未发布过此文件",
};

/** A certificate the gazette has signed with, as the page lists it. */
export interface PageCertificate {
  readonly fingerprint: string;
  readonly subject: string;
  readonly addedAt: string;
}

/** "Verifying the gazette" (docs/verifying.md) for readers: what is signed and how to check it yourself. */
function howToVerify(certificates: readonly PageCertificate[]): string {
  const list = certificates.length
    ? `<ul>${certificates
        .map(
          (c, i) =>
            `<li><code>${e(c.fingerprint)}</code>（${e(c.subject)}，${e(c.addedAt.slice(0, 10))}起${i === certificates.length - 1 ? "，现用" : ""}）</li>`,
        )
        .join("")}</ul>`
    : "<p>尚未签发任何文件。</p>";
  return `<section id="verifying" lang="zh-CN">
<h2>自行核验（Verifying the gazette）</h2>
<p>本公报发布的每个 PDF（整期和每篇文件）都带有 PAdES 电子签名，签名者为本公报，签名时间即发布时间；每期的文件清单（各文件的 SHA-256）另有 JWS 签名，并写明上一期清单的哈希；每份清单以及文件的废止、修改、失效和更正都记入只增不改的公开日志（Merkle 树，签名检查点）。核验不必依赖本网站：</p>
<ol>
<li>下载<a href="/signing/certificate.pem">签名证书</a>，核对其 SHA-256 指纹（本公报用过的全部证书见 <a href="/api/signing/certificates">/api/signing/certificates</a>，密钥轮换后旧文件仍以旧证书核验）：${list}</li>
<li>任何 PDF 阅读器的签名面板都会显示签名；用 poppler 的 <code>pdfsig</code>：<pre>mkdir nss &amp;&amp; certutil -N -d sql:nss --empty-password
certutil -A -d sql:nss -n gazette -t "CT,C,C" -i certificate.pem
pdfsig -nssdir sql:nss 文件.pdf</pre></li>
<li>离线核验签名、清单和日志：<pre>npx gazette verify 文件.pdf --certificate certificate.pem
npx gazette verify 文件.pdf --online --save-report report.json
npx gazette verify 文件.pdf --certificate certificate.pem --report report.json --manifest 清单.manifest.json --checkpoint checkpoint.txt</pre>未签名的文件（正文 JSON、签名功能启用前发布的各期）按 SHA-256 经清单和日志核验。</li>
<li>保存一个<a href="/api/log/checkpoint">检查点</a>，日后检查日志只增未改（回滚或分叉都会被发现）：<pre>npx gazette log audit checkpoint.txt --certificate certificate.pem --save checkpoint.txt</pre></li>
</ol>
</section>`;
}

export function renderVerifyPage(input: {
  readonly gazette: string;
  readonly report?: VerificationReport | undefined;
  readonly problem?: string | undefined;
  /** The keyring, oldest first; left out, the how-to section lists none. */
  readonly certificates?: readonly PageCertificate[] | undefined;
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
pre{overflow-x:auto;background:#f4f4f4;padding:.5rem}
</style>
</head>
<body>
<header><a href="/">${e(input.gazette)}</a></header>
<main>
<h1>核验文件</h1>
<p>把收到的公报 PDF 拖到下面的框里（或选择文件），也可以填写文件的 SHA-256 值。核验会说明它是哪一期、哪一篇，签名和哈希是否有效，何时发布，以及它在公开日志中的包含证明。不依赖本网站的核验方法见<a href="#verifying">下方说明</a>。</p>
<form method="post" action="/api/verify" enctype="multipart/form-data">
<label for="file">文件</label>
<input id="file" name="file" type="file" accept="application/pdf,.pdf,.json,.html">
<label for="sha256">或 SHA-256</label>
<input id="sha256" name="sha256" type="text" inputmode="latin" autocomplete="off" spellcheck="false" pattern="[0-9a-fA-F]{64}">
<button type="submit">核验</button>
</form>
${input.problem ? `<p class="problem" role="alert">${e(input.problem)}</p>` : ""}
${result}
${howToVerify(input.certificates ?? [])}
</main>
</body>
</html>
`;
}
