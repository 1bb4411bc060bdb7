import { describe, expect, it } from "vitest";
import { score, splitOf } from "../../eval/texts-eval.js";

const truth = {
  title: "国务院关于印发某某办法的通知",
  docNumber: "国发[2016]23号",
  issuers: ["国务院"],
  date: { kind: "written", value: "2016-04-05" },
  kind: "通知",
};

describe("evaluation scoring", () => {
  it("puts about a third of the documents in the test split, fixed by the id", () => {
    // Prepare
    const ids = Array.from({ length: 3000 }, (_, i) => `a${String(i).padStart(3, "0")}-doc`);

    // Act
    const tests = ids.filter((id) => splitOf(id) === "test").length;

    // Assess
    expect(tests / ids.length).toBeGreaterThan(0.28);
    expect(tests / ids.length).toBeLessThan(0.39);
    expect(ids.map(splitOf)).toEqual(ids.map(splitOf));
  });

  it("compares 发文字号 normalised and titles without whitespace", () => {
    // Act
    const right = score(truth, {
      id: "x",
      title: "国务院关于印发某某办法的 通知",
      docNumber: "国发〔2016〕23号",
      issuers: ["国务院"],
      date: "2016-04-05",
      dateKind: "written",
      kind: "通知",
    });
    const wrong = score(truth, { id: "x", title: "# 国务院关于印发某某办法的通知", issuers: [] });

    // Assess
    expect(Object.values(right).every((r) => r?.ok)).toBe(true);
    expect(wrong.title?.ok).toBe(false);
    expect(wrong.docNumber?.ok).toBe(false);
    expect(wrong.date?.ok).toBe(false);
    expect(wrong.issuers?.ok).toBe(false);
  });

  it("counts a document without a number as right only when none is found", () => {
    // Act
    const none = score({ ...truth, docNumber: null }, { id: "x", issuers: [] });
    const cited = score(
      { ...truth, docNumber: null },
      { id: "x", docNumber: "国发〔2015〕1号", issuers: [] },
    );

    // Assess
    expect(none.docNumber?.ok).toBe(true);
    expect(cited.docNumber?.ok).toBe(false);
  });
});

describe("evaluation scoring of untitled documents", () => {
  it("counts a document that prints no title as right only when no title is made up", () => {
    // Act
    const untitled = score({ ...truth, title: null }, { id: "x", title: "", issuers: [] });
    const invented = score({ ...truth, title: null }, { id: "x", title: "第一条", issuers: [] });

    // Assess
    expect(untitled.title?.ok).toBe(true);
    expect(invented.title?.ok).toBe(false);
  });
});
