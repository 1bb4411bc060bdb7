/**
 * The simulated subordinate sites: real Sichuan administrative regions (GB/T 2260 codes), each
 * with a behaviour that shows one way a real site answers a repost notice.
 */

export const SITE_BEHAVIOURS = ["prompt", "slow", "failing", "gone", "never", "wrong"] as const;
export type SiteBehaviour = (typeof SITE_BEHAVIOURS)[number];

export const BEHAVIOUR_DESCRIPTIONS: Readonly<Record<SiteBehaviour, string>> = {
  prompt: "answers at once, reposts the document and acknowledges",
  slow: "answers each delivery after a delay, then reposts and acknowledges",
  failing: "answers 500 to the first deliveries of each notice, then 200, reposts and acknowledges",
  gone: "answers 410 Gone to every delivery (the endpoint should be disabled)",
  never: "accepts the connection and never answers (the delivery times out)",
  wrong: "answers 200 but reposts only the title and a link (verification should fail)",
};

export type SiteLevel = "province_dept" | "city" | "county" | "township";

export interface SiteProfile {
  readonly name: string;
  readonly level: SiteLevel;
  readonly region: string;
  readonly sectors: readonly string[];
}

const PROFILES: readonly SiteProfile[] = [
  { name: "成都市人民政府", level: "city", region: "510100", sectors: [] },
  { name: "四川省教育厅", level: "province_dept", region: "510000", sectors: ["教育"] },
  { name: "成都市锦江区人民政府", level: "county", region: "510104", sectors: [] },
  { name: "四川省应急管理厅", level: "province_dept", region: "510000", sectors: ["应急管理", "防汛抗旱"] },
  { name: "绵阳市人民政府", level: "city", region: "510700", sectors: [] },
  { name: "成都市锦江区春熙路街道办事处", level: "township", region: "510104", sectors: [] },
  { name: "绵阳市涪城区人民政府", level: "county", region: "510703", sectors: [] },
  { name: "四川省卫生健康委员会", level: "province_dept", region: "510000", sectors: ["卫生健康"] },
  { name: "乐山市人民政府", level: "city", region: "511100", sectors: [] },
  { name: "峨眉山市人民政府", level: "county", region: "511181", sectors: [] },
  { name: "宜宾市人民政府", level: "city", region: "511500", sectors: [] },
  { name: "南充市顺庆区人民政府", level: "county", region: "511302", sectors: [] },
];

/**
 * The nth simulated site (0-based): the catalogue above, then numbered copies of it for larger
 * runs, and the behaviours in rotation.
 */
export function simulatedSite(
  index: number,
  behaviours: readonly SiteBehaviour[] = SITE_BEHAVIOURS,
): SiteProfile & { readonly behaviour: SiteBehaviour } {
  const profile = PROFILES[index % PROFILES.length]!;
  const round = Math.floor(index / PROFILES.length);
  const behaviour = behaviours[index % behaviours.length] ?? "prompt";
  return { ...profile, name: round === 0 ? profile.name : `${profile.name}（模拟${round + 1}）`, behaviour };
}
