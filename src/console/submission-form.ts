/**
 * The console's submission form: its fields, how a posted form becomes the intake's submission
 * input, and where each of intake's field problems is shown. No rule lives here: the form is
 * translated as it is and DocumentIntake.submit validates it (validateSubmission), so the console
 * refuses exactly what the API refuses, for the same reasons.
 */

import {
  DISCLOSURE_ATTRIBUTES,
  DISCLOSURE_LABELS,
  DOCUMENT_KINDS,
  INTERPRETATION_FORMS,
  REPOST_SCOPES,
  SITE_LEVELS,
} from "../documents/model.js";
import type { FieldProblem } from "../platform/errors.js";

type FieldType = "text" | "date" | "number" | "textarea" | "select" | "checkbox" | "checkboxes" | "file";

interface FieldSpec {
  readonly name: string;
  readonly label: string;
  readonly type: FieldType;
  readonly hint?: string;
  readonly required?: boolean;
  readonly long?: boolean;
  readonly options?: readonly { value: string; label: string }[];
  readonly initial?: string;
}

export const INTERPRETATION_FORM_LABELS: Record<string, string> = {
  text: "文字解读",
  qa: "问答",
  graphic: "图解",
};
const REPOST_SCOPE_LABELS: Record<string, string> = {
  none: "不要求转载",
  all: "全部下级网站",
  targeted: "按条件",
};
export const SITE_LEVEL_LABELS: Record<string, string> = {
  province_dept: "省级部门",
  city: "市（州）",
  county: "县（市、区）",
  township: "乡镇（街道）",
};

const options = (values: readonly string[], labels?: Record<string, string>) =>
  values.map((value) => ({ value, label: labels?.[value] ? `${labels[value]}（${value}）` : value }));

/**
 * The repeated parts of the form (解读, 附件): how many slots each shows. A posted form shows
 * every slot it carried, and one more when the editor asked for it (the 再添一份 buttons, which
 * post the form back without submitting it: no script needed).
 */
export interface FormSlots {
  readonly interpretations: number;
  readonly attachments: number;
}

/** The most slots of each kind a form shows (intake's own limits refuse more documents' parts). */
export const MAX_SLOTS = 20;

/** Indices of the slots of `kind` present in a posted form (any of its fields sent), ascending. */
function postedSlots(form: PostedForm, kind: keyof FormSlots): number[] {
  const found = new Set<number>();
  const pattern = new RegExp(`^${kind}\\.(\\d{1,2})\\.`);
  for (const key of Object.keys(form)) {
    const m = pattern.exec(key);
    if (m && Number(m[1]) < MAX_SLOTS) found.add(Number(m[1]));
  }
  return [...found].sort((a, b) => a - b);
}

/** Indices of the slots of `kind` with any text typed in (the form field `form` alone does not count). */
function filledSlots(form: PostedForm, kind: keyof FormSlots): number[] {
  return postedSlots(form, kind).filter((i) =>
    ["title", "body"].some((part) => one(form, `${kind}.${i}.${part}`).trim()),
  );
}

