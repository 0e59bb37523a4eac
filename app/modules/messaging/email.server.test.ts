import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock, setClock } from "~/clock.server";
import { resetEnvForTests } from "~/env.server";
import {
  closeEmailTransports,
  decorateEmailHtml,
  sanitizeDisplayName,
  sendEmail,
  type EmailShop,
  type EmailToSend,
} from "~/modules/messaging/email.server";
import { SendError } from "~/modules/messaging/send-error";
import { verifyToken } from "~/modules/messaging/tokens.server";
import { encryptSecret } from "~/modules/shop/secrets.server";
import { headerValues, startLoopbackSmtp, type LoopbackSmtp } from "../../../tests/messaging/support";

const NOW = new Date("2026-11-20T10:00:00Z");

let smtp: LoopbackSmtp;

beforeAll(async () => {
  smtp = await startLoopbackSmtp({
    refuse: (recipient) => {
      if (recipient.startsWith("greylisted@")) return { code: 451, message: "4.7.1 Greylisted, try again later" };
      if (recipient.startsWith("nobody@")) return { code: 550, message: "5.1.1 No such user" };
      return null;
    },
  });
});

afterAll(async () => {
  closeEmailTransports();
  await smtp.close();
});

beforeEach(() => {
  setClock(new ManualClock(NOW));
});

afterEach(() => {
  delete process.env.SMTP_URL;
  resetEnvForTests();
});

function shopWith(overrides: Partial<EmailShop> = {}): EmailShop {
  return {
    shop: `email-${Math.random().toString(36).slice(2, 8)}.myshopify.com`,
    name: "Linen & Co",
    senderName: "Camille at Linen & Co",
    senderEmail: "camille@linen.example",
    contactEmail: "help@linen.example",
    email: "owner@linen.example",
    replyDomain: "replies.kindly.test",
    smtpUrlEncrypted: encryptSecret(smtp.url),
    primaryDomain: "linen.example",
    ...overrides,
  };
}

function emailWith(overrides: Partial<EmailToSend> = {}): EmailToSend {
  return {
    messageId: "msg_abc123",
    replyToken: "Tk9_reply-token",
    to: "shopper@example.org",
    toName: "Camille Durand",
    subject: "Camille, can I help with your order?",
    html: [
      "<html><body>",
      "<p>Hi Camille, it's Camille from Linen &amp; Co.</p>",
      '<p><a href="https://shop.example-checkout.com/recover/abc?key=1&amp;x=2">Finish your order</a></p>',
      "<p><a href='https://linen.example/pages/faq'>FAQ</a> or <a href=\"https://carrier.example/track\">tracking</a></p>",
      '<p><a href="mailto:help@linen.example">Email us</a></p>',
      "</body></html>",
    ].join("\n"),
    text: "Hi Camille, it's Camille from Linen & Co.\nFinish your order: https://shop.example-checkout.com/recover/abc?key=1&x=2",
    locale: "en",
    recoveryUrl: "https://shop.example-checkout.com/recover/abc?key=1&x=2",
    ...overrides,
  };
}

