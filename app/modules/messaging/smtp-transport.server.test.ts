import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeEmailTransports, sendEmail } from "~/modules/messaging/email.server";
import { parseSmtpUrl } from "~/modules/messaging/smtp-transport.server";
import { encryptSecret } from "~/modules/shop/secrets.server";
import { startLoopbackSmtp, type LoopbackSmtp } from "../../../tests/messaging/support";

describe("parseSmtpUrl", () => {
  it("reads host, port, TLS mode, credentials and options, with Kindly's pool defaults", () => {
    expect(
      parseSmtpUrl(
        "smtps://apikey:p%40ss%3Aword@smtp.example.com:465?maxConnections=2&tls.rejectUnauthorized=false&name=kindly",
      ),
    ).toEqual({
      pool: true,
      maxConnections: 2,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 60_000,
      secure: true,
      host: "smtp.example.com",
      port: 465,
      auth: { user: "apikey", pass: "p@ss:word" },
      tls: { rejectUnauthorized: false },
      name: "kindly",
    });
    expect(parseSmtpUrl("smtp://[::1]:2525")).toMatchObject({ secure: false, host: "::1", port: 2525 });
    expect(parseSmtpUrl("smtp://relay.example.org")).not.toHaveProperty("auth");
    expect(() => parseSmtpUrl("https://relay.example.org")).toThrow(TypeError);
  });
});

describe("pooled SMTP transport", () => {
  let smtp: LoopbackSmtp;
  beforeAll(async () => {
    smtp = await startLoopbackSmtp({ discard: true });
  });
  afterAll(async () => {
    closeEmailTransports();
    await smtp.close();
  });

  it("does not wait on delayed ACKs between messages (TCP_NODELAY)", async () => {
    const shop = {
      shop: "nagle.myshopify.com",
      name: "Shop",
      senderName: null,
      senderEmail: "hello@shop.example",
      contactEmail: null,
      email: null,
      replyDomain: "replies.kindly.test",
      smtpUrlEncrypted: encryptSecret(smtp.url),
      primaryDomain: null,
    };
    const send = (n: number) =>
      sendEmail(shop, {
        messageId: `m${n}`,
        replyToken: `t${n}`,
        to: "a@example.org",
        subject: "Hi",
        html: "<p>Hi</p>",
        text: "Hi",
      });
    await send(0); // connection and greeting
    const started = performance.now();
    for (let n = 1; n <= 40; n++) await send(n);
    const perMessage = (performance.now() - started) / 40;
    // With Nagle's algorithm each message waits ~40 ms for the relay's delayed ACK; without, about 1 ms on loopback.
    // The bound is loose (a busy CI machine) but well below what the delayed ACK alone would cost.
    expect(perMessage).toBeLessThan(20);
    expect(smtp.connections()).toBe(1);
  });
});
