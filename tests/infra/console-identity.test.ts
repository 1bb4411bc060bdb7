import { runInNewContext } from "node:vm";
import { App, type CfnElement, Duration, Stack } from "aws-cdk-lib";
import fc from "fast-check";
import { beforeAll, describe, expect, test } from "vitest";
import {
  CONSOLE_OPEN_PATHS,
  CONSOLE_TOKEN_COOKIE,
  CONSOLE_TOKEN_HEADER,
  CONSOLE_VIEWER_REQUEST_CODE,
  ConsoleSignIn,
  type ConsoleSignInProps,
  ConsoleUserPool,
} from "../../infra/constructs/console-identity.js";
import { HTTP_SURFACE } from "../../src/http/surface.js";
import { selectRoute } from "../support/api-gateway-routing.js";
import {
  type CfnResource,
  propOf,
  resourcesOf,
  type SynthesisedGazette,
  sharedGazette,
  TEST_PUBLIC_BASE_URL,
} from "./helpers.js";

/**
 * Issue 12 in AWS: the console's Cognito user pool (hosted sign-in, groups as roles), the HTTP
 * API's JWT authoriser on every console route, the CloudFront function that hands it the session
 * cookie, and the OIDC settings of the functions serving console pages — all read from the
 * synthesised templates.
 */

interface Route {
  readonly routeKey: string;
  readonly authorizationType: string;
  readonly authorizerId: string | undefined;
}

const segment = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._~-]{0,39}$/);
const requestPath = (declared: string, values: readonly string[]) => {
  let i = 0;
  return declared.replace(/\{[^}]+\}/g, () => values[i++ % values.length]!);
};
const deployedConsole = HTTP_SURFACE.filter((r) => r.only !== "embedded" && r.access === "console");

let gazette: SynthesisedGazette;
let routes: Route[];
let consoleAuthorizerId: string;

beforeAll(() => {
  gazette = sharedGazette();
  routes = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::ApiGatewayV2::Route")).map((r) => ({
    routeKey: r.Properties?.RouteKey as string,
    authorizationType: (r.Properties?.AuthorizationType as string | undefined) ?? "NONE",
    authorizerId: (r.Properties?.AuthorizerId as { Ref: string } | undefined)?.Ref,
  }));
  const authorizers = Object.entries(resourcesOf(gazette.statelessTemplate, "AWS::ApiGatewayV2::Authorizer"));
  consoleAuthorizerId = authorizers.find(
    ([, a]) =>
      JSON.stringify(a.Properties?.IdentitySource) ===
      JSON.stringify([`$request.header.${CONSOLE_TOKEN_HEADER}`]),
  )![0];
});

describe("the console user pool (stateful stack)", () => {
  test("only administrators create accounts; 12-character passwords of four kinds; TOTP MFA required; retained", () => {
    // Act
    const pools = Object.values(resourcesOf(gazette.statefulTemplate, "AWS::Cognito::UserPool"));

    // Assess
    expect(pools).toHaveLength(1);
    const pool = pools[0]!;
    expect(pool.Properties).toMatchObject({
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: "ON",
      EnabledMfas: ["SOFTWARE_TOKEN_MFA"],
      DeletionProtection: "ACTIVE",
      Policies: {
        PasswordPolicy: {
          MinimumLength: 12,
          RequireLowercase: true,
          RequireUppercase: true,
          RequireNumbers: true,
          RequireSymbols: true,
        },
      },
    });
    expect(pool.DeletionPolicy).toBe("Retain");
  });

  test("one group per console role, administrator first", () => {
    // Act
    const groups = Object.values(resourcesOf(gazette.statefulTemplate, "AWS::Cognito::UserPoolGroup"))
      .map((g) => ({ name: g.Properties?.GroupName, precedence: g.Properties?.Precedence }))
      .sort((a, b) => (a.precedence as number) - (b.precedence as number));

    // Assess
    expect(groups.map((g) => g.name)).toEqual(["administrator", "editor", "reviewer", "site", "submitter"]);
  });

  test("the hosted sign-in has a Cognito domain", () => {
    expect(Object.values(resourcesOf(gazette.statefulTemplate, "AWS::Cognito::UserPoolDomain"))).toHaveLength(
      1,
    );
  });
});

