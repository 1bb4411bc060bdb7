/** The article pages a simulated site publishes when it reposts a document. */

export interface RepostDocument {
  readonly id: string;
  readonly title: string;
  readonly docNumber: string | null;
  readonly issuers: readonly string[];
  readonly dateWritten: string;
  readonly url: string;
  readonly text: string;
}

function escapeHtml(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

/**
 * A site's article page in its own template (navigation, breadcrumb, footer), as subordinate
 * sites repost. `complete: false` gives the common faulty repost: the title and a link only.
 */
export function repostPage(siteName: string, document: RepostDocument, complete: boolean): string {
  const site = escapeHtml(siteName);
  const paragraphs = complete
    ? document.text
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map((line) => `    <p>${escapeHtml(line)}</p>`)
        .join("\n")
    : `    <p>详见：<a href="${escapeHtml(document.url)}">${escapeHtml(document.url)}</a></p>`;
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <title>${escapeHtml(document.title)} - ${site}</title>
  <style>body{font-family:serif;max-width:48em;margin:auto}nav a{margin-right:1em}</style>
</head>
<body>
  <header><strong>${site}</strong></header>
  <nav><a href="/">首页</a><a href="#">政务公开</a><a href="#">政策文件</a><a href="#">互动交流</a></nav>
  <p>当前位置：首页 &gt; 政务公开 &gt; 上级文件</p>
  <article>
    <h1>${escapeHtml(document.title)}</h1>
${complete && document.docNumber ? `    <p>${escapeHtml(document.docNumber)}</p>\n` : ""}    <p>来源：${escapeHtml(document.issuers.join("、"))}　成文日期：${escapeHtml(document.dateWritten)}</p>
${paragraphs}
  </article>
  <footer>主办：${site}（模拟站点）</footer>
</body>
</html>
`;
}
