/**
 * A department's submitter (报送员, role `submitter`, bound to one issuing body) in the console,
 * under /console/body/: send a document for the own body (the editors' submission form, with a
 * .docx instead of a typed body if wished), follow each submission (received, returned with its
 * reason, accepted, placed in an edition, published with its citation and URLs), send a returned
 * one again, read the notifications inbox, and keep the body's completeness register (entries one
 * by one or a CSV/JSON file) with its figures.
 *
 * The body is the session's (the account's binding), never a field of a form: a submitter can
 * neither send for another body nor open another body's submission (403, audited). The same
 * domain calls as the body's API (SubmissionDesk, CompletenessRegister) refuse what they refuse.
 */
import { bodyLimit } from "hono/body-limit";
import { classify } from "../../http/errors.js";
import { ProblemError } from "../../platform/errors.js";
import { problem, SubmitterInputError } from "../../submitters/errors.js";
import type { IssuingBody, SubmissionView } from "../../submitters/model.js";
import { SUBMISSION_STATE_LABELS } from "../../submitters/model.js";
import type { Submitters } from "../../submitters/module.js";
import { MAX_REGISTER_ROWS, type REGISTER_KIND_LABELS } from "../../submitters/register.js";
import { type C, type ConsoleKit, fileUpload, problemCodes } from "../kit.js";
import { prefilledForm } from "../submission-form.js";
import { formOfSubmission } from "../submitter-form.js";
import { registerSubmitterSending, submitterHelpers } from "./submitter-sending.js";

/** Where a submitter's pages live. */
export const BODY_HOME = "/console/body/";

const ENTRY_FIELDS = ["docNumber", "title", "dateIssued", "kind"] as const;
const ENTRY_LABELS: Record<(typeof ENTRY_FIELDS)[number], string> = {
  docNumber: "发文字号",
  title: "标题",
  dateIssued: "成文日期",
  kind: "类别",
};

/** A submission's state and what goes with it, as the submitter's pages show it. */
export function submissionView(s: Omit<SubmissionView, "history">) {
  return {
    ...s,
    stateLabel: SUBMISSION_STATE_LABELS[s.state],
    returned: s.state === "returned",
    href: `/console/body/submissions/${s.id}`,
  };
}

/**
 * `pages`: every page and the register's forms; `sending`: the two posts that may carry a .docx
 * (a new submission, a returned one sent again), which in AWS the documents function serves
 * (it holds the .docx reader; src/http/surface.ts `lambda`). The local server registers both.
 */
