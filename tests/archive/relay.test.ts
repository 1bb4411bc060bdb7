import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { GreyImage } from "../../src/archive/images.js";
import { crop } from "../../src/archive/ocr/layout.js";
import { type Relay, relayColumns, sourceOf } from "../../src/archive/ocr/relay.js";
import { inkCrop, rasterisePdf, syntheticPdf } from "../../src/archive/synthetic.js";

// Vertical columns relaid as horizontal lines (no OCR): columns, cells, their order and where
// each cell came from.

const COLUMNS = ["中央法規之制定施行適用", "及廢止除憲法規定外依本", "法之規定法律得定名為法"];

/** White paper with black boxes drawn on it. */
function paper(width: number, height: number, boxes: readonly [number, number, number, number][]): GreyImage {
  const pixels = new Uint8Array(width * height).fill(255);
  for (const [x0, y0, x1, y1] of boxes) {
    for (let y = y0; y < y1; y++) pixels.fill(0, y * width + x0, y * width + x1);
  }
  return { width, height, pixels };
}

/**
 * A character-like glyph in a cell: a square frame with a bar across it (one connected shape
 * as large as a character), drawn as boxes.
 */
function glyph(x: number, y: number, size: number, bar: number): [number, number, number, number][] {
  const t = Math.max(2, Math.round(size / 12));
  const at = y + Math.round(size * bar);
  return [
    [x, y, x + size, y + t],
    [x, y + size - t, x + size, y + size],
    [x, y, x + t, y + size],
    [x + size - t, y, x + size, y + size],
    [x, at, x + size, at + t],
  ];
}

