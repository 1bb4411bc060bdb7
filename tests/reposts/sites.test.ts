import { afterEach, describe, expect, it } from "vitest";
import type { SiteRecord } from "../../src/reposts/model.js";
import { siteKeys } from "../../src/reposts/records.js";
import { hashToken } from "../../src/reposts/sites.js";
import { createRepostsHarness, type RepostsHarness } from "./harness.js";

let h: RepostsHarness;
afterEach(() => h?.close());

async function problems(res: Response) {
  const body = (await res.json()) as { error: unknown };
  return Array.isArray(body.error) ? body.error : [body.error];
}

describe("site registry", () => {
  it("registers a site whose webhook echoes the challenge, returning its token and a whsec_ secret", async () => {
    // Prepare
    h = createRepostsHarness();
    const endpoint = h.endpoint("/chengdu");

    // Act
    const res = await h.api("/api/sites", {
      method: "POST",
      json: {
        name: "成都市人民政府",
        level: "city",
        region: "510100",
        sectors: ["教育"],
        delivery: { type: "webhook", url: endpoint.url },
      },
    });

    // Assess
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; token: string; webhookSecret: string };
    expect(Object.keys(body).sort()).toEqual(["id", "token", "webhookSecret"]);
    expect(body.webhookSecret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const stored = await h.container.platform.records.get<SiteRecord>(siteKeys(body.id));
    expect(stored?.data.tokenHash).toBe(hashToken(body.token));
    expect(JSON.stringify(stored?.data)).not.toContain(body.token);
    const view = (await (await h.api(`/api/sites/${body.id}`)).json()) as Record<string, unknown>;
    expect(view).toMatchObject({
      name: "成都市人民政府",
      status: "active",
      region: "510100",
      activeSecrets: 1,
    });
    expect(view).not.toHaveProperty("tokenHash");
    expect(view).not.toHaveProperty("secrets");
  });

  it("refuses a webhook that does not echo hub.challenge, and stores nothing", async () => {
    // Prepare
    h = createRepostsHarness();
    const endpoint = h.endpoint("/deaf");
    endpoint.echo = false;

    // Act
    const res = await h.api("/api/sites", {
      method: "POST",
      json: {
        name: "某县",
        level: "county",
        region: "510104",
        delivery: { type: "webhook", url: endpoint.url },
      },
    });

    // Assess
    expect(res.status).toBe(422);
    expect(await problems(res)).toEqual([
      expect.objectContaining({ field: "delivery.url", code: "webhook_unverified" }),
    ]);
    const list = (await (await h.api("/api/sites")).json()) as { items: unknown[] };
    expect(list.items).toEqual([]);
  });

  it("answers 400 with every failing field for a malformed registration", async () => {
    // Prepare
    h = createRepostsHarness();

    // Act
    const res = await h.api("/api/sites", {
      method: "POST",
      json: { name: "", level: "village", region: "51", delivery: { type: "ftp", url: "x" } },
    });

    // Assess
    expect(res.status).toBe(400);
    const fields = (await problems(res)).map((p) => (p as { field: string }).field).sort();
    expect(fields).toEqual(expect.arrayContaining(["delivery.type", "level", "name", "region"]));
  });

  it("updates, disables and re-enables a site, verifying the webhook again on re-enable", async () => {
    // Prepare
    h = createRepostsHarness();
    const site = await h.registerSite({ name: "绵阳市", level: "city", region: "510700" });

    // Act
    const disabled = await h.api(`/api/sites/${site.id}`, {
      method: "PATCH",
      json: { status: "disabled", disabledReason: "网站改版" },
    });
    site.endpoint.echo = false;
    const refused = await h.api(`/api/sites/${site.id}`, { method: "PATCH", json: { status: "active" } });
    site.endpoint.echo = true;
    const enabled = await h.api(`/api/sites/${site.id}`, {
      method: "PATCH",
      json: { status: "active", sectors: ["交通"] },
    });

    // Assess
    expect(await disabled.json()).toMatchObject({ status: "disabled", disabledReason: "网站改版" });
    expect(refused.status).toBe(422);
    expect(await enabled.json()).toMatchObject({ status: "active", disabledReason: null, sectors: ["交通"] });
  });

  it("rotates the secret keeping the old one active for the grace period", async () => {
    // Prepare
    h = createRepostsHarness();
    const site = await h.registerSite({ name: "德阳市", level: "city", region: "510600" });

    // Act
    const res = await h.api(`/api/sites/${site.id}/rotate-secret`, {
      method: "POST",
      json: { graceSeconds: 3600 },
    });
    const during = (await (await h.api(`/api/sites/${site.id}`)).json()) as { activeSecrets: number };
    h.clock.advanceSeconds(3601);
    const after = (await (await h.api(`/api/sites/${site.id}`)).json()) as { activeSecrets: number };

    // Assess
    expect(res.status).toBe(200);
    const rotated = (await res.json()) as { webhookSecret: string };
    expect(rotated.webhookSecret).not.toBe(site.webhookSecret);
    expect(during.activeSecrets).toBe(2);
    expect(after.activeSecrets).toBe(1);
  });

  it("needs the editor for every registry route", async () => {
    // Prepare
    h = createRepostsHarness();

    // Act
    const res = await h.api("/api/sites", { editor: false });

    // Assess
    expect(res.status).toBe(401);
  });
});
