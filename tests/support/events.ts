import type { APIGatewayProxyEventV2 } from "aws-lambda";
import type { LambdaEvent } from "hono/aws-lambda";

/** API Gateway HTTP API (payload 2.0) events, as Lambda receives them. */
export function httpApiEvent(options: {
  method: string;
  path: string;
  body?: string;
  headers?: Record<string, string>;
  query?: string;
  /** The IAM principal API Gateway's authoriser verified; none for public routes. */
  iamUserArn?: string;
}): LambdaEvent {
  const now = Date.now();
  const event: APIGatewayProxyEventV2 & { requestContext: { authorizer?: unknown } } = {
    version: "2.0",
    routeKey: `${options.method} ${options.path}`,
    rawPath: options.path,
    rawQueryString: options.query ?? "",
    headers: { host: "api.example.gov.cn", ...options.headers },
    requestContext: {
      accountId: "123456789012",
      apiId: "api",
      domainName: "api.example.gov.cn",
      domainPrefix: "api",
      http: {
        method: options.method,
        path: options.path,
        protocol: "HTTP/1.1",
        sourceIp: "203.0.113.7",
        userAgent: "vitest",
      },
      requestId: `req-${now}`,
      routeKey: `${options.method} ${options.path}`,
      stage: "$default",
      time: new Date(now).toUTCString(),
      timeEpoch: now,
      ...(options.iamUserArn
        ? {
            authorizer: {
              iam: {
                accessKey: "AKIA",
                accountId: "123456789012",
                callerId: "AIDA",
                principalOrgId: null,
                userArn: options.iamUserArn,
                userId: "AIDA",
              },
            },
          }
        : {}),
    },
    body: options.body,
    isBase64Encoded: false,
  };
  return event as unknown as LambdaEvent;
}

export const lambdaContext = {
  functionName: "gazette-api",
  awsRequestId: "test",
  getRemainingTimeInMillis: () => 29_000,
} as never;