describe("relaying vertical columns as horizontal lines", () => {
  let printed: GreyImage;
  let relay: Relay;

  beforeAll(async () => {
    // Prepare: three vertical columns of Traditional text typeset at 14 pt, 200 dpi.
    printed = inkCrop(
      rasterisePdf(await syntheticPdf([{ lines: COLUMNS, vertical: true, traditional: true, size: 14 }])),
      10,
    );
    // Act
    relay = relayColumns(printed, 39);
  });

  it("makes one line per column, the rightmost column first", () => {
    expect(relay.lines).toHaveLength(COLUMNS.length);
    const lefts = relay.lines.map((l) => l.source.x0);
    expect([...lefts].sort((a, b) => b - a)).toEqual(lefts);
  });

  it("cuts each column into its characters' cells, top to bottom", () => {
    relay.lines.forEach((line, i) => {
      expect(line.cells).toHaveLength([...COLUMNS[i]!].length);
      const tops = line.cells.map((c) => c.source.y0);
      expect([...tops].sort((a, b) => a - b)).toEqual(tops);
    });
  });

  it("finds the type's advance (14 pt × 1.1 at 200 dpi) as the cell pitch", () => {
    expect(relay.pitch).toBeGreaterThan(14 * 1.1 * (200 / 72) - 2);
    expect(relay.pitch).toBeLessThan(14 * 1.1 * (200 / 72) + 2);
  });

  it("maps a stretch of a relaid line back to the cells it came from", () => {
    const line = relay.lines[0]!;
    const [a, b] = [line.cells[1]!, line.cells[2]!];
    const box = sourceOf(line, a.slot.x0, b.slot.x1);
    expect(box).toEqual({
      x0: Math.min(a.source.x0, b.source.x0),
      y0: a.source.y0,
      x1: Math.max(a.source.x1, b.source.x1),
      y1: b.source.y1,
    });
  });

  it("keeps every cell's ink: the relaid image holds as much ink as the columns", () => {
    const ink = (img: GreyImage) => img.pixels.reduce((n, v) => n + (v < 128 ? 1 : 0), 0);
    expect(ink(relay.image)).toBeGreaterThan(ink(printed) * 0.97);
  });

  it("property: any grid of character cells relays to one line per column and one cell per character", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 26, max: 44 }),
        fc.double({ min: 0.3, max: 0.7, noNaN: true }),
        (lengths, size, bar) => {
          // Prepare: columns (right to left) of the given lengths, cells 1.1 × size apart,
          // columns 1.8 × size apart, all starting at the top of the tier.
          const advance = Math.round(size * 1.1);
          const pitch = Math.round(size * 1.8);
          const width = lengths.length * pitch + 40;
          const height = Math.max(...lengths) * advance + 40;
          const boxes: [number, number, number, number][] = [];
          lengths.forEach((n, col) => {
            const x = width - 20 - size - col * pitch;
            for (let row = 0; row < n; row++) boxes.push(...glyph(x, 20 + row * advance, size, bar));
          });
          // Act
          const r = relayColumns(paper(width, height, boxes), size);
          // Assess
          expect(r.lines.map((l) => l.cells.length)).toEqual(lengths);
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe("marks of vertical setting in the relaid line", () => {
  const size = 36;

  it("turns a bracket set turned (︵) back, and leaves the stroke 一 as it is", () => {
    // Prepare: a column of a frame glyph, an arch (︵: its ends below its middle) and a bar (一).
    const arch: [number, number, number, number][] = [
      [20, 64, 26, 74],
      [26, 58, 50, 64],
      [50, 64, 56, 74],
    ];
    const bar: [number, number, number, number][] = [[20, 116, 56, 121]];
    const image = paper(76, 170, [...glyph(20, 20, 30, 0.5), ...arch, ...bar]);
    // Act
    const r = relayColumns(image, size);
    // Assess: the arch's cell is upright again (taller than wide); the bar stays wide.
    const cells = r.lines[0]!.cells;
    expect(cells).toHaveLength(3);
    const turnedArch = inkIn(r, cells[1]!.slot);
    expect(turnedArch.h).toBeGreaterThan(turnedArch.w);
    const stroke = inkIn(r, cells[2]!.slot);
    expect(stroke.w).toBeGreaterThan(stroke.h * 3);
  });

  it("turns a corner bracket set turned (﹁) back, and leaves a comma as it is", () => {
    // Prepare: a frame glyph, a corner bracket turned (a bar along the top, a stroke down the
    // right side, about half a cell long) and a comma-sized blob, down one column.
    const corner: [number, number, number, number][] = [
      [24, 66, 42, 70],
      [38, 66, 42, 80],
    ];
    const comma: [number, number, number, number][] = [
      [28, 104, 34, 110],
      [32, 110, 34, 113],
    ];
    const image = paper(76, 150, [...glyph(20, 20, 30, 0.5), ...corner, ...comma]);
    // Act
    const r = relayColumns(image, size);
    // Assess: the bracket's ink is turned (a bar down the left side now: taller than its top
    // row is long... its bounding box swaps width and height); the comma keeps its shape.
    const cells = r.lines[0]!.cells;
    expect(cells).toHaveLength(3);
    expect(inkIn(r, cells[1]!.slot)).toEqual({ w: 14, h: 18 });
    expect(inkIn(r, cells[2]!.slot)).toEqual({ w: 6, h: 9 });
  });

  it("scales two digits set small across one cell (縱中橫) up to the size of text", () => {
    // Prepare: a frame glyph, then two narrow upright marks side by side, a third of a cell high.
    const digits: [number, number, number, number][] = [
      [26, 70, 30, 82],
      [36, 70, 40, 82],
    ];
    const image = paper(76, 120, [...glyph(20, 20, 30, 0.5), ...digits]);
    // Act
    const r = relayColumns(image, size);
    // Assess: the pair is drawn about 0.7 of a cell high in its slot.
    const slot = r.lines[0]!.cells[1]!.slot;
    let top = slot.y1;
    let bottom = slot.y0;
    for (let y = slot.y0; y < slot.y1; y++)
      for (let x = slot.x0; x < slot.x1; x++)
        if (r.image.pixels[y * r.image.width + x]! < 128) {
          top = Math.min(top, y);
          bottom = Math.max(bottom, y + 1);
        }
    expect(bottom - top).toBeGreaterThanOrEqual(Math.round((slot.y1 - slot.y0) * 0.6));
  });

  it("gives a mark set beside a character (older print: 、。 to its lower right) a cell of its own", () => {
    // Prepare: four frame glyphs down a column; a small dot out to the right of the second's
    // lower half.
    const boxes = [0, 1, 2, 3].flatMap((row) => glyph(20, 20 + row * 40, 34, 0.5));
    boxes.push([56, 82, 62, 88]);
    // Act
    const r = relayColumns(paper(90, 200, boxes), 34);
    // Assess: five cells, the dot's after the second glyph's.
    const cells = r.lines[0]!.cells;
    expect(cells).toHaveLength(5);
    expect(cells[2]!.source).toEqual({ x0: 56, y0: 82, x1: 62, y1: 88 });
  });
});

describe("marks hanging below a character in vertical print", () => {
  it("gives a dot just below a character, under its right edge, a cell of its own (an aged copy's 、)", () => {
    // Prepare: four frame glyphs down a column; a small dot just below the second, under its
    // right edge rather than out beside it (blur and deskew move a mark in a little); the
    // boundary puts it at the top of the third glyph's cell.
    const boxes = [0, 1, 2, 3].flatMap((row) => glyph(20, 20 + row * 50, 34, 0.5));
    boxes.push([47, 105, 53, 110]);
    // Act
    const r = relayColumns(paper(90, 240, boxes), 34);
    // Assess: five cells, the dot's after the second glyph's.
    const cells = r.lines[0]!.cells;
    expect(cells).toHaveLength(5);
    expect(cells[2]!.source).toEqual({ x0: 47, y0: 105, x1: 53, y1: 110 });
  });

  it("keeps a small mark at a long column's right side, whose ink is too thin to count as a column", () => {
    // Prepare: sixteen frame glyphs down a column (the speckle floor is 1% of the block's height,
    // more ink per pixel column than a comma has), a comma just right of the third one's foot,
    // sticking out past the column's right edge.
    const boxes = Array.from({ length: 16 }, (_, row) => glyph(20, 20 + row * 40, 34, 0.5)).flat();
    boxes.push([54, 135, 59, 139]);
    // Act
    const r = relayColumns(paper(90, 680, boxes), 34);
    // Assess: the comma is in a cell, not lost.
    const cells = r.lines[0]!.cells;
    const holds = cells.some(
      (c) => c.source.x0 <= 54 && c.source.x1 >= 59 && c.source.y0 <= 135 && c.source.y1 >= 139,
    );
    expect(holds).toBe(true);
  });

  it("keeps a character's own lower dots, level with its other lowest strokes, in its cell (其 貝)", () => {
    // Prepare: a column of four glyphs, each with two legs just below it, left and right.
    const boxes = [0, 1, 2, 3].flatMap((row) => {
      const y = 20 + row * 50;
      return [...glyph(20, y, 34, 0.5), [22, y + 35, 28, y + 40], [47, y + 35, 53, y + 40]] as [
        number,
        number,
        number,
        number,
      ][];
    });
    // Act
    const r = relayColumns(paper(90, 240, boxes), 34);
    // Assess: four cells, each holding its glyph's legs.
    const cells = r.lines[0]!.cells;
    expect(cells).toHaveLength(4);
    for (const [row, cell] of cells.entries())
      expect(cell.source).toEqual({ x0: 20, y0: 20 + row * 50, x1: 54, y1: 60 + row * 50 });
  });
});

/** The box of the ink drawn in a relaid slot. */
function inkIn(r: Relay, slot: { x0: number; y0: number; x1: number; y1: number }) {
  let x0 = slot.x1;
  let x1 = slot.x0;
  let y0 = slot.y1;
  let y1 = slot.y0;
  for (let y = slot.y0; y < slot.y1; y++)
    for (let x = slot.x0; x < slot.x1; x++)
      if (r.image.pixels[y * r.image.width + x]! < 128) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x + 1);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y + 1);
      }
  return { w: x1 - x0, h: y1 - y0 };
}

