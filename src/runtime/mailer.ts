/**
 * The mail adapter the configuration names (config.mail): SMTP (nodemailer) or Amazon SES, loaded
 * only when configured; none when mail is not configured. The events function in AWS builds its
 * SES adapter itself (src/runtime/lambda/events.ts), so that nodemailer is not in its bundle.
 */
import type { Config } from "../config.js";
import type { Mailer } from "../platform/mail.js";

export async function createMailer(config: Pick<Config, "mail" | "aws">): Promise<Mailer | undefined> {
  const mail = config.mail;
  if (!mail) return undefined;
  if (mail.transport.kind === "smtp") {
    const { SmtpMailer } = await import("../platform/embedded/smtp-mailer.js");
    return new SmtpMailer({ url: mail.transport.url, from: mail.from });
  }
  const { SesMailer } = await import("../platform/aws/ses-mailer.js");
  return new SesMailer({
    from: mail.from,
    configurationSet: mail.transport.configurationSet,
    region: config.aws.region,
  });
}
