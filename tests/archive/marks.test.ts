import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { GreyImage } from "../../src/archive/images.js";
import type { HocrPage, OcrWord } from "../../src/archive/ocr/hocr.js";
import { pageText } from "../../src/archive/ocr/hocr.js";
import { dropPhantomMarks } from "../../src/archive/ocr/marks.js";

// A line of type on a 30 px grid: each printed cell is a block of ink; the recogniser's words are
// given with their boxes, as Tesseract reports them.
const C = 30;
const TOP = 10;

/** "half": a full-width mark, its ink in the right half of its cell (“ 「 ( ). */
function line(cells: readonly ("ink" | "half" | "blank")[]): GreyImage {
  const width = cells.length * C + 20;
  const height = 50;
  const pixels = new Uint8Array(width * height).fill(255);
  cells.forEach((cell, i) => {
    if (cell === "blank") return;
    for (let y = TOP + 3; y < TOP + C - 3; y++)
      for (let x = 10 + i * C + (cell === "half" ? C / 2 : 3); x < 10 + (i + 1) * C - 3; x++)
        pixels[y * width + x] = 0;
  });
  return { width, height, pixels };
}

function word(text: string, from: number, to: number, confidence = 90): OcrWord {
  return { text, bbox: [10 + from * C, TOP, 10 + to * C, TOP + C], confidence };
}

function page(image: GreyImage, words: OcrWord[]): HocrPage {
  return { width: image.width, height: image.height, lines: [{ words }] };
}

describe("marks read where nothing is printed", () => {
  it("drops a closing quote read into the full-width space after 第五条", () => {
    // Prepare: 第五条, two blank cells, 仲裁; the model read ”仲裁 over the blank and the text.
    const image = line(["ink", "ink", "ink", "blank", "blank", "ink", "ink"]);
    const read = page(image, [word("第五条", 0, 3), word("”仲裁", 4, 7, 55)]);
    // Act
    const kept = dropPhantomMarks(read, image, C);
    // Assess
    expect(pageText(kept)).toBe("第五条仲裁");
  });

  it("drops a bracket standing alone in the gap, and the word with it", () => {
    const image = line(["ink", "ink", "blank", "blank", "ink"]);
    const read = page(image, [word("第1", 0, 2), word("]", 2, 3, 0), word("民", 4, 5)]);
    const kept = dropPhantomMarks(read, image, C);
    expect(kept.lines[0]!.words.map((w) => w.text)).toEqual(["第1", "民"]);
  });

  it("keeps printed marks, and marks in a gap no wider than a mark leaves", () => {
    // A comma printed in its own cell, and a quote whose cell is half blank.
    const image = line(["ink", "ink", "half", "ink", "ink"]);
    const read = page(image, [word("事，", 0, 2, 50), word("“", 2, 3, 50), word("法律", 3, 5, 50)]);
    const kept = dropPhantomMarks(read, image, C);
    expect(pageText(kept)).toBe("事，“法律");
  });

  it("keeps a mark the model is sure of, even where its estimated place is blank", () => {
    // 》 at the end of one cell and （ at the start of the next leave about a cell blank between.
    const image = line(["ink", "ink", "blank", "blank", "ink"]);
    const read = page(image, [word("税法", 0, 2), word("》", 2, 3, 93), word("（以", 3, 5)]);
    const kept = dropPhantomMarks(read, image, C);
    expect(pageText(kept)).toBe("税法》（以");
  });

  it("never drops a Han character, letter or digit, blank or not", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom<"ink" | "blank">("ink", "blank"), { minLength: 1, maxLength: 12 }),
        fc.array(fc.constantFrom("法", "A", "7", "，", "”", "]", "、"), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: 100 }),
        (cells, texts, confidence) => {
          // Prepare: one word per cell, whatever is printed there.
          const image = line(cells);
          const words = cells.map((_, i) => word(texts[i % texts.length]!, i, i + 1, confidence));
          // Act
          const kept = dropPhantomMarks(page(image, words), image, C);
          // Assess: every non-mark is still there, in order; a mark over ink is kept.
          const before = words.map((w) => w.text).join("");
          const after = kept.lines.flatMap((l) => l.words.map((w) => w.text)).join("");
          expect(after.replace(/[，”\]、]/g, "")).toBe(before.replace(/[，”\]、]/g, ""));
          words.forEach((w, i) => {
            if (cells[i] === "ink") expect(kept.lines.flatMap((l) => l.words)).toContain(w);
          });
        },
      ),
    );
  });
});

describe("marks glued to a word read out of the blank before it", () => {
  it("drops a quote glued to the front of a word whose box starts at the character after the full-width space", () => {
    // Prepare: 第七条, a blank cell (the full-width space), 案件处理; the model read “案件 and boxed
    // it from 案's ink on, running far past its two characters.
    const image = line(["ink", "ink", "ink", "blank", "ink", "ink", "ink", "ink"]);
    const read = page(image, [word("第七条", 0, 3), word("“案件", 4, 8, 60), word("处理", 6, 8)]);
    // Act
    const kept = dropPhantomMarks(read, image, C);
    // Assess
    expect(pageText(kept)).toBe("第七条案件处理");
  });

  it("drops a bracket glued to the back of a word followed by a blank", () => {
    const image = line(["ink", "ink", "blank", "ink"]);
    const read = page(image, [word("失蹤[", 0, 2, 40), word("人", 3, 4)]);
    const kept = dropPhantomMarks(read, image, C);
    expect(pageText(kept)).toBe("失蹤人");
  });

  it("keeps a printed opening mark after a blank, however the word is boxed", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 74 }),
        fc.constantFrom("「", "“", "（", "["),
        (blanks, characters, boxFromMark, confidence, mark) => {
          // Prepare: 第1條, some blank cells, a printed mark in the right half of its cell, then
          // characters; the word boxed from the mark's cell or from the first character on.
          const cells: ("ink" | "half" | "blank")[] = [
            "ink",
            "ink",
            ...Array<"blank">(blanks).fill("blank"),
            "half",
            ...Array<"ink">(characters).fill("ink"),
          ];
          const image = line(cells);
          const markAt = 2 + blanks;
          const text = `${mark}${"法".repeat(characters)}`;
          const from = boxFromMark ? markAt : markAt + 1;
          const read = page(image, [word("第1", 0, 2), word(text, from, cells.length, confidence)]);
          // Act
          const kept = dropPhantomMarks(read, image, C);
          // Assess (lineText spaces a digit from a Latin-range quote; spacing is not the point)
          expect(pageText(kept).replace(/\s/g, "")).toBe(`第1${text}`);
        },
      ),
    );
  });
});
