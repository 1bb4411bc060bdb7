/**
 * Archive review (reviewers): the queue of low-confidence items, a page image beside its OCR text
 * with the hit boxes of each field, corrections with the API's validation, accept, and the
 * history of corrections.
 */
import type { ArchiveItem } from "../../archive/model.js";
import { highlightBoxes } from "../../archive/site.js";
import { DATE_KIND_LABELS, DATE_KINDS, findDocumentDates } from "../../documents/dates.js";
import { type FieldProblem, ProblemError } from "../../platform/errors.js";
import { type C, type ConsoleDependencies, type ConsoleKit, problemCodes } from "../kit.js";

/** Why the archive put an item in the review queue (src/archive/completion.ts), in Chinese. */
const REVIEW_REASON_LABELS: Record<string, string> = {
  low_ocr_confidence: "OCR 置信度低",
  title_not_found: "未找到标题",
  doc_number_not_found: "未找到发文字号",
  date_not_found: "未找到日期",
  issuers_not_found: "未找到发文机关",
  kind_not_found: "未找到文种",
  page_failed: "有页面未能识别",
};

/** Names of an archive item's fields, in its correction history. */
const FIELD_LABELS: Record<string, string> = {
  title: "标题",
  docNumber: "发文字号",
  issuers: "发文机关",
  date: "日期",
  dateKind: "日期类型",
  kind: "文种",
  text: "正文",
  review: "待审核",
};

