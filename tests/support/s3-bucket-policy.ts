/**
 * Just enough of IAM policy evaluation to ask a synthesised S3 bucket policy "is this request
 * explicitly denied?": Effect Deny statements, Action and Resource with `*` / `?` wildcards, and
 * the Null, StringEquals, Bool and NumericLessThan condition operators (a key the request lacks
 * fails every operator but Null, as in IAM). Resources are CloudFormation values; `resolve`
 * turns one into an ARN string (or undefined when it cannot).
 */
export interface S3Request {
  readonly action: string;
  /** arn:aws:s3:::bucket/key */
  readonly resource: string;
  /** Condition keys present on the request, e.g. { "s3:if-none-match": "*" }. */
  readonly context: Readonly<Record<string, string>>;
}

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: Record<string, Record<string, string | string[]>>;
}

const asArray = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

function wildcard(pattern: string, value: string, caseInsensitive = false): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${regex}$`, caseInsensitive ? "i" : "").test(value);
}

function conditionHolds(condition: PolicyStatement["Condition"], context: S3Request["context"]): boolean {
  for (const [operator, entries] of Object.entries(condition ?? {})) {
    for (const [key, expected] of Object.entries(entries)) {
      const present = context[key];
      const values = asArray(expected);
      if (operator === "Null") {
        const wantAbsent = values[0] === "true";
        if ((present === undefined) !== wantAbsent) return false;
      } else if (operator === "StringEquals") {
        if (present === undefined || !values.includes(present)) return false;
      } else if (operator === "Bool") {
        if (present === undefined || !values.some((v) => v.toLowerCase() === present.toLowerCase()))
          return false;
      } else if (operator === "NumericLessThan") {
        if (present === undefined || !values.some((v) => Number(present) < Number(v))) return false;
      } else {
        throw new Error(`condition operator ${operator} is not emulated`);
      }
    }
  }
  return true;
}

/** The Deny statements that apply to the request (empty: not explicitly denied). */
export function denyingStatements(
  statements: readonly PolicyStatement[],
  request: S3Request,
  resolve: (resource: unknown) => string | undefined,
): PolicyStatement[] {
  return statements.filter(
    (s) =>
      s.Effect === "Deny" &&
      asArray(s.Action).some((a) => wildcard(a, request.action, true)) &&
      asArray(s.Resource).some((r) => {
        const arn = resolve(r);
        return arn !== undefined && wildcard(arn, request.resource);
      }) &&
      conditionHolds(s.Condition, request.context),
  );
}
