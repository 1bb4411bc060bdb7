/**
 * Department submitters' accounts in the console's Cognito user pool (AWS, issue 16). In OIDC mode
 * the console's accounts live in the user pool, not the store: an administrator creating a
 * submitter on /console/accounts creates a user pool user (AdminCreateUser) with its issuing body
 * in the attribute `custom:gazette_body` (which the console's app client may read, so it is in the
 * ID token, but not write) and puts it in the `submitter` group (AdminAddUserToGroup). If the group
 * cannot be joined the user is deleted again (AdminDeleteUser), so that no account is left half
 * made. The initial password is a temporary one: the hosted sign-in asks for a new one (and sets up
 * the TOTP second factor) at the first sign-in. The api function's role may call these actions on
 * this user pool only (infra/constructs/console-identity.ts SUBMITTER_ADMIN_ACTIONS).
 *
 * The four calls are made over the user pools API's wire protocol (AWS JSON 1.1, SigV4-signed with
 * the SDK's own signer and credential chain, src/platform/aws/sigv4.ts) rather than with the SDK's
 * Cognito client, which took the api function's bundle to 1.43 MB, over its 1.35 MB budget, for four
 * admin calls (tests/infra/lambda-bundles.test.ts).
 *
 * Locally the same form creates an embedded account bound to the body (ConsoleAccounts.create).
 */
import { defaultProvider } from "@aws-sdk/credential-provider-node";
import type { AwsCredentialIdentity, Provider } from "@smithy/types";
import { type RequestAuthorizer, sigv4 } from "../platform/aws/sigv4.js";
import { AccountError, MIN_PASSWORD_LENGTH } from "./accounts.js";
import { BODY_CLAIM } from "./oidc.js";

/** The user pool group of department submitters (infra/constructs/console-identity.ts). */
export const SUBMITTER_GROUP = "submitter";

/** A submitter account of the user pool, as the accounts page lists it. */
export interface DirectorySubmitter {
  readonly username: string;
  readonly displayName: string;
  readonly body: string | undefined;
  readonly createdAt: string | undefined;
  /** Cognito's user status: FORCE_CHANGE_PASSWORD until the first sign-in, then CONFIRMED. */
  readonly status: string | undefined;
  readonly enabled: boolean;
}

/** Where submitter accounts are created when the console signs in through the user pool. */
export interface SubmitterDirectory {
  createSubmitter(input: {
    username: string;
    displayName: string;
    body: string;
    password: string;
  }): Promise<DirectorySubmitter>;
  /** The submitter group's members (at most `limit`). */
  listSubmitters(limit?: number): Promise<DirectorySubmitter[]>;
}

/** The user pool could not be asked (network, throttling, permissions): try again later. */
export class DirectoryUnavailableError extends Error {
  constructor(cause: unknown) {
    super(`the user pool could not be reached: ${cause instanceof Error ? cause.message : String(cause)}`, {
      cause,
    });
    this.name = "DirectoryUnavailableError";
  }
}

/** An error the user pools API answered (its `__type`, e.g. UsernameExistsException). */
export class CognitoApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status: number,
  ) {
    super(`${type}: ${message}`);
    this.name = "CognitoApiError";
  }
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,39}$/;
/** A Cognito user pool id: `<region>_<id>`. */
export const USER_POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d)_[0-9A-Za-z]+$/;

export interface CognitoSubmitterDirectoryOptions {
  readonly userPoolId: string;
  /** The user pools API; default the pool's region's (China regions: amazonaws.com.cn). */
  readonly endpoint?: string | undefined;
  /** Default the SDK's credential chain (in Lambda: the execution role's keys). */
  readonly credentials?: AwsCredentialIdentity | Provider<AwsCredentialIdentity> | undefined;
  readonly fetch?: typeof fetch | undefined;
}

interface AttributeJson {
  readonly Name?: string;
  readonly Value?: string;
}
interface UserJson {
  readonly Username?: string;
  readonly Attributes?: readonly AttributeJson[];
  /** Seconds since the epoch. */
  readonly UserCreateDate?: number;
  readonly UserStatus?: string;
  readonly Enabled?: boolean;
}

const attribute = (attributes: readonly AttributeJson[] | undefined, name: string) =>
  attributes?.find((a) => a.Name === name)?.Value;
const isoOf = (seconds: number | undefined) =>
  typeof seconds === "number" ? new Date(seconds * 1000).toISOString() : undefined;

