/**
 * E-mail from the events function through Amazon SES (the submitters' notifications, issue 16):
 * the stack's verified SES identity (context `sesIdentity`: a domain such as gzb.sc.gov.cn or one
 * address), the From address (context `mailFrom`, at that identity; default `noreply@<domain>`)
 * and optionally a configuration set (context `sesConfigurationSet`). The function may send from
 * that identity only (ses:SendEmail on its ARN, and on the configuration set's when one is named).
 * The identity itself is verified outside the stack (DNS records of the domain, or the address's
 * confirmation mail), as SES requires of whoever owns it.
 */
import { Stack } from "aws-cdk-lib";
import { PolicyStatement } from "aws-cdk-lib/aws-iam";
import type { Function as LambdaFunction } from "aws-cdk-lib/aws-lambda";
import { mailAddressProblem } from "../../src/platform/mail.js";

export interface NotificationMailSettings {
  readonly identity: string;
  readonly from?: string | undefined;
  readonly configurationSet?: string | undefined;
}

const DOMAIN = /^(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/i;

export interface CheckedMailSettings {
  readonly identity: string;
  readonly from: string;
  readonly configurationSet?: string | undefined;
}

/** The settings checked, with the From address filled in; throws at synth with the context key. */
export function checkMailSettings(settings: NotificationMailSettings): CheckedMailSettings {
  const identity = settings.identity.trim();
  const isAddress = identity.includes("@");
  if (isAddress ? mailAddressProblem(identity) : !DOMAIN.test(identity))
    throw new Error(
      `context sesIdentity must be a domain (gzb.sc.gov.cn) or an e-mail address, got "${identity}"`,
    );
  const from = settings.from?.trim() || (isAddress ? identity : `noreply@${identity.toLowerCase()}`);
  const named = /^([^<>\r\n]{0,100})<([^<>]+)>$/.exec(from);
  const address = named ? named[2]! : from;
  const problem = mailAddressProblem(address);
  if (problem)
    throw new Error(`context mailFrom must be an address or "Name <address>" (${problem}), got "${from}"`);
  const sameIdentity = isAddress
    ? address.toLowerCase() === identity.toLowerCase()
    : address.toLowerCase().endsWith(`@${identity.toLowerCase()}`);
  if (!sameIdentity)
    throw new Error(`context mailFrom (${address}) must be an address of the SES identity ${identity}`);
  const configurationSet = settings.configurationSet?.trim() || undefined;
  if (configurationSet !== undefined && !/^[A-Za-z0-9_-]{1,64}$/.test(configurationSet))
    throw new Error(
      `context sesConfigurationSet must be an SES configuration set name, got "${configurationSet}"`,
    );
  return { identity, from, configurationSet };
}

/** Gives the function config.mail's environment (src/config.ts) and the permission to send. */
export function allowNotificationMail(fn: LambdaFunction, settings: CheckedMailSettings): void {
  const stack = Stack.of(fn);
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ["ses:SendEmail"],
      resources: [
        stack.formatArn({ service: "ses", resource: "identity", resourceName: settings.identity }),
        ...(settings.configurationSet
          ? [
              stack.formatArn({
                service: "ses",
                resource: "configuration-set",
                resourceName: settings.configurationSet,
              }),
            ]
          : []),
      ],
    }),
  );
  fn.addEnvironment("GAZETTE_SES_IDENTITY", settings.identity);
  fn.addEnvironment("GAZETTE_MAIL_FROM", settings.from);
  if (settings.configurationSet)
    fn.addEnvironment("GAZETTE_SES_CONFIGURATION_SET", settings.configurationSet);
}
