import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { detectNativeTesseract } from "../../src/archive/ocr/engine.js";

/**
 * A stand-in for the tesseract CLI: lists languages, and for a recognition echoes its language,
 * page segmentation mode, OMP_THREAD_LIMIT and the size of its standard input as hOCR.
 */
const FAKE = `#!/bin/sh
if [ "$1" = "--list-langs" ]; then
  printf 'List of available languages in "/fake/" (4):\\nchi_sim\\nchi_sim_vert\\nchi_tra\\neng\\n'
  exit 0
fi
bytes=$(wc -c | tr -d ' ')
printf "<div class='ocr_page' title='bbox 0 0 100 100'><span class='ocr_line' title='bbox 0 0 100 10'>"
printf "<span class='ocrx_word' title='bbox 0 0 50 10; x_wconf 88'>%s</span>" "$4"
printf "<span class='ocrx_word' title='bbox 50 0 100 10; x_wconf 92'>psm$6-omp$OMP_THREAD_LIMIT-$bytes</span>"
printf "</span></div>"
`;

describe("native tesseract engine", () => {
  let dir: string;
  let binary: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "gazette-fake-tesseract-"));
    binary = join(dir, "tesseract");
    writeFileSync(binary, FAKE);
    chmodSync(binary, 0o755);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("is detected with the languages the CLI lists", async () => {
    // Act
    const engine = await detectNativeTesseract(binary);

    // Assess
    expect(engine?.languages).toEqual(new Set(["chi_sim", "chi_sim_vert", "chi_tra", "eng"]));
  });

  it("is not used when the CLI is missing", async () => {
    expect(await detectNativeTesseract(join(dir, "no-such-binary"))).toBeUndefined();
  });

  it("runs one thread per process, feeds the PNG on stdin and reads the hOCR it prints", async () => {
    // Prepare
    const engine = await detectNativeTesseract(binary);
    const png = new Uint8Array(1234);

    // Act
    const result = await engine!.recognize(png, { script: "sim", vertical: false });

    // Assess
    expect(result.text).toBe("chi_sim psm3-omp1-1234");
    expect(result.confidence).toBeCloseTo((88 * 7 + 92 * 14) / 21, 5);
    expect(result.page.lines[0]?.words).toHaveLength(2);
  });

  it("reads vertical Simplified pages with chi_sim_vert where installed, else chi_tra_vert", async () => {
    // Prepare
    const engine = await detectNativeTesseract(binary);

    // Act
    const simplified = await engine!.recognize(new Uint8Array(1), { script: "sim", vertical: true });
    const traditional = await engine!.recognize(new Uint8Array(1), { script: "tra", vertical: true });

    // Assess
    expect(simplified.language).toBe("chi_sim_vert");
    expect(simplified.text.startsWith("chi_sim_vert psm5")).toBe(true);
    expect(traditional.language).toBe("chi_tra_vert");
  });
});
