import { afterEach, describe, expect, it } from "vitest";
import { regionCovers, targets } from "../../src/reposts/model.js";
import { createRepostsHarness, type RepostsHarness } from "./harness.js";

let h: RepostsHarness;
afterEach(() => h?.close());

const requirement = (r: Partial<Parameters<typeof targets>[0]>) => ({
  scope: "targeted" as const,
  regions: [],
  levels: [],
  sectors: [],
  ...r,
});

describe("region codes (GB/T 2260)", () => {
  it("lets a province code cover every code in the province, a city code its counties", () => {
    expect(regionCovers("510000", "510104")).toBe(true);
    expect(regionCovers("510100", "510104")).toBe(true);
    expect(regionCovers("510100", "510100")).toBe(true);
    expect(regionCovers("510100", "510704")).toBe(false);
    expect(regionCovers("510104", "510105")).toBe(false);
    expect(regionCovers("510000", "500101")).toBe(false);
  });

  it("combines regions, levels and sectors, each left empty meaning any, a site without sectors taking every sector", () => {
    const county = { region: "510104", level: "county" as const, sectors: ["教育"] };
    expect(targets(requirement({ regions: ["510100"], levels: ["county"] }), county)).toBe(true);
    expect(targets(requirement({ regions: ["510100"], levels: ["city"] }), county)).toBe(false);
    expect(targets(requirement({ sectors: ["教育", "卫生"] }), county)).toBe(true);
    expect(targets(requirement({ sectors: ["卫生"] }), county)).toBe(false);
    expect(targets(requirement({ sectors: ["卫生"] }), { ...county, sectors: [] })).toBe(true);
    expect(targets({ ...requirement({}), scope: "none" }, county)).toBe(false);
    expect(targets({ ...requirement({ regions: ["500000"] }), scope: "all" }, county)).toBe(true);
  });
});

describe("fan-out targeting", () => {
  async function registry() {
    return {
      dept: await h.registerSite({
        name: "省教育厅",
        level: "province_dept",
        region: "510000",
        sectors: ["教育"],
      }),
      chengdu: await h.registerSite({ name: "成都市", level: "city", region: "510100", sectors: ["交通"] }),
      jinjiang: await h.registerSite({
        name: "锦江区",
        level: "county",
        region: "510104",
        sectors: ["教育"],
      }),
      mianyang: await h.registerSite({ name: "绵阳市", level: "city", region: "510700", sectors: [] }),
      town: await h.registerSite({ name: "某镇", level: "township", region: "510704", sectors: ["农业"] }),
    };
  }

  const sitesOf = async (documentId: string, sites: Record<string, { id: string }>) => {
    const names = Object.fromEntries(Object.entries(sites).map(([name, s]) => [s.id, name]));
    return (await h.notices(documentId)).map((n) => names[n.siteId]).sort();
  };

  it("sends a scope-all document to every active site", async () => {
    // Prepare
    h = createRepostsHarness();
    const sites = await registry();
    await h.api(`/api/sites/${sites.town.id}`, { method: "PATCH", json: { status: "disabled" } });
    const doc = await h.submitRepost({ scope: "all" });

    // Act
    await h.publish([doc]);
    await h.runQueues();

    // Assess
    expect(await sitesOf(doc, sites)).toEqual(["chengdu", "dept", "jinjiang", "mianyang"]);
  });

  it("sends a region-targeted document to the region and its subdivisions only", async () => {
    // Prepare
    h = createRepostsHarness();
    const sites = await registry();
    const doc = await h.submitRepost({ scope: "targeted", regions: ["510100"] });

    // Act
    await h.publish([doc]);
    await h.runQueues();

    // Assess
    expect(await sitesOf(doc, sites)).toEqual(["chengdu", "jinjiang"]);
  });

  it("filters by level and by sector", async () => {
    // Prepare
    h = createRepostsHarness();
    const sites = await registry();
    const cities = await h.submitRepost({ scope: "targeted", levels: ["city"] });
    const education = await h.submitRepost({ scope: "targeted", sectors: ["教育"] });

    // Act
    await h.publish([cities, education]);
    await h.runQueues();

    // Assess
    expect(await sitesOf(cities, sites)).toEqual(["chengdu", "mianyang"]);
    // 绵阳市 has no sectors: a comprehensive site, which every sector's policy reaches.
    expect(await sitesOf(education, sites)).toEqual(["dept", "jinjiang", "mianyang"]);
  });

  it("gives documents without a repost requirement no notices", async () => {
    // Prepare
    h = createRepostsHarness();
    const sites = await registry();
    const doc = await h.submitRepost({ scope: "none" });

    // Act
    await h.publish([doc]);
    await h.runQueues();

    // Assess
    expect(await sitesOf(doc, sites)).toEqual([]);
  });
});