describe("sendEmail over SMTP (loopback)", () => {
  it("delivers HTML + text with Reply-To token address, one-click unsubscribe headers and a Kindly Message-ID", async () => {
    const shop = shopWith();
    const sent = await sendEmail(shop, emailWith());
    const mail = smtp.received.find(
      (candidate) => candidate.parsed.messageId === "<msg_abc123.kindly@replies.kindly.test>",
    );
    expect(mail).toBeDefined();
    if (!mail) return;

    expect(sent.emailMessageId).toBe("<msg_abc123.kindly@replies.kindly.test>");
    expect(sent.accepted).toEqual(["shopper@example.org"]);
    expect(mail.envelope).toEqual({ from: "camille@linen.example", to: ["shopper@example.org"] });
    expect(headerValues(mail, "from")).toEqual(['"Camille at Linen & Co" <camille@linen.example>']);
    expect(headerValues(mail, "to")).toEqual(["Camille Durand <shopper@example.org>"]);
    expect(headerValues(mail, "reply-to")).toEqual(["reply+Tk9_reply-token@replies.kindly.test"]);
    expect(headerValues(mail, "message-id")).toEqual(["<msg_abc123.kindly@replies.kindly.test>"]);
    expect(headerValues(mail, "subject")).toEqual(["Camille, can I help with your order?"]);
    expect(mail.parsed.date?.toISOString()).toBe(NOW.toISOString());

    const [listUnsubscribe] = headerValues(mail, "list-unsubscribe");
    const match =
      /^<(https:\/\/kindly\.test\/u\/([A-Za-z0-9_.-]+))>, <mailto:unsubscribe\+Tk9_reply-token@replies\.kindly\.test\?subject=unsubscribe>$/.exec(
        listUnsubscribe,
      );
    expect(match).not.toBeNull();
    expect(verifyToken(match![2], "UNSUBSCRIBE", NOW)).toMatchObject({ messageId: "msg_abc123" });
    expect(headerValues(mail, "list-unsubscribe-post")).toEqual(["List-Unsubscribe=One-Click"]);

    // HTML: shop and recovery links tracked, foreign and mailto links untouched, pixel and unsubscribe link added.
    const html = mail.parsed.html as string;
    const clickTargets = [...html.matchAll(/href="https:\/\/kindly\.test\/t\/c\/([^"]+)"/g)].map(
      ([, token]) => verifyToken(token, "CLICK", NOW)?.url,
    );
    expect(clickTargets).toEqual([
      "https://shop.example-checkout.com/recover/abc?key=1&x=2",
      "https://linen.example/pages/faq",
    ]);
    expect(html).toContain('href="https://carrier.example/track"');
    expect(html).toContain('href="mailto:help@linen.example"');
    expect(html).toMatch(
      /<img src="https:\/\/kindly\.test\/t\/o\/[A-Za-z0-9_.-]+" width="1" height="1" alt="">\n<\/body>/,
    );
    expect(html).toContain(`Don't want these emails? <a href="${match![1]}"`);
    expect(mail.parsed.text).toContain(`Unsubscribe: ${match![1]}`);
    expect(mail.parsed.text).toContain("Finish your order: https://shop.example-checkout.com/recover/abc?key=1&x=2");
    expect(sent.html).toBe(html.replace(/\r\n/g, "\n"));
  });

  it("makes header injection through the sender name, subject or recipient impossible", async () => {
    const shop = shopWith({ senderName: 'Evil"\r\nBcc: victim@example.net\r\nX-Injected: yes' });
    const before = smtp.received.length;
    await sendEmail(
      shop,
      emailWith({
        messageId: "msg_inject",
        subject: "Hello\r\nBcc: other@example.net",
        toName: "Cam\nille\r\nCc: x@y.z",
      }),
    );
    const mail = smtp.received[before];
    expect(mail.envelope.to).toEqual(["shopper@example.org"]);
    const names = mail.headers.map(([name]) => name);
    expect(names).not.toContain("bcc");
    expect(names).not.toContain("cc");
    expect(names).not.toContain("x-injected");
    expect(headerValues(mail, "from")).toEqual([
      '"Evil Bcc: victim@example.net X-Injected: yes" <camille@linen.example>',
    ]);
    expect(headerValues(mail, "subject")).toEqual(["Hello Bcc: other@example.net"]);

    await expect(
      sendEmail(shop, emailWith({ to: "shopper@example.org\r\nBcc: victim@example.net" })),
    ).rejects.toMatchObject({
      code: "INVALID_RECIPIENT",
      retryable: false,
    });
    await expect(sendEmail(shop, emailWith({ to: "a@example.org, b@example.org" }))).rejects.toMatchObject({
      code: "INVALID_RECIPIENT",
    });
    expect(smtp.received.length).toBe(before + 1);
    expect(sanitizeDisplayName('  "Linen"  \\ <Co>\u2028x ')).toBe("Linen Co x");
  });

  it("reuses one pooled connection per shop", async () => {
    const shop = shopWith();
    const before = smtp.connections();
    await sendEmail(shop, emailWith({ messageId: "msg_pool_1" }));
    await sendEmail(shop, emailWith({ messageId: "msg_pool_2" }));
    await sendEmail(shop, emailWith({ messageId: "msg_pool_3" }));
    expect(smtp.connections() - before).toBe(1);
  });

  it("classifies failures: 4xx and connection problems retry, 5xx is final", async () => {
    const shop = shopWith();
    const greylisted = await sendEmail(shop, emailWith({ to: "greylisted@example.org" })).catch(
      (error: unknown) => error,
    );
    expect(greylisted).toBeInstanceOf(SendError);
    expect(greylisted).toMatchObject({ retryable: true, code: "PROVIDER_TEMPORARY", providerCode: 451 });

    const unknownUser = await sendEmail(shop, emailWith({ to: "nobody@example.org" })).catch((error: unknown) => error);
    expect(unknownUser).toMatchObject({ retryable: false, code: "INVALID_RECIPIENT", providerCode: 550 });
    expect((unknownUser as SendError).providerMessage).toContain("No such user");

    // A port nobody listens on: connection refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", () => resolve()));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const refused = await sendEmail(
      shopWith({ smtpUrlEncrypted: encryptSecret(`smtp://127.0.0.1:${port}`) }),
      emailWith(),
    ).catch((error: unknown) => error);
    expect(refused).toMatchObject({ retryable: true, code: "CONNECTION" });
  });

  it("uses SMTP_URL when the shop has no relay of its own, and refuses when there is none", async () => {
    await expect(sendEmail(shopWith({ smtpUrlEncrypted: null }), emailWith())).rejects.toMatchObject({
      code: "NOT_CONFIGURED",
      retryable: false,
    });
    process.env.SMTP_URL = smtp.url;
    resetEnvForTests();
    const sent = await sendEmail(shopWith({ smtpUrlEncrypted: null }), emailWith({ messageId: "msg_env_relay" }));
    expect(sent.accepted).toEqual(["shopper@example.org"]);
    await expect(
      sendEmail(shopWith({ senderEmail: null, contactEmail: null, email: null }), emailWith()),
    ).rejects.toMatchObject({
      code: "INVALID_SENDER",
    });
  });

  it("derives the reply domain from the app URL when the shop has none", async () => {
    const before = smtp.received.length;
    const sent = await sendEmail(shopWith({ replyDomain: null }), emailWith({ messageId: "msg_app_domain" }));
    expect(sent.emailMessageId).toBe("<msg_app_domain.kindly@kindly.test>");
    expect(headerValues(smtp.received[before], "reply-to")).toEqual(["reply+Tk9_reply-token@kindly.test"]);
  });
});

