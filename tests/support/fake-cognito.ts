import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A Cognito user pool's admin API as an HTTP endpoint on 127.0.0.1, speaking the user pools API's
 * wire protocol (AWS JSON 1.1: POST /, `Content-Type: application/x-amz-json-1.1`, `X-Amz-Target:
 * AWSCognitoIdentityProviderService.<Operation>`, errors as `__type`), so that the client's
 * signing, requests and error parsing run for real. It keeps users and group memberships of one
 * pool, and answers as Cognito does: UsernameExistsException, InvalidPasswordException (the pool's
 * policy: 12+ characters of four kinds), ResourceNotFoundException for another pool.
 */
export interface FakeCognitoUser {
  readonly username: string;
  readonly attributes: Record<string, string>;
  readonly temporaryPassword: string | undefined;
  readonly groups: Set<string>;
  readonly createdAt: number;
}

export interface FakeCognito {
  readonly endpoint: string;
  readonly userPoolId: string;
  readonly users: Map<string, FakeCognitoUser>;
  /** Every call: its operation, its JSON body, and whether it was SigV4-signed for cognito-idp. */
  readonly calls: { operation: string; body: Record<string, unknown>; signed: boolean }[];
  /** Operations that answer 500 (InternalErrorException) while listed. */
  readonly failing: Set<string>;
  close(): Promise<void>;
}

const PASSWORD_POLICY = (p: string) =>
  p.length >= 12 && /[a-z]/.test(p) && /[A-Z]/.test(p) && /\d/.test(p) && /[^A-Za-z0-9]/.test(p);

export async function startFakeCognito(userPoolId: string): Promise<FakeCognito> {
  const users = new Map<string, FakeCognitoUser>();
  const calls: FakeCognito["calls"] = [];
  const failing = new Set<string>();
  const groups = new Set(["administrator", "editor", "reviewer", "site", "submitter"]);

  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString("utf8") || "{}") as Record<string, unknown>;
  };
  const error = (type: string, message: string, status = 400) => ({
    status,
    body: { __type: type, message },
  });

  const handle = (operation: string, body: Record<string, unknown>): { status: number; body: unknown } => {
    if (failing.has(operation)) return error("InternalErrorException", "internal error", 500);
    if (body.UserPoolId !== userPoolId)
      return error("ResourceNotFoundException", "User pool does not exist.");
    const username = typeof body.Username === "string" ? body.Username : "";
    switch (operation) {
      case "AdminCreateUser": {
        if (users.has(username)) return error("UsernameExistsException", "User account already exists");
        const password = typeof body.TemporaryPassword === "string" ? body.TemporaryPassword : undefined;
        if (password !== undefined && !PASSWORD_POLICY(password))
          return error("InvalidPasswordException", "Password did not conform with password policy");
        const attributes = Object.fromEntries(
          ((body.UserAttributes as { Name: string; Value: string }[] | undefined) ?? []).map((a) => [
            a.Name,
            a.Value,
          ]),
        );
        const user: FakeCognitoUser = {
          username,
          attributes,
          temporaryPassword: password,
          groups: new Set(),
          createdAt: 1_750_000_000,
        };
        users.set(username, user);
        return {
          status: 200,
          body: {
            User: {
              Username: username,
              Attributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
              UserCreateDate: user.createdAt,
              UserLastModifiedDate: user.createdAt,
              Enabled: true,
              UserStatus: "FORCE_CHANGE_PASSWORD",
            },
          },
        };
      }
      case "AdminAddUserToGroup": {
        const user = users.get(username);
        if (!user) return error("UserNotFoundException", "User does not exist.");
        if (!groups.has(String(body.GroupName)))
          return error("ResourceNotFoundException", "Group not found.");
        user.groups.add(String(body.GroupName));
        return { status: 200, body: {} };
      }
      case "AdminDeleteUser": {
        if (!users.delete(username)) return error("UserNotFoundException", "User does not exist.");
        return { status: 200, body: {} };
      }
      case "ListUsersInGroup": {
        const members = [...users.values()].filter((u) => u.groups.has(String(body.GroupName)));
        const start = typeof body.NextToken === "string" ? Number(body.NextToken) : 0;
        const limit = typeof body.Limit === "number" ? body.Limit : 60;
        const page = members.slice(start, start + limit);
        return {
          status: 200,
          body: {
            Users: page.map((u) => ({
              Username: u.username,
              Attributes: Object.entries(u.attributes).map(([Name, Value]) => ({ Name, Value })),
              UserCreateDate: u.createdAt,
              Enabled: true,
              UserStatus: "FORCE_CHANGE_PASSWORD",
            })),
            ...(start + limit < members.length ? { NextToken: String(start + limit) } : {}),
          },
        };
      }
      default:
        return error("UnknownOperationException", `unknown operation ${operation}`);
    }
  };

  const server: Server = createServer(async (req, res) => {
    const target =
      req.headers["content-type"] === "application/x-amz-json-1.1"
        ? String(req.headers["x-amz-target"] ?? "")
        : "";
    const [service, operation = ""] = target.split(".");
    const body = await readBody(req);
    const signed = /^AWS4-HMAC-SHA256 Credential=[^/]+\/\d{8}\/[a-z0-9-]+\/cognito-idp\/aws4_request/.test(
      String(req.headers.authorization ?? ""),
    );
    calls.push({ operation, body, signed });
    const answer =
      req.method !== "POST" || service !== "AWSCognitoIdentityProviderService"
        ? error("UnknownOperationException", "not the Cognito user pools API")
        : handle(operation, body);
    res.writeHead(answer.status, { "content-type": "application/x-amz-json-1.1" });
    res.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    userPoolId,
    users,
    calls,
    failing,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
