import { Aws, Duration, RemovalPolicy, Validations } from "aws-cdk-lib";
import { HttpJwtAuthorizer } from "aws-cdk-lib/aws-apigatewayv2-authorizers";
import { Function as CloudFrontFunction, FunctionCode, FunctionRuntime } from "aws-cdk-lib/aws-cloudfront";
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  OAuthScope,
  StringAttribute,
  UserPool,
  UserPoolClient,
  UserPoolClientIdentityProvider,
  type UserPoolDomain,
  UserPoolGroup,
  UserPoolOperation,
} from "aws-cdk-lib/aws-cognito";
import { type IGrantable, Role, ServicePrincipal } from "aws-cdk-lib/aws-iam";
import { Architecture, Code, Function as LambdaFunction, Runtime, Tracing } from "aws-cdk-lib/aws-lambda";
import { LogGroup, RetentionDays } from "aws-cdk-lib/aws-logs";
import { Construct } from "constructs";

/**
 * The console's identities in AWS (issue 12): a Cognito user pool with its hosted sign-in (OIDC),
 * groups as roles, the HTTP API's JWT authoriser on every console route, and the CloudFront
 * function that hands the browser's session cookie to that authoriser.
 *
 * How a console request is authorised in AWS:
 * 1. /console/sign-in (the app) links to the hosted sign-in (authorization code + PKCE); Cognito
 *    sends the browser back to /console/oauth/callback, where the app exchanges the code, starts a
 *    session in the store (idle timeout, CSRF token, the refresh token encrypted) and sets its
 *    token and the access token in HttpOnly, SameSite=Strict cookies (src/console/oidc.ts,
 *    src/console/oidc-session.ts). The app renews the access token with the refresh token before
 *    it expires, and ends a session idle for longer than the idle timeout.
 * 2. On every /console request CloudFront's viewer-request function copies the access token's
 *    cookie into CONSOLE_TOKEN_HEADER (dropping any such header the client sent), or, with no
 *    unexpired token, sends the browser to /console/sign-in, where the app renews a session still
 *    within its idle timeout and sends the browser back.
 * 3. The HTTP API's console JWT authoriser verifies the token (signature, issuer, client, expiry)
 *    on every console route before the function runs; the app verifies it again and reads the
 *    role from `cognito:groups`.
 */

/** The console's roles, as user pool groups (highest precedence first). */
export const CONSOLE_GROUPS = [
  {
    name: "administrator",
    description: "管理员: accounts, sites, settings, audit, and everything editors do",
  },
  { name: "editor", description: "编辑: documents, editions, statuses, compliance" },
  { name: "reviewer", description: "审核员: the archive review queue" },
  { name: "site", description: "下级网站: its own repost notices" },
  {
    name: "submitter",
    description: "报送员: its own issuing body's submissions and register (the body: custom:gazette_body)",
  },
] as const;

/**
 * The user attribute naming the issuing body (src/submitters, its id) a submitter belongs to. Only
 * administrators set it (AdminCreateUser, AdminUpdateUserAttributes): the console's app client may
 * read it (so it is in the ID token) but not write it, so a submitter cannot move to another body.
 */
export const BODY_ATTRIBUTE = "gazette_body";
/** The ID token's claim carrying BODY_ATTRIBUTE (src/console/oidc.ts BODY_CLAIM). */
export const BODY_CLAIM = `custom:${BODY_ATTRIBUTE}`;

/**
 * The access token's scope a member of a console group gets (`gazette-console/<group>`), added by
 * the pre token generation trigger: the JWT authoriser admits the submitter's routes
 * (/console/body…) for the submitter group's scope only.
 */
export const CONSOLE_SCOPE_PREFIX = "gazette-console/";
export const SUBMITTER_SCOPE = `${CONSOLE_SCOPE_PREFIX}submitter`;

/**
 * The pre token generation trigger (V2_0 event, Node.js): adds to the access token one scope per
 * console group the account is in, so that API Gateway's JWT authoriser, which checks scopes but
 * not groups, can admit a route for one group only. It changes nothing else.
 */
