import { Stack, Validations } from "aws-cdk-lib";
import { AccessLogFormat } from "aws-cdk-lib/aws-apigateway";
import {
  type CfnStage,
  HttpApi,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from "aws-cdk-lib/aws-apigatewayv2";
import { HttpIamAuthorizer, HttpJwtAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { HttpLambdaIntegration } from "aws-cdk-lib/aws-apigatewayv2-integrations";
import type { IFunction } from "aws-cdk-lib/aws-lambda";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct, type IConstruct } from "constructs";
import { type ApiFunction, lambdaOf, type RouteDeclaration } from "../../src/http/route-declaration.js";
import { HTTP_SURFACE } from "../../src/http/surface.js";
import { CONSOLE_SCOPE_PREFIX } from "./console-identity.js";

/** An OIDC issuer whose JWTs authorise editor calls instead of IAM (SigV4). */
export interface JwtAuthSettings {
  /** Issuer URL, e.g. "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc". */
  readonly issuer: string;
  /** Accepted `aud` (or Cognito `client_id`) values; at least one. */
  readonly audience: readonly string[];
}

export interface GazetteApiProps {
  /**
   * The `api` function (Hono app, payload format 2.0): every route not declared for another
   * function, the public pages and the closed `/api/{proxy+}`.
   */
  readonly handler: IFunction;
  /**
   * The other functions behind the API, by name (route declarations: `lambda`): every declared
   * route is sent to its own. Synthesis fails when a route's function is missing.
   * @default - none (then no route may be declared for another function)
   */
  readonly functions?: Readonly<Partial<Record<Exclude<ApiFunction, "api">, IFunction>>>;
  /**
   * The route table.
   * @default GAZETTE_ROUTES - generated from the app's declared HTTP surface
   */
  readonly routes?: readonly GazetteRouteSpec[];
  /**
   * Authorise editor routes with this JWT issuer instead of IAM.
   * @default - IAM authorisation (SigV4-signed requests)
   */
  readonly jwt?: JwtAuthSettings;
  /**
   * The authoriser of console routes (the console user pool's JWT authoriser, ConsoleSignIn).
   * @default - the editor authoriser (console routes closed to browsers)
   */
  readonly consoleAuthorizer?: IHttpRouteAuthorizer;
  /**
   * Throttle of each public route (pages, feeds, public reads; CloudFront answers most of them
   * from its cache, so these are cache misses and direct calls).
   * @default PUBLIC_THROTTLE
   */
  readonly publicThrottle?: RouteThrottle;
  /**
   * Throttle of each editor route, apart from the public ones: a flood of public requests cannot
   * use up the editors' budget, and an editor script cannot starve the public site.
   * @default EDITOR_THROTTLE
   */
  readonly editorThrottle?: RouteThrottle;
  /**
   * Throttle of each route subordinate sites call with their token (acknowledgements).
   * @default SITE_THROTTLE
   */
  readonly siteThrottle?: RouteThrottle;
  /**
   * @default RetentionDays.ONE_YEAR
   */
  readonly accessLogRetention?: RetentionDays;
}

/**
 * A route and who may call it: public (no authoriser), editors only, or subordinate sites, whose
 * per-site bearer token the app itself checks (API Gateway cannot: tokens are issued by the app).
 */
export interface GazetteRouteSpec {
  readonly method: HttpMethod;
  readonly path: string;
  readonly access: "public" | "editor" | "site" | "console" | "submitter";
  /** The function the route goes to. @default "api" */
  readonly lambda?: ApiFunction;
  /** A public POST that changes nothing (RouteDeclaration.readOnly: POST /api/verify). */
  readonly readOnly?: true;
  /**
   * Console routes: the access-token scopes the JWT authoriser requires (any of them); the
   * submitter's pages require the submitter group's (RouteDeclaration.consoleGroup).
   */
  readonly scopes?: readonly string[];
}

/** Steady requests per second and burst of one route (API Gateway route-level throttling). */
export interface RouteThrottle {
  readonly rateLimit: number;
  readonly burstLimit: number;
}

export const PUBLIC_THROTTLE: RouteThrottle = { rateLimit: 100, burstLimit: 200 };
export const EDITOR_THROTTLE: RouteThrottle = { rateLimit: 20, burstLimit: 40 };
export const SITE_THROTTLE: RouteThrottle = { rateLimit: 50, burstLimit: 100 };

/** Methods that may be routed; `/api/{proxy+}` catches each of them for editors (closed by default). */
const API_METHODS: readonly HttpMethod[] = [
  HttpMethod.GET,
  HttpMethod.POST,
  HttpMethod.PUT,
  HttpMethod.PATCH,
  HttpMethod.DELETE,
];

/**
 * The API Gateway route table, generated from the app's declared HTTP surface (src/http/surface.ts):
 * - every declared `/api/…` route gets a route of its own with its access, so an editor route
 *   always reaches the editor authoriser and a public or site route always an open one (API
 *   Gateway prefers a full match over a greedy `{proxy+}`);
 * - the public pages (GET only) are served by `GET /` and `GET /{proxy+}`, except those declared
 *   for another function, which get a route of their own;
 * - `/api/{proxy+}` for every method goes through the editor authoriser, so an `/api` path that is
 *   not declared is closed, never open;
 * - routes the local server alone serves (`only: "embedded"`) are left out.
 * A declaration that cannot be routed safely (a public write, a page that is not a public GET)
 * fails synthesis.
 */
export function apiGatewayRoutes(surface: readonly RouteDeclaration[]): GazetteRouteSpec[] {
  const routes = new Map<string, GazetteRouteSpec>();
  const add = (route: GazetteRouteSpec) => {
    const key = `${route.method} ${route.path}`;
    const existing = routes.get(key);
    if (existing && existing.access !== route.access) {
      throw new Error(`GazetteApi: ${key} is declared both ${existing.access} and ${route.access}`);
    }
    if (existing && lambdaOf(existing) !== lambdaOf(route)) {
      throw new Error(`GazetteApi: ${key} is declared for both ${lambdaOf(existing)} and ${lambdaOf(route)}`);
    }
    routes.set(key, route);
  };
  add({ method: HttpMethod.GET, path: "/", access: "public" });
  add({ method: HttpMethod.GET, path: "/{proxy+}", access: "public" });
  for (const method of API_METHODS) add({ method, path: "/api/{proxy+}", access: "editor" });

  for (const declared of surface) {
    if (declared.only === "embedded") continue;
    const where = `${declared.method} ${declared.path}`;
    if (declared.access === "upload-token") {
      throw new Error(`GazetteApi: ${where} authorises by a token in its path; only embedded mode serves it`);
    }
    if (declared.access === "console" || declared.access === "portal") {
      // Console pages go through the console JWT authoriser; the portal's session is the app's to
      // check (as a site token). API Gateway routes `/console/` as `/console`.
      const path = declared.path.length > 1 ? declared.path.replace(/\/+$/, "") : declared.path;
      if (!/^\/(console|portal)(\/|$)/.test(path)) {
        throw new Error(`GazetteApi: ${where} is a ${declared.access} route outside /${declared.access}/`);
      }
      const access = declared.access === "console" ? "console" : "site";
      // A console page may be served by another function (the .docx upload, the previews).
      add({
        method: declared.method as HttpMethod,
        path,
        access,
        lambda: lambdaOf(declared),
        ...(declared.consoleGroup ? { scopes: [`${CONSOLE_SCOPE_PREFIX}${declared.consoleGroup}`] } : {}),
      });
      // Whatever else is under /console/ is closed (console authoriser), never the public pages',
      // and answered by the console function (its page for an unknown path).
      if (access === "console")
        for (const method of API_METHODS)
          add({ method, path: "/console/{proxy+}", access, lambda: "console" });
      continue;
    }
    if (declared.access === "public" && declared.method !== "GET" && !declared.readOnly) {
      throw new Error(`GazetteApi: ${where} cannot be public: only reads may skip authorisation`);
    }
    if (declared.path.startsWith("/api/")) {
      if (/\{[^}]*\+\}/.test(declared.path)) {
        throw new Error(`GazetteApi: ${where}: API routes name their path parameters, no greedy {x+}`);
      }
      add({
        method: declared.method as HttpMethod,
        path: declared.path,
        access: declared.access,
        lambda: lambdaOf(declared),
        ...(declared.readOnly ? { readOnly: true as const } : {}),
      });
    } else if (declared.access !== "public") {
      throw new Error(`GazetteApi: ${where} is outside /api/ and not public; put editor routes under /api/`);
    } else if (lambdaOf(declared) !== "api") {
      // A public page of another function (the verify function's /verify) gets a route of its
      // own, more specific than the api function's GET /{proxy+}; a subtree cannot be.
      if (/\{[^}]*\+\}/.test(declared.path)) {
        throw new Error(`GazetteApi: ${where}: only the api function serves a subtree of pages`);
      }
      add({
        method: declared.method as HttpMethod,
        path: declared.path,
        access: "public",
        lambda: lambdaOf(declared),
      });
    } else if (declared.path.startsWith("/console/")) {
      // The console's open pages (sign-in, the OIDC callback) need a route of their own: the
      // rest of /console/ is behind the console authoriser.
      add({ method: declared.method as HttpMethod, path: declared.path, access: "public" });
    }
    // Public pages outside /api/ are served by GET / and GET /{proxy+}.
  }
  return [...routes.values()];
}

