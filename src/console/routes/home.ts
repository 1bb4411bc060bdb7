/** The console's home page: what waits for the signed-in role. */
import type { DocumentIntake } from "../../documents/intake.js";
import type { EditionService } from "../../editions/service.js";
import { type ConsoleKit, EDIT_ROLES, REVIEW_ROLES, SUBMIT_ROLES } from "../kit.js";

export function registerHomeRoutes(
  kit: ConsoleKit,
  intake: Pick<DocumentIntake, "accepted">,
  editions: Pick<EditionService, "list">,
): void {
  const { app, deps, page, anyRole } = kit;
  app.get("/console", anyRole, (c) => c.redirect("/console/", 301));

  app.get("/console/", anyRole, async (c) => {
    const role = c.get("session").role;
    // A department's submitter works on its own body's pages (routes/submitter.ts).
    if (SUBMIT_ROLES.includes(role) && deps.submitters) return c.redirect("/console/body/", 303);
    const reviewQueue =
      deps.archive && REVIEW_ROLES.includes(role)
        ? (await deps.archive.listItems({ review: true, limit: 100 })).items.length
        : undefined;
    if (!EDIT_ROLES.includes(role)) return page(c, "home", { title: "首页", reviewQueue });
    const [accepted, drafts, overdue, received] = await Promise.all([
      intake.accepted({ limit: 100 }),
      editions.list({ limit: 50 }),
      deps.submitters?.register.overdueItems({ limit: 10 }),
      deps.submitters?.desk.listAll("received"),
    ]);
    return page(c, "home", {
      title: "首页",
      reviewQueue,
      accepted: accepted.items.length,
      acceptedMore: accepted.more,
      drafts: drafts.items.filter((e) => e.status === "draft").length,
      overdue,
      received: received?.length,
    });
  });
}
