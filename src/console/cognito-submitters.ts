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
 * Locally the same form creates an embedded account bound to the body (ConsoleAccounts.create).
 */
import type {
  AttributeType,
  CognitoIdentityProviderClient,
  CognitoIdentityProviderClientConfig,
  UserType,
} from "@aws-sdk/client-cognito-identity-provider";
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
    super(`the user pool could not be reached: ${(cause as Error)?.name ?? String(cause)}`, { cause });
    this.name = "DirectoryUnavailableError";
  }
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{1,39}$/;
/** A Cognito user pool id: `<region>_<id>`. */
export const USER_POOL_ID = /^([a-z]{2}(?:-[a-z]+)+-\d)_[0-9A-Za-z]+$/;

export interface CognitoSubmitterDirectoryOptions {
  readonly userPoolId: string;
  /** Client settings (endpoint, credentials) for tests; the region is the pool's. */
  readonly client?: Partial<CognitoIdentityProviderClientConfig> | undefined;
}

const attribute = (attributes: AttributeType[] | undefined, name: string) =>
  attributes?.find((a) => a.Name === name)?.Value;

export class CognitoSubmitterDirectory implements SubmitterDirectory {
  private client: Promise<{
    send: CognitoIdentityProviderClient["send"];
    sdk: typeof import("@aws-sdk/client-cognito-identity-provider");
  }>;

  constructor(private readonly options: CognitoSubmitterDirectoryOptions) {
    const region = USER_POOL_ID.exec(options.userPoolId)?.[1];
    if (!region) throw new Error(`not a Cognito user pool id: "${options.userPoolId}"`);
    // Loaded when an administrator first creates or lists submitters, not at each cold start.
    this.client = import("@aws-sdk/client-cognito-identity-provider").then((sdk) => {
      const client = new sdk.CognitoIdentityProviderClient({ region, maxAttempts: 2, ...options.client });
      return { send: client.send.bind(client) as CognitoIdentityProviderClient["send"], sdk };
    });
    this.client.catch(() => undefined);
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
    const { send, sdk } = await this.client;
    const pool = this.options.userPoolId;
    let created: UserType | undefined;
    try {
      const answer = await send(
        new sdk.AdminCreateUserCommand({
          UserPoolId: pool,
          Username: username,
          TemporaryPassword: input.password,
          // The administrator hands the initial password over; Cognito sends no invitation.
          MessageAction: "SUPPRESS",
          UserAttributes: [
            { Name: "name", Value: displayName },
            { Name: BODY_CLAIM, Value: input.body },
          ],
        }),
      );
      created = answer.User;
    } catch (error) {
      const name = (error as Error)?.name;
      if (name === "UsernameExistsException")
        throw new AccountError("username", `用户名 ${username} 已存在 (username taken)`);
      if (name === "InvalidPasswordException")
        throw new AccountError(
          "password",
          "密码不符合用户池的密码规则：至少 12 个字符，须含大写字母、小写字母、数字和符号 (password policy)",
        );
      throw new DirectoryUnavailableError(error);
    }
    try {
      await send(
        new sdk.AdminAddUserToGroupCommand({
          UserPoolId: pool,
          Username: username,
          GroupName: SUBMITTER_GROUP,
        }),
      );
    } catch (error) {
      // No account without its group: it could sign in to nothing, and its name would stay taken.
      await send(new sdk.AdminDeleteUserCommand({ UserPoolId: pool, Username: username })).catch(
        () => undefined,
      );
      throw new DirectoryUnavailableError(error);
    }
    return {
      username,
      displayName,
      body: input.body,
      createdAt: created?.UserCreateDate?.toISOString(),
      status: created?.UserStatus,
      enabled: true,
    };
  }

  async listSubmitters(limit = 200): Promise<DirectorySubmitter[]> {
    const { send, sdk } = await this.client;
    const out: DirectorySubmitter[] = [];
    let next: string | undefined;
    try {
      do {
        const page = await send(
          new sdk.ListUsersInGroupCommand({
            UserPoolId: this.options.userPoolId,
            GroupName: SUBMITTER_GROUP,
            Limit: 60,
            NextToken: next,
          }),
        );
        for (const user of page.Users ?? []) {
          out.push({
            username: user.Username ?? "",
            displayName: attribute(user.Attributes, "name") ?? user.Username ?? "",
            body: attribute(user.Attributes, BODY_CLAIM),
            createdAt: user.UserCreateDate?.toISOString(),
            status: user.UserStatus,
            enabled: user.Enabled !== false,
          });
        }
        next = page.NextToken;
      } while (next && out.length < limit);
    } catch (error) {
      throw new DirectoryUnavailableError(error);
    }
    return out.slice(0, limit);
  }
}
