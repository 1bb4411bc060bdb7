import { beforeAll, describe, expect, it } from "vitest";
import {
  asArray,
  type CfnResource,
  type PolicyStatementJson,
  policyStatements,
  propOf,
  refOf,
  resourcesOf,
  type SynthesisedGazette,
  sharedGazette,
  synthGazette,
} from "./helpers.js";

/**
 * Issue 14 point 1: the AWS signing key is an asymmetric KMS key (ECC_NIST_P256, SIGN_VERIFY)
 * that only the publisher's role may sign with: the key policy names that role alone for
 * kms:Sign, gives the account no use of it, and no other role's policy grants kms:Sign.
 */
let gazette: SynthesisedGazette;
beforeAll(() => {
  gazette = sharedGazette();
});

const grantsSign = (s: PolicyStatementJson) =>
  s.Effect === "Allow" &&
  asArray(s.Action).some((a) => a === "kms:Sign" || a === "kms:*" || a === "*" || a === "kms:Sign*");

function publisherRoleId(): string {
  const publisher = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::Lambda::Function")).find(
    (fn) =>
      propOf<{ Variables?: Record<string, unknown> }>(fn, "Environment").Variables
        ?.POWERTOOLS_SERVICE_NAME === "gazette-publisher",
  );
  return propOf<{ "Fn::GetAtt": [string, string] }>(publisher, "Role")["Fn::GetAtt"][0];
}

describe("the signing key in the AWS template", () => {
  it("is one asymmetric P-256 signing key, kept when the stack goes", () => {
    const keys = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::KMS::Key"));
    expect(keys).toHaveLength(1);
    const key = keys[0]!;
    expect(propOf(key, "KeySpec")).toBe("ECC_NIST_P256");
    expect(propOf(key, "KeyUsage")).toBe("SIGN_VERIFY");
    expect(key.DeletionPolicy).toBe("Retain");
  });

  it("lets only the publisher's role call kms:Sign, in the key policy and in every IAM policy", () => {
    const key = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::KMS::Key"))[0] as CfnResource;
    const statements = asArray(propOf<{ Statement: PolicyStatementJson[] }>(key, "KeyPolicy").Statement);
    const signers = statements.filter(grantsSign);
    expect(signers).toHaveLength(1);
    const principal = JSON.stringify((signers[0] as unknown as { Principal: unknown }).Principal);
    expect(principal).toContain(publisherRoleId());
    // The account administers the key but cannot sign with it (so IAM cannot delegate signing).
    const account = statements.filter((s) =>
      JSON.stringify((s as unknown as { Principal: unknown }).Principal).includes(":root"),
    );
    expect(account.length).toBeGreaterThan(0);
    for (const s of account) expect(grantsSign(s)).toBe(false);

    const roleId = publisherRoleId();
    for (const template of [gazette.statelessTemplate, gazette.statefulTemplate]) {
      for (const type of ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"]) {
        for (const policy of Object.values(resourcesOf(template, type))) {
          if (!policyStatements(policy).some(grantsSign)) continue;
          const roles = asArray(policy.Properties?.Roles as unknown[]).map(
            (r) => (r as { Ref?: string }).Ref,
          );
          expect(roles).toEqual([roleId]);
        }
      }
    }
  });

  it("tells the publisher, and no other function, which key it is", () => {
    for (const fn of Object.values(resourcesOf(gazette.statelessTemplate, "AWS::Lambda::Function"))) {
      const vars = propOf<{ Variables?: Record<string, unknown> }>(fn, "Environment").Variables ?? {};
      expect("GAZETTE_SIGNING_KMS_KEY" in vars, String(vars.POWERTOOLS_SERVICE_NAME)).toBe(
        vars.POWERTOOLS_SERVICE_NAME === "gazette-publisher",
      );
    }
  });
});

describe("checkpoints between publications in the AWS template", () => {
  const roleOf = (service: string) => {
    const fn = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::Lambda::Function")).find(
      (f) =>
        propOf<{ Variables?: Record<string, unknown> }>(f, "Environment").Variables
          ?.POWERTOOLS_SERVICE_NAME === service,
    );
    return propOf<{ "Fn::GetAtt": [string, string] }>(fn, "Role")["Fn::GetAtt"][0];
  };
  const functionIdOf = (service: string) =>
    Object.entries(resourcesOf(gazette.statelessTemplate, "AWS::Lambda::Function")).find(
      ([, f]) =>
        propOf<{ Variables?: Record<string, unknown> }>(f, "Environment").Variables
          ?.POWERTOOLS_SERVICE_NAME === service,
    )![0];
  const sendsTo = (service: string, queueId: string) =>
    Object.values(resourcesOf(gazette.statelessTemplate, "AWS::IAM::Policy"))
      .filter((p) =>
        asArray(p.Properties?.Roles as unknown[]).some(
          (r) => (r as { Ref?: string }).Ref === roleOf(service),
        ),
      )
      .flatMap((p) => policyStatements(p))
      .some(
        (s) =>
          s.Effect === "Allow" &&
          asArray(s.Action).includes("sqs:SendMessage") &&
          JSON.stringify(s.Resource).includes(queueId),
      );

  it("lets the functions that log status changes ask the publisher, which alone consumes the requests and signs", () => {
    // Prepare
    const publishingQueueId = refOf(gazette.stateless, gazette.stateless.publishingQueue.queue.queueArn);
    const mappings = Object.values(
      resourcesOf(gazette.statelessTemplate, "AWS::Lambda::EventSourceMapping"),
    ).filter((m) => JSON.stringify(propOf(m, "EventSourceArn")).includes(publishingQueueId));

    // Act
    const consumers = mappings.map((m) => JSON.stringify(propOf(m, "FunctionName")));

    // Assess: the events function (status changes, errata) and the tick (a lost request) send
    // checkpoint requests to the publishing queue; only the publisher consumes it, and only the
    // publisher's role may sign (the test above).
    expect(sendsTo("gazette-events", publishingQueueId)).toBe(true);
    expect(sendsTo("gazette-repost-tick", publishingQueueId)).toBe(true);
    expect(consumers).toHaveLength(1);
    expect(consumers[0]).toContain(functionIdOf("gazette-publisher"));
  });
});

describe("a timestamp authority in the AWS template (context tsaUrl)", () => {
  const tsaOf = (g: SynthesisedGazette) =>
    Object.values(resourcesOf(g.statelessTemplate, "AWS::Lambda::Function")).map((fn) => {
      const vars = propOf<{ Variables?: Record<string, unknown> }>(fn, "Environment").Variables ?? {};
      return [String(vars.POWERTOOLS_SERVICE_NAME), vars.GAZETTE_TSA_URL] as const;
    });

  it("is given to the publisher alone, so its signatures carry timestamps", () => {
    // Prepare
    const url = "https://tsa.example.gov.cn/tsr";

    // Act
    const withTsa = tsaOf(synthGazette({ context: { tsaUrl: url } }));

    // Assess
    for (const [service, tsa] of withTsa)
      expect(tsa, service).toBe(service === "gazette-publisher" ? url : undefined);
    expect(tsaOf(gazette).every(([, tsa]) => tsa === undefined)).toBe(true);
  });

  it("refuses an address that is not an http(s) URL when synthesizing", () => {
    expect(() => synthGazette({ context: { tsaUrl: "tsa.example.gov.cn" } })).toThrow(
      /tsaUrl.*http\(s\) URL/,
    );
  });
});
