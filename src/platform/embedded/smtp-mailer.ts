/**
 * The mail port over SMTP (nodemailer), for the local server: GAZETTE_SMTP_URL, e.g.
 * `smtp://user:password@mail.example.cn:587` (STARTTLS when the server offers it) or
 * `smtps://…:465`. Subject and body go out as UTF-8 (RFC 2047 encoded words in the subject, the
 * body base64 or quoted-printable, as nodemailer chooses), with the message's id as its Message-ID.
 */
import nodemailer, { type Transporter } from "nodemailer";
import type { Mailer, OutgoingMail } from "../mail.js";

export interface SmtpMailerOptions {
  /** smtp:// or smtps:// URL, credentials in it where the server wants them. */
  readonly url: string;
  /** The From header: `gazette@example.cn` or `四川省人民政府公报 <gazette@example.cn>`. */
  readonly from: string;
  /** Seconds to wait for the server at each step (default 20). */
  readonly timeoutSeconds?: number | undefined;
}

export class SmtpMailer implements Mailer {
  private readonly transport: Transporter;
  private readonly domain: string;

  constructor(private readonly options: SmtpMailerOptions) {
    const timeout = (options.timeoutSeconds ?? 20) * 1000;
    const url = new URL(options.url);
    this.transport = nodemailer.createTransport({
      host: url.hostname,
      port: url.port ? Number(url.port) : url.protocol === "smtps:" ? 465 : 587,
      secure: url.protocol === "smtps:",
      auth: url.username
        ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) }
        : undefined,
      connectionTimeout: timeout,
      greetingTimeout: timeout,
      socketTimeout: timeout,
    });
    // Message-IDs are <id@the sender's domain>.
    this.domain = /@([^>\s]+)>?\s*$/.exec(options.from)?.[1] ?? "localhost";
  }

  async send(mail: OutgoingMail): Promise<void> {
    await this.transport.sendMail({
      from: this.options.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      messageId: `<${mail.id}@${this.domain}>`,
      headers: { "Auto-Submitted": "auto-generated" },
    });
  }

  close(): void {
    this.transport.close();
  }
}
