import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeEmailTransports, sendEmail } from "~/modules/messaging/email.server";
import { createSmtpTransport, parseSmtpUrl } from "~/modules/messaging/smtp-transport.server";
import { encryptSecret } from "~/modules/shop/secrets.server";
import { startLoopbackSmtp, type LoopbackSmtp } from "../../../tests/messaging/support";
import { startSmtpSink } from "../../../tests/support/smtp-sink";

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

describe("a relay that refuses connections", () => {
  it("fails every queued message at once (none left hanging in the pool), and sends again when it is back", async () => {
    const probe = await startSmtpSink();
    const { url, port } = probe;
    await probe.close(); // nothing listens on the port now: connections are refused
    const transport = createSmtpTransport(url);
    try {
      const mail = (n: number) => ({ from: "a@shop.example", to: "b@example.org", subject: `m${n}`, text: "Hi" });
      // Four times the pool's five connections: each failed connect must free its slot for the next message.
      const outcomes = await Promise.allSettled(Array.from({ length: 20 }, (_, n) => transport.sendMail(mail(n))));
      expect(outcomes.map((outcome) => outcome.status)).toEqual(outcomes.map(() => "rejected"));
      expect(
        outcomes.every((outcome) => outcome.status === "rejected" && /ECONNREFUSED/.test(String(outcome.reason))),
      ).toBe(true);

      const back = await startSmtpSink({ port });
      try {
        await transport.sendMail(mail(99));
        expect(back.messages().map((message) => message.subject)).toEqual(["m99"]);
      } finally {
        await back.close();
      }
    } finally {
      transport.close();
    }
  });
});