describe("the console's app client (stateless stack)", () => {
  test("a public client: authorization code flow only, hosted sign-in, callback and sign-out under the site's address", () => {
    // Act
    const clients = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::Cognito::UserPoolClient"));

    // Assess
    expect(clients).toHaveLength(1);
    expect(clients[0]!.Properties).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ["code"],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: expect.arrayContaining(["openid"]),
      CallbackURLs: [`${TEST_PUBLIC_BASE_URL}/console/oauth/callback`],
      LogoutURLs: [`${TEST_PUBLIC_BASE_URL}/console/sign-in`],
      SupportedIdentityProviders: ["COGNITO"],
      PreventUserExistenceErrors: "ENABLED",
    });
    expect(clients[0]!.Properties?.ExplicitAuthFlows ?? []).not.toContain("ALLOW_USER_PASSWORD_AUTH");
  });

  test("tokens: the access token outlives the idle timeout, the refresh token renews it for a working day, and can be revoked", () => {
    // Act
    const [client] = Object.values(resourcesOf(gazette.statelessTemplate, "AWS::Cognito::UserPoolClient"));
    const p = client!.Properties ?? {};
    const minutes = (value: unknown, unit: unknown) =>
      Number(value) * ({ minutes: 1, hours: 60, days: 1440 } as Record<string, number>)[String(unit)]!;
    const units = p.TokenValidityUnits as Record<string, string>;
    const apiEnv = propOf<{ Variables: Record<string, unknown> }>(
      resourcesOf(gazette.statelessTemplate, "AWS::Lambda::Function")[
        gazette.stateless.getLogicalId(
          gazette.stateless.consoleFunction.function.node.defaultChild as CfnElement,
        )
      ]!,
      "Environment",
    ).Variables;

    // Assess
    const idleMinutes = Number(apiEnv.GAZETTE_CONSOLE_IDLE_SECONDS) / 60;
    expect(idleMinutes).toBe(30);
    expect(minutes(p.AccessTokenValidity, units.AccessToken)).toBe(60);
    expect(minutes(p.AccessTokenValidity, units.AccessToken)).toBeGreaterThan(idleMinutes + 2);
    expect(minutes(p.RefreshTokenValidity, units.RefreshToken)).toBe(12 * 60);
    expect(p.EnableTokenRevocation).toBe(true);
    // No explicit flows means Cognito's default, which includes ALLOW_REFRESH_TOKEN_AUTH.
    if (p.ExplicitAuthFlows) expect(p.ExplicitAuthFlows).toContain("ALLOW_REFRESH_TOKEN_AUTH");
  });

  test("an access token that would not outlive the idle timeout, or a refresh token shorter than it, is refused at synth", () => {
    // Prepare
    const app = new App();
    const stack = new Stack(app, "Probe");
    const pool = new ConsoleUserPool(stack, "Pool");
    const make = (id: string, props: Partial<ConsoleSignInProps>) => () =>
      new ConsoleSignIn(stack, id, { pool, publicBaseUrl: TEST_PUBLIC_BASE_URL, ...props });

    // Act + Assess
    expect(
      make("Equal", { idleTimeout: Duration.minutes(30), accessTokenValidity: Duration.minutes(30) }),
    ).toThrow(/must exceed idleTimeout/);
    expect(
      make("Short", { accessTokenValidity: Duration.hours(2), maxSessionLength: Duration.hours(1) }),
    ).toThrow(/maxSessionLength/);
    expect(
      make("Fine", { idleTimeout: Duration.minutes(15), accessTokenValidity: Duration.minutes(20) }),
    ).not.toThrow();
  });

  test("each function a console route reaches, and no other, gets the same issuer, client and hosted sign-in's address", () => {
    // Prepare: the functions the console's routes are integrated with (api, and the documents and
    // preview functions for the .docx submission and the previews), from the template.
    const [clientId] = Object.keys(resourcesOf(gazette.statelessTemplate, "AWS::Cognito::UserPoolClient"));
    const integrations = resourcesOf(gazette.statelessTemplate, "AWS::ApiGatewayV2::Integration");
    const functionOf = (route: CfnResource) => {
      const integration = JSON.stringify(route.Properties?.Target).match(/"Ref":"([^"]+)"/)?.[1] ?? "";
      return JSON.stringify(integrations[integration]?.Properties?.IntegrationUri).match(
        /"Fn::GetAtt":\["([^"]+)"/,
      )?.[1];
    };
    const consoleFunctions = new Set(
      Object.values(resourcesOf(gazette.statelessTemplate, "AWS::ApiGatewayV2::Route"))
        .filter((r) => / \/console(\/|$)/.test(r.Properties?.RouteKey as string))
        .map(functionOf),
    );
    const logicalId = (fn: { function: { node: { defaultChild: unknown } } }) =>
      gazette.stateless.getLogicalId(fn.function.node.defaultChild as CfnElement);

    // Act
    const withOidc = Object.entries(resourcesOf(gazette.statelessTemplate, "AWS::Lambda::Function")).filter(
      ([, f]) => JSON.stringify(f.Properties?.Environment ?? {}).includes("GAZETTE_CONSOLE_OIDC"),
    );

    // Assess: a session started on one function's page is verified the same way by the others.
    expect([...consoleFunctions].sort()).toEqual(
      [
        gazette.stateless.consoleFunction,
        gazette.stateless.documentsFunction,
        gazette.stateless.previewFunction,
        gazette.stateless.repostsApiFunction,
      ]
        .map(logicalId)
        .sort(),
    );
    expect(withOidc.map(([id]) => id).sort()).toEqual([...consoleFunctions].sort());
    for (const [, fn] of withOidc) {
      const env = propOf<{ Variables: Record<string, unknown> }>(fn, "Environment").Variables;
      expect(env.GAZETTE_CONSOLE_OIDC_CLIENT_ID).toEqual({ Ref: clientId });
      expect(JSON.stringify(env.GAZETTE_CONSOLE_OIDC_ISSUER)).toMatch(/ConsoleUserPool\w*ProviderURL/);
      expect(JSON.stringify(env.GAZETTE_CONSOLE_OIDC_SIGN_IN_URL)).toContain("amazoncognito.com");
    }
  });
});

