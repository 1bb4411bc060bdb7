import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createEditionRenderer } from "../../src/publishing/render.js";
import { sampleEdition } from "./pdf/fixtures.js";

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("the publishing renderer", () => {
  it("gives the same bytes for the same edition, so a retried publish matches its write-once files", async () => {
    // Prepare
    const render = createEditionRenderer({
      name: "四川省人民政府公报",
      publisher: "四川省人民政府办公厅",
      sections: ["省政府文件", "政策解读"],
      baseUrl: "https://gazette.example.gov.cn",
    });
    // Act
    const first = await render(sampleEdition);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // a clock leak would show now
    const second = await render(sampleEdition);
    // Assess
    const digest = (r: typeof first) => r.artifacts.map((a) => `${a.key} ${sha(a.bytes)}`);
    expect(digest(second)).toEqual(digest(first));
    expect(first.artifacts.map((a) => a.key)).toEqual(
      expect.arrayContaining([
        `editions/${sampleEdition.edition.year}/${sampleEdition.edition.issue}.pdf`,
        `editions/${sampleEdition.edition.year}/${sampleEdition.edition.issue}.html`,
        `editions/${sampleEdition.edition.year}/${sampleEdition.edition.issue}.index.json`,
      ]),
    );
    const authentic = first.artifacts.filter((a) => a.authentic).map((a) => a.contentType.split(";")[0]);
    expect(new Set(authentic)).toEqual(new Set(["application/pdf", "application/json"]));
  }, 60_000);
});
