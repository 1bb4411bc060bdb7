import { Stack } from "aws-cdk-lib";
import { Code, Function as LambdaFunction, Runtime } from "aws-cdk-lib/aws-lambda";
import { beforeAll, describe, expect, test } from "vitest";
import { GazetteApi } from "../../infra/constructs/gazette-api.js";
import { jwtFromContext } from "../../infra/gazette-app.js";
import {
  type CfnResource,
  propOf,
  resourcesOf,
  type SynthesisedGazette,
  synthGazette,
  testApp,
} from "./helpers.js";

const WRITE_METHODS = ["POST", "PUT", "PATCH", "DELETE", "ANY"];
const PUBLIC_ROUTES = ["GET /", "GET /api/openapi.json", "GET /health", "GET /{proxy+}"];
const EDITOR_READS = [
  "GET /api/documents",
  "GET /api/documents/{proxy+}",
  "GET /api/sites",
  "GET /api/sites/{proxy+}",
  "GET /api/compliance",
];
/** Called by subordinate sites with their own bearer token, which the app checks (reposts). */
const SITE_ROUTES = ["GET /api/reposts", "GET /api/reposts/{proxy+}", "POST /api/reposts/{proxy+}"];

function routes(gazette: SynthesisedGazette): Array<{ key: string; route: CfnResource }> {
  return Object.values(resourcesOf(gazette.statelessTemplate, "AWS::ApiGatewayV2::Route")).map((route) => ({
    key: route.Properties?.RouteKey as string,
    route,
  }));
}

const authorisation = (route: CfnResource) => route.Properties?.AuthorizationType as string | undefined;

describe("GazetteApi with IAM authorisation (default)", () => {
  let gazette: SynthesisedGazette;
  beforeAll(() => {
    gazette = synthGazette();
  });

  test("no write route is open: every POST/PUT/PATCH/DELETE/ANY route requires IAM or JWT", () => {
    // Prepare
    const all = routes(gazette);

    // Act
    const writes = all.filter(({ key }) => WRITE_METHODS.includes(key.split(" ")[0]!));
    const open = writes.filter(
      ({ key, route }) =>
        !SITE_ROUTES.includes(key) && !["AWS_IAM", "JWT"].includes(authorisation(route) ?? "NONE"),
    );

    // Assess
    expect(writes.map(({ key }) => key).sort()).toEqual(
      [
        "DELETE /api/{proxy+}",
        "PATCH /api/{proxy+}",
        "POST /api/{proxy+}",
        "PUT /api/{proxy+}",
        "POST /api/reposts/{proxy+}",
      ].sort(),
    );
    expect(open.map(({ key }) => key)).toEqual([]);
  });

  test("editor reads of documents require IAM", () => {
    // Prepare / Act
    const editorReads = routes(gazette).filter(({ key }) => EDITOR_READS.includes(key));

    // Assess
    expect(editorReads).toHaveLength(EDITOR_READS.length);
    for (const { key, route } of editorReads) expect(authorisation(route), key).toBe("AWS_IAM");
  });

  test("only the public read routes and the site-token repost routes have no authoriser", () => {
    // Prepare / Act
    const unauthorised = routes(gazette)
      .filter(({ route }) => (authorisation(route) ?? "NONE") === "NONE")
      .map(({ key }) => key);

    // Assess
    expect(unauthorised.sort()).toEqual([...PUBLIC_ROUTES, ...SITE_ROUTES].sort());
  });

  test("every route integrates with the api function", () => {
    // Prepare
    const integrations = resourcesOf(gazette.statelessTemplate, "AWS::ApiGatewayV2::Integration");
    const apiFunctionArn = gazette.stateless.resolve(gazette.stateless.apiFunction.function.functionArn);

    // Act
    const targets = new Set(routes(gazette).map(({ route }) => JSON.stringify(route.Properties?.Target)));

    // Assess
    expect(Object.values(integrations)).toHaveLength(1);
    expect(Object.values(integrations)[0]?.Properties).toMatchObject({
      IntegrationType: "AWS_PROXY",
      IntegrationUri: apiFunctionArn,
      PayloadFormatVersion: "2.0",
    });
    expect(targets.size).toBe(1);
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
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
    expect(format).toMatchObject({ requestId: "$context.requestId", status: "$context.status" });
  });

  test("the API creates no JWT authoriser when no issuer is configured", () => {
    gazette.statelessTemplate.resourceCountIs("AWS::ApiGatewayV2::Authorizer", 0);
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
    const [authorizerId] = Object.keys(
      resourcesOf(gazette.statelessTemplate, "AWS::ApiGatewayV2::Authorizer"),
    );

    // Act
    const editorRoutes = routes(gazette).filter(
      ({ key }) => !PUBLIC_ROUTES.includes(key) && !SITE_ROUTES.includes(key),
    );

    // Assess
    gazette.statelessTemplate.hasResourceProperties("AWS::ApiGatewayV2::Authorizer", {
      AuthorizerType: "JWT",
      IdentitySource: ["$request.header.Authorization"],
      JwtConfiguration: { Issuer: "https://issuer.example.gov.cn", Audience: ["editor-web", "editor-cli"] },
    });
    expect(editorRoutes).toHaveLength(9);
    for (const { key, route } of editorRoutes) {
      expect(route.Properties, key).toMatchObject({
        AuthorizationType: "JWT",
        AuthorizerId: { Ref: authorizerId },
      });
    }
  });

  test("still no write route is open", () => {
    // Prepare / Act
    const open = routes(gazette).filter(
      ({ key, route }) =>
        WRITE_METHODS.includes(key.split(" ")[0]!) &&
        !SITE_ROUTES.includes(key) &&
        authorisation(route) !== "JWT",
    );

    // Assess
    expect(open).toEqual([]);
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
