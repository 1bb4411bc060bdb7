import { Stack } from "aws-cdk-lib";
import { Code, Function as LambdaFunction, Runtime } from "aws-cdk-lib/aws-lambda";
import { beforeAll, describe, expect, test } from "vitest";
import { apiGatewayRoutes, GazetteApi } from "../../infra/constructs/gazette-api.js";
import { jwtFromContext } from "../../infra/gazette-app.js";
import type { RouteDeclaration } from "../../src/http/route-declaration.js";
import {
  type CfnResource,
  propOf,
  resourcesOf,
  type SynthesisedGazette,
  sharedGazette,
  synthGazette,
  testApp,
} from "./helpers.js";

function routes(gazette: SynthesisedGazette): Array<{ key: string; route: CfnResource }> {
  return Object.values(resourcesOf(gazette.statelessTemplate, "AWS::ApiGatewayV2::Route")).map((route) => ({
    key: route.Properties?.RouteKey as string,
    route,
  }));
}

const authorisation = (route: CfnResource) => route.Properties?.AuthorizationType as string | undefined;

// Which route each declared route reaches, and with which authoriser: tests/infra/api-routes.test.ts.
describe("GazetteApi with IAM authorisation (default)", () => {
  let gazette: SynthesisedGazette;
  beforeAll(() => {
    gazette = sharedGazette();
  });

  test("every route integrates with one of the seven API functions, the api function by default", () => {
    // Prepare
    const integrations = resourcesOf(gazette.statelessTemplate, "AWS::ApiGatewayV2::Integration");
    const {
      apiFunction,
      documentsFunction,
      previewFunction,
      verifyFunction,
      archiveApiFunction,
      repostsApiFunction,
      consoleFunction,
    } = gazette.stateless;
    const arnOf = (fn: typeof apiFunction) =>
      JSON.stringify(gazette.stateless.resolve(fn.function.functionArn));

    // Act
    const targets = new Set(routes(gazette).map(({ route }) => JSON.stringify(route.Properties?.Target)));
    const uris = Object.values(integrations).map((i) => JSON.stringify(i.Properties?.IntegrationUri));

    // Assess
    expect(Object.values(integrations)).toHaveLength(7);
    for (const integration of Object.values(integrations)) {
      expect(integration.Properties).toMatchObject({
        IntegrationType: "AWS_PROXY",
        PayloadFormatVersion: "2.0",
      });
    }
    expect(uris.sort()).toEqual(
      [
        apiFunction,
        documentsFunction,
        previewFunction,
        verifyFunction,
        archiveApiFunction,
        repostsApiFunction,
        consoleFunction,
      ]
        .map(arnOf)
        .sort(),
    );
    expect(targets.size).toBe(7);
  });

  test("the $default stage writes JSON access logs and throttles", () => {
    // Prepare
    const logGroupArn = gazette.stateless.resolve(gazette.stateless.api.accessLogGroup.logGroupArn);

    // Act
    const [stage] = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::ApiGatewayV2::Stage"));
    const format = JSON.parse(propOf<{ Format: string }>(stage, "AccessLogSettings").Format) as Record<
      string,
      string
    >;

    // Assess
    expect(stage?.Properties).toMatchObject({
      StageName: "$default",
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: logGroupArn },
      DefaultRouteSettings: { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
    });
    expect(format).toMatchObject({ requestId: "$context.requestId", status: "$context.status" });
  });

  test("without an issuer configured the only JWT authoriser is the console's, which reads the console token header", () => {
    // Act
    const authorizers = Object.values(
      resourcesOf(gazette.statelessTemplate, "AWS::ApiGatewayV2::Authorizer"),
    );

    // Assess
    expect(authorizers.map((a) => a.Properties?.IdentitySource)).toEqual([
      ["$request.header.x-gazette-console-token"],
    ]);
  });
});