export class CognitoSubmitterDirectory implements SubmitterDirectory {
  private readonly endpoint: URL;
  private readonly authorize: RequestAuthorizer;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: CognitoSubmitterDirectoryOptions) {
    const region = USER_POOL_ID.exec(options.userPoolId)?.[1];
    if (!region) throw new Error(`not a Cognito user pool id: "${options.userPoolId}"`);
    this.endpoint = new URL(
      options.endpoint ??
        `https://cognito-idp.${region}.amazonaws.com${region.startsWith("cn-") ? ".cn" : ""}/`,
    );
    this.authorize = sigv4({
      region,
      service: "cognito-idp",
      credentials: options.credentials ?? defaultProvider(),
    });
    this.fetch = options.fetch ?? fetch;
  }

  /** One call of the user pools API (AWS JSON 1.1); its answer, or the error it answered. */
  private async call<T>(operation: string, input: Record<string, unknown>): Promise<T> {
    const body = new TextEncoder().encode(JSON.stringify(input));
    const headers = {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `AWSCognitoIdentityProviderService.${operation}`,
    };
    let response: Response;
    let text: string;
    try {
      const signed = await this.authorize({ method: "POST", url: this.endpoint, headers, body });
      response = await this.fetch(this.endpoint, {
        method: "POST",
        headers: { ...headers, ...signed },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      text = await response.text();
    } catch (error) {
      throw new DirectoryUnavailableError(error);
    }
    let json: Record<string, unknown> = {};
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      if (response.ok) throw new DirectoryUnavailableError(new Error(`${operation}: not JSON`));
    }
    if (!response.ok) {
      // `__type` may be namespaced (`aws.cognito#UsernameExistsException`).
      const type = String(json.__type ?? response.headers.get("x-amzn-errortype") ?? "UnknownError")
        .split("#")
        .pop()!
        .split(":")[0]!;
      throw new CognitoApiError(type, String(json.message ?? json.Message ?? ""), response.status);
    }
    return json as T;
  }

  async createSubmitter(input: {
    username: string;
    displayName: string;
    body: string;
    password: string;
  }): Promise<DirectorySubmitter> {
    const username = input.username.trim().toLowerCase();
    if (!USERNAME.test(username))
      throw new AccountError(
        "username",
        "用户名须为 2–40 个小写字母、数字或 . _ -，以字母或数字开头 (username must be 2–40 of a-z 0-9 . _ -)",
      );
    const displayName = input.displayName.trim();
    if (!displayName || displayName.length > 50)
      throw new AccountError(
        "displayName",
        "姓名不能为空，最多 50 个字 (displayName must be 1–50 characters)",
      );
    if (input.password.length < MIN_PASSWORD_LENGTH || input.password.length > 200)
      throw new AccountError(
        "password",
        `密码至少 ${MIN_PASSWORD_LENGTH} 个字符 (password must be at least ${MIN_PASSWORD_LENGTH} characters)`,
      );
    const pool = this.options.userPoolId;
    let created: UserJson | undefined;
    try {
      ({ User: created } = await this.call<{ User?: UserJson }>("AdminCreateUser", {
        UserPoolId: pool,
        Username: username,
        TemporaryPassword: input.password,
        // The administrator hands the initial password over; Cognito sends no invitation.
        MessageAction: "SUPPRESS",
        UserAttributes: [
          { Name: "name", Value: displayName },
          { Name: BODY_CLAIM, Value: input.body },
        ],
      }));
    } catch (error) {
      const type = error instanceof CognitoApiError ? error.type : undefined;
      if (type === "UsernameExistsException" || type === "AliasExistsException")
        throw new AccountError("username", `用户名 ${username} 已存在 (username taken)`);
      if (type === "InvalidPasswordException")
        throw new AccountError(
          "password",
          "密码不符合用户池的密码规则：至少 12 个字符，须含大写字母、小写字母、数字和符号 (password policy)",
        );
      throw error instanceof DirectoryUnavailableError ? error : new DirectoryUnavailableError(error);
    }
    try {
      await this.call("AdminAddUserToGroup", {
        UserPoolId: pool,
        Username: username,
        GroupName: SUBMITTER_GROUP,
      });
    } catch (error) {
      // No account without its group: it could sign in to nothing, and its name would stay taken.
      await this.call("AdminDeleteUser", { UserPoolId: pool, Username: username }).catch(() => undefined);
      throw error instanceof DirectoryUnavailableError ? error : new DirectoryUnavailableError(error);
    }
    return {
      username,
      displayName,
      body: input.body,
      createdAt: isoOf(created?.UserCreateDate),
      status: created?.UserStatus,
      enabled: true,
    };
  }

  async listSubmitters(limit = 200): Promise<DirectorySubmitter[]> {
    const out: DirectorySubmitter[] = [];
    let next: string | undefined;
    try {
      do {
        const page = await this.call<{ Users?: UserJson[]; NextToken?: string }>("ListUsersInGroup", {
          UserPoolId: this.options.userPoolId,
          GroupName: SUBMITTER_GROUP,
          Limit: 60,
          ...(next ? { NextToken: next } : {}),
        });
        for (const user of page.Users ?? []) {
          out.push({
            username: user.Username ?? "",
            displayName: attribute(user.Attributes, "name") ?? user.Username ?? "",
            body: attribute(user.Attributes, BODY_CLAIM),
            createdAt: isoOf(user.UserCreateDate),
            status: user.UserStatus,
            enabled: user.Enabled !== false,
          });
        }
        next = page.NextToken;
      } while (next && out.length < limit);
    } catch (error) {
      throw error instanceof DirectoryUnavailableError ? error : new DirectoryUnavailableError(error);
    }
    return out.slice(0, limit);
  }
}
