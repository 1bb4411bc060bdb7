import { beforeAll, describe, expect, it } from "vitest";
import {
  asArray,
  type CfnResource,
  policyStatements,
  propOf,
  resourcesOf,
  type SynthesisedGazette,
  sharedGazette,
  synthGazette,
} from "./helpers.js";

/**
 * Issue 16: in AWS the events function e-mails each change of a submission to its body's submitter
 * through SES, from the stack's verified identity (context sesIdentity) only: it alone gets the
 * mail settings, and ses:SendEmail on that identity's ARN (and the configuration set's), nothing
 * wider.
 */
let plain: SynthesisedGazette;
let mailing: SynthesisedGazette;
beforeAll(() => {
  plain = sharedGazette();
  mailing = synthGazette({
    context: {
      sesIdentity: "gzb.sc.gov.cn",
      mailFrom: "四川省人民政府公报 <noreply@gzb.sc.gov.cn>",
      sesConfigurationSet: "gazette-notices",
    },
  });
});

const envOf = (fn: CfnResource) =>
  propOf<{ Variables?: Record<string, unknown> }>(fn, "Environment").Variables ?? {};

const functions = (g: SynthesisedGazette) =>
  Object.entries(resourcesOf(g.statelessTemplate, "AWS::Lambda::Function")).map(([id, fn]) => ({
    id,
    service: String(envOf(fn).POWERTOOLS_SERVICE_NAME),
    env: envOf(fn),
    role: propOf<{ "Fn::GetAtt": [string, string] }>(fn, "Role")["Fn::GetAtt"]?.[0],
  }));

/** Every SES statement of the template's policies, with the roles it is attached to. */
function sesStatements(g: SynthesisedGazette) {
  return Object.values(resourcesOf(g.statelessTemplate, "AWS::IAM::Policy")).flatMap((policy) => {
    const roles = asArray(propOf<unknown[]>(policy, "Roles")).map((r) => (r as { Ref: string }).Ref);
    return policyStatements(policy)
      .filter((s) => asArray(s.Action).some((a) => a.startsWith("ses:") || a === "*"))
      .map((s) => ({ roles, statement: s }));
  });
}

describe("e-mail through SES in the AWS template", () => {
  it("gives the events function alone the identity and the From address", () => {
    // Act
    const withMail = functions(mailing);

    // Assess
    for (const fn of withMail) {
      if (fn.service === "gazette-events")
        expect(fn.env).toMatchObject({
          GAZETTE_SES_IDENTITY: "gzb.sc.gov.cn",
          GAZETTE_MAIL_FROM: "四川省人民政府公报 <noreply@gzb.sc.gov.cn>",
          GAZETTE_SES_CONFIGURATION_SET: "gazette-notices",
        });
      else expect(fn.env.GAZETTE_SES_IDENTITY, fn.service).toBeUndefined();
    }
    expect(functions(plain).every((fn) => fn.env.GAZETTE_SES_IDENTITY === undefined)).toBe(true);
  });

  it("lets the events function send from that identity only", () => {
    // Act
    const statements = sesStatements(mailing);
    const events = functions(mailing).find((fn) => fn.service === "gazette-events")!;

    // Assess: one statement, on the events role, ses:SendEmail on the identity and the set
    expect(statements).toHaveLength(1);
    expect(statements[0]!.roles).toEqual([events.role]);
    expect(asArray(statements[0]!.statement.Action)).toEqual(["ses:SendEmail"]);
    const resources = JSON.stringify(statements[0]!.statement.Resource);
    expect(resources).toContain(":identity/gzb.sc.gov.cn");
    expect(resources).toContain(":configuration-set/gazette-notices");
    expect(resources).not.toContain("*");
    expect(sesStatements(plain)).toEqual([]);
  });

  it.each([
    [{ sesIdentity: "not a domain" }, /sesIdentity/],
    [{ sesIdentity: "gzb.sc.gov.cn", mailFrom: "noreply@other.example.cn" }, /mailFrom .* SES identity/],
    [{ sesIdentity: "gzb.sc.gov.cn", mailFrom: "noreply@gzb.sc.gov.cn\r\nBcc: x@y.cn" }, /mailFrom/],
    [{ mailFrom: "noreply@gzb.sc.gov.cn" }, /need sesIdentity/],
    [{ sesIdentity: "gzb.sc.gov.cn", sesConfigurationSet: "no spaces allowed" }, /sesConfigurationSet/],
  ])("refuses %j when synthesizing", (context, message) => {
    expect(() => synthGazette({ context })).toThrow(message);
  });

  it("sends from noreply@ the identity's domain when no From address is given", () => {
    // Act
    const g = synthGazette({ context: { sesIdentity: "GZB.sc.gov.cn" } });

    // Assess
    const events = functions(g).find((fn) => fn.service === "gazette-events")!;
    expect(events.env.GAZETTE_MAIL_FROM).toBe("noreply@gzb.sc.gov.cn");
  });
});