describe("brackets and numbers of vertical setting (the Traditional vertical pages)", () => {
  const size = 36;

  it("turns back a corner bracket set turned (﹁) whose down stroke is a hairline, as a light face draws it", () => {
    // Prepare: a frame glyph, then ﹁ as a light face prints it: a bar two pixels thick along
    // the top, the stroke down the right side one pixel wide.
    const corner: [number, number, number, number][] = [
      [22, 66, 45, 68],
      [44, 66, 45, 77],
    ];
    const image = paper(76, 130, [...glyph(20, 20, 30, 0.5), ...corner]);
    // Act
    const r = relayColumns(image, size);
    // Assess: the bracket's cell is drawn turned back (「: taller than wide).
    const cells = r.lines[0]!.cells;
    expect(cells).toHaveLength(2);
    expect(inkIn(r, cells[1]!.slot)).toEqual({ w: 11, h: 23 });
  });

  it("leaves a corner bracket printed upright in a column (「, not turned by the typesetter) upright", () => {
    // Prepare: a frame glyph, then 「 as horizontal type draws it: a bar along the top and a
    // stroke down the left side.
    const corner: [number, number, number, number][] = [
      [24, 66, 42, 70],
      [24, 66, 28, 80],
    ];
    const image = paper(76, 130, [...glyph(20, 20, 30, 0.5), ...corner]);
    // Act
    const r = relayColumns(image, size);
    // Assess: still wider than tall, as printed.
    const cells = r.lines[0]!.cells;
    expect(cells).toHaveLength(2);
    expect(inkIn(r, cells[1]!.slot)).toEqual({ w: 18, h: 14 });
  });

  it("turns a double angle bracket set turned (︽: two arcs nested) back, and leaves 二 as it is", () => {
    // Prepare: a column of cells 40 px apart: frame glyphs, a ︽ in the third cell (two chevrons
    // pointing up, one nested under the other, 24 px wide and 14 high), 二 in the fifth.
    const chevron = (x: number, top: number): [number, number, number, number][] =>
      Array.from({ length: 12 }, (_, i) => {
        const y = top + Math.round((6 * Math.abs(i - 5.5)) / 5.5);
        return [x + i * 2, y, x + i * 2 + 2, y + 3] as [number, number, number, number];
      });
    const boxes = [0, 1, 3, 5, 6].flatMap((row) => glyph(20, 20 + row * 40, 30, 0.5));
    boxes.push(...chevron(23, 20 + 2 * 40 + 8), ...chevron(23, 20 + 2 * 40 + 14));
    boxes.push([26, 20 + 4 * 40 + 8, 44, 20 + 4 * 40 + 11], [22, 20 + 4 * 40 + 22, 48, 20 + 4 * 40 + 25]);
    // Act
    const r = relayColumns(paper(80, 300, boxes), 30);
    // Assess: seven cells; the bracket is upright again (《: taller than wide), 二 stays flat.
    const cells = r.lines[0]!.cells;
    expect(cells).toHaveLength(7);
    const bracket = inkIn(r, cells[2]!.slot);
    expect(bracket.h).toBeGreaterThan(bracket.w);
    const two = inkIn(r, cells[4]!.slot);
    expect(two.w).toBeGreaterThan(two.h);
  });

  it("keeps a turned bracket (︵) and the 一 after it as two cells: （一） is not 一 with a split stroke", () => {
    // Prepare: a column of cells 40 px apart; the third holds ︵ at its foot, the fourth 一 near
    // its top, so close together that the two would fit in one cell.
    const boxes = [0, 1, 4, 5, 6, 7, 8].flatMap((row) => glyph(20, 20 + row * 40, 34, 0.5));
    boxes.push([20, 126, 26, 132], [26, 122, 48, 127], [48, 126, 54, 132]);
    boxes.push([20, 150, 54, 154]);
    // Act
    const r = relayColumns(paper(90, 380, boxes), 34);
    // Assess: nine cells; the bracket's is turned upright, 一 stays a flat stroke.
    const cells = r.lines[0]!.cells;
    expect(cells).toHaveLength(9);
    const bracket = inkIn(r, cells[2]!.slot);
    expect(bracket.h).toBeGreaterThan(bracket.w);
    const stroke = inkIn(r, cells[3]!.slot);
    expect(stroke.w).toBeGreaterThan(stroke.h * 3);
  });

  it("keeps a 。 whole when a cell boundary runs through it (set at a character's lower right)", () => {
    // Prepare: seven frame glyphs down a column, 40 px apart; a ring (。) just right of the
    // sixth one's foot, reaching below it, where the grid puts the next boundary.
    const boxes = [0, 1, 2, 3, 4, 5, 6].flatMap((row) => glyph(20, 20 + row * 40, 34, 0.5));
    boxes.push([56, 252, 66, 254], [56, 262, 66, 264], [56, 252, 58, 264], [64, 252, 66, 264]);
    // Act
    const r = relayColumns(paper(90, 320, boxes), 34);
    // Assess: eight cells, the ring whole in a cell of its own after the sixth glyph's.
    const cells = r.lines[0]!.cells;
    expect(cells).toHaveLength(8);
    expect(cells[6]!.source).toEqual({ x0: 56, y0: 252, x1: 66, y1: 264 });
  });

  it("gives a mark printed touching the character before it (、 run into the 乀 of 法) a cell of its own", () => {
    // Prepare: frame glyphs in rows 0–9 of a column 40 px apart but row 2, the mark's own cell:
    // its ink at the top right, joined to the foot of row 1's glyph and standing out past the
    // column's right edge.
    const boxes = [0, 1, 3, 4, 5, 6, 7, 8, 9].flatMap((row) => glyph(20, 20 + row * 40, 34, 0.5));
    boxes.push([52, 92, 60, 100]);
    // Act
    const r = relayColumns(paper(90, 440, boxes), 34);
    // Assess: ten cells, the mark's after row 1's glyph, which ends at its own foot; the mark
    // whole, its top level with the glyph's foot included (a cut at the foot once left the
    // mark's top with the character: half a 。 under it, and a dab the model read as "." or
    // dropped).
    const cells = r.lines[0]!.cells;
    expect(cells).toHaveLength(10);
    expect(cells[1]!.source.y1).toBe(94);
    expect(cells[2]!.source).toEqual({ x0: 52, y0: 92, x1: 60, y1: 100 });
  });

  it("scales two digits set across one cell (縱中橫) up even when a digit came apart (an aged copy's 2 or 5)", () => {
    // Prepare: a frame glyph, then two narrow digits side by side, a third of a cell high, the
    // second in two pieces one above the other.
    const digits: [number, number, number, number][] = [
      [26, 70, 30, 82],
      [36, 70, 40, 75],
      [35, 77, 40, 82],
    ];
    const image = paper(76, 120, [...glyph(20, 20, 30, 0.5), ...digits]);
    // Act
    const r = relayColumns(image, size);
    // Assess: the pair is drawn about 0.7 of a cell high in its slot.
    const slot = r.lines[0]!.cells[1]!.slot;
    expect(inkIn(r, slot).h).toBeGreaterThanOrEqual(Math.round((slot.y1 - slot.y0) * 0.6));
  });
});

