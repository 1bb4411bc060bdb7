/**
 * The console audit log's action codes and what the log page calls each, in Chinese. Every code
 * the console records is one of these (ConsoleAuditEntry.action is typed by them, and
 * tests/console/audit-labels.test.ts reads the source for codes recorded), so the page never
 * shows a bare code; it keeps the code beside the label.
 */
export const CONSOLE_ACTION_LABELS = {
  "sign-in": "登录",
  "sign-out": "退出",
  "account.create": "创建账号",
  "document.submit": "报送文件",
  "edition.create": "新建一期",
  "edition.documents.add": "加入本期",
  "edition.documents.remove": "移出本期",
  "edition.documents.up": "上移文件",
  "edition.documents.down": "下移文件",
  "edition.documents.order": "调整文件顺序（拖动）",
  "edition.publish": "发布一期",
  "archive.accept": "档案审核：保存并接受",
  "archive.correct": "档案审核：保存更正",
  "site.register": "登记下级网站",
  "site.update": "修改下级网站",
  "site.verify": "验证下级网站",
  "site.disable": "停用下级网站",
  "site.enable": "重新启用下级网站",
  "site.rotate": "更换签名密钥",
  "portal.sign-in": "下级网站登录",
  "portal.sign-out": "下级网站退出",
  "portal.ack": "下级网站报告转载",
  "submission.submit": "部门报送",
  "submission.resubmit": "部门重新报送",
  "submission.accept": "受理部门报送",
  "submission.return": "退回部门报送（退文）",
  "register.add": "应登尽登：登记文件",
  "register.import": "应登尽登：导入清单",
} as const;

export type LabelledConsoleAction = keyof typeof CONSOLE_ACTION_LABELS;

/** A request refused for the role or the CSRF token: its method and route, e.g. `POST /console/editions`. */
export type RefusedRequestAction =
  `${"GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "HEAD" | "OPTIONS"} /${string}`;

export type ConsoleAuditAction = LabelledConsoleAction | RefusedRequestAction;

const REFUSED_REQUEST = /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) \//;

/** The Chinese name of an action code; a code this version does not know is shown as it is. */
export function consoleActionLabel(code: string): string {
  if (Object.hasOwn(CONSOLE_ACTION_LABELS, code)) return CONSOLE_ACTION_LABELS[code as LabelledConsoleAction];
  if (REFUSED_REQUEST.test(code)) return "请求被拒绝（无权访问或表单令牌无效）";
  return code;
}

/** Whether the log page has a name for this code (not only the code itself). */
export function hasConsoleActionLabel(code: string): boolean {
  return consoleActionLabel(code) !== code;
}