describe("decorateEmailHtml", () => {
  const options = {
    messageId: "msg_1",
    appUrl: "https://kindly.test",
    allowedHosts: ["shop-1.myshopify.com", "linen.example"],
    recoveryUrl: null,
    now: NOW,
  };

  it("tracks only the shop's links, whatever the quoting, and appends the pixel when there is no body tag", () => {
    const html = decorateEmailHtml(
      `<a class="x" href=https://linen.example/a?b=1>one</a> <A HREF="https://SHOP-1.myshopify.com/cart">two</A> <a href="https://linen.example.evil.net/">three</a> <a href="javascript:alert(1)">four</a>`,
      options,
    );
    const targets = [...html.matchAll(/\/t\/c\/([^"]+)"/g)].map(([, token]) => verifyToken(token, "CLICK", NOW)?.url);
    expect(targets).toEqual(["https://linen.example/a?b=1", "https://SHOP-1.myshopify.com/cart"]);
    expect(html).toContain('<a class="x" href="https://kindly.test/t/c/');
    expect(html).toContain('href="https://linen.example.evil.net/"');
    expect(html).toContain('href="javascript:alert(1)"');
    expect(html.trimEnd().endsWith('width="1" height="1" alt="">')).toBe(true);
  });

  it("speaks French to French shoppers and skips tracking when asked", () => {
    const html = decorateEmailHtml('<p><a href="https://linen.example/">Boutique</a></p>', {
      ...options,
      locale: "fr-CA",
      tracking: false,
    });
    expect(html).toContain('href="https://linen.example/"');
    expect(html).not.toContain("/t/o/");
    expect(html).toContain("Vous ne souhaitez plus recevoir ces e-mails ?");
    expect(html).toMatch(/<a href="https:\/\/kindly\.test\/u\/[^"]+" style="color:#555555;">Se désabonner<\/a>/);
  });
});