describe("faint strokes of an aged copy in the relaid line", () => {
  it("keeps the grey, faded end of a stroke with its character: 二 reaches the model whole, not as two dabs", () => {
    // Prepare: frame glyphs in rows 0, 1, 3 and 4 of a column 40 px apart; row 2 holds 二 as an
    // aged copy prints it: each stroke dark (ink) only at its right end, its left part faded to
    // grey (lighter than ink, darker than paper).
    const image = paper(
      80,
      220,
      [0, 1, 3, 4].flatMap((row) => glyph(20, 20 + row * 40, 30, 0.5)),
    );
    const grey = (x0: number, y0: number, x1: number, y1: number, v: number) => {
      for (let y = y0; y < y1; y++) image.pixels.fill(v, y * image.width + x0, y * image.width + x1);
    };
    grey(27, 108, 35, 111, 180);
    grey(35, 108, 47, 111, 0);
    grey(20, 124, 29, 127, 180);
    grey(29, 124, 50, 127, 0);
    // Act
    const r = relayColumns(image, 30);
    // Assess: five cells; in the 二's slot, the strokes run their whole length (30 px), grey
    // ends included.
    const cells = r.lines[0]!.cells;
    expect(cells).toHaveLength(5);
    const slot = cells[2]!.slot;
    let x0 = slot.x1;
    let x1 = slot.x0;
    for (let y = slot.y0; y < slot.y1; y++)
      for (let x = slot.x0; x < slot.x1; x++)
        if (r.image.pixels[y * r.image.width + x]! < 224) {
          x0 = Math.min(x0, x);
          x1 = Math.max(x1, x + 1);
        }
    expect(x1 - x0).toBe(30);
  });
});

