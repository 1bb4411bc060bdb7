// The edition page's 发布进度 (/console/editions/{id}) while a publication runs: every few seconds
// the page is read again and its progress put in place of the old one, until the publication is
// over (published with every later step done, or failed); then the rest of the page is brought up
// to date once. Progressive enhancement: without this script the page says to refresh it. The
// updates can be paused (WCAG 2.2.2), and the status region is announced only when it changes.
(() => {
  const section = document.getElementById("publication-progress");
  const auto = document.getElementById("progress-auto");
  const pause = document.getElementById("progress-pause");
  if (!section || !auto || !pause || !section.hasAttribute("data-live")) return;
  const seconds = Number((auto.textContent.match(/\d+/) || ["5"])[0]) || 5;
  const MAX_POLLS = 720; // an hour at 5 s: a publication that takes longer is refreshed by hand
  let polls = 0;
  let timer = null;
  let paused = false;
  auto.hidden = false;

  const schedule = () => {
    if (!paused && polls < MAX_POLLS) timer = setTimeout(poll, seconds * 1000);
  };

  async function poll() {
    polls++;
    let next;
    try {
      // The edition's own page: after 确认发布 the page shown is the answer to POST …/publish,
      // whose URL (GET) is the confirmation page, not this one.
      const res = await fetch(section.dataset.page || location.href, {
        credentials: "same-origin",
        headers: { accept: "text/html" },
      });
      if (!res.ok || res.redirected) return schedule(); // signed out or a hiccup: try again later
      next = new DOMParser().parseFromString(await res.text(), "text/html");
    } catch {
      return schedule();
    }
    const fresh = next.getElementById("publication-progress");
    const status = document.getElementById("progress-status");
    const freshStatus = fresh?.querySelector("#progress-status");
    if (status && freshStatus && freshStatus.textContent !== status.textContent) {
      status.replaceChildren(...Array.from(freshStatus.childNodes).map((n) => document.importNode(n, true)));
    }
    if (fresh?.hasAttribute("data-live")) return schedule();
    // Over: the status line and links (公开网址, PDF) of the page as it is now.
    const meta = document.querySelector("dl.meta");
    const freshMeta = next.querySelector("dl.meta");
    if (meta && freshMeta)
      meta.replaceChildren(...Array.from(freshMeta.childNodes).map((n) => document.importNode(n, true)));
    section.removeAttribute("data-live");
    auto.hidden = true;
  }

  pause.addEventListener("click", () => {
    paused = !paused;
    pause.textContent = paused ? "继续自动更新" : "暂停自动更新";
    if (paused) clearTimeout(timer);
    else schedule();
  });
  schedule();
})();
