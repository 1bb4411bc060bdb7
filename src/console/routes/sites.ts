/**
 * The sites registry (administrators): register a site (its token and webhook secret shown once),
 * edit its fields (a new webhook address is challenged first), verify, disable, enable, rotate
 * its secret. Every change is audited.
 */
import type { ConsoleAuditAction } from "../../audit/console-actions.js";
import { type FieldProblem, ProblemError } from "../../platform/errors.js";
import { SITE_LEVELS, type SiteRecord } from "../../reposts/model.js";
import type { SiteRegistry } from "../../reposts/sites.js";
import { type C, type ConsoleKit, type ConsoleReposts, problemCodes } from "../kit.js";
import { SITE_LEVEL_LABELS } from "../submission-form.js";

export function registerSiteRoutes(kit: ConsoleKit, reposts: ConsoleReposts): void {
  const { app, record, page, notFound, admin, form, actor } = kit;
  const { registry } = reposts;
  const siteFieldNames = [
    "name",
    "level",
    "region",
    "sectors",
    "delivery.type",
    "delivery.url",
    "delivery.queueUrl",
    "delivery.roleArn",
  ];
  /** The registration / edit form's fields, with the registry's problems beside each. */
  const siteFields = (given: Record<string, string>, problems: readonly FieldProblem[]) => {
    const values: Record<string, string> = { level: "city", "delivery.type": "webhook", ...given };
    const errorsOf = (name: string) =>
      problems
        .filter((p) => p.field === name || (name === "delivery.url" && p.field === "delivery"))
        .map((p) => ({ message: p.message, code: p.code }));
    const field = (name: string, label: string, type: string, hint?: string) => ({
      name,
      label,
      type,
      hint,
      id: `s-${name.replace(/\./g, "-")}`,
      value: values[name] ?? "",
      errors: errorsOf(name),
    });
    return [
      field("name", "网站名称", "text"),
      {
        ...field("level", "层级", "select"),
        options: SITE_LEVELS.map((l) => ({
          value: l,
          label: SITE_LEVEL_LABELS[l],
          selected: values.level === l,
        })),
      },
      field("region", "行政区划代码", "text", "六位 GB/T 2260 代码，如 510104"),
      field("sectors", "行业（每行一个，可空）", "textarea"),
      {
        ...field("delivery.type", "接收方式", "select"),
        options: [
          {
            value: "webhook",
            label: "Webhook（HTTPS 回调）",
            selected: values["delivery.type"] !== "sqs",
          },
          { value: "sqs", label: "SQS 队列", selected: values["delivery.type"] === "sqs" },
        ],
      },
      field("delivery.url", "Webhook 地址", "text", "登记时即发送验证请求（hub.challenge），须原样返回"),
      field("delivery.queueUrl", "SQS 队列地址", "text", "仅 SQS 方式"),
      field("delivery.roleArn", "SQS 投递角色 ARN（可空）", "text", "仅 SQS 方式"),
    ];
  };
  /** A site's fields as the form shows them. */
  const siteValues = (
    site: SiteRecord | Awaited<ReturnType<SiteRegistry["get"]>>,
  ): Record<string, string> => ({
    name: site.name,
    level: site.level,
    region: site.region,
    sectors: site.sectors.join("\n"),
    "delivery.type": site.delivery.type,
    "delivery.url": site.delivery.type === "webhook" ? site.delivery.url : "",
    "delivery.queueUrl": site.delivery.type === "sqs" ? site.delivery.queueUrl : "",
    "delivery.roleArn": site.delivery.type === "sqs" ? (site.delivery.roleArn ?? "") : "",
  });
  /** The form's values as the registry's input (register, or update). */
  const siteInput = (values: Record<string, string>) => {
    const type = values["delivery.type"];
    return {
      name: values.name,
      level: values.level,
      region: values.region,
      sectors: (values.sectors ?? "")
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter(Boolean),
      delivery:
        type === "sqs"
          ? {
              type,
              queueUrl: values["delivery.queueUrl"],
              ...(values["delivery.roleArn"] ? { roleArn: values["delivery.roleArn"] } : {}),
            }
          : { type, url: values["delivery.url"] },
    };
  };
  const sitesPage = async (
    c: C,
    extra: {
      values?: Record<string, string>;
      problems?: readonly FieldProblem[];
      notice?: string;
      shown?: { title: string; rows: { label: string; value: string }[] };
    } = {},
    status = 200,
  ) => {
    const result = await registry.list({ limit: 200, cursor: c.req.query("cursor") || undefined });
    const problems = extra.problems ?? [];
    return page(
      c,
      "sites",
      {
        title: "下级网站",
        section: "sites",
        notice: extra.notice,
        shown: extra.shown,
        problems: problems
          .filter((p) => !siteFieldNames.includes(p.field ?? "") && p.field !== "delivery")
          .map((p) => p.message),
        sites: result.items.map((site) => ({
          ...site,
          levelLabel: SITE_LEVEL_LABELS[site.level] ?? site.level,
          statusLabel: site.status === "active" ? "启用" : "停用",
          active: site.status === "active",
          target: site.delivery.type === "webhook" ? site.delivery.url : site.delivery.queueUrl,
          webhook: site.delivery.type === "webhook",
          sectors: site.sectors.join("、"),
        })),
        next: result.cursor ? `/console/sites?cursor=${encodeURIComponent(result.cursor)}` : undefined,
        fields: siteFields(extra.values ?? {}, problems),
      },
      status,
    );
  };

  const siteProblem = async (
    c: C,
    action: ConsoleAuditAction,
    target: string | null,
    error: unknown,
    values?: Record<string, string>,
  ) => {
    if (!(error instanceof ProblemError)) throw error;
    await record({
      actor: actor(c),
      action,
      target,
      outcome: "refused",
      details: { problems: problemCodes(error.problems) },
    });
    const status = error.name === "SiteNotFoundError" ? 404 : error.name === "RepostRefusedError" ? 422 : 400;
    return sitesPage(c, { values, problems: error.problems }, status);
  };

  app.get("/console/sites", admin, (c) => sitesPage(c));

  app.post("/console/sites", admin, async (c) => {
    const posted = form(c);
    const text = (n: string) => (typeof posted[n] === "string" ? (posted[n] as string).trim() : "");
    const values = Object.fromEntries(siteFieldNames.map((n) => [n, text(n)]));
    const input = siteInput(values);
    try {
      const created = await registry.register(input);
      await record({
        actor: actor(c),
        action: "site.register",
        target: created.id,
        outcome: "ok",
        details: { name: values.name, region: values.region, level: values.level },
      });
      return sitesPage(c, {
        notice: `已登记：${values.name}`,
        shown: {
          title: `${values.name} 的令牌和签名密钥（只显示这一次）`,
          rows: [
            { label: "网站令牌（用于登录门户 /portal/ 和调用接口）", value: created.token },
            { label: "Webhook 签名密钥", value: created.webhookSecret },
          ],
        },
      });
    } catch (error) {
      return siteProblem(c, "site.register", null, error, values);
    }
  });

  /** One site's fields, editable: name, level, region, sectors, delivery. */
  const sitePage = async (
    c: C,
    id: string,
    extra: { values?: Record<string, string>; problems?: readonly FieldProblem[]; notice?: string } = {},
    status = 200,
  ) => {
    const site = await registry.get(id);
    const problems = extra.problems ?? [];
    return page(
      c,
      "site",
      {
        title: `修改：${site.name}`,
        section: "sites",
        site,
        notice: extra.notice,
        problems: problems
          .filter((p) => !siteFieldNames.includes(p.field ?? "") && p.field !== "delivery")
          .map((p) => p.message),
        fields: siteFields(extra.values ?? siteValues(site), problems),
      },
      status,
    );
  };

  app.get("/console/sites/:id", admin, async (c) => {
    try {
      return await sitePage(c, c.req.param("id"));
    } catch (error) {
      if (error instanceof ProblemError && error.name === "SiteNotFoundError")
        return notFound(c, "没有这个网站。", "/console/sites");
      throw error;
    }
  });

  app.post("/console/sites/:id", admin, async (c) => {
    const id = c.req.param("id");
    const posted = form(c);
    const text = (n: string) => (typeof posted[n] === "string" ? (posted[n] as string).trim() : "");
    const values = Object.fromEntries(siteFieldNames.map((n) => [n, text(n)]));
    let current: Awaited<ReturnType<SiteRegistry["get"]>>;
    try {
      current = await registry.get(id);
    } catch (error) {
      if (error instanceof ProblemError && error.name === "SiteNotFoundError")
        return notFound(c, "没有这个网站。", "/console/sites");
      throw error;
    }
    const before = siteValues(current);
    const changed = siteFieldNames.filter((n) => (values[n] ?? "") !== (before[n] ?? ""));
    const { delivery, ...rest } = siteInput(values);
    // The delivery only when it changed: a new webhook address is verified (challenge) first.
    const deliveryChanged = changed.some((n) => n.startsWith("delivery."));
    try {
      await registry.update(id, { ...rest, ...(deliveryChanged ? { delivery } : {}) });
      await record({
        actor: actor(c),
        action: "site.update",
        target: id,
        outcome: "ok",
        details: Object.fromEntries(changed.map((n) => [n, { from: before[n] ?? "", to: values[n] ?? "" }])),
      });
      return sitePage(c, id, {
        notice: changed.length ? `已保存：${changed.length} 项修改。` : "没有修改。",
      });
    } catch (error) {
      if (!(error instanceof ProblemError)) throw error;
      await record({
        actor: actor(c),
        action: "site.update",
        target: id,
        outcome: "refused",
        details: { problems: problemCodes(error.problems) },
      });
      const status = error.name === "RepostRefusedError" ? 422 : 400;
      return sitePage(c, id, { values, problems: error.problems }, status);
    }
  });

  for (const action of ["verify", "disable", "enable", "rotate"] as const)
    app.post(`/console/sites/:id/${action}`, admin, async (c) => {
      const id = c.req.param("id");
      const posted = form(c);
      try {
        const site = await registry.get(id);
        let notice: string;
        let shown: { title: string; rows: { label: string; value: string }[] } | undefined;
        if (action === "verify") {
          if (site.delivery.type !== "webhook") {
            notice = `${site.name} 使用 SQS 接收，无须验证回调地址。`;
          } else {
            await registry.update(id, { delivery: site.delivery });
            notice = `${site.name} 的回调地址已通过验证。`;
          }
        } else if (action === "disable") {
          const reason =
            typeof posted.reason === "string" && posted.reason.trim() ? posted.reason.trim() : "由管理员停用";
          await registry.update(id, { status: "disabled", disabledReason: reason });
          notice = `已停用 ${site.name}：不再向其发送通知，其令牌不能再登录门户。`;
        } else if (action === "enable") {
          await registry.update(id, { status: "active" });
          notice = `已重新启用 ${site.name}。`;
        } else {
          const rotated = await registry.rotateSecret(id, {});
          notice = `已为 ${site.name} 生成新的签名密钥。`;
          shown = {
            title: `${site.name} 的新签名密钥（只显示这一次）`,
            rows: [
              { label: "新的 Webhook 签名密钥", value: rotated.webhookSecret },
              { label: "旧密钥继续有效至", value: rotated.previousExpiresAt },
            ],
          };
        }
        await record({ actor: actor(c), action: `site.${action}`, target: id, outcome: "ok", details: {} });
        return sitesPage(c, { notice, shown });
      } catch (error) {
        return siteProblem(c, `site.${action}`, id, error);
      }
    });
}
