/**
 * Stage "ocr": a cleaned page image (PNG) → text, confidence and hOCR (word boxes).
 *
 * Two engines behind one interface:
 * - tesseract.js (WebAssembly, from npm) with the traineddata from the @tesseract.js-data/*
 *   packages, read from node_modules through a local `langPath`; its `cachePath` is a local
 *   directory too. Left on its defaults it would fetch the data from a CDN at run time (and hang
 *   offline); here nothing is fetched, ever.
 * - the native `tesseract` CLI, used when it is on PATH with the needed language (detected once),
 *   with OMP_THREAD_LIMIT=1 (one process per core beats OpenMP threads inside one process).
 *
 * Language per page: chi_sim or chi_tra for horizontal text; for vertical text the _vert models
 * (npm has chi_tra_vert but no chi_sim_vert, so tesseract.js reads vertical Simplified pages with
 * chi_tra_vert; the native CLI uses chi_sim_vert when installed).
 */
import { execFile } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { createWorker, OEM, type PSM, type Worker } from "tesseract.js";
import { type HocrPage, pageConfidence, pageText, parseHocr } from "./hocr.js";

export type Script = "sim" | "tra";

/**
 * How Tesseract segments the image: "auto" (a whole page, its own layout analysis), "block" (one
 * block of horizontal lines), "line" (one horizontal line), "vertical" (one block of vertical
 * columns). The page unit finds the blocks itself (layout.ts) and passes each with the right mode.
 */
export type Segmentation = "auto" | "block" | "line" | "vertical";

export interface OcrOptions {
  readonly script: Script;
  readonly vertical: boolean;
  /** Default: "vertical" for vertical text, else "auto". */
  readonly segmentation?: Segmentation | undefined;
}

function segmentationOf(options: OcrOptions): Segmentation {
  return options.segmentation ?? (options.vertical ? "vertical" : "auto");
}

const PSM_NUMBER: Record<Segmentation, string> = { auto: "3", block: "6", line: "7", vertical: "5" };

export interface OcrResult {
  readonly text: string;
  /** Mean word confidence, 0–100. */
  readonly confidence: number;
  readonly hocr: string;
  readonly page: HocrPage;
  /** Traineddata used, e.g. chi_sim. */
  readonly language: string;
}

export interface OcrEngine {
  /** "tesseract.js" or "tesseract (native)". */
  readonly name: string;
  recognize(png: Uint8Array, options: OcrOptions): Promise<OcrResult>;
  /** Ends workers; the engine can be used again afterwards (workers restart lazily). */
  close(): Promise<void>;
}

const require = createRequire(import.meta.url);

/** The npm traineddata packages and the languages they hold. */
export const NPM_LANGUAGES = ["chi_sim", "chi_tra", "chi_tra_vert"] as const;

/** Directory holding `<lang>.traineddata.gz` from the @tesseract.js-data/<lang> package. */
export function npmLangPath(lang: string): string {
  return join(dirname(require.resolve(`@tesseract.js-data/${lang}/package.json`)), "4.0.0_best_int");
}

function languageFor(options: OcrOptions, available: (lang: string) => boolean): string {
  if (!options.vertical) return options.script === "tra" ? "chi_tra" : "chi_sim";
  const preferred = options.script === "tra" ? "chi_tra_vert" : "chi_sim_vert";
  return available(preferred) ? preferred : "chi_tra_vert";
}

function ocrResult(hocr: string, language: string): OcrResult {
  const page = parseHocr(hocr);
  return { text: pageText(page), confidence: pageConfidence(page), hocr, page, language };
}

export interface TesseractJsOptions {
  /** Where each language's traineddata is read from; default the npm package's directory. */
  readonly langPath?: ((lang: string) => string) | undefined;
  /** Where tesseract.js caches the unpacked traineddata; default <tmp>/gazette-tesseract. */
  readonly cachePath?: string | undefined;
}

/** tesseract.js with one worker per language, started on first use. */
export class TesseractJsEngine implements OcrEngine {
  readonly name = "tesseract.js";
  private readonly workers = new Map<string, Promise<Worker>>();
  private readonly langPath: (lang: string) => string;
  private readonly cachePath: string;

