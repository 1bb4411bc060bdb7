import type { SearchDocument } from "../../src/search/ports.js";

/** A gazette document with sensible defaults; override what a test is about. */
export function aSearchDocument(overrides: Partial<SearchDocument> & { id: string }): SearchDocument {
  return {
    source: "gazette",
    title: "四川省人民政府关于印发工作方案的通知",
    issuers: ["四川省人民政府"],
    kind: "通知",
    date: "2024-03-01",
    status: "有效",
    text: "各市（州）人民政府，省政府各部门：现将工作方案印发给你们，请认真贯彻执行。",
    url: `/documents/${overrides.id}.html`,
    ...overrides,
  };
}