/** Every route of the API, from the declared HTTP surface. */
export const GAZETTE_ROUTES: readonly GazetteRouteSpec[] = apiGatewayRoutes(HTTP_SURFACE);

/**
 * API Gateway HTTP API in front of the api function. Editor routes use an IAM authoriser (default)
 * or a JWT authoriser; the editor authoriser is also the API's default authoriser, so a route added
 * later without thought is closed, not open. The `$default` stage has JSON access logs and
 * stage-wide throttling.
 */
export class GazetteApi extends Construct {
  public readonly httpApi: HttpApi;
  public readonly stage: HttpStage;
  public readonly accessLogGroup: LogGroup;
  /** The authoriser on every editor route (HttpIamAuthorizer or HttpJwtAuthorizer). */
  public readonly editorAuthorizer: IHttpRouteAuthorizer;
  /** "https://{apiId}.execute-api.{region}.amazonaws.com/" */
  public readonly url: string;
  /** "{apiId}.execute-api.{region}.amazonaws.com", for a CloudFront origin. */
  public readonly domainName: string;

  constructor(scope: Construct, id: string, props: GazetteApiProps) {
    super(scope, id);
    if (props.jwt) {
      if (!props.jwt.issuer.startsWith("https://")) {
        throw new Error(`GazetteApi: jwt.issuer must be an https:// URL, got "${props.jwt.issuer}"`);
      }
      if (props.jwt.audience.length === 0)
        throw new Error("GazetteApi: jwt.audience needs at least one value");
    }
    this.editorAuthorizer = props.jwt
      ? new HttpJwtAuthorizer("EditorJwtAuthorizer", props.jwt.issuer, {
          jwtAudience: [...props.jwt.audience],
        })
      : new HttpIamAuthorizer();

    this.httpApi = new HttpApi(this, "HttpApi", {
      description: "Gazette API: public reads, editor-only writes",
      createDefaultStage: false,
      defaultAuthorizer: this.editorAuthorizer,
    });

    this.accessLogGroup = new LogGroup(this, "AccessLogs", {
      retention: props.accessLogRetention ?? RetentionDays.ONE_YEAR,
    });
    this.stage = new HttpStage(this, "DefaultStage", {
      httpApi: this.httpApi,
      stageName: "$default",
      autoDeploy: true,
      // Routes without settings of their own (none: every route gets its access's below).
      throttle: props.editorThrottle ?? EDITOR_THROTTLE,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: "$context.requestId",
            ip: "$context.identity.sourceIp",
            userAgent: "$context.identity.userAgent",
            userArn: "$context.identity.userArn",
            requestTime: "$context.requestTime",
            routeKey: "$context.routeKey",
            path: "$context.path",
            status: "$context.status",
            protocol: "$context.protocol",
            responseLength: "$context.responseLength",
            latency: "$context.responseLatency",
            error: "$context.error.message",
            authorizerError: "$context.authorizer.error",
            integrationError: "$context.integrationErrorMessage",
          }),
        ),
      },
    });

    // One integration per function; the api function's keeps its original id.
    const integrations = new Map<ApiFunction, HttpLambdaIntegration>([
      ["api", new HttpLambdaIntegration("ApiIntegration", props.handler)],
    ]);
    const integrationOf = (route: GazetteRouteSpec) => {
      const name = lambdaOf(route);
      let integration = integrations.get(name);
      if (!integration) {
        const fn = props.functions?.[name as Exclude<ApiFunction, "api">];
        if (!fn) {
          throw new Error(
            `GazetteApi: ${route.method} ${route.path} is declared for the ${name} function; pass it in \`functions\``,
          );
        }
        integration = new HttpLambdaIntegration(`${name[0]!.toUpperCase()}${name.slice(1)}Integration`, fn);
        integrations.set(name, integration);
      }
      return integration;
    };
    const publicAccess = new HttpNoneAuthorizer();
    const throttles = {
      public: props.publicThrottle ?? PUBLIC_THROTTLE,
      editor: props.editorThrottle ?? EDITOR_THROTTLE,
      site: props.siteThrottle ?? SITE_THROTTLE,
      submitter: props.siteThrottle ?? SITE_THROTTLE,
      console: props.editorThrottle ?? EDITOR_THROTTLE,
    };
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    const createdRoutes: IConstruct[] = [];
    for (const route of props.routes ?? GAZETTE_ROUTES) {
      const throttle = throttles[route.access];
      routeSettings[`${route.method} ${route.path}`] = {
        ThrottlingRateLimit: throttle.rateLimit,
        ThrottlingBurstLimit: throttle.burstLimit,
      };
      if (
        route.access === "public" &&
        route.method !== HttpMethod.GET &&
        route.method !== HttpMethod.HEAD &&
        !route.readOnly
      ) {
        throw new Error(
          `GazetteApi: ${route.method} ${route.path} cannot be public: only reads may skip authorisation`,
        );
      }
      const [created] = this.httpApi.addRoutes({
        path: route.path,
        methods: [route.method],
        integration: integrationOf(route),
        authorizer:
          route.access === "editor"
            ? this.editorAuthorizer
            : route.access === "console"
              ? (props.consoleAuthorizer ?? this.editorAuthorizer)
              : publicAccess,
        // Scopes are the JWT authoriser's; without the user pool console routes are closed anyway.
        ...(route.access === "console" && props.consoleAuthorizer && route.scopes?.length
          ? { authorizationScopes: [...route.scopes] }
          : {}),
      });
      if (created) createdRoutes.push(created);
      if (route.access === "submitter" && created) {
        Validations.of(created).acknowledge({
          id: "AwsSolutions-APIG4",
          reason: `${route.method} ${route.path} is called by an issuing body's own system with the bearer token the app issued to that body; the app checks it (hashed) on every call, and the body's paths only.`,
        });
      }
      if (route.access === "site" && created) {
        Validations.of(created).acknowledge({
          id: "AwsSolutions-APIG4",
          reason: `${route.method} ${route.path} is called by subordinate sites with the per-site bearer token the app issued at registration; the app checks it (hashed, constant-time) on every call.`,
        });
      }
      if (route.access === "public" && created) {
        Validations.of(created).acknowledge({
          id: "AwsSolutions-APIG4",
          reason: `${route.method} ${route.path} serves published (public) content: no authoriser by design. Writes and editor reads are authorised.`,
        });
      }
    }

    (this.stage.node.defaultChild as CfnStage).addPropertyOverride("RouteSettings", routeSettings);
    // Route settings name routes: the stage must be updated after they exist.
    this.stage.node.addDependency(...createdRoutes);

    this.domainName = `${this.httpApi.apiId}.execute-api.${Stack.of(this).region}.${Stack.of(this).urlSuffix}`;
    this.url = `https://${this.domainName}/`;
  }
}