describe("GazetteApi with JWT authorisation (context jwtIssuer/jwtAudience)", () => {
  let gazette: SynthesisedGazette;
  beforeAll(() => {
    gazette = synthGazette({
      context: { jwtIssuer: "https://issuer.example.gov.cn", jwtAudience: "editor-web, editor-cli" },
    });
  });

  test("editor routes use the JWT authoriser for the configured issuer and audiences", () => {
    // Prepare
    const [authorizerId] = Object.entries(
      resourcesOf(gazette.statelessTemplate, "AWS::ApiGatewayV2::Authorizer"),
    ).find(([, a]) => JSON.stringify(a.Properties?.IdentitySource) === '["$request.header.Authorization"]')!;

    // Act: the console's routes have their own authoriser (tests/infra/console-identity.test.ts)
    const authorised = routes(gazette).filter(
      ({ key, route }) => (authorisation(route) ?? "NONE") !== "NONE" && !/ \/console(\/|$)/.test(key),
    );

    // Assess
    gazette.statelessTemplate.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", {
      AuthorizerType: "JWT",
      IdentitySource: ["$request.header.Authorization"],
      JwtConfiguration: { Issuer: "https://issuer.example.gov.cn", Audience: ["editor-web", "editor-cli"] },
    });
    expect(authorised.length).toBeGreaterThan(20);
    for (const { key, route } of authorised) {
      expect(route.Properties, key).toMatchObject({
        AuthorizationType: "JWT",
        AuthorizerId: { Ref: authorizerId },
      });
    }
  });
});
describe("JWT settings from context", () => {
  test("no issuer means IAM", () => {
    expect(jwtFromContext(undefined, undefined)).toBeUndefined();
  });

  test("accepts an audience array (cdk.json) or a comma-separated string (-c)", () => {
    expect(jwtFromContext("https://a.example", ["x", "y"])).toEqual({
      issuer: "https://a.example",
      audience: ["x", "y"],
    });
    expect(jwtFromContext("https://a.example", "x,y")).toEqual({
      issuer: "https://a.example",
      audience: ["x", "y"],
    });
  });

  test("rejects an issuer without audience and an audience without issuer", () => {
    expect(() => jwtFromContext("https://a.example", undefined)).toThrow(/jwtAudience/);
    expect(() => jwtFromContext(undefined, "x")).toThrow(/jwtIssuer/);
  });

  test("GazetteApi rejects a non-https issuer", () => {
    // Prepare
    const stack = new Stack(testApp(), "ApiTest");
    const handler = new LambdaFunction(stack, "Fn", {
      runtime: Runtime.NODEJS_22_X,
      handler: "index.handler",
      code: Code.fromInline("export const handler = async () => ({});"),
    });

    // Act / Assess
    expect(
      () =>
        new GazetteApi(stack, "Api", { handler, jwt: { issuer: "http://plain.example", audience: ["a"] } }),
    ).toThrow(/https/);
  });
});

describe("the route table generated from the declared HTTP surface", () => {
  test("gives each declared API route its own route with its access, and closes undeclared /api paths", () => {
    // Prepare
    const surface: RouteDeclaration[] = [
      { method: "GET", path: "/api/editions/{id}", access: "editor" },
      { method: "GET", path: "/api/search", access: "public" },
      { method: "POST", path: "/api/reposts/{noticeId}/ack", access: "site" },
      { method: "PUT", path: "/api/archive/uploads/{token}", access: "upload-token", only: "embedded" },
      { method: "GET", path: "/archive/{year}/", access: "public" },
    ];

    // Act
    const table = apiGatewayRoutes(surface).map((r) => `${r.method} ${r.path} ${r.access}`);

    // Assess
    expect(table.sort()).toEqual(
      [
        "GET / public",
        "GET /{proxy+} public",
        "GET /api/{proxy+} editor",
        "POST /api/{proxy+} editor",
        "PUT /api/{proxy+} editor",
        "PATCH /api/{proxy+} editor",
        "DELETE /api/{proxy+} editor",
        "GET /api/editions/{id} editor",
        "GET /api/search public",
        "POST /api/reposts/{noticeId}/ack site",
      ].sort(),
    );
  });

  test.each<[string, RouteDeclaration]>([
    ["a public write", { method: "POST", path: "/api/search", access: "public" }],
    ["an editor page outside /api/", { method: "GET", path: "/drafts/{id}", access: "editor" }],
    ["an upload-token route in AWS", { method: "PUT", path: "/api/uploads/{token}", access: "upload-token" }],
    ["a greedy API path", { method: "GET", path: "/api/files/{path+}", access: "editor" }],
  ])("refuses %s", (_name, route) => {
    expect(() => apiGatewayRoutes([route])).toThrow(/GazetteApi/);
  });

  test("refuses a route declared with two different accesses", () => {
    expect(() =>
      apiGatewayRoutes([
        { method: "GET", path: "/api/x", access: "public" },
        { method: "GET", path: "/api/x", access: "editor" },
      ]),
    ).toThrow(/both/);
  });
});
