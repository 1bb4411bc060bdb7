/**
 * A department submitter's sending (报送员, under /console/body/): the two posts that may carry a
 * .docx — a new submission (POST /console/body/submissions) and a returned one sent again (POST
 * /console/body/submissions/{id}) — and what the submitter's pages share with them (the session's
 * body, the own-submission guard, the submission form). In AWS the documents function serves the
 * two posts (it holds the .docx reader; src/http/surface.ts `lambda`) and the api function the
 * pages (./submitter.ts), so neither bundles the other's part; the local server registers both.
 *
 * The body is the session's (the account's binding), never a field of a form: a submitter can
 * neither send for another body nor post to another body's submission (403, audited).
 */
import { bodyLimit } from "hono/body-limit";
import { classify } from "../../http/errors.js";
import { type FieldProblem, ProblemError } from "../../platform/errors.js";
import type { IssuingBodies } from "../../submitters/bodies.js";
import type { IssuingBody, SubmissionView } from "../../submitters/model.js";
import type { SubmissionDesk } from "../../submitters/submissions.js";
import { type C, type ConsoleKit, fileUpload, problemCodes } from "../kit.js";
import { formView, type PostedForm, submissionInput } from "../submission-form.js";

/** What sending needs of the submitters module. */
export interface SubmitterSending {
  readonly bodies: Pick<IssuingBodies, "get">;
  readonly desk: Pick<SubmissionDesk, "get" | "refresh" | "submit" | "resubmit">;
}

/** The helpers a submitter's pages and posts share. */
export function submitterHelpers(kit: ConsoleKit, submitters: SubmitterSending) {
  const { deps, page, notFound, actor } = kit;
  const { bodies, desk } = submitters;

  /** The signed-in submitter's body; a session without one (no binding) is refused. */
  const ownBody = async (c: C): Promise<IssuingBody | undefined> => {
    const id = c.get("session").body;
    return id ? bodies.get(id) : undefined;
  };
  const noBody = (c: C) =>
    page(
      c,
      "message",
      {
        title: "未绑定发文机关",
        heading: "未绑定发文机关",
        message: "你的账户没有所属的发文机关，或该机关已不存在。请联系管理员。",
        back: "/console/",
      },
      403,
    );

  const withBody =
    (handler: (c: C, body: IssuingBody) => Promise<Response>) =>
    async (c: C): Promise<Response> => {
      const body = await ownBody(c);
      return body ? handler(c, body) : noBody(c);
    };

  /** A submission of the own body; another body's is refused (403, audited) and not shown. */
  const ownSubmission = async (c: C, body: IssuingBody): Promise<SubmissionView | Response> => {
    const id = c.req.param("id") ?? "";
    const view = await desk.get(id);
    if (!view) return notFound(c, "没有这份报送。", "/console/body/submissions");
    if (view.bodyId !== body.id)
      return kit.refuse(c, {
        actor: actor(c),
        details: { reason: "other_body", bodyId: view.bodyId },
        show: (context, status) => page(c, "message", { ...context }, status),
        status: 403,
        title: "无权查看",
        heading: "无权查看",
        message: "这份报送不属于你的发文机关。报送员只能查看本机关的报送。",
        back: "/console/body/submissions",
      });
    return view.documentId && view.state !== "published" ? desk.refresh(view.id) : view;
  };

  const formPage = (
    c: C,
    body: IssuingBody,
    posted: PostedForm,
    problems: readonly FieldProblem[],
    status: number,
    options: { action: string; heading?: string; intro?: string; resubmit?: SubmissionView },
  ) =>
    page(
      c,
      "submit",
      {
        title: problems.length ? "报送文件（有错误）" : options.resubmit ? "重新报送" : "报送文件",
        section: "body-new",
        formAction: options.action,
        heading: options.resubmit ? `重新报送：${options.resubmit.title}` : `报送文件：${body.name}`,
        problemHeading: options.heading ?? "",
        intro: options.intro ?? "",
        ...formView(deps.config.gazette.sections, posted, problems),
      },
      status,
    );

  return { ownBody, noBody, withBody, ownSubmission, formPage };
}

/** Registers the two sending posts (see the module's comment). */
export function registerSubmitterSending(kit: ConsoleKit, submitters: SubmitterSending): void {
  const { app, deps, record, submitter, form, actor } = kit;
  const { desk } = submitters;
  const { withBody, ownSubmission, formPage } = submitterHelpers(kit, submitters);

  const refusedForm = async (
    c: C,
    body: IssuingBody,
    posted: PostedForm,
    error: ProblemError,
    options: { action: string; resubmit?: SubmissionView; target: string | null },
  ) => {
    const [status] = classify(error);
    await record({
      actor: actor(c),
      action: options.resubmit ? "submission.resubmit" : "submission.submit",
      target: options.target,
      outcome: "refused",
      details: { bodyId: body.id, problems: problemCodes(error.problems) },
    });
    const heading =
      status === 403
        ? "未受理：报送员只能报送本机关的文件"
        : status === 422
          ? "退文：文件不符合发布规定"
          : "未受理：请改正以下问题";
    return formPage(c, body, posted, error.problems, status, { ...options, heading });
  };

  const upload = async (c: C) => {
    const file = fileUpload(c);
    return file
      ? { bytes: new Uint8Array(await file.arrayBuffer()), filename: file.name || null }
      : undefined;
  };

  const limit = bodyLimit({
    maxSize: deps.config.limits.maxDocxBytes + 1024 * 1024,
    onError: (c) => c.text("上传的文件过大", 413),
  });

  app.post(
    "/console/body/submissions",
    limit,
    submitter,
    withBody(async (c, body) => {
      const posted = form(c);
      try {
        const view = await desk.submit(body.id, submissionInput(posted), actor(c), await upload(c));
        await record({
          actor: actor(c),
          action: "submission.submit",
          target: view.id,
          outcome: "ok",
          details: { bodyId: body.id, title: view.title, docNumber: view.docNumber },
        });
        return c.redirect(`/console/body/submissions/${view.id}`, 303);
      } catch (error) {
        if (!(error instanceof ProblemError)) throw error;
        return refusedForm(c, body, posted, error, { action: "/console/body/submissions", target: null });
      }
    }),
  );

  app.post(
    "/console/body/submissions/:id",
    limit,
    submitter,
    withBody(async (c, body) => {
      const view = await ownSubmission(c, body);
      if (view instanceof Response) return view;
      const posted = form(c);
      const action = `/console/body/submissions/${view.id}`;
      try {
        const updated = await desk.resubmit(
          body.id,
          view.id,
          submissionInput(posted),
          actor(c),
          await upload(c),
        );
        await record({
          actor: actor(c),
          action: "submission.resubmit",
          target: updated.id,
          outcome: "ok",
          details: { bodyId: body.id, seq: updated.seq },
        });
        return c.redirect(action, 303);
      } catch (error) {
        if (!(error instanceof ProblemError)) throw error;
        return refusedForm(c, body, posted, error, { action, resubmit: view, target: view.id });
      }
    }),
  );
}
