/**
 * The mail port over Amazon SES (SESv2 SendEmail), for the events function in AWS: the sender is
 * the stack's verified identity (GAZETTE_SES_IDENTITY: a domain or an address; the function may
 * send from that identity only), the From address GAZETTE_MAIL_FROM, optionally through a
 * configuration set (GAZETTE_SES_CONFIGURATION_SET). Subject and body are declared UTF-8; SES
 * encodes them. SES sets its own Message-ID; the message's id goes out as the X-Gazette-Message
 * header (the receiver can drop a message it has seen), beside Auto-Submitted.
 */
import { SESv2Client, SendEmailCommand } from "@aws-sdk/client-sesv2";
import type { Mailer, OutgoingMail } from "../mail.js";
import { traced } from "./tracing.js";

export interface SesMailerOptions {
  readonly from: string;
  readonly configurationSet?: string | undefined;
  readonly region?: string | undefined;
  readonly client?: Pick<SESv2Client, "send"> | undefined;
}

/**
 * The From address as SES takes it: a display name outside ASCII (四川省人民政府公报) must be a MIME
 * encoded-word (RFC 2047), which SES does not write itself.
 */
export function sesFromAddress(from: string): string {
  const named = /^\s*"?([^<>"]*?)"?\s*<([^<>]+)>\s*$/.exec(from);
  if (!named || /^[\x20-\x7e]*$/.test(named[1]!)) return from;
  return `=?UTF-8?B?${Buffer.from(named[1]!, "utf8").toString("base64")}?= <${named[2]}>`;
}

export class SesMailer implements Mailer {
  private readonly client: Pick<SESv2Client, "send">;

  constructor(private readonly options: SesMailerOptions) {
    this.client = options.client ?? traced(new SESv2Client({ region: options.region }));
  }

  async send(mail: OutgoingMail): Promise<void> {
    await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: sesFromAddress(this.options.from),
        Destination: { ToAddresses: [mail.to] },
        ...(this.options.configurationSet ? { ConfigurationSetName: this.options.configurationSet } : {}),
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: "UTF-8" },
            Body: { Text: { Data: mail.text, Charset: "UTF-8" } },
            Headers: [
              { Name: "Auto-Submitted", Value: "auto-generated" },
              { Name: "X-Gazette-Message", Value: mail.id },
            ],
          },
        },
      }),
    );
  }
}