export const CONSOLE_SCOPES_TRIGGER_CODE = `
const GROUPS = ${JSON.stringify(["administrator", "editor", "reviewer", "site", "submitter"])};
const PREFIX = ${JSON.stringify(CONSOLE_SCOPE_PREFIX)};
exports.handler = async (event) => {
  const request = event.request || {};
  const groups = (request.groupConfiguration && request.groupConfiguration.groupsToOverride) || [];
  const scopes = GROUPS.filter((g) => groups.indexOf(g) >= 0).map((g) => PREFIX + g);
  event.response = event.response || {};
  event.response.claimsAndScopeOverrideDetails = { accessTokenGeneration: { scopesToAdd: scopes } };
  return event;
};
`;

/** The user pool actions the console's accounts page calls to create a submitter (only these). */
export const SUBMITTER_ADMIN_ACTIONS = [
  "cognito-idp:AdminCreateUser",
  "cognito-idp:AdminAddUserToGroup",
  "cognito-idp:AdminDeleteUser",
  "cognito-idp:ListUsersInGroup",
] as const;

/** The request header the console JWT authoriser reads the access token from. */
export const CONSOLE_TOKEN_HEADER = "x-gazette-console-token";
/** The app's session cookie in OIDC mode (src/console/http.ts OIDC_TOKEN_COOKIE). */
export const CONSOLE_TOKEN_COOKIE = "gazette_console_jwt";
/** Console pages open without a session (src/http/surface.ts: the public console routes). */
export const CONSOLE_OPEN_PATHS = ["/console/sign-in", "/console/oauth/callback"] as const;

/**
 * CloudFront Functions (cloudfront-js-2.0) viewer-request code for /console and /console/*.
 * It authorises nothing (API Gateway's JWT authoriser does); it moves the token to where the
 * authoriser reads it, and spares a browser without a live token the authoriser's bare 401.
 */
export const CONSOLE_VIEWER_REQUEST_CODE = `
var HEADER = ${JSON.stringify(CONSOLE_TOKEN_HEADER)};
var COOKIE = ${JSON.stringify(CONSOLE_TOKEN_COOKIE)};
var OPEN = ${JSON.stringify(Object.fromEntries(CONSOLE_OPEN_PATHS.map((p) => [p, true])))};
var ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
function decodeSegment(s) {
  var out = '', bits = 0, value = 0;
  for (var i = 0; i < s.length; i++) {
    var v = ALPHABET.indexOf(s.charAt(i));
    if (v < 0) return null;
    value = (value << 6) | v; bits += 6;
    if (bits >= 8) { bits -= 8; out += String.fromCharCode((value >> bits) & 255); }
  }
  return out;
}
function live(token, nowSeconds) {
  var parts = token.split('.');
  if (parts.length !== 3) return false;
  var json = decodeSegment(parts[1]);
  if (json === null) return false;
  try { var claims = JSON.parse(json); return typeof claims.exp === 'number' && claims.exp > nowSeconds; }
  catch (e) { return false; }
}
function handler(event) {
  var request = event.request;
  delete request.headers[HEADER];
  var cookie = request.cookies[COOKIE];
  var token = cookie ? cookie.value : '';
  if (token && live(token, Date.now() / 1000)) {
    request.headers[HEADER] = { value: token };
    return request;
  }
  if (OPEN[request.uri]) return request;
  return {
    statusCode: 303,
    statusDescription: 'See Other',
    headers: {
      location: { value: '/console/sign-in?next=' + encodeURIComponent(request.uri) },
      'cache-control': { value: 'no-store' },
    },
  };
}
`;

export interface ConsoleUserPoolProps {
  /**
   * Prefix of the hosted sign-in's domain (`<prefix>.auth.<region>.amazoncognito.com`), unique in
   * the region; no "aws", "amazon" or "cognito" in it.
   * @default "gazette-" + the account id
   */
  readonly domainPrefix?: string;
}

/**
 * The user pool (stateful: accounts outlive deployments of the compute): administrators create the
 * accounts (no self sign-up), passwords of 12+ characters with all four kinds, TOTP MFA required,
 * recovery by e-mail; one group per console role; the hosted sign-in's domain.
 */
export class ConsoleUserPool extends Construct {
  public readonly userPool: UserPool;
  public readonly domain: UserPoolDomain;
  public readonly groups: Record<(typeof CONSOLE_GROUPS)[number]["name"], UserPoolGroup>;
  /** Adds the console groups' scopes to access tokens (CONSOLE_SCOPES_TRIGGER_CODE). */
  public readonly scopesTrigger: LambdaFunction;