describe("the console JWT authoriser on every console route", () => {
  test("the authoriser checks the user pool's tokens for the console client, from the console token header", () => {
    // Prepare
    const [clientId] = Object.keys(resourcesOf(gazette.statelessTemplate, "AWS::Cognito::UserPoolClient"));

    // Act
    const authorizer = resourcesOf(gazette.statelessTemplate, "AWS::ApiGatewayV2::Authorizer")[
      consoleAuthorizerId
    ];

    // Assess
    expect(authorizer?.Properties).toMatchObject({
      AuthorizerType: "JWT",
      JwtConfiguration: { Audience: [{ Ref: clientId }] },
    });
    // The issuer is the user pool's provider URL (https://cognito-idp.<region>.amazonaws.com/<id>).
    expect(JSON.stringify(authorizer?.Properties?.JwtConfiguration)).toMatch(/ConsoleUserPool\w*ProviderURL/);
  });

  test("every declared console route, whatever its path parameters, reaches a route with the console authoriser", () => {
    // Prepare
    expect(deployedConsole.length).toBeGreaterThan(25);

    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 3 }), (values) => {
        for (const declared of deployedConsole) {
          // Act
          const selected = selectRoute(routes, declared.method, requestPath(declared.path, values));

          // Assess
          const where = `${declared.method} ${declared.path}`;
          expect(selected?.authorizationType, where).toBe("JWT");
          expect(selected?.authorizerId, where).toBe(consoleAuthorizerId);
        }
      }),
      { numRuns: 50 },
    );
  });

  test("a /console path nobody declared is closed for every method", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("GET", "POST", "PUT", "PATCH", "DELETE"),
        fc.array(segment, { minLength: 1, maxLength: 4 }),
        (method, rest) => {
          // Prepare
          const path = `/console/undeclared-${rest.join("/")}`;

          // Act
          const selected = selectRoute(routes, method, path);

          // Assess
          expect(selected?.authorizerId, `${method} ${path}`).toBe(consoleAuthorizerId);
        },
      ),
      { numRuns: 100 },
    );
  });

  test("only the sign-in page and the OIDC callback are open under /console", () => {
    // Act
    const open = routes
      .filter((r) => r.authorizationType === "NONE" && / \/console(\/|$)/.test(r.routeKey))
      .map((r) => r.routeKey)
      .sort();

    // Assess
    expect(open).toEqual(CONSOLE_OPEN_PATHS.map((p) => `GET ${p}`).sort());
  });
});

