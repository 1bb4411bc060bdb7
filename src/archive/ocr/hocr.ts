/**
 * hOCR (Tesseract's HTML output) → lines of words with boxes and confidences, and the page text.
 * Both OCR engines produce hOCR, so text and confidence are computed here the same way for both.
 */
import { Parser } from "htmlparser2";

export interface OcrWord {
  readonly text: string;
  /** Pixel box on the page image: x0, y0, x1, y1. */
  readonly bbox: readonly [number, number, number, number];
  /** 0–100. */
  readonly confidence: number;
}

export interface OcrLine {
  readonly words: readonly OcrWord[];
}

export interface HocrPage {
  readonly width: number;
  readonly height: number;
  readonly lines: readonly OcrLine[];
}

function titleProps(title: string | undefined): Record<string, string> {
  const props: Record<string, string> = {};
  for (const part of (title ?? "").split(";")) {
    const m = /^\s*(\S+)\s+(.*)$/.exec(part);
    if (m) props[m[1]!] = m[2]!.trim();
  }
  return props;
}

function box(value: string | undefined): [number, number, number, number] {
  const n = (value ?? "").split(/\s+/).map(Number);
  return [n[0] || 0, n[1] || 0, n[2] || 0, n[3] || 0];
}

export function parseHocr(hocr: string): HocrPage {
  const lines: { words: OcrWord[] }[] = [];
  let width = 0;
  let height = 0;
  let word: { bbox: [number, number, number, number]; confidence: number; text: string } | undefined;
  let wordDepth = 0;
  let depth = 0;
  const parser = new Parser(
    {
      onopentag(_name, attributes) {
        depth++;
        const cls = attributes.class ?? "";
        const props = titleProps(attributes.title);
        if (cls === "ocr_page") {
          const [, , x1, y1] = box(props.bbox);
          width = x1;
          height = y1;
        } else if (/\bocr_(line|caption|textfloat|header)\b/.test(cls)) {
          lines.push({ words: [] });
        } else if (cls === "ocrx_word") {
          word = { bbox: box(props.bbox), confidence: Number(props.x_wconf ?? 0), text: "" };
          wordDepth = depth;
        }
      },
      ontext(text) {
        if (word) word.text += text;
      },
      onclosetag() {
        if (word && depth === wordDepth) {
          const text = word.text.trim();
          if (text) {
            if (lines.length === 0) lines.push({ words: [] });
            lines[lines.length - 1]!.words.push({ ...word, text });
          }
          word = undefined;
        }
        depth--;
      },
    },
    { decodeEntities: true },
  );
  parser.write(hocr);
  parser.end();
  return { width, height, lines: lines.filter((l) => l.words.length > 0) };
}

const CJK = /[\p{Script=Han}\u3000-\u303f\uff00-\uffef]/u;

/** A line's text: CJK words joined without spaces (Tesseract splits Chinese text into words arbitrarily). */
export function lineText(line: OcrLine): string {
  let out = "";
  for (const w of line.words) {
    if (out && !(CJK.test(out.at(-1)!) || CJK.test(w.text[0]!))) out += " ";
    out += w.text;
  }
  return out;
}

export function pageText(page: HocrPage): string {
  return page.lines.map(lineText).join("\n");
}

/** Mean word confidence weighted by characters (0–100); 0 for an empty page. */
export function pageConfidence(page: HocrPage): number {
  let chars = 0;
  let sum = 0;
  for (const line of page.lines) {
    for (const w of line.words) {
      const n = [...w.text].length;
      chars += n;
      sum += w.confidence * n;
    }
  }
  return chars === 0 ? 0 : sum / chars;
}