export function registerSubmitterRoutes(
  kit: ConsoleKit,
  submitters: Pick<Submitters, "bodies" | "desk"> & { readonly register?: Submitters["register"] },
  parts: { readonly pages: boolean; readonly sending: boolean } = { pages: true, sending: true },
): void {
  const { app, deps, record, page, submitter, form, actor } = kit;
  const { desk } = submitters;
  const register = submitters.register;
  if (parts.pages && !register) throw new Error("The submitter's pages need the completeness register");
  // The register's reader (csv-parse) loads with its first page: the function that serves only
  // the .docx posts (AWS: documents) does not bundle it.
  const registerModule = () => import("../../submitters/register.js");

  const { withBody, ownSubmission, formPage } = submitterHelpers(kit, submitters);
  if (parts.sending) registerSubmitterSending(kit, submitters);

  // --- Home: figures and the latest notifications ---
  if (parts.pages) app.get("/console/body", submitter, (c) => c.redirect(BODY_HOME, 301));
  if (parts.pages)
    app.get(
      BODY_HOME,
      submitter,
      withBody(async (c, body) => {
        const [report, inbox, latest] = await Promise.all([
          register!.report({ bodyId: body.id }),
          desk.inbox(body.id, { limit: 5 }),
          desk.listForBody(body.id, { limit: 5 }),
        ]);
        const figures = report.bodies[0];
        return page(c, "submitter-home", {
          title: body.name,
          section: "body",
          body,
          figures,
          overdueDays: report.overdueDays,
          notices: inbox.items.map(noticeView),
          submissions: latest.items.map(submissionView),
        });
      }),
    );

  // --- Submissions ---
  if (parts.pages)
    app.get(
      "/console/body/submissions",
      submitter,
      withBody(async (c, body) => {
        const result = await desk.listForBody(body.id, {
          limit: 50,
          cursor: c.req.query("cursor") || undefined,
        });
        return page(c, "submitter-submissions", {
          title: "本机关报送",
          section: "body-submissions",
          body,
          items: result.items.map(submissionView),
          next: result.cursor
            ? `/console/body/submissions?cursor=${encodeURIComponent(result.cursor)}`
            : undefined,
        });
      }),
    );

  if (parts.pages)
    app.get(
      "/console/body/submissions/new",
      submitter,
      withBody(async (c, body) =>
        formPage(c, body, prefilledForm(deps.config.gazette.sections, { issuers: body.name }), [], 200, {
          action: "/console/body/submissions",
          intro: `以 ${body.name} 的名义报送；发文机关须包括 ${body.name}（联合发文可再写其他机关）。可以粘贴正文，或上传 .docx。`,
        }),
      ),
    );

  if (parts.pages)
    app.get(
      "/console/body/submissions/:id",
      submitter,
      withBody(async (c, body) => {
        const view = await ownSubmission(c, body);
        if (view instanceof Response) return view;
        return page(c, "submitter-submission", {
          title: view.title,
          section: "body-submissions",
          body,
          s: submissionView(view),
          history: [...view.history].reverse().map(noticeView),
        });
      }),
    );

  if (parts.pages)
    app.get(
      "/console/body/submissions/:id/edit",
      submitter,
      withBody(async (c, body) => {
        const view = await ownSubmission(c, body);
        if (view instanceof Response) return view;
        if (view.state !== "returned")
          return page(
            c,
            "message",
            {
              title: "不能重新报送",
              heading: "不能重新报送",
              message: `只有被退文的报送可以修改后重新报送；这份报送${SUBMISSION_STATE_LABELS[view.state]}。`,
              back: `/console/body/submissions/${view.id}`,
            },
            409,
          );
        const docx = await desk.docxOf(view.id);
        return formPage(c, body, formOfSubmission(await desk.contentOf(view.id)), [], 200, {
          action: `/console/body/submissions/${view.id}`,
          resubmit: view,
          intro: `退文理由：${view.returnReason ?? ""}。请改正后重新报送。${
            docx
              ? `正文取自上次上传的 ${docx.filename ?? ".docx 文件"}；不上传新文件、不填正文则沿用它。`
              : ""
          }`,
        });
      }),
    );

  // --- Inbox ---
  if (parts.pages)
    app.get(
      "/console/body/inbox",
      submitter,
      withBody(async (c, body) => {
        const result = await desk.inbox(body.id, { limit: 50, cursor: c.req.query("cursor") || undefined });
        return page(c, "submitter-inbox", {
          title: "通知",
          section: "body-inbox",
          body,
          notices: result.items.map(noticeView),
          next: result.cursor ? `/console/body/inbox?cursor=${encodeURIComponent(result.cursor)}` : undefined,
        });
      }),
    );

  // --- The completeness register ---
  const registerPage = async (
    c: C,
    body: IssuingBody,
    extra: {
      values?: Record<string, string>;
      problems?: readonly { field: string | null; message: string }[];
      importProblems?: readonly { field: string | null; message: string }[];
      notice?: string;
    } = {},
    status = 200,
  ) => {
    const { MAX_REGISTER_ROWS, REGISTER_KIND_LABELS } = await registerModule();
    const report = await register!.report({ bodyId: body.id });
    const figures = report.bodies[0];
    const errorsOf = (name: string) =>
      (extra.problems ?? [])
        .filter((p) => p.field === name || p.field?.endsWith(`.${name}`))
        .map((p) => p.message);
    const values = extra.values ?? {};
    return page(
      c,
      "submitter-register",
      {
        title: "规范性文件登记",
        section: "body-register",
        body,
        notice: extra.notice,
        figures,
        overdueDays: report.overdueDays,
        maxRows: MAX_REGISTER_ROWS,
        entries: figures?.entries.map((e) => ({
          ...e,
          kindLabel: REGISTER_KIND_LABELS[e.kind as keyof typeof REGISTER_KIND_LABELS],
          statusLabel: e.status === "published" ? "已刊登" : e.status === "submitted" ? "已报送" : "未报送",
          missing: e.status === "missing",
        })),
        fields: ENTRY_FIELDS.map((name) => ({
          name,
          id: `r-${name}`,
          label: ENTRY_LABELS[name],
          value: values[name] ?? "",
          date: name === "dateIssued",
          kind: name === "kind",
          options:
            name === "kind"
              ? Object.entries(REGISTER_KIND_LABELS).map(([value, label]) => ({
                  value,
                  label,
                  selected: (values.kind ?? "normative") === value,
                }))
              : undefined,
          errors: errorsOf(name),
        })),
        otherProblems: (extra.problems ?? []).filter(
          (p) => !ENTRY_FIELDS.some((f) => p.field === f || p.field?.endsWith(`.${f}`)),
        ),
        importProblems: extra.importProblems,
      },
      status,
    );
  };

  if (parts.pages)
    app.get(
      "/console/body/register",
      submitter,
      withBody((c, body) => registerPage(c, body)),
    );

  if (parts.pages)
    app.post(
      "/console/body/register",
      submitter,
      withBody(async (c, body) => {
        const posted = form(c);
        const values = Object.fromEntries(
          ENTRY_FIELDS.map((f) => [f, typeof posted[f] === "string" ? (posted[f] as string) : ""]),
        );
        try {
          await register!.add(body.id, [values], { by: actor(c), source: "console" });
          await record({
            actor: actor(c),
            action: "register.add",
            target: body.id,
            outcome: "ok",
            details: { docNumber: values.docNumber?.slice(0, 120) ?? null },
          });
          return registerPage(c, body, { notice: `已登记 ${values.docNumber}` });
        } catch (error) {
          if (!(error instanceof ProblemError)) throw error;
          await record({
            actor: actor(c),
            action: "register.add",
            target: body.id,
            outcome: "refused",
            details: { problems: problemCodes(error.problems) },
          });
          return registerPage(c, body, { values, problems: error.problems }, classify(error)[0]);
        }
      }),
    );

  if (parts.pages)
    app.post(
      "/console/body/register/import",
      bodyLimit({
        maxSize: MAX_REGISTER_ROWS * 1024 + 64 * 1024,
        onError: (c) => c.text("上传的文件过大", 413),
      }),
      submitter,
      withBody(async (c, body) => {
        const file = fileUpload(c);
        try {
          if (!file)
            throw new SubmitterInputError([problem("file", "required", "请选择一个 CSV 或 JSON 文件")]);
          const [{ rowsFromCsv }, { rowsFromJson }] = await Promise.all([
            import("../../submitters/register-csv.js"),
            registerModule(),
          ]);
          const content = new TextDecoder("utf-8", { fatal: true }).decode(await file.arrayBuffer());
          const json = /\.json$/i.test(file.name) || file.type === "application/json";
          let rows: Record<string, unknown>[];
          let lines: number[] | undefined;
          if (json) {
            let parsed: unknown;
            try {
              parsed = JSON.parse(content);
            } catch {
              throw new SubmitterInputError([problem("file", "invalid_json", "文件不是有效的 JSON")]);
            }
            rows = rowsFromJson(parsed);
          } else ({ rows, lines } = rowsFromCsv(content));
          const result = await register!.add(body.id, rows, { by: actor(c), source: "import", lines });
          await record({
            actor: actor(c),
            action: "register.import",
            target: body.id,
            outcome: "ok",
            details: { added: result.added, file: file.name.slice(0, 200) },
          });
          return registerPage(c, body, { notice: `已导入 ${result.added} 条登记` });
        } catch (error) {
          if (error instanceof TypeError && !(error instanceof ProblemError)) {
            // The fatal UTF-8 decoder: a file in another encoding.
            return registerPage(
              c,
              body,
              { importProblems: [{ field: "file", message: "文件须为 UTF-8 编码（CSV 可带 BOM）" }] },
              400,
            );
          }
          if (!(error instanceof ProblemError)) throw error;
          await record({
            actor: actor(c),
            action: "register.import",
            target: body.id,
            outcome: "refused",
            details: { problems: problemCodes(error.problems).slice(0, 20) },
          });
          return registerPage(c, body, { importProblems: error.problems }, classify(error)[0]);
        }
      }),
    );
}

/** One change of a submission, as the inbox and a submission's history list it. */
function noticeView(event: {
  submissionId: string;
  seq: number;
  at: string;
  state: keyof typeof SUBMISSION_STATE_LABELS;
  title: string;
  docNumber: string | null;
  by: string;
  reason?: string | undefined;
  edition?: { label: string } | undefined;
  citation?: string | undefined;
  urls?: SubmissionView["urls"] | undefined;
}) {
  return {
    ...event,
    stateLabel: SUBMISSION_STATE_LABELS[event.state],
    href: `/console/body/submissions/${event.submissionId}`,
    returned: event.state === "returned",
    published: event.state === "published",
  };
}