describe("a mark touching its character in a column set askew", () => {
  it("judges the column's right edge near the mark, not over the whole drifting column", () => {
    // Prepare: a column of frame glyphs 40 px apart, each a pixel further right than the one
    // above (a copy set askew), row 2 left for the mark; a mark joined to the foot of row 1's
    // glyph, standing 8 px out past that glyph's right edge — less than past the right edge of
    // the column's cells taken all together, which the lower rows move right.
    const rows = [0, 1, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    const boxes = rows.flatMap((row) => glyph(20 + row, 20 + row * 40, 34, 0.5));
    boxes.push([53, 92, 63, 100]);
    // Act
    const r = relayColumns(paper(100, 500, boxes), 34);
    // Assess: twelve cells, the mark's its own after row 1's glyph, which ends at its foot.
    const cells = r.lines[0]!.cells;
    expect(cells).toHaveLength(12);
    expect(cells[1]!.source.y1).toBe(94);
    expect(cells[2]!.source.x1).toBe(63);
  });
});

describe("a mark touching a character taller than most", () => {
  it("gives the 、 under a tall character's lower right a cell of its own (編、 項、)", () => {
    // Prepare: frame glyphs in rows 0–9 of a column 40 px apart but row 2, the mark's own cell;
    // row 1's glyph is taller than the rest on its left (a leg reaching 3 px below their foot),
    // and a mark joined to its lower right foot stands out past the column's right edge.
    const boxes = [0, 1, 3, 4, 5, 6, 7, 8, 9].flatMap((row) => glyph(20, 20 + row * 40, 34, 0.5));
    boxes.push([20, 94, 23, 97], [52, 92, 60, 100]);
    // Act
    const r = relayColumns(paper(90, 440, boxes), 34);
    // Assess: ten cells; the glyph with its leg, then the mark whole in a cell of its own (the
    // leg below the usual foot once kept the mark in the character's cell, read as 編 alone).
    const cells = r.lines[0]!.cells;
    expect(cells).toHaveLength(10);
    expect(cells[1]!.source.y1).toBe(97);
    expect(cells[2]!.source).toEqual({ x0: 52, y0: 92, x1: 60, y1: 100 });
  });
});

describe("marks touching their characters down one column (編、章、節、款、)", () => {
  it("gives each mark a cell of its own when half the cells around hold one", () => {
    // Prepare: frame glyphs in rows 0, 1, 3, 5, 7 and 9–16 of a column 40 px apart; a mark
    // joined to the foot of each of rows 1, 3, 5 and 7, standing out past their right edge
    // into the empty row below (an enumeration: 第某編、第某章、第某節、第某款).
    const rows = [0, 1, 3, 5, 7, 9, 10, 11, 12, 13, 14, 15, 16];
    const boxes = rows.flatMap((row) => glyph(20, 20 + row * 40, 34, 0.5));
    for (const row of [1, 3, 5, 7]) boxes.push([52, 52 + row * 40, 60, 60 + row * 40]);
    // Act
    const r = relayColumns(paper(90, 720, boxes), 34);
    // Assess: seventeen cells, each mark in its own after its character (the cells holding a mark
    // once set the characters' right edge, so no mark stood out past it and all four were read
    // with their characters).
    const cells = r.lines[0]!.cells;
    expect(cells).toHaveLength(17);
    expect([2, 4, 6, 8].map((k) => cells[k]!.source)).toEqual(
      [1, 3, 5, 7].map((row) => ({ x0: 52, y0: 52 + row * 40, x1: 60, y1: 60 + row * 40 })),
    );
  });
});

describe("a mark at the end of a short column", () => {
  it("gives the 。 run into the last character of a column of four its own cell (施行日期。)", () => {
    // Prepare: four glyphs down a column 40 px apart, the third narrow (日), a mark joined to
    // the last one's foot, standing out past the column's right edge: only two cells are full
    // size and no taller than a character.
    const boxes = [0, 1, 3].flatMap((row) => glyph(20, 20 + row * 40, 34, 0.5));
    boxes.push([27, 100, 47, 103], [27, 131, 47, 134], [27, 100, 30, 134], [44, 100, 47, 134]);
    boxes.push([52, 172, 60, 180]);
    // Act
    const r = relayColumns(paper(90, 240, boxes), 34);
    // Assess: five cells, the mark's last.
    const cells = r.lines[0]!.cells;
    expect(cells).toHaveLength(5);
    expect(cells[4]!.source).toEqual({ x0: 52, y0: 172, x1: 60, y1: 180 });
  });
});

describe("corner brackets turned back where horizontal type sets them", () => {
  it("puts 「 in the upper right of its slot and 」 in the lower left (a centred 」 is read as J)", () => {
    // Prepare: down one column, a frame glyph, ﹁ (a bar along the top, a stroke down the
    // right), a frame glyph, ﹂ (a bar along the bottom, a stroke down the left), a frame glyph.
    const opening: [number, number, number, number][] = [
      [24, 66, 42, 70],
      [38, 66, 42, 80],
    ];
    const closing: [number, number, number, number][] = [
      [34, 156, 52, 160],
      [34, 142, 38, 160],
    ];
    const boxes = [0, 2, 4].flatMap((row) => glyph(20, 20 + row * 45, 30, 0.5));
    const image = paper(76, 240, [...boxes, ...opening, ...closing]);
    // Act
    const r = relayColumns(image, 36);
    // Assess: five cells; the opening bracket's ink in the right half and upper half of its
    // slot, the closing one's in the left half and lower half.
    const cells = r.lines[0]!.cells;
    expect(cells).toHaveLength(5);
    const where = (k: number) => {
      const slot = cells[k]!.slot;
      let x0 = slot.x1;
      let x1 = slot.x0;
      let y0 = slot.y1;
      let y1 = slot.y0;
      for (let y = slot.y0; y < slot.y1; y++)
        for (let x = slot.x0; x < slot.x1; x++)
          if (r.image.pixels[y * r.image.width + x]! < 128) {
            x0 = Math.min(x0, x);
            x1 = Math.max(x1, x + 1);
            y0 = Math.min(y0, y);
            y1 = Math.max(y1, y + 1);
          }
      const mid = { x: (slot.x0 + slot.x1) / 2, y: (slot.y0 + slot.y1) / 2 };
      const centre = (y0 + y1) / 2;
      return { left: x1 <= mid.x, right: x0 >= mid.x, upper: centre < mid.y - 2, lower: centre > mid.y + 2 };
    };
    expect(where(1)).toMatchObject({ right: true, upper: true });
    expect(where(3)).toMatchObject({ left: true, lower: true });
  });
});

describe("thin strokes of a light face in the relaid line", () => {
  it("keeps the dark serif at the end of a grey bottom stroke (三 且) with its character, not as a mark", () => {
    // Prepare: frame glyphs in rows 0, 1, 3 and 4 of a column 40 px apart; row 2 holds 三 as a
    // light face prints it at 200 dpi: two dark strokes, the long bottom one grey (lighter than
    // ink) but for the dark serif at its right end, at the column's right edge.
    const boxes = [0, 1, 3, 4].flatMap((row) => glyph(20, 20 + row * 40, 34, 0.5));
    boxes.push([20, 102, 54, 105], [24, 115, 50, 118], [50, 127, 55, 132]);
    const image = paper(90, 240, boxes);
    for (let y = 128; y < 131; y++) image.pixels.fill(170, y * image.width + 20, y * image.width + 50);
    // Act
    const r = relayColumns(image, 34);
    // Assess: five cells, the 三's holding its serif (the serif alone once became a cell of its
    // own, read as an extra 。 after 三).
    const cells = r.lines[0]!.cells;
    expect(cells).toHaveLength(5);
    expect(cells[2]!.source).toMatchObject({ y0: 102, y1: 132 });
  });

  it("still gives a dot beside a character a cell of its own when only paper lies between them", () => {
    // Prepare: the same column, but row 2's bottom stroke dark and ending short of the dot: a
    // mark set at the character's lower right, paper between them.
    const boxes = [0, 1, 3, 4].flatMap((row) => glyph(20, 20 + row * 40, 34, 0.5));
    boxes.push([20, 102, 54, 105], [24, 115, 50, 118], [20, 128, 46, 131], [50, 127, 55, 132]);
    // Act
    const r = relayColumns(paper(90, 240, boxes), 34);
    // Assess: six cells, the dot's after the character's.
    const cells = r.lines[0]!.cells;
    expect(cells).toHaveLength(6);
    expect(cells[3]!.source).toEqual({ x0: 50, y0: 127, x1: 55, y1: 132 });
  });
});

describe("digits of a faded copy set across one cell (縱中橫)", () => {
  it("scales 13 up when a faded fragment of the 3's curve stands apart between the digits", () => {
    // Prepare: a frame glyph, then 1 and 3 side by side, a third of a cell high, with a speck of
    // ink two pixels square between them (what is left of the 3's faded left end).
    const digits: [number, number, number, number][] = [
      [24, 70, 29, 86],
      [37, 70, 43, 86],
      [32, 83, 34, 85],
    ];
    const image = paper(76, 120, [...glyph(20, 20, 30, 0.5), ...digits]);
    // Act
    const r = relayColumns(image, 36);
    // Assess: the pair is drawn about 0.7 of a cell high in its slot, not left small.
    const slot = r.lines[0]!.cells[1]!.slot;
    expect(inkIn(r, slot).h).toBeGreaterThanOrEqual(Math.round((slot.y1 - slot.y0) * 0.6));
  });
});

describe("cropping a block", () => {
  it("keeps a block's ink when a printed rule lies outside it", () => {
    // Prepare: a block at the right of a page, a vertical rule left of it (the rule's box ends
    // before the block starts: a fill with a negative end once blanked the whole block).
    const page = paper(300, 200, [
      [40, 10, 44, 190],
      [200, 50, 240, 90],
    ]);
    // Act
    const block = crop(page, { x0: 180, y0: 30, x1: 260, y1: 110 }, [{ x0: 40, y0: 10, x1: 44, y1: 190 }]);
    // Assess
    expect(block.pixels.filter((v) => v === 0).length).toBe(40 * 40);
  });
});
