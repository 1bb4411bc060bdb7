import { describe, expect, it } from "vitest";
import { defaultFontSet, FACE, FaceBook } from "../../../src/publishing/pdf/fonts.js";
import { layoutEdition } from "../../../src/publishing/pdf/layout.js";
import { sampleEdition } from "./fixtures.js";

/**
 * Digits and Latin letters in the body are set in a serif face that goes with 仿宋, not in
 * FandolFang's sans-looking ones (issue 13); 黑体 headings keep their own.
 */
describe("digits and Latin letters", () => {
  const book = new FaceBook(defaultFontSet());

  it("are set in the Latin serif inside 仿宋, 楷体 and 宋体, and in 黑体's own inside 黑体", () => {
    // Act
    const faces = (wanted: number) => [..."2024ISSNx%"].map((ch) => book.resolve(wanted, ch.codePointAt(0)!));

    // Assess
    expect(book.latin).toBeDefined();
    for (const wanted of [FACE.fang, FACE.kai, FACE.song])
      expect(new Set(faces(wanted))).toEqual(new Set([book.latin]));
    expect(new Set(faces(FACE.hei))).toEqual(new Set([FACE.hei]));
    expect(book.resolve(FACE.fang, "年".codePointAt(0)!)).toBe(FACE.fang);
  });

  it("reach the page in that face: every body run of digits is painted in the Latin serif", () => {
    // Prepare
    const laid = layoutEdition(book, sampleEdition);

    // Act
    const runs = laid.pages.flatMap((p) =>
      p.ops.flatMap((op) => (op.op === "text" && op.role === "body" ? op.runs : [])),
    );
    const digitRuns = runs.filter((r) => /\d/.test(r.text));

    // Assess
    expect(digitRuns.length).toBeGreaterThan(0);
    for (const r of digitRuns) {
      if (r.face !== FACE.hei) expect(r.face, r.text).toBe(book.latin);
    }
  });
});
