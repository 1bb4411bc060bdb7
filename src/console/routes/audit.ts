/** The console audit log (administrators): who did what, when, refusals included; newest first. */
import { consoleActionLabel } from "../../audit/console-actions.js";
import type { ConsoleKit } from "../kit.js";

export function registerAuditRoutes(kit: ConsoleKit): void {
  const { app, deps, page, admin } = kit;
  const { audit } = deps;
  app.get("/console/audit", admin, async (c) => {
    const result = await audit.page({ limit: 100, cursor: c.req.query("cursor") || undefined });
    return page(c, "audit", {
      title: "操作日志",
      section: "audit",
      items: result.items.map((e) => ({
        ...e,
        label: consoleActionLabel(e.action),
        outcomeLabel: e.outcome === "ok" ? "完成" : "被拒绝",
        details: Object.keys(e.details).length ? JSON.stringify(e.details) : "",
      })),
      next: result.cursor ? `/console/audit?cursor=${encodeURIComponent(result.cursor)}` : undefined,
    });
  });
}
