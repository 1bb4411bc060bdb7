/**
 * The editors' side of the departments' submissions (issue 16): the submission desk (what bodies
 * sent, who sent it, accept into intake or 退文 with the reason) and the completeness report
 * (应登尽登: per body issued, submitted, published, missing, overdue), whose overdue items also
 * show on the editors' home page.
 */
import { classify } from "../../http/errors.js";
import { ProblemError } from "../../platform/errors.js";
import { SUBMISSION_STATE_LABELS, SUBMISSION_STATES, type SubmissionState } from "../../submitters/model.js";
import type { Submitters } from "../../submitters/module.js";
import { type C, type ConsoleKit, problemCodes } from "../kit.js";

/**
 * `pages`: the desk, 退文 and the completeness page; `accept`: accepting into intake, which reads
 * a submission's .docx, so in AWS the documents function serves it (src/http/surface.ts `lambda`).
 */
export function registerSubmissionDeskRoutes(
  kit: ConsoleKit,
  submitters: Pick<Submitters, "desk"> & { readonly register?: Submitters["register"] },
  parts: { readonly pages: boolean; readonly accept: boolean } = { pages: true, accept: true },
): void {
  const { app, page, notFound, editor, form, actor, record } = kit;
  const { desk } = submitters;
  const register = submitters.register;
  if (parts.pages && !register) throw new Error("The completeness page needs the register");

  if (parts.pages)
    app.get("/console/submissions", editor, async (c) => {
      const raw = c.req.query("state") ?? "received";
      const state = (SUBMISSION_STATES as readonly string[]).includes(raw)
        ? (raw as SubmissionState)
        : undefined;
      const items = await desk.listAll(state);
      return page(c, "desk", {
        title: "部门报送",
        section: "desk",
        states: [
          { value: "", label: "全部", selected: !state },
          ...SUBMISSION_STATES.map((value) => ({
            value,
            label: SUBMISSION_STATE_LABELS[value],
            selected: value === state,
          })),
        ],
        items: items.map((s) => ({
          ...s,
          stateLabel: SUBMISSION_STATE_LABELS[s.state],
          href: `/console/submissions/${s.id}`,
        })),
      });
    });

  const deskPage = async (
    c: C,
    id: string,
    extra: { reason?: string; error?: string; notice?: string } = {},
    status = 200,
  ) => {
    const found = await desk.get(id);
    if (!found) return notFound(c, "没有这份报送。", "/console/submissions");
    const view = found.documentId && found.state !== "published" ? await desk.refresh(id) : found;
    const content = (await desk.contentOf(id)) as Record<string, unknown>;
    const docx = await desk.docxOf(id);
    const body = typeof content.body === "string" ? content.body : "";
    return page(
      c,
      "desk-submission",
      {
        title: view.title,
        section: "desk",
        s: { ...view, stateLabel: SUBMISSION_STATE_LABELS[view.state] },
        received: view.state === "received",
        issuers: Array.isArray(content.issuers) ? content.issuers.join("、") : "",
        dateWritten: content.dateWritten,
        kind: content.kind,
        docx: docx?.filename ?? (docx ? ".docx" : undefined),
        paragraphs: body
          .split(/\r?\n/)
          .map((l) => l.trim())
          .filter(Boolean)
          .slice(0, 200),
        documentUrl: view.documentId ? `/console/documents/${view.documentId}` : undefined,
        history: view.history.map((e) => ({ ...e, stateLabel: SUBMISSION_STATE_LABELS[e.state] })),
        ...extra,
      },
      status,
    );
  };

  if (parts.pages) app.get("/console/submissions/:id", editor, (c) => deskPage(c, c.req.param("id")));

  if (parts.accept)
    app.post("/console/submissions/:id/accept", editor, async (c) => {
      const id = c.req.param("id");
      try {
        const view = await desk.accept(id, actor(c));
        await record({
          actor: actor(c),
          action: "submission.accept",
          target: id,
          outcome: "ok",
          details: { documentId: view.documentId },
        });
        return c.redirect(`/console/submissions/${id}`, 303);
      } catch (error) {
        if (!(error instanceof ProblemError)) throw error;
        await record({
          actor: actor(c),
          action: "submission.accept",
          target: id,
          outcome: "refused",
          details: { problems: problemCodes(error.problems) },
        });
        return deskPage(
          c,
          id,
          { error: `未能受理：${error.problems.map((p) => p.message).join("；")}` },
          classify(error)[0],
        );
      }
    });

  if (parts.pages)
    app.post("/console/submissions/:id/return", editor, async (c) => {
      const id = c.req.param("id");
      const reason = typeof form(c).reason === "string" ? (form(c).reason as string) : "";
      try {
        await desk.returnSubmission(id, reason, actor(c));
        await record({
          actor: actor(c),
          action: "submission.return",
          target: id,
          outcome: "ok",
          details: { reason: reason.slice(0, 300) },
        });
        return c.redirect(`/console/submissions/${id}`, 303);
      } catch (error) {
        if (!(error instanceof ProblemError)) throw error;
        await record({
          actor: actor(c),
          action: "submission.return",
          target: id,
          outcome: "refused",
          details: { problems: problemCodes(error.problems) },
        });
        return deskPage(
          c,
          id,
          {
            reason,
            error: error.problems.some((p) => p.field === "reason")
              ? "退文须写明理由（1–1000 字）"
              : error.message,
          },
          classify(error)[0],
        );
      }
    });

  if (parts.pages)
    app.get("/console/completeness", editor, async (c) => {
      const report = await register!.report();
      return page(c, "completeness", {
        title: "应登尽登",
        section: "completeness",
        report,
        overdue: report.bodies.flatMap((b) =>
          b.entries.filter((e) => e.overdue).map((e) => ({ ...e, bodyName: b.body.name })),
        ),
      });
    });
}