describe("CloudFront in front of the console and the portal", () => {
  interface Behavior {
    PathPattern: string;
    CachePolicyId: string;
    AllowedMethods: string[];
    FunctionAssociations?: Array<{ EventType: string; FunctionARN: unknown }>;
    ResponseHeadersPolicyId?: unknown;
  }
  const behaviors = () => {
    const distribution = Object.values(
      resourcesOf(gazette.statelessTemplate, "AWS::CloudFront::Distribution"),
    )[0];
    return propOf<{ CacheBehaviors: Behavior[] }>(distribution as CfnResource, "DistributionConfig")
      .CacheBehaviors;
  };
  const CACHING_DISABLED = "4135ea2d-6df8-44a3-9df3-4b5a84be39ad";

  test("console and portal pages are never cached and take every method; console requests pass the viewer-request function", () => {
    // Act
    const byPattern = new Map(behaviors().map((b) => [b.PathPattern, b]));

    // Assess
    for (const pattern of ["/console", "/console/*", "/portal", "/portal/*"]) {
      const behavior = byPattern.get(pattern);
      expect(behavior?.CachePolicyId, pattern).toBe(CACHING_DISABLED);
      expect(behavior?.AllowedMethods, pattern).toContain("POST");
      expect(behavior?.FunctionAssociations?.map((f) => f.EventType) ?? [], pattern).toEqual(
        pattern.startsWith("/console") ? ["viewer-request"] : [],
      );
    }
  });

  test("the console's pages may send a form to the hosted sign-in (its sign-out redirects there), no other page may", () => {
    // Prepare: browsers apply CSP form-action to a form's redirects, and the console's sign-out
    // form answers 303 to the user pool's domain.
    const site = gazette.stateless.site;
    const policyOf = (policy: typeof site.responseHeadersPolicy) => {
      const id = gazette.stateless.getLogicalId(policy.node.defaultChild as CfnElement);
      const config = propOf<{
        SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: unknown } };
      }>(
        gazette.statelessTemplate.findResources("AWS::CloudFront::ResponseHeadersPolicy")[id] as CfnResource,
        "ResponseHeadersPolicyConfig",
      );
      return JSON.stringify(config.SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy);
    };
    const consolePolicyId = gazette.stateless.resolve(
      site.consoleResponseHeadersPolicy.responseHeadersPolicyId,
    );
    const sitePolicyId = gazette.stateless.resolve(site.responseHeadersPolicy.responseHeadersPolicyId);

    // Act
    const consoleCsp = policyOf(site.consoleResponseHeadersPolicy);
    const siteCsp = policyOf(site.responseHeadersPolicy);

    // Assess
    expect(consoleCsp).toMatch(/form-action 'self' https:\/\//);
    expect(consoleCsp).toMatch(/SignInDomain/);
    expect(consoleCsp).toMatch(/amazoncognito\.com/);
    expect(siteCsp).toMatch(/form-action 'self'"$/);
    for (const behavior of behaviors()) {
      expect(behavior.ResponseHeadersPolicyId, behavior.PathPattern).toEqual(
        behavior.PathPattern.startsWith("/console") ? consolePolicyId : sitePolicyId,
      );
    }
  });
});

describe("the console's viewer-request function (run as CloudFront Functions would)", () => {
  type Request = {
    uri: string;
    method: string;
    headers: Record<string, { value: string }>;
    cookies: Record<string, { value: string }>;
  };
  const handler = runInNewContext(`${CONSOLE_VIEWER_REQUEST_CODE}; handler`, {}) as (event: {
    request: Request;
  }) => Request | { statusCode: number; headers: Record<string, { value: string }> };
  const jwt = (claims: Record<string, unknown>) =>
    ["{}", JSON.stringify(claims), "sig"].map((p) => Buffer.from(p).toString("base64url")).join(".");
  const request = (uri: string, cookie?: string, headers: Request["headers"] = {}): Request => ({
    uri,
    method: "GET",
    headers,
    cookies: cookie ? { [CONSOLE_TOKEN_COOKIE]: { value: cookie } } : {},
  });
  const now = () => Math.floor(Date.now() / 1000);

  test("a live token goes to the authoriser's header, and a header the client sent is dropped", () => {
    // Prepare
    const token = jwt({ exp: now() + 600, username: "王编辑" });

    // Act
    const withCookie = handler({ request: request("/console/documents", token) }) as Request;
    const forged = handler({
      request: request("/console/documents", undefined, { [CONSOLE_TOKEN_HEADER]: { value: token } }),
    });

    // Assess
    expect(withCookie.headers[CONSOLE_TOKEN_HEADER]?.value).toBe(token);
    expect(forged).toMatchObject({ statusCode: 303 });
  });

  test("without a token, or with an expired or malformed one, the browser is sent to sign in and back", () => {
    for (const cookie of [undefined, jwt({ exp: now() - 1 }), jwt({}), "not-a-jwt", "a.%%%.b"]) {
      // Act
      const answer = handler({ request: request("/console/editions/01J0ED", cookie) });

      // Assess
      expect(answer, String(cookie)).toMatchObject({
        statusCode: 303,
        headers: { location: { value: "/console/sign-in?next=%2Fconsole%2Feditions%2F01J0ED" } },
      });
    }
  });

  test("the sign-in page and the OIDC callback pass without a token", () => {
    for (const uri of CONSOLE_OPEN_PATHS) {
      // Act
      const answer = handler({ request: request(uri) }) as Request;

      // Assess
      expect(answer.uri, uri).toBe(uri);
      expect(answer.headers[CONSOLE_TOKEN_HEADER], uri).toBeUndefined();
    }
  });
});
