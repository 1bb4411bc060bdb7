/**
 * The mail port: what the domain hands to whichever service sends its e-mail. Locally an SMTP
 * server (embedded/smtp-mailer.ts, nodemailer), in AWS Amazon SES (aws/ses-mailer.ts, SESv2); no
 * adapter when neither is configured (GAZETTE_SMTP_URL, GAZETTE_SES_IDENTITY), and then nothing is
 * mailed. Messages are plain text in UTF-8 (subject and body); the adapter encodes them.
 *
 * Also the check of an e-mail address as the app takes one (isMailAddress): what an SMTP server and
 * SES accept in a recipient, never a display name, a list or a line break (header injection).
 */

export interface OutgoingMail {
  /** One address, already checked with isMailAddress. */
  readonly to: string;
  readonly subject: string;
  /** Plain text; lines end with \n (the adapter writes CRLF). */
  readonly text: string;
  /**
   * Unique per message and the same on every retry of it (e.g. `<submissionId>.<seq>`): the
   * SMTP adapter makes it the Message-ID, so a message sent twice is recognised as one.
   */
  readonly id: string;
}

export interface Mailer {
  /** Sends one message; throws when the service refused or could not be reached (retry later). */
  send(mail: OutgoingMail): Promise<void>;
}

/** RFC 5321's limits: a path of at most 254 characters, a local part of at most 64. */
export const MAX_MAIL_ADDRESS = 254;
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/**
 * Why an address cannot be mailed to, or undefined when it can: `user@example.cn`, with a
 * dot-atom local part (no quoted strings, no comments) and a domain of at least two labels
 * (internationalised domains in their ASCII form, xn--…).
 */
export function mailAddressProblem(address: string): string | undefined {
  if (address.length > MAX_MAIL_ADDRESS) return `at most ${MAX_MAIL_ADDRESS} characters`;
  const at = address.lastIndexOf("@");
  if (at < 1) return "an address has the form name@domain";
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64) return "the part before @ has at most 64 characters";
  if (!LOCAL_PART.test(local))
    return "the part before @ may hold letters, digits, dots (not two in a row, nor first or last) and !#$%&'*+/=?^_`{|}~-";
  const labels = domain.split(".");
  if (labels.length < 2 || !labels.every((label) => DOMAIN_LABEL.test(label)))
    return "the domain after @ must be a host name such as example.cn (letters, digits, hyphens; at least two labels)";
  if (/^\d+$/.test(labels.at(-1)!)) return "the domain after @ must be a host name, not an IP address";
  return undefined;
}

export const isMailAddress = (address: string): boolean => mailAddressProblem(address) === undefined;