  constructor(scope: Construct, id: string, props: ConsoleUserPoolProps = {}) {
    super(scope, id);
    this.userPool = new UserPool(this, "UserPool", {
      userPoolName: "gazette-console",
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
      // Essentials: access-token customisation (the V2_0 pre token generation trigger's scopes).
      featurePlan: FeaturePlan.ESSENTIALS,
      customAttributes: {
        // Mutable so that an administrator can move an account to another body; the app client
        // cannot write it (ConsoleSignIn's writeAttributes).
        [BODY_ATTRIBUTE]: new StringAttribute({ minLen: 2, maxLen: 40, mutable: true }),
      },
    });
    // Its own role and log group, as every function of the stack (GazetteFunction): logs only.
    const triggerLogs = new LogGroup(this, "ScopesTriggerLogs", { retention: RetentionDays.THREE_MONTHS });
    const triggerRole = new Role(this, "ScopesTriggerRole", {
      assumedBy: new ServicePrincipal("lambda.amazonaws.com"),
      description: "Execution role of the console's pre token generation trigger (logs only)",
    });
    triggerLogs.grantWrite(triggerRole);
    this.scopesTrigger = new LambdaFunction(this, "ScopesTrigger", {
      description: "Gazette console: one access-token scope per console group (gazette-console/<group>)",
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      handler: "index.handler",
      code: Code.fromInline(CONSOLE_SCOPES_TRIGGER_CODE),
      memorySize: 128,
      timeout: Duration.seconds(5),
      role: triggerRole,
      logGroup: triggerLogs,
      tracing: Tracing.ACTIVE,
    });
    Validations.of(triggerRole).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which support no resource-level permissions.",
    });
    for (const id of ["AwsSolutions-L1", "Serverless-LambdaLatestVersion"]) {
      Validations.of(this.scopesTrigger).acknowledge({
        id,
        reason: "Node.js 22, the runtime every function of the project pins (a deliberate, tested upgrade).",
      });
    }
    Validations.of(this.scopesTrigger).acknowledge({
      id: "Serverless-LambdaDLQ",
      reason:
        "Invoked synchronously by Cognito at each token issue; a function DLQ applies to asynchronous invocations only.",
    });
    this.userPool.addTrigger(
      UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      this.scopesTrigger,
      LambdaVersion.V2_0,
    );
    Validations.of(this.userPool).acknowledge({
      id: "AwsSolutions-COG8",
      reason:
        "Threat protection is the Plus feature plan (priced per active user); accounts are created by administrators only, MFA (TOTP) is required, and the HTTP API throttles every console route. Set featurePlan PLUS and threat protection where the budget allows.",
    });
    const groups: Partial<ConsoleUserPool["groups"]> = {};
    CONSOLE_GROUPS.forEach((group, precedence) => {
      groups[group.name] = new UserPoolGroup(this, `Group-${group.name}`, {
        userPool: this.userPool,
        groupName: group.name,
        description: group.description,
        precedence,
      });
    });
    this.groups = groups as ConsoleUserPool["groups"];
    this.domain = this.userPool.addDomain("SignInDomain", {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? `gazette-${Aws.ACCOUNT_ID}` },
    });
  }
}

export interface ConsoleSignInProps {
  readonly pool: ConsoleUserPool;
  /** The site's public address: the callback and sign-out URLs are under it. */
  readonly publicBaseUrl: string;
  /**
   * A console session unused this long ends (GAZETTE_CONSOLE_IDLE_SECONDS of the functions that
   * serve the console; the app keeps the last activity in the store).
   * @default 30 minutes, as locally
   */
  readonly idleTimeout?: Duration;
  /**
   * The access token's validity (5 minutes to 1 day). The app renews it with the refresh token once
   * less than the idle timeout (plus a minute) is left, so it must be longer than the idle timeout:
   * a browser back within the idle timeout then always brings a live token past CloudFront and the
   * JWT authoriser.
   * @default 60 minutes
   */
  readonly accessTokenValidity?: Duration;
  /**
   * The refresh token's validity: the longest a session lasts however active (60 minutes to 10
   * years); then the console asks to sign in again.
   * @default 12 hours (a working day)
   */
  readonly maxSessionLength?: Duration;
}

/**
 * The console's app client (public, code flow with PKCE, hosted sign-in only), the HTTP API's
 * console JWT authoriser, the CloudFront viewer-request function, and the API function's settings.
 */
