import { runInNewContext } from "node:vm";
import fc from "fast-check";
import { beforeAll, describe, expect, test } from "vitest";
import {
  BODY_ATTRIBUTE,
  BODY_CLAIM,
  CONSOLE_GROUPS,
  CONSOLE_SCOPES_TRIGGER_CODE,
  CONSOLE_TOKEN_HEADER,
  SUBMITTER_ADMIN_ACTIONS,
  SUBMITTER_SCOPE,
} from "../../infra/constructs/console-identity.js";
import { HTTP_SURFACE } from "../../src/http/surface.js";
import { selectRoute } from "../support/api-gateway-routing.js";
import {
  asArray,
  type CfnResource,
  type PolicyStatementJson,
  policyStatements,
  propOf,
  resourcesOf,
  type SynthesisedGazette,
  sharedGazette,
} from "./helpers.js";

/**
 * Issue 16 in AWS: department submitters in the console's user pool. The `submitter` group, the
 * body they belong to as a custom attribute only administrators write (read into the ID token),
 * the access-token scope per group that lets the JWT authoriser admit the submitter's pages for
 * that group only, and the console function's permission to create submitter accounts in that pool
 * and nowhere else — read from the synthesised templates.
 */

interface Route {
  readonly routeKey: string;
  readonly authorizationType: string;
  readonly authorizerId: string | undefined;
  readonly scopes: readonly string[];
}

const segment = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._~-]{0,39}$/);
const requestPath = (declared: string, values: readonly string[]) => {
  let i = 0;
  return declared.replace(/\{[^}]+\}/g, () => values[i++ % values.length]!);
};
const deployedConsole = HTTP_SURFACE.filter((r) => r.only !== "embedded" && r.access === "console");
const submitterPages = deployedConsole.filter((r) => r.path.startsWith("/console/body"));

/** The trigger's handler, run as Lambda's Node.js runtime would run the inline code. */
const trigger = (() => {
  const module = { exports: {} as { handler?: (event: unknown) => Promise<TriggerEvent> } };
  runInNewContext(CONSOLE_SCOPES_TRIGGER_CODE, { exports: module.exports, module });
  return module.exports.handler!;
})();
interface TriggerEvent {
  request: { groupConfiguration: { groupsToOverride: string[] }; userAttributes: Record<string, string> };
  response: {
    claimsAndScopeOverrideDetails?: { accessTokenGeneration?: { scopesToAdd?: string[] } };
  };
}
const tokenEvent = (groups: string[]) => ({
  version: "2",
  triggerSource: "TokenGeneration_HostedAuth",
  request: {
    groupConfiguration: { groupsToOverride: groups, iamRolesToOverride: [], preferredRole: null },
    userAttributes: { sub: "0000", [BODY_CLAIM]: "sc-jyt" },
    scopes: ["openid", "email", "profile"],
  },
  response: { claimsAndScopeOverrideDetails: null },
});
/** API Gateway's JWT authoriser: a route with scopes admits a token holding any one of them. */
const admits = (route: Route, tokenScopes: readonly string[]) =>
  route.scopes.length === 0 || route.scopes.some((s) => tokenScopes.includes(s));

let gazette: SynthesisedGazette;
let routes: Route[];
let consoleAuthorizerId: string;
let pool: CfnResource;

beforeAll(() => {
  gazette = sharedGazette();
  routes = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::ApiGatewayV2::Route")).map((r) => ({
    routeKey: r.Properties?.RouteKey as string,
    authorizationType: (r.Properties?.AuthorizationType as string | undefined) ?? "NONE",
    authorizerId: (r.Properties?.AuthorizerId as { Ref: string } | undefined)?.Ref,
    scopes: (r.Properties?.AuthorizationScopes as string[] | undefined) ?? [],
  }));
  consoleAuthorizerId = Object.entries(
    resourcesOf(gazette.statelessTemplate, "AWS::ApiGatewayV2::Authorizer"),
  ).find(
    ([, a]) =>
      JSON.stringify(a.Properties?.IdentitySource) ===
      JSON.stringify([`$request.header.${CONSOLE_TOKEN_HEADER}`]),
  )![0];
  pool = Object.values(resourcesOf(gazette.statefulTemplate, "AWS::Cognito::UserPool"))[0]!;
});

