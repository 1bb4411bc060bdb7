/**
 * Every (issuer, 发文字号) claim is listed under its issuer (src/submitters/issuer-index.ts), for
 * the completeness register: claims written before that index existed. Done before by releases
 * that noted META#ISSUER_INDEX.
 */
import { ISSUER_INDEX_META, issuerIndexStep } from "../submitters/issuer-index.js";
import type { Migration } from "./migration.js";

export const issuerIndex: Migration = {
  name: "issuer-index",
  version: "1",
  description: "发文字号 claims: listed under their issuer (gsi1 ISSUERDOCS#<issuer>)",
  doneBefore: async ({ platform }) => (await platform.records.get(ISSUER_INDEX_META)) !== undefined,
  step: ({ platform }, cursor) => issuerIndexStep(platform.records, cursor),
};
