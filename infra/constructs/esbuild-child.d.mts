import type { Plugin } from "esbuild";

export declare const SDK_SCHEMA_MODULE: RegExp;
export declare function literalSchemaKeys(source: string): string;
export declare const literalSchemaKeysPlugin: Plugin;