describe("the submitter group and the body attribute (stateful stack)", () => {
  test("the user pool has a submitter group, after the editors' groups", () => {
    // Act
    const groups = Object.values(resourcesOf(gazette.statefulTemplate, "AWS::Cognito::UserPoolGroup")).map(
      (g) => ({ name: g.Properties?.GroupName as string, precedence: g.Properties?.Precedence as number }),
    );

    // Assess
    const submitter = groups.find((g) => g.name === "submitter");
    expect(submitter).toBeDefined();
    for (const other of groups.filter((g) => g.name !== "submitter"))
      expect(other.precedence, other.name).toBeLessThan(submitter!.precedence);
  });

  test("the body is a custom string attribute of the user pool, as long as a body's id may be", () => {
    // Act
    const schema = propOf<Record<string, unknown>[]>(pool, "Schema");

    // Assess
    expect(schema).toContainEqual({
      Name: BODY_ATTRIBUTE,
      AttributeDataType: "String",
      Mutable: true,
      StringAttributeConstraints: { MinLength: "2", MaxLength: "40" },
    });
  });

  test("the console's app client reads the body (so the ID token carries it) but may write no attribute but the name", () => {
    // Act
    const [client] = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::Cognito::UserPoolClient"));
    const read = propOf<string[]>(client, "ReadAttributes");
    const write = propOf<string[]>(client, "WriteAttributes");

    // Assess: WriteAttributes left out would let the client write every attribute.
    expect(read).toContain(BODY_CLAIM);
    expect(write).not.toContain(BODY_CLAIM);
    expect(write.filter((a) => a.startsWith("custom:"))).toEqual([]);
    expect(write).toEqual(["name"]);
  });
});

