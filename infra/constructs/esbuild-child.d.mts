import type { Plugin } from "esbuild";

export declare const SDK_SCHEMA_MODULE: RegExp;
export declare function literalSchemaKeys(source: string): string;
export declare const literalSchemaKeysPlugin: Plugin;
export declare const PDF_LIB_FORM_IMPORT: RegExp;
export declare const NO_ACROFORM: string;
export declare const noAcroFormPlugin: Plugin;
export declare const TESSERACT_DEFAULT_OPTIONS: RegExp;
export declare const tesseractWorkerPathPlugin: Plugin;
export declare const FONTKIT_SOURCE: RegExp;
export declare const FONTKIT_FORMATS: readonly string[];
export declare const FONTKIT_LEFT_OUT_SHAPERS: readonly string[];
export declare const NO_AAT: string;
export declare const fontkitFromSourcesPlugin: Plugin;
