import { describe, expect, it } from "vitest";
import type { GazetteDocument } from "../../src/documents/model.js";
import { buildRenderInput } from "../../src/editions/render-input.js";

function aDocument(id: string, section: string, extra: Partial<GazetteDocument> = {}): GazetteDocument {
  return {
    id,
    state: "placed",
    receivedAt: "2025-03-01T00:00:00.000Z",
    receivedBy: "editor",
    title: `文件${id}`,
    docNumber: `川府发〔2025〕${id}号`,
    docNumberNormalized: null,
    issuers: ["四川省人民政府"],
    dateWritten: "2025-02-20",
    kind: "通知",
    section,
    addressees: null,
    blocks: [{ type: "paragraph", text: `正文${id}` }] as unknown as GazetteDocument["blocks"],
    attachments: [],
    signer: null,
    cc: null,
    printed: null,
    disclosure: { attribute: "public", reason: null },
    review: { reviewer: "张敏", date: "2025-02-21", result: "passed" },
    approval: { approver: "李华", date: "2025-02-19" },
    policy: false,
    interpretations: [],
    normative: null,
    relations: { repeals: [], amends: [] },
    corrects: [],
    repost: { scope: "none", regions: [], levels: [], sectors: [], deadlineWorkingDays: null },
    source: { format: "json", blobKey: null, sha256: null, filename: null },
    warnings: [],
    ...extra,
  };
}

const settings = {
  masthead: { name: "四川省人民政府公报", publisher: "四川省人民政府办公厅" },
  sections: ["省政府令", "省政府文件", "部门文件", "政策解读"],
};
const edition = { id: "7", year: 2025, issue: 7, cumulative: 31, date: "2025-04-10" };

describe("buildRenderInput", () => {
  it("groups documents by section in the configured order, keeping the edition's order within a section", () => {
    // Prepare
    const docs = [aDocument("A", "部门文件"), aDocument("B", "省政府文件"), aDocument("C", "部门文件")];
    // Act
    const input = buildRenderInput({ ...edition, documents: ["A", "B", "C"] }, docs, settings);
    // Assess
    expect(input.edition).toEqual(edition);
    expect(input.masthead).toEqual(settings.masthead);
    expect(input.sections.map((s) => [s.name, s.documents.map((d) => d.id)])).toEqual([
      ["省政府文件", ["B"]],
      ["部门文件", ["A", "C"]],
    ]);
  });

  it("makes each 解读 of a policy document an entry of the interpretation section, linked both ways", () => {
    // Prepare
    const policy = aDocument("P", "省政府文件", {
      policy: true,
      interpretations: [
        { id: "i1", title: "解读一", form: "text", blocks: [] },
        { id: "i2", title: "图解", form: "graphic", blocks: [] },
      ],
    });
    const docs = [aDocument("A", "省政府令"), policy];
    // Act
    const input = buildRenderInput({ ...edition, documents: ["P", "A"] }, docs, settings);
    // Assess
    expect(input.sections.map((s) => [s.name, s.documents.map((d) => d.id)])).toEqual([
      ["省政府令", ["A"]],
      ["省政府文件", ["P"]],
      ["政策解读", ["P~i1", "P~i2"]],
    ]);
    const policyEntry = input.sections[1]?.documents[0];
    expect(policyEntry?.interpretations).toEqual(["P~i1", "P~i2"]);
    const interpretation = input.sections[2]?.documents[0];
    expect(interpretation).toMatchObject({ title: "解读一", interprets: "P", kind: "解读", docNumber: null });
  });

  it("uses the configured interpretation section, and places unconfigured sections after the configured ones", () => {
    // Prepare
    const policy = aDocument("P", "省政府文件", {
      policy: true,
      interpretations: [{ id: "i1", title: "解读", form: "qa", blocks: [] }],
    });
    const docs = [aDocument("X", "专题"), policy];
    // Act
    const input = buildRenderInput({ ...edition, documents: ["X", "P"] }, docs, {
      ...settings,
      interpretationSection: "文件解读",
    });
    // Assess
    expect(input.sections.map((s) => s.name)).toEqual(["省政府文件", "专题", "文件解读"]);
  });
});
