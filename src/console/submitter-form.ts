/**
 * The submission form filled in from what a submitter sent before (a returned submission, sent
 * again corrected): the inverse of submission-form.ts submissionInput, field by field, so that
 * posting the form unchanged sends the same submission.
 */
import type { PostedForm } from "./submission-form.js";

const record = (value: unknown): Record<string, unknown> =>
  value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
const text = (value: unknown): string =>
  typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
const list = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];

/** The posted form that submissionInput turns back into `input` (a DocumentSubmission as sent). */
export function formOfSubmission(input: unknown): PostedForm {
  const o = record(input);
  const printed = record(o.printed);
  const disclosure = record(o.disclosure);
  const review = record(o.review);
  const approval = record(o.approval);
  const interpretations = Array.isArray(o.interpretations) ? o.interpretations.map(record) : [];
  const attachments = Array.isArray(o.attachments) ? o.attachments.map(record) : [];
  const normative = record(o.normative);
  const relations = record(o.relations);
  const repost = record(o.repost);
  const form: PostedForm = {
    title: text(o.title),
    docNumber: text(o.docNumber),
    issuers: list(o.issuers).join("\n"),
    dateWritten: text(o.dateWritten),
    kind: text(o.kind),
    section: text(o.section),
    addressees: text(o.addressees),
    body: text(o.body),
    signer: text(o.signer),
    cc: text(o.cc),
    "printed.by": text(printed.by),
    "printed.date": text(printed.date),
    "disclosure.attribute": text(disclosure.attribute),
    "disclosure.reason": text(disclosure.reason),
    "review.reviewer": text(review.reviewer),
    "review.date": text(review.date),
    "review.result": text(review.result),
    "approval.approver": text(approval.approver),
    "approval.date": text(approval.date),
    policy: o.policy === true ? "on" : "",
    // Every 解读 and 附件 sent, each in its slot (at least one slot of each, empty).
    ...Object.fromEntries(
      (interpretations.length ? interpretations : [{}]).flatMap((it: Record<string, unknown>, i) => [
        [`interpretations.${i}.title`, text(it.title)],
        [`interpretations.${i}.form`, text(it.form)],
        [`interpretations.${i}.body`, text(it.body)],
      ]),
    ),
    ...Object.fromEntries(
      (attachments.length ? attachments : [{}]).flatMap((it: Record<string, unknown>, i) => [
        [`attachments.${i}.title`, text(it.title)],
        [`attachments.${i}.body`, Array.isArray(it.body) ? list(it.body).join("\n") : text(it.body)],
      ]),
    ),
    "normative.validFrom": text(normative.validFrom),
    "normative.validUntil": text(normative.validUntil),
    "relations.repeals": list(relations.repeals).join("\n"),
    "relations.amends": list(relations.amends).join("\n"),
    "relations.expires": list(relations.expires).join("\n"),
    corrects: list(o.corrects).join("\n"),
    "repost.scope": text(repost.scope),
    "repost.regions": list(repost.regions).join(" "),
    "repost.levels": list(repost.levels),
    "repost.sectors": list(repost.sectors).join("\n"),
    "repost.deadlineWorkingDays": text(repost.deadlineWorkingDays),
  };
  return form;
}