/** Slots a posted form shows: each it carried (at least one), plus one when `add` names the kind. */
export function formSlots(form: PostedForm, add?: string): FormSlots {
  const count = (kind: keyof FormSlots) => {
    const posted = postedSlots(form, kind);
    const shown = Math.max(1, (posted.at(-1) ?? -1) + 1);
    return Math.min(MAX_SLOTS, shown + (add === kind ? 1 : 0));
  };
  return { interpretations: count("interpretations"), attachments: count("attachments") };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

export function formGroups(
  sections: readonly string[],
  slots: FormSlots = { interpretations: 1, attachments: 1 },
): readonly { legend: string; fields: FieldSpec[]; add?: { kind: string; label: string } }[] {
  return [
    {
      legend: "文件",
      fields: [
        { name: "title", label: "标题", type: "text", required: true },
        { name: "docNumber", label: "发文字号", type: "text", hint: "如 川府发〔2024〕12号；没有则留空" },
        {
          name: "issuers",
          label: "发文机关",
          type: "textarea",
          required: true,
          hint: "每行一个；联合发文写多行",
        },
        { name: "dateWritten", label: "成文日期", type: "date", required: true },
        { name: "kind", label: "文种", type: "select", required: true, options: options(DOCUMENT_KINDS) },
        { name: "section", label: "栏目", type: "select", required: true, options: options(sections) },
        { name: "addressees", label: "主送机关", type: "text" },
        {
          name: "body",
          label: "正文",
          type: "textarea",
          long: true,
          hint: "纯文本：一段一行，一、（一）1. 等编号自动识别为标题；或上传 .docx",
        },
        { name: "file", label: ".docx 文件（可替代正文）", type: "file" },
        { name: "signer", label: "署名", type: "text" },
        { name: "cc", label: "抄送", type: "text" },
        { name: "printed.by", label: "印发机关", type: "text" },
        { name: "printed.date", label: "印发日期", type: "date" },
      ],
    },
    {
      legend: "附件",
      add: { kind: "attachments", label: "再添一个附件" },
      fields: range(slots.attachments).flatMap((i): FieldSpec[] => [
        {
          name: `attachments.${i}.title`,
          label: `附件${i + 1} 标题`,
          type: "text",
          ...(i === 0
            ? { hint: "正文后的“附件：”说明按这些标题印出；.docx 中的附件自动识别，无需在此重复" }
            : {}),
        },
        {
          name: `attachments.${i}.body`,
          label: `附件${i + 1} 正文`,
          type: "textarea",
          hint: "纯文本，一段一行；表格各列以制表符分隔",
        },
      ]),
    },
    {
      legend: "审批与公开",
      fields: [
        {
          name: "disclosure.attribute",
          label: "公开属性",
          type: "select",
          required: true,
          options: options(DISCLOSURE_ATTRIBUTES, DISCLOSURE_LABELS),
          initial: "public",
        },
        { name: "disclosure.reason", label: "不公开或依申请公开的理由", type: "text" },
        { name: "review.reviewer", label: "保密审查人", type: "text" },
        { name: "review.date", label: "保密审查日期", type: "date" },
        {
          name: "review.result",
          label: "保密审查结果",
          type: "select",
          options: [
            { value: "", label: "（未审查）" },
            { value: "passed", label: "通过（passed）" },
            { value: "failed", label: "未通过（failed）" },
          ],
        },
        { name: "approval.approver", label: "签发人", type: "text" },
        { name: "approval.date", label: "签发日期", type: "date" },
      ],
    },
    {
      legend: "政策解读",
      add: { kind: "interpretations", label: "再添一份解读" },
      fields: [
        { name: "policy", label: "以政府名义印发的政策文件（须同步报送解读）", type: "checkbox" },
        ...range(slots.interpretations).flatMap((i): FieldSpec[] => [
          { name: `interpretations.${i}.title`, label: `解读${i + 1} 标题`, type: "text" },
          {
            name: `interpretations.${i}.form`,
            label: `解读${i + 1} 形式`,
            type: "select",
            options: options(INTERPRETATION_FORMS, INTERPRETATION_FORM_LABELS),
          },
          { name: `interpretations.${i}.body`, label: `解读${i + 1} 正文`, type: "textarea" },
        ]),
      ],
    },
    {
      legend: "效力与关系",
      fields: [
        { name: "normative.validFrom", label: "施行日期（规范性文件）", type: "date" },
        { name: "normative.validUntil", label: "有效期至", type: "date" },
        { name: "relations.repeals", label: "废止的文件（发文字号，每行一个）", type: "textarea" },
        { name: "relations.amends", label: "修改的文件（发文字号，每行一个）", type: "textarea" },
        {
          name: "relations.expires",
          label: "宣布失效的文件（发文字号，每行一个）",
          type: "textarea",
        },
        { name: "corrects", label: "勘误所更正的文件（发文字号，每行一个）", type: "textarea" },
      ],
    },
    {
      legend: "转载要求",
      fields: [
        {
          name: "repost.scope",
          label: "转载范围",
          type: "select",
          options: options(REPOST_SCOPES, REPOST_SCOPE_LABELS),
          initial: "none",
        },
        {
          name: "repost.regions",
          label: "行政区划代码",
          type: "text",
          hint: "六位代码，空格或逗号分隔，如 510100",
        },
        {
          name: "repost.levels",
          label: "网站层级",
          type: "checkboxes",
          options: options(SITE_LEVELS, SITE_LEVEL_LABELS),
        },
        { name: "repost.sectors", label: "行业（每行一个）", type: "textarea" },
        { name: "repost.deadlineWorkingDays", label: "转载时限（工作日）", type: "number" },
      ],
    },
  ];
}

/** The posted form, every value as text (checkbox groups as lists). */
export type PostedForm = Record<string, string | string[]>;

const one = (form: PostedForm, name: string): string => {
  const v = form[name];
  return (Array.isArray(v) ? (v[0] ?? "") : (v ?? "")).replace(/\r\n?/g, "\n");
};
const many = (form: PostedForm, name: string): string[] => {
  const v = form[name];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
};
const lines = (s: string) =>
  s
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
const orNull = (s: string) => (s.trim() ? s : null);

/**
 * The submission input of a posted form, in the shape of POST /api/documents. Empty optional
 * groups are left out (null); a group with any part filled in is passed whole, so that the intake
 * names the part that is missing.
 */
export function submissionInput(form: PostedForm): Record<string, unknown> {
  const v = (name: string) => one(form, name);
  const group = <T>(names: string[], build: () => T): T | null =>
    names.some((n) => v(n).trim()) ? build() : null;
  const deadline = v("repost.deadlineWorkingDays").trim();
  const body = v("body");
  return {
    title: v("title"),
    docNumber: orNull(v("docNumber")),
    issuers: lines(v("issuers")),
    dateWritten: v("dateWritten").trim(),
    kind: v("kind"),
    section: v("section"),
    addressees: orNull(v("addressees")),
    ...(body.trim() ? { body } : {}),
    signer: orNull(v("signer")),
    cc: orNull(v("cc")),
    printed: group(["printed.by", "printed.date"], () => ({ by: v("printed.by"), date: v("printed.date") })),
    disclosure: { attribute: v("disclosure.attribute"), reason: orNull(v("disclosure.reason")) },
    review: group(["review.reviewer", "review.date", "review.result"], () => ({
      reviewer: v("review.reviewer"),
      date: v("review.date"),
      result: v("review.result"),
    })),
    approval: group(["approval.approver", "approval.date"], () => ({
      approver: v("approval.approver"),
      date: v("approval.date"),
    })),
    policy: v("policy") === "on",
    // Slots left blank are left out; formView puts intake's problems back on the slot they came from.
    interpretations: filledSlots(form, "interpretations").map((i) => ({
      title: v(`interpretations.${i}.title`),
      form: v(`interpretations.${i}.form`),
      body: v(`interpretations.${i}.body`),
    })),
    attachments: filledSlots(form, "attachments").map((i) => ({
      title: v(`attachments.${i}.title`),
      body: v(`attachments.${i}.body`),
    })),
    normative: group(["normative.validFrom", "normative.validUntil"], () => ({
      validFrom: v("normative.validFrom"),
      validUntil: v("normative.validUntil"),
    })),
    relations: {
      repeals: lines(v("relations.repeals")),
      amends: lines(v("relations.amends")),
      expires: lines(v("relations.expires")),
    },
    corrects: lines(v("corrects")),
    repost: {
      scope: v("repost.scope"),
      regions: v("repost.regions")
        .split(/[\s,，、]+/)
        .filter(Boolean),
      levels: many(form, "repost.levels"),
      sectors: lines(v("repost.sectors")),
      deadlineWorkingDays: deadline ? (/^\d+$/.test(deadline) ? Number(deadline) : deadline) : null,
    },
  };
}

/** Chinese names of the rules intake applies, by problem code. */
const RULES: Record<string, string> = {
  required: "必填项",
  invalid: "格式不符",
  invalid_type: "格式不符",
  invalid_format: "格式不符",
  too_long: "超过长度上限",
  in_future: "日期不能晚于今天",
  not_approved: "退文：未经签发的文件不予受理",
  review_required: "退文：发布前须经保密审查",
  review_not_passed: "退文：保密审查未通过",
  interpretation_required: "退文：政策文件须与解读材料同步报送",
  repost_requires_public: "只有主动公开的文件可要求转载",
  duplicate: "同一机关的发文字号不能重复",
  duplicate_doc_number: "同一机关的发文字号不能重复",
};

export interface ShownProblem {
  readonly field: string | null;
  readonly code: string;
  readonly message: string;
  readonly rule: string;
}

/** The form field a problem belongs to: the field itself, its nearest enclosing field, or the first part of its group. */
export function formFieldOf(problemField: string | null, names: readonly string[]): string | null {
  if (!problemField) return null;
  let best: string | null = null;
  for (const name of names) {
    if (
      (problemField === name || problemField.startsWith(`${name}.`)) &&
      (!best || name.length > best.length)
    )
      best = name;
  }
  if (best) return best;
  return names.find((name) => name.startsWith(`${problemField}.`)) ?? null;
}

/** The form's fields with their values and the problems shown next to each. */
/**
 * A problem of the submission as the form shows it: intake names the n-th 解读 or 附件 it was
 * given, which is the n-th slot with text in it (blank slots were left out).
 */
function onFormSlot(form: PostedForm, field: string | null): string | null {
  if (!field) return field;
  const m = /^(interpretations|attachments)\.(\d+)(\..*)?$/.exec(field);
  if (!m) return field;
  const slot = filledSlots(form, m[1] as keyof FormSlots)[Number(m[2])];
  return slot === undefined ? field : `${m[1]}.${slot}${m[3] ?? ""}`;
}

export function formView(
  sections: readonly string[],
  form: PostedForm,
  rawProblems: readonly FieldProblem[],
  add?: string,
): { groups: unknown[]; problems: unknown[] } {
  const problems = rawProblems.map((p) => ({ ...p, field: onFormSlot(form, p.field) }));
  const groups = formGroups(sections, formSlots(form, add));
  const names = groups.flatMap((g) => g.fields.map((f) => f.name));
  const byField = new Map<string, ShownProblem[]>();
  const summary: { anchor: string; label: string; message: string }[] = [];
  const labelOf = new Map(groups.flatMap((g) => g.fields.map((f) => [f.name, f.label] as const)));
  for (const p of problems) {
    const field = formFieldOf(p.field, names) ?? (p.field === "file" ? "file" : null);
    const shown = { field: p.field, code: p.code, message: p.message, rule: RULES[p.code] ?? p.code };
    const key = field ?? "";
    byField.set(key, [...(byField.get(key) ?? []), shown]);
    summary.push({
      anchor: field ? fieldId(field) : "problems",
      label: field ? (labelOf.get(field) ?? field) : "整件",
      message: `${shown.rule}：${p.message}`,
    });
  }
  const filled = Object.keys(form).length > 0;
  return {
    problems: summary,
    groups: groups.map((g) => ({
      legend: g.legend,
      add: g.add,
      fields: g.fields.map((f) => {
        const value = filled ? one(form, f.name) : (f.initial ?? "");
        const chosen = new Set(f.type === "checkboxes" ? many(form, f.name) : [value]);
        return {
          ...f,
          id: fieldId(f.name),
          value,
          checked: value === "on",
          options: f.options?.map((o) => ({ ...o, selected: chosen.has(o.value) })),
          errors: byField.get(f.name) ?? [],
        };
      }),
    })),
  };
}

/**
 * A new form with some fields filled in beforehand (e.g. the 发文字号 an act repeals); the other
 * fields keep their initial values.
 */
export function prefilledForm(sections: readonly string[], values: Record<string, string>): PostedForm {
  const form: PostedForm = {};
  for (const group of formGroups(sections))
    for (const f of group.fields) if (f.initial !== undefined) form[f.name] = f.initial;
  return { ...form, ...values };
}

export const fieldId = (name: string) => `f-${name.replace(/\./g, "-")}`;
