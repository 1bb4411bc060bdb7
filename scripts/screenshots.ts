/**
 * Screenshots of the console's and the portal's main screens for docs/screenshots/ (shown in the
 * README): `npm run screenshots`. The real app on the embedded store in a temporary directory,
 * filled with the sample documents through the API, driven by playwright-core and a Chromium
 * found on the machine (GAZETTE_CHROMIUM, default /usr/bin/chromium; nothing is downloaded).
 *
 * Chinese text is drawn with the repository's own fonts (fonts/: Fandol, Noto Serif CJK): the
 * browser gets a fontconfig file that lists that directory, so the images do not depend on the
 * CJK fonts of the machine that makes them.
 */
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { CHROMIUM_PATH, launchChromium, serveApp, signInThroughForm } from "../tests/support/chromium.js";
import { createTestApp } from "../tests/support/local-app.js";

const OUT = resolve("docs/screenshots");
const PASSWORD = "correct horse battery";

async function main() {
  if (!existsSync(CHROMIUM_PATH)) {
    process.stderr.write(
      `No Chromium at ${CHROMIUM_PATH} (set GAZETTE_CHROMIUM, or apt-get install chromium).\n`,
    );
    process.exitCode = 1;
    return;
  }
  const work = mkdtempSync(join(tmpdir(), "gazette-screenshots-"));
  const fontsConf = join(work, "fonts.conf");
  writeFileSync(
    fontsConf,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>${resolve("fonts")}</dir>
  <cachedir>${join(work, "fontcache")}</cachedir>
  <alias><family>sans-serif</family><prefer><family>FandolHei</family></prefer></alias>
  <alias><family>system-ui</family><prefer><family>FandolHei</family></prefer></alias>
  <alias><family>serif</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
</fontconfig>
`,
  );
  const app = createTestApp({ clock: undefined });
  const accounts = app.container.console!.accounts;
  await accounts.create(
    { username: "zhang", displayName: "张编辑", role: "editor", password: PASSWORD },
    "screenshots",
  );
  await accounts.create(
    { username: "wang", displayName: "王管理", role: "administrator", password: PASSWORD },
    "screenshots",
  );
  // The sample documents, accepted through the API (the .docx sample needs a multipart upload).
  for (const file of readdirSync("samples/documents").filter(
    (f) => /^\d+-.*\.json$/.test(f) && !f.includes(".meta."),
  ))
    await app.postJson(JSON.parse(readFileSync(join("samples/documents", file), "utf8")));
  await app.container.reposts.registry.register({
    name: "成都市人民政府网站",
    level: "city",
    region: "510100",
    delivery: {
      type: "sqs",
      queueUrl: "https://sqs.cn-north-1.amazonaws.com.cn/123456789012/chengdu-reposts",
    },
  });

  const server = await serveApp(app);
  const base = server.base;
  const browser = await launchChromium({
    args: ["--font-render-hinting=none"],
    env: { ...(process.env as Record<string, string>), FONTCONFIG_FILE: fontsConf },
  });
  mkdirSync(OUT, { recursive: true });
  const shots: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const shot = async (name: string, fullPage = false) => {
      await page.screenshot({ path: join(OUT, `${name}.png`), fullPage });
      shots.push(name);
      process.stderr.write(`screenshots: ${name}.png\n`);
    };

    await signInThroughForm(
      page,
      base,
      { username: "zhang", password: PASSWORD },
      {
        beforeSubmit: () => shot("sign-in"),
      },
    );
    await shot("home");

    await page.goto(`${base}/console/documents`);
    await shot("intake-queue");

    // A policy document without its 解读: refused, the rule beside the field.
    await page.goto(`${base}/console/documents/new`);
    await page.fill("#f-title", "四川省人民政府关于促进养老托育服务的实施意见");
    await page.fill("#f-docNumber", "川府发〔2025〕7号");
    await page.fill("#f-issuers", "四川省人民政府");
    await page.fill("#f-dateWritten", "2025-05-20");
    await page.selectOption("#f-kind", "意见");
    await page.fill("#f-body", "　　现提出以下实施意见。\n　　一、总体要求\n　　加快发展养老托育服务。");
    await page.fill("#f-review-reviewer", "保密审查小组");
    await page.fill("#f-review-date", "2025-05-19");
    await page.selectOption("#f-review-result", "passed");
    await page.fill("#f-approval-approver", "分管副省长");
    await page.fill("#f-approval-date", "2025-05-20");
    await page.check("#f-policy");
    await page.click("button[type=submit].primary");
    await page.waitForSelector("#f-interpretations-0-title-error");
    await shot("submission-refused", true);

    // An edition with the accepted public documents; the page map; the confirmation.
    await page.goto(`${base}/console/editions`);
    await page.fill("#e-year", "2025");
    await page.fill("#e-date", "2025-06-03");
    await page.click("button:text-is('新建')");
    await page.waitForURL(/\/console\/editions\/[0-9A-Z]+$/);
    const edition = page.url();
    for (const box of [
      "input[name=document] >> nth=0",
      "input[name=document] >> nth=1",
      "input[name=document] >> nth=2",
    ])
      await page.check(box);
    await page.click("button:text-is('加入本期')");
    await page.waitForSelector("ol[data-reorder] > li");
    await shot("edition", true);
    await page.goto(`${edition}/preview`);
    await shot("preview", true);
    await page.goto(`${edition}/publish`);
    await shot("publish-confirmation", true);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(edition);
    await page.waitForSelector("ol[data-reorder] > li");
    await shot("edition-390px");

    const admin = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    await signInThroughForm(admin, base, { username: "wang", password: PASSWORD });
    await admin.goto(`${base}/console/sites`);
    await admin.screenshot({ path: join(OUT, "sites.png"), fullPage: true });
    shots.push("sites");
  } finally {
    await browser.close();
    server.close();
    app.close();
    rmSync(work, { recursive: true, force: true });
  }
  process.stdout.write(`${shots.length} screenshots in ${OUT}: ${shots.join(", ")}\n`);
}

await main();