  constructor(options: TesseractJsOptions = {}) {
    this.langPath = options.langPath ?? npmLangPath;
    this.cachePath = options.cachePath ?? join(tmpdir(), "gazette-tesseract");
  }

  private worker(lang: string): Promise<Worker> {
    let worker = this.workers.get(lang);
    if (!worker) {
      const langPath = this.langPath(lang);
      // tesseract.js never settles createWorker() when loading the language fails (7.0.0 swallows
      // the rejection), so a missing file must be caught here, not by waiting.
      const file = join(langPath, `${lang}.traineddata.gz`);
      if (!existsSync(file)) return Promise.reject(new Error(`OCR language data not found: ${file}`));
      mkdirSync(this.cachePath, { recursive: true });
      worker = createWorker(lang, OEM.LSTM_ONLY, {
        langPath,
        cachePath: this.cachePath,
        gzip: true,
        // Without a handler, a failed job throws from the worker's message listener and takes
        // the whole process down; with it, the job's own promise still rejects.
        errorHandler: () => undefined,
      });
      // A failed start is not cached: the next page tries again.
      worker.catch(() => this.workers.delete(lang));
      this.workers.set(lang, worker);
    }
    return worker;
  }

  async recognize(png: Uint8Array, options: OcrOptions): Promise<OcrResult> {
    const language = languageFor(options, (lang) => (NPM_LANGUAGES as readonly string[]).includes(lang));
    const worker = await this.worker(language);
    await worker.setParameters({
      tessedit_pageseg_mode: PSM_NUMBER[segmentationOf(options)] as PSM,
      preserve_interword_spaces: "1",
      user_defined_dpi: "200",
    });
    const { data } = await worker.recognize(Buffer.from(png), {}, { text: false, hocr: true });
    return ocrResult(data.hocr ?? "", language);
  }

  async close(): Promise<void> {
    const workers = [...this.workers.values()];
    this.workers.clear();
    await Promise.all(workers.map(async (w) => (await w.catch(() => undefined))?.terminate()));
  }
}

const execFileAsync = promisify(execFile);

/** The native CLI, when `tesseract` is on PATH; `languages` from `tesseract --list-langs`. */
export class NativeTesseractEngine implements OcrEngine {
  readonly name = "tesseract (native)";

  constructor(
    readonly languages: ReadonlySet<string>,
    private readonly binary = "tesseract",
  ) {}

  async recognize(png: Uint8Array, options: OcrOptions): Promise<OcrResult> {
    const language = languageFor(options, (lang) => this.languages.has(lang));
    const psm = PSM_NUMBER[segmentationOf(options)];
    const child = execFileAsync(
      this.binary,
      [
        "stdin",
        "stdout",
        "-l",
        language,
        "--psm",
        psm,
        "--dpi",
        "200",
        "-c",
        "preserve_interword_spaces=1",
        "hocr",
      ],
      {
        env: { ...process.env, OMP_THREAD_LIMIT: "1" },
        maxBuffer: 64 * 1024 * 1024,
        encoding: "utf8",
      },
    );
    child.child.stdin?.end(Buffer.from(png));
    const { stdout } = await child;
    return ocrResult(stdout, language);
  }

  async close(): Promise<void> {}
}

/**
 * The native engine when `tesseract` is installed with chi_sim and chi_tra, else undefined.
 * Checked once per process.
 */
export async function detectNativeTesseract(
  binary = "tesseract",
): Promise<NativeTesseractEngine | undefined> {
  try {
    const { stdout } = await execFileAsync(binary, ["--list-langs"], { encoding: "utf8", timeout: 5000 });
    const languages = new Set(
      stdout
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => /^[a-z_]+$/.test(l)),
    );
    if (!languages.has("chi_sim") || !languages.has("chi_tra")) return undefined;
    return new NativeTesseractEngine(languages, binary);
  } catch {
    return undefined;
  }
}

/** The faster engine available: native where installed (and not disabled), else tesseract.js. */
export async function createOcrEngine(
  options: { readonly native?: "auto" | "off" } & TesseractJsOptions = {},
): Promise<OcrEngine> {
  if (options.native !== "off") {
    const native = await detectNativeTesseract();
    if (native) return native;
  }
  return new TesseractJsEngine(options);
}