function shortValue(value: unknown): string {
  if (value === null || value === undefined) return "（空）";
  const text = Array.isArray(value)
    ? value.join("、")
    : typeof value === "string"
      ? value
      : JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 80)}…（共 ${text.length} 字）` : text;
}

export function registerArchiveReviewRoutes(
  kit: ConsoleKit,
  archive: NonNullable<ConsoleDependencies["archive"]>,
): void {
  const { app, record, page, notFound, reviewer, form, actor } = kit;
  app.get("/console/archive/review", reviewer, async (c) => {
    const result = await archive.listItems({
      review: true,
      limit: 50,
      cursor: c.req.query("cursor") || undefined,
    });
    const items = result.items as readonly (Pick<ArchiveItem, "id" | "title" | "docNumber" | "date"> & {
      issuers: readonly string[];
      confidence?: number;
      reviewReasons?: readonly string[];
    })[];
    return page(c, "archive-queue", {
      title: "档案审核",
      section: "archive",
      items: items.map((i) => ({
        ...i,
        issuers: i.issuers.join("、"),
        confidence: i.confidence === undefined ? "" : `${Math.round(i.confidence * 100)}%`,
        reasons: (i.reviewReasons ?? []).map((r) => REVIEW_REASON_LABELS[r] ?? r),
      })),
      next: result.cursor ? `/console/archive/review?cursor=${encodeURIComponent(result.cursor)}` : undefined,
    });
  });

  /**
   * Where each field was read on a page: the OCR word boxes (hOCR) of the field's text as the
   * item has it (title, 发文字号 as printed, each issuer, the date as printed, 文种), each a link
   * to the field's input, so a click on the scan focuses the field it shows (no script: a
   * fragment link to a form control focuses it).
   */
  const fieldBoxes = (
    hocr: { bytes: Uint8Array } | undefined,
    item: ArchiveItem,
  ): { left: number; top: number; width: number; height: number; field: string; label: string }[] => {
    if (!hocr) return [];
    const page = new TextDecoder().decode(hocr.bytes);
    // As read, before any correction: that is what the scan shows where OCR found it.
    const read = <T>(field: string, current: T): T => {
      const first = item.history.find((h) => field in h.changes);
      return first ? (first.changes[field]!.from as T) : current;
    };
    const text = read("text", item.text);
    const date = read("date", item.date);
    const printedDate =
      typeof date === "string"
        ? findDocumentDates(text.split(/\r?\n/)).dates.find((d) => d.date === date)?.printed
        : undefined;
    const issuers = read<readonly string[] | undefined>("issuers", item.issuers) ?? [];
    const wanted: [string, string, string | undefined][] = [
      ["title", "标题", read<string | undefined>("title", item.title)],
      [
        "docNumber",
        "发文字号",
        read<string | undefined>("docNumber", item.docNumberPrinted ?? item.docNumber),
      ],
      ...issuers.map((issuer): [string, string, string] => ["issuers", "发文机关", issuer]),
      ["date", "日期", printedDate],
    ];
    const seen = new Set<string>();
    return wanted.flatMap(([field, label, value]) =>
      value && value.trim().length >= 2
        ? highlightBoxes(page, value)
            .filter((b) => {
              const key = `${b.left},${b.top}`;
              if (seen.has(key)) return false;
              seen.add(key);
              return true;
            })
            .map((b) => ({ ...b, field: `r-${field}`, label: `${label}（${b.text}）` }))
        : [],
    );
  };

  const itemPage = async (
    c: C,
    id: string,
    extra: { values?: Record<string, string>; problems?: readonly FieldProblem[]; notice?: string } = {},
    status = 200,
  ) => {
    let item: ArchiveItem & { version: number };
    try {
      item = await archive.getItem(id);
    } catch (error) {
      if (error instanceof ProblemError) return notFound(c, "没有这一档案条目。", "/console/archive/review");
      throw error;
    }
    const current: Record<string, string> = {
      title: item.title,
      docNumber: item.docNumberPrinted ?? item.docNumber ?? "",
      issuers: item.issuers.join("\n"),
      date: item.date ?? "",
      dateKind: item.dateKind ?? "",
      kind: item.kind ?? "",
      text: item.text,
    };
    const values = { ...current, ...extra.values };
    const problems = extra.problems ?? [];
    const errorsOf = (name: string) =>
      problems
        .filter((p) => p.field === name || (p.field ?? "").startsWith(`${name}.`))
        .map((p) => ({ message: p.message, code: p.code }));
    const field = (name: string, label: string, type: string, hint?: string) => ({
      name,
      label,
      type,
      hint,
      id: `r-${name}`,
      value: values[name] ?? "",
      errors: errorsOf(name),
    });
    const known = new Set(["title", "docNumber", "issuers", "date", "dateKind", "kind", "text"]);
    return page(
      c,
      "archive-item",
      {
        title: `审核：${item.title}`,
        section: "archive",
        wide: true,
        item,
        version: item.version,
        confidence: `${Math.round(item.confidence * 100)}%`,
        reasons: item.reviewReasons.map((r) => REVIEW_REASON_LABELS[r] ?? r),
        edition: [
          item.edition.gazette && `《${item.edition.gazette}》`,
          item.edition.year && `${item.edition.year}年`,
          item.edition.issue && `第${item.edition.issue}期`,
        ]
          .filter(Boolean)
          .join(""),
        images: await Promise.all(
          item.pages
            .filter((p) => p.imageKey)
            .map(async (p) => ({
              page: p.page,
              src: `/archive/items/${encodeURIComponent(item.id)}/pages/${p.page}.png`,
              width: p.width,
              height: p.height,
              boxes: p.hocrKey ? fieldBoxes(await archive.blob(p.hocrKey), item) : [],
            })),
        ),
        fields: [
          field("title", "标题", "text"),
          field("docNumber", "发文字号", "text", "没有则留空"),
          field("issuers", "发文机关", "textarea", "每行一个"),
          field("date", "日期", "date"),
          {
            ...field("dateKind", "日期类型", "select"),
            options: [
              { value: "", label: "（未知）", selected: !values.dateKind },
              ...DATE_KINDS.map((k) => ({
                value: k,
                label: DATE_KIND_LABELS[k],
                selected: values.dateKind === k,
              })),
            ],
          },
          field("kind", "文种", "text", "如 通知、决定；没有则留空"),
          field("text", "正文（OCR 文字）", "textarea"),
        ],
        problems: problems.map((p) => ({
          anchor: p.field && known.has(p.field.split(".")[0]!) ? `r-${p.field.split(".")[0]}` : "r-problems",
          message: p.message,
        })),
        history: [...item.history].reverse().map((h) => ({
          ...h,
          changes: Object.entries(h.changes).map(([name, change]) => ({
            field: FIELD_LABELS[name] ?? name,
            from: shortValue(change.from),
            to: shortValue(change.to),
          })),
        })),
        notice: extra.notice,
        publicUrl: `/archive/items/${encodeURIComponent(item.id)}`,
      },
      status,
    );
  };

  app.get("/console/archive/items/:id", reviewer, (c) => itemPage(c, c.req.param("id")));

  app.post("/console/archive/items/:id", reviewer, async (c) => {
    const id = c.req.param("id");
    const posted = form(c);
    const text = (n: string) =>
      (typeof posted[n] === "string" ? (posted[n] as string) : "").replace(/\r\n?/g, "\n");
    const values = {
      title: text("title"),
      docNumber: text("docNumber"),
      issuers: text("issuers"),
      date: text("date").trim(),
      dateKind: text("dateKind"),
      kind: text("kind"),
      text: text("text"),
    };
    const accept = text("action") === "accept";
    const version = Number(text("version"));
    const input = {
      title: values.title,
      docNumber: values.docNumber.trim() || null,
      issuers: values.issuers
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean),
      date: values.date || null,
      dateKind: values.dateKind || null,
      kind: values.kind.trim() || null,
      text: values.text,
      review: !accept,
    };
    const action = accept ? "archive.accept" : "archive.correct";
    try {
      const item = await archive.correctItem(
        id,
        input,
        actor(c),
        Number.isInteger(version) && version > 0 ? version : undefined,
      );
      // A correction that changed something is the item's newest history entry, at this version.
      const changed = Number.isInteger(version) && item.version > version;
      await record({
        actor: actor(c),
        action,
        target: id,
        outcome: "ok",
        details: { fields: changed ? Object.keys(item.history.at(-1)?.changes ?? {}) : [] },
      });
      if (accept) return c.redirect(`/console/archive/review?accepted=${encodeURIComponent(id)}`, 303);
      return itemPage(c, id, { notice: "已保存更正；本条目仍在待审核队列中。" });
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      await record({
        actor: actor(c),
        action,
        target: id,
        outcome: "refused",
        details: { problems: problemCodes(error.problems) },
      });
      const status =
        error.name === "ArchiveNotFoundError" ? 404 : error.name === "ArchiveConflictError" ? 409 : 400;
      const problems =
        status === 409
          ? [
              {
                field: null,
                code: "conflict",
                message: "条目已被他人修改：下面是你填写的内容，请对照最新版本后重新提交。",
              },
            ]
          : error.problems;
      return itemPage(c, id, { values, problems }, status);
    }
  });
}