describe("access-token scopes per group: the pre token generation trigger", () => {
  test("the user pool runs the trigger (V2_0 event: access-token customisation, Essentials plan)", () => {
    // Act
    const lambdaConfig = propOf<{ PreTokenGenerationConfig?: { LambdaArn: unknown; LambdaVersion: string } }>(
      pool,
      "LambdaConfig",
    );
    const functions = resourcesOf(gazette.statefulTemplate, "AWS::Lambda::Function");
    const triggerArn = lambdaConfig.PreTokenGenerationConfig?.LambdaArn as { "Fn::GetAtt": [string] };
    const triggerId = triggerArn["Fn::GetAtt"][0];

    // Assess
    expect(pool.Properties?.UserPoolTier).toBe("ESSENTIALS");
    expect(lambdaConfig.PreTokenGenerationConfig?.LambdaVersion).toBe("V2_0");
    expect(functions[triggerId]?.Properties).toMatchObject({
      Code: { ZipFile: CONSOLE_SCOPES_TRIGGER_CODE },
      Handler: "index.handler",
    });
    const permissions = Object.values(resourcesOf(gazette.statefulTemplate, "AWS::Lambda::Permission"));
    expect(permissions).toContainEqual(
      expect.objectContaining({
        Properties: expect.objectContaining({
          FunctionName: { "Fn::GetAtt": [triggerId, "Arn"] },
          Principal: "cognito-idp.amazonaws.com",
        }),
      }),
    );
  });

  test("each console group an account is in becomes one scope; other groups and no group add none", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uniqueArray(
          fc.oneof(
            fc.constantFrom(...CONSOLE_GROUPS.map((g) => g.name)),
            fc.stringMatching(/^[a-z-]{1,12}$/),
          ),
          { maxLength: 6 },
        ),
        async (groups) => {
          // Act
          const answered = await trigger(tokenEvent(groups));

          // Assess
          const consoleGroups = CONSOLE_GROUPS.map((g) => g.name as string).filter((g) => groups.includes(g));
          expect(
            [
              ...(answered.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.scopesToAdd ?? []),
            ].sort(),
          ).toEqual(consoleGroups.map((g) => `gazette-console/${g}`).sort());
          // It changes nothing else: no claim is added or overridden, the ID token untouched.
          expect(Object.keys(answered.response.claimsAndScopeOverrideDetails ?? {})).toEqual([
            "accessTokenGeneration",
          ]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("the JWT authoriser admits the submitter's pages for the submitter group only", () => {
  test("every declared submitter page, whatever its path parameters, requires the submitter scope", () => {
    // Prepare
    expect(submitterPages.length).toBeGreaterThanOrEqual(12);

    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 3 }), (values) => {
        for (const declared of submitterPages) {
          // Act
          const selected = selectRoute(routes, declared.method, requestPath(declared.path, values));

          // Assess
          const where = `${declared.method} ${declared.path}`;
          expect(selected?.authorizerId, where).toBe(consoleAuthorizerId);
          expect(selected?.scopes, where).toEqual([SUBMITTER_SCOPE]);
        }
      }),
      { numRuns: 50 },
    );
  });

  test("a submitter's token is admitted there; an administrator's, an editor's, a reviewer's or a site's is not", async () => {
    for (const declared of submitterPages) {
      // Prepare
      const route = selectRoute(routes, declared.method, requestPath(declared.path, ["x1"]))!;
      for (const group of CONSOLE_GROUPS.map((g) => g.name as string)) {
        // Act
        const answered = await trigger(tokenEvent([group]));
        const scopes = [
          "openid",
          "email",
          "profile",
          ...(answered.response.claimsAndScopeOverrideDetails?.accessTokenGeneration?.scopesToAdd ?? []),
        ];

        // Assess
        expect(admits(route, scopes), `${group} at ${declared.method} ${declared.path}`).toBe(
          group === "submitter",
        );
      }
    }
  });

  test("the other console pages require no scope (the app checks each role), and none is open", () => {
    // Act
    const others = deployedConsole
      .filter((r) => !r.path.startsWith("/console/body"))
      .map((declared) => ({
        declared,
        route: selectRoute(routes, declared.method, requestPath(declared.path, ["x1"])),
      }));

    // Assess
    for (const { declared, route } of others) {
      expect(route?.authorizerId, `${declared.method} ${declared.path}`).toBe(consoleAuthorizerId);
      expect(route?.scopes, `${declared.method} ${declared.path}`).toEqual([]);
    }
  });
});

describe("the console function may create submitter accounts in the console's user pool, and nothing more", () => {
  const functionOf = (service: string) =>
    Object.entries(resourcesOf(gazette.statelessTemplate, "AWS::Lambda::Function")).find(
      ([, fn]) =>
        (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables
          ?.POWERTOOLS_SERVICE_NAME === service,
    )!;
  const cognitoStatements = (): { roles: unknown[]; statement: PolicyStatementJson }[] =>
    Object.values(resourcesOf(gazette.statelessTemplate, "AWS::IAM::Policy")).flatMap((p) =>
      policyStatements(p)
        .filter((s) => asArray(s.Action).some((a) => a.startsWith("cognito-idp:")))
        .map((statement) => ({ roles: asArray(p.Properties?.Roles as unknown[]), statement })),
    );

  test("only the console function's role has user pool actions: the four the accounts page calls, on the pool only", () => {
    // Prepare
    const [, api] = functionOf("gazette-api-console");
    const apiRole = propOf<{ "Fn::GetAtt": [string] }>(api, "Role")["Fn::GetAtt"][0];

    // Act
    const statements = cognitoStatements();

    // Assess
    expect(statements).toHaveLength(1);
    const [{ roles, statement }] = statements as [(typeof statements)[number]];
    expect(roles).toEqual([{ Ref: apiRole }]);
    expect(statement.Effect).toBe("Allow");
    expect([...asArray(statement.Action)].sort()).toEqual([...SUBMITTER_ADMIN_ACTIONS].sort());
    // The pool's ARN, from the stateful stack: never a wildcard.
    expect(asArray(statement.Resource)).toHaveLength(1);
    expect(JSON.stringify(statement.Resource)).not.toContain("*");
    expect(JSON.stringify(statement.Resource)).toMatch(/ConsoleUserPool\w*Arn/);
  });

  test("the console function is told the pool's id; the functions that do not serve the accounts page are not", () => {
    // Act
    const withPool = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::Lambda::Function"))
      .map(
        (fn) =>
          (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables,
      )
      .filter((v) => v?.GAZETTE_CONSOLE_USER_POOL_ID !== undefined)
      .map((v) => v?.POWERTOOLS_SERVICE_NAME);

    // Assess
    expect(withPool).toEqual(["gazette-api-console"]);
  });
});