export class ConsoleSignIn extends Construct {
  public readonly client: UserPoolClient;
  public readonly authorizer: HttpJwtAuthorizer;
  public readonly viewerRequest: CloudFrontFunction;
  public readonly callbackUrl: string;
  public readonly idleTimeout: Duration;
  private readonly pool: ConsoleUserPool;

  constructor(scope: Construct, id: string, props: ConsoleSignInProps) {
    super(scope, id);
    this.pool = props.pool;
    const base = props.publicBaseUrl.replace(/\/+$/, "");
    this.callbackUrl = `${base}/console/oauth/callback`;
    this.idleTimeout = props.idleTimeout ?? Duration.minutes(30);
    const accessTokenValidity = props.accessTokenValidity ?? Duration.minutes(60);
    const maxSessionLength = props.maxSessionLength ?? Duration.hours(12);
    if (accessTokenValidity.toSeconds() <= this.idleTimeout.toSeconds() + 120) {
      throw new Error(
        `ConsoleSignIn: accessTokenValidity (${accessTokenValidity.toMinutes()} min) must exceed idleTimeout (${this.idleTimeout.toMinutes()} min) by more than 2 minutes, or a browser back within the idle timeout could bring an expired token`,
      );
    }
    if (maxSessionLength.toSeconds() <= accessTokenValidity.toSeconds()) {
      throw new Error(
        "ConsoleSignIn: maxSessionLength (the refresh token's validity) must exceed accessTokenValidity",
      );
    }
    this.client = new UserPoolClient(this, "Client", {
      userPool: props.pool.userPool,
      userPoolClientName: "gazette-console",
      generateSecret: false,
      authFlows: {},
      supportedIdentityProviders: [UserPoolClientIdentityProvider.COGNITO],
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: [this.callbackUrl],
        logoutUrls: [`${base}/console/sign-in`],
      },
      accessTokenValidity,
      idTokenValidity: accessTokenValidity,
      // The console renews the access token with it (refresh_token grant, always allowed).
      refreshTokenValidity: maxSessionLength,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      // The ID token carries what the client may read: the body a submitter belongs to included.
      // The client may write none of the user's attributes (only administrators set them, through
      // the console's accounts page or the user pool): above all not custom:gazette_body.
      readAttributes: new ClientAttributes()
        .withStandardAttributes({ email: true, emailVerified: true, fullname: true })
        .withCustomAttributes(BODY_ATTRIBUTE),
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true }),
    });
    this.authorizer = new HttpJwtAuthorizer("ConsoleJwtAuthorizer", props.pool.userPool.userPoolProviderUrl, {
      // Cognito access tokens name the client in `client_id`, which the authoriser accepts as aud.
      jwtAudience: [this.client.userPoolClientId],
      identitySource: [`$request.header.${CONSOLE_TOKEN_HEADER}`],
    });
    this.viewerRequest = new CloudFrontFunction(this, "ViewerRequest", {
      comment: "Gazette console: session cookie to the JWT authoriser's header; sign-in without one",
      runtime: FunctionRuntime.JS_2_0,
      code: FunctionCode.fromInline(CONSOLE_VIEWER_REQUEST_CODE),
    });
  }

  /**
   * Lets a function (the api function, which serves /console/accounts) create submitter accounts in
   * this user pool, and nothing else: SUBMITTER_ADMIN_ACTIONS on the pool's ARN only.
   */
  grantSubmitterAdministration(grantee: IGrantable): void {
    this.pool.userPool.grant(grantee, ...SUBMITTER_ADMIN_ACTIONS);
  }

  /**
   * The settings of the function that creates submitter accounts (the api function):
   * GAZETTE_CONSOLE_USER_POOL_ID names the pool AdminCreateUser writes to.
   */
  accountsEnvironment(): Record<string, string> {
    return { GAZETTE_CONSOLE_USER_POOL_ID: this.pool.userPool.userPoolId };
  }

  /** The API function's settings (src/config.ts: GAZETTE_CONSOLE_OIDC_*). */
  environment(): Record<string, string> {
    return {
      GAZETTE_CONSOLE_OIDC_ISSUER: this.pool.userPool.userPoolProviderUrl,
      GAZETTE_CONSOLE_OIDC_CLIENT_ID: this.client.userPoolClientId,
      GAZETTE_CONSOLE_OIDC_SIGN_IN_URL: this.pool.domain.baseUrl(),
      GAZETTE_CONSOLE_IDLE_SECONDS: String(this.idleTimeout.toSeconds()),
    };
  }
}
