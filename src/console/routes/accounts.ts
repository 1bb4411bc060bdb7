/**
 * Accounts (administrators): the embedded accounts and their roles, and the site accounts that
 * sign in to the portal. In OIDC mode console accounts live in the user pool: site accounts are
 * made here (the portal's), and department submitters in the user pool (submitter group, the body
 * in custom:gazette_body; src/console/cognito-submitters.ts); the other roles are managed in the
 * user pool itself.
 */
import { AccountError, CONSOLE_ROLES, type ConsoleRole, ROLE_LABELS } from "../accounts.js";
import { type DirectorySubmitter, DirectoryUnavailableError } from "../cognito-submitters.js";
import type { C, ConsoleKit } from "../kit.js";

export function registerAccountRoutes(kit: ConsoleKit): void {
  const { app, deps, record, page, admin, form, actor } = kit;
  const { accounts } = deps;
  const directory = deps.submitterDirectory;
  /** OIDC mode: submitters are created in the user pool when it is configured with its bodies. */
  const submittersInDirectory = directory !== undefined && deps.submitters !== undefined;
  const roles: readonly ConsoleRole[] = deps.oidc
    ? submittersInDirectory
      ? ["site", "submitter"]
      : ["site"]
    : CONSOLE_ROLES;
  const accountsPage = async (
    c: C,
    extra: {
      values?: Record<string, string>;
      field?: string;
      error?: string;
      notice?: string;
      /** A failure of the whole form (not one field's). */
      failure?: string;
    } = {},
    status = 200,
  ) => {
    const values = extra.values ?? {};
    const sites = deps.reposts ? (await deps.reposts.registry.list({ limit: 200 })).items : [];
    const bodies = deps.submitters ? await deps.submitters.bodies.list() : [];
    // OIDC mode: the submitters are the user pool's submitter group.
    let directorySubmitters: DirectorySubmitter[] = [];
    let directoryError: string | undefined;
    if (deps.oidc && directory) {
      try {
        directorySubmitters = await directory.listSubmitters();
      } catch (error) {
        if (!(error instanceof DirectoryUnavailableError)) throw error;
        directoryError = "统一身份认证（用户池）暂时无法访问，报送员账户未能列出。";
      }
    }
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
        failure: extra.failure,
        oidc: deps.oidc !== undefined,
        oidcSubmitters: deps.oidc !== undefined && submittersInDirectory,
        directoryError,
        accounts: [
          ...(await accounts.list()).map((a) => ({
            ...a,
            roleLabel: ROLE_LABELS[a.role],
            siteName: a.site ? (sites.find((x) => x.id === a.site)?.name ?? a.site) : undefined,
            bodyName: a.body ? (bodies.find((x) => x.id === a.body)?.name ?? a.body) : undefined,
          })),
          ...directorySubmitters.map((a) => ({
            username: a.username,
            displayName: a.displayName,
            roleLabel: ROLE_LABELS.submitter,
            bodyName: a.body ? (bodies.find((x) => x.id === a.body)?.name ?? a.body) : "未绑定发文机关",
            createdAt: a.createdAt,
            createdBy: "用户池",
            poolStatus:
              a.status === "FORCE_CHANGE_PASSWORD" ? "待首次登录" : a.enabled ? undefined : "已停用",
          })),
        ],
        fields: [
          field("username", "用户名", "text", "off"),
          field("displayName", "姓名", "text", "off"),
          {
            ...field("role", "角色", "select", "off"),
            options: roles.map((r) => ({
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
      if (deps.oidc && !roles.includes(values.role as ConsoleRole)) {
        throw new AccountError(
          "role",
          submittersInDirectory
            ? "编辑、审核员和管理员的账户在统一身份认证（Cognito 用户池）中管理；此处只能建下级网站账户和报送员账户 (role must be site or submitter)"
            : "控制台账户在统一身份认证（Cognito 用户池）中管理；此处只能建下级网站账户 (role must be site)",
        );
      }
      if (deps.oidc && directory && values.role === "submitter") {
        // The user pool: a user in the submitter group with the body in custom:gazette_body.
        if (values.site)
          throw new AccountError("site", "只有下级网站账户属于网站 (only site accounts belong to a site)");
        if (!values.body)
          throw new AccountError(
            "body",
            "报送员账户须选择所属发文机关 (a submitter account needs its issuing body)",
          );
        let created: DirectorySubmitter;
        try {
          created = await directory.createSubmitter({
            username: values.username,
            displayName: values.displayName,
            body: values.body,
            password: text("password"),
          });
        } catch (error) {
          if (!(error instanceof DirectoryUnavailableError)) throw error;
          await record({
            actor: actor(c),
            action: "account.create",
            target: values.username.slice(0, 40),
            outcome: "refused",
            details: { role: "submitter", body: values.body, reason: error.message },
          });
          return accountsPage(
            c,
            { values, failure: "统一身份认证（用户池）暂时无法访问，账户未创建，请稍后重试。" },
            503,
          );
        }
        await record({
          actor: actor(c),
          action: "account.create",
          target: created.username,
          outcome: "ok",
          details: { role: "submitter", body: values.body, directory: "user pool" },
        });
        return accountsPage(c, {
          notice: `已在用户池中创建报送员账户 ${created.username}（${values.body}）：首次登录时须修改初始密码并绑定动态口令（MFA）`,
        });
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
