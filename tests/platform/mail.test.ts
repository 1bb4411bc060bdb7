import type { SendEmailCommand } from "@aws-sdk/client-sesv2";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { SesMailer } from "../../src/platform/aws/ses-mailer.js";
import { isMailAddress, mailAddressProblem } from "../../src/platform/mail.js";

/**
 * The mail port (issue 16's e-mail notifications): which addresses the app takes, how mail is
 * configured, and what the SES adapter hands to SES.
 */
describe("an e-mail address", () => {
  test("addresses of the usual form are taken", () => {
    // Prepare
    const addresses = [
      "li.si@jyt.sc.gov.cn",
      "office+gazette@example.cn",
      "a@xn--fiqs8s.cn",
      "o'neil@mail.example.org",
    ];

    // Act / Assess
    for (const address of addresses) expect(mailAddressProblem(address), address).toBeUndefined();
  });

  test("generated dot-atom addresses are taken", () => {
    // Prepare: dot-atom local parts at host names with a letter TLD
    const atom = fc.stringMatching(/^[a-z0-9!#$%&'*+/=?^_`{|}~-]{1,10}$/);
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,8}[a-z0-9])?$/);
    const address = fc
      .tuple(fc.array(atom, { minLength: 1, maxLength: 3 }), fc.array(label, { minLength: 1, maxLength: 3 }))
      .map(([local, labels]) => `${local.join(".")}@${[...labels, "cn"].join(".")}`)
      .filter((a) => a.length <= 254 && a.indexOf("@") <= 64);

    // Act / Assess
    fc.assert(fc.property(address, (a) => isMailAddress(a)));
  });

  test("an address with a line break, a space, an angle bracket or a comma anywhere is refused", () => {
    // Prepare: a good address with one forbidden character put in at any place
    const forbidden = fc.constantFrom("\r", "\n", " ", "<", ">", ",", ";", '"', "\t", "\u0000", "（");
    const cases = fc.tuple(forbidden, fc.nat()).map(([ch, at]) => {
      const good = "li.si@jyt.sc.gov.cn";
      const i = at % (good.length + 1);
      return good.slice(0, i) + ch + good.slice(i);
    });

    // Act / Assess: nothing that could add a header or a recipient gets through
    fc.assert(fc.property(cases, (a) => !isMailAddress(a)));
  });
});

describe("mail settings", () => {
  test("off unless an SMTP URL or an SES identity is given", () => {
    expect(loadConfig({}).mail).toBeUndefined();
  });

  test("SMTP with the From address", () => {
    // Act
    const config = loadConfig({
      GAZETTE_SMTP_URL: "smtp://gazette:secret@mail.example.cn:587",
      GAZETTE_MAIL_FROM: "四川省人民政府公报 <gazette@example.cn>",
    });

    // Assess
    expect(config.mail).toEqual({
      from: "四川省人民政府公报 <gazette@example.cn>",
      transport: { kind: "smtp", url: "smtp://gazette:secret@mail.example.cn:587" },
    });
  });

  test("SES with the identity and the configuration set", () => {
    const config = loadConfig({
      GAZETTE_SES_IDENTITY: "example.cn",
      GAZETTE_MAIL_FROM: "noreply@example.cn",
      GAZETTE_SES_CONFIGURATION_SET: "notices",
    });
    expect(config.mail).toEqual({
      from: "noreply@example.cn",
      transport: { kind: "ses", identity: "example.cn", configurationSet: "notices" },
    });
  });

  test.each([
    [{ GAZETTE_SMTP_URL: "smtp://mail.example.cn" }, /GAZETTE_MAIL_FROM/],
    [{ GAZETTE_MAIL_FROM: "gazette@example.cn" }, /needs GAZETTE_SMTP_URL or GAZETTE_SES_IDENTITY/],
    [{ GAZETTE_SMTP_URL: "http://mail.example.cn", GAZETTE_MAIL_FROM: "g@example.cn" }, /smtp:\/\//],
    [{ GAZETTE_SMTP_URL: "smtp://mail.example.cn", GAZETTE_MAIL_FROM: "公报" }, /GAZETTE_MAIL_FROM/],
    [
      {
        GAZETTE_SMTP_URL: "smtp://m.example.cn",
        GAZETTE_SES_IDENTITY: "example.cn",
        GAZETTE_MAIL_FROM: "g@example.cn",
      },
      /not both/,
    ],
  ])("refuses %j", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});

describe("the SES adapter", () => {
  test("sends the message as UTF-8 text from the configured address, through the configuration set", async () => {
    // Prepare
    const sent: SendEmailCommand[] = [];
    const mailer = new SesMailer({
      from: "四川省人民政府公报 <noreply@example.cn>",
      configurationSet: "notices",
      client: { send: async (command: SendEmailCommand) => void sent.push(command) } as never,
    });

    // Act
    await mailer.send({
      to: "li@jyt.sc.gov.cn",
      subject: "【公报】已退文：关于…的通知",
      text: "退文理由：缺少附件\n",
      id: "S1.2",
    });

    // Assess
    expect(sent).toHaveLength(1);
    expect(sent[0]!.input).toEqual({
      // The Chinese display name as an RFC 2047 encoded-word, as SES requires
      FromEmailAddress: `=?UTF-8?B?${Buffer.from("四川省人民政府公报").toString("base64")}?= <noreply@example.cn>`,
      Destination: { ToAddresses: ["li@jyt.sc.gov.cn"] },
      ConfigurationSetName: "notices",
      Content: {
        Simple: {
          Subject: { Data: "【公报】已退文：关于…的通知", Charset: "UTF-8" },
          Body: { Text: { Data: "退文理由：缺少附件\n", Charset: "UTF-8" } },
          Headers: [
            { Name: "Auto-Submitted", Value: "auto-generated" },
            { Name: "X-Gazette-Message", Value: "S1.2" },
          ],
        },
      },
    });
  });
});
