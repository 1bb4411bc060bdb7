/**
 * Accounts (administrators): the embedded accounts and their roles, and the site accounts that
 * sign in to the portal. In OIDC mode console accounts live in the user pool; only site accounts
 * are made here.
 */
import { AccountError, CONSOLE_ROLES, ROLE_LABELS } from "../accounts.js";
import type { C, ConsoleKit } from "../kit.js";

export function registerAccountRoutes(kit: ConsoleKit): void {
  const { app, deps, record, page, admin, form, actor } = kit;
  const { accounts } = deps;
  const accountsPage = async (
    c: C,
    extra: { values?: Record<string, string>; field?: string; error?: string; notice?: string } = {},
    status = 200,
  ) => {
    const values = extra.values ?? {};
    const sites = deps.reposts ? (await deps.reposts.registry.list({ limit: 200 })).items : [];
    const bodies = deps.submitters ? await deps.submitters.bodies.list() : [];
    const field = (name: string, label: string, type: string, autocomplete: string) => ({
      name,
      label,
      type,
      autocomplete,
      value: type === "password" ? "" : (values[name] ?? ""),
      error: extra.field === name ? extra.error : undefined,
    });
    return page(
      c,
      "accounts",
      {
        title: "账户",
        section: "accounts",
        notice: extra.notice,
        oidc: deps.oidc !== undefined,
        accounts: (await accounts.list()).map((a) => ({
          ...a,
          roleLabel: ROLE_LABELS[a.role],
          siteName: a.site ? (sites.find((x) => x.id === a.site)?.name ?? a.site) : undefined,
          bodyName: a.body ? (bodies.find((x) => x.id === a.body)?.name ?? a.body) : undefined,
        })),
        fields: [
          field("username", "用户名", "text", "off"),
          field("displayName", "姓名", "text", "off"),
          {
            ...field("role", "角色", "select", "off"),
            options: (deps.oidc ? (["site"] as const) : CONSOLE_ROLES).map((r) => ({
              value: r,
              label: ROLE_LABELS[r],
              selected: (values.role ?? "editor") === r,
            })),
          },
          ...(deps.reposts
            ? [
                {
                  ...field("site", "所属网站（仅下级网站账户：登录 /portal/）", "select", "off"),
                  options: [
                    { value: "", label: "（无）", selected: !values.site },
                    ...sites.map((x) => ({
                      value: x.id,
                      label: `${x.name}（${x.region}）`,
                      selected: values.site === x.id,
                    })),
                  ],
                },
              ]
            : []),
          ...(deps.submitters
            ? [
                {
                  ...field("body", "所属发文机关（仅报送员账户：只能报送本机关的文件）", "select", "off"),
                  options: [
                    { value: "", label: "（无）", selected: !values.body },
                    ...bodies.map((x) => ({
                      value: x.id,
                      label: `${x.name}（${x.regionCode}）`,
                      selected: values.body === x.id,
                    })),
                  ],
                },
              ]
            : []),
          field("password", "初始密码（至少 12 个字符）", "password", "new-password"),
        ],
      },
      status,
    );
  };

  app.get("/console/accounts", admin, (c) => accountsPage(c));

  app.post("/console/accounts", admin, async (c) => {
    const posted = form(c);
    const text = (n: string) => (typeof posted[n] === "string" ? (posted[n] as string) : "");
    const values = {
      username: text("username"),
      displayName: text("displayName"),
      role: text("role"),
      site: text("site"),
      body: text("body"),
    };
    try {
      if (values.site && !(await deps.reposts?.registry.record(values.site)))
        throw new AccountError("site", "没有这个网站 (no such site)");
      if (values.body && !(await deps.submitters?.bodies.get(values.body)))
        throw new AccountError("body", "没有这个发文机关 (no such issuing body)");
      if (deps.oidc && values.role !== "site") {
        throw new AccountError(
          "role",
          "控制台账户在统一身份认证（Cognito 用户池）中管理；此处只能建下级网站账户 (role must be site)",
        );
      }
      const account = await accounts.create({ ...values, password: text("password") }, actor(c));
      await record({
        actor: actor(c),
        action: "account.create",
        target: account.username,
        outcome: "ok",
        details: { role: account.role, ...(account.body ? { body: account.body } : {}) },
      });
      return accountsPage(c, { notice: `已创建账户 ${account.username}（${ROLE_LABELS[account.role]}）` });
    } catch (error) {
      if (!(error instanceof AccountError)) throw error;
      await record({
        actor: actor(c),
        action: "account.create",
        target: values.username.slice(0, 40),
        outcome: "refused",
        details: { field: error.field },
      });
      return accountsPage(c, { values, field: error.field, error: error.message }, 400);
    }
  });
}
