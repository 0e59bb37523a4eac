import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import prisma from "~/db.server";
import { resetEnvForTests } from "~/env.server";
import { loggerOptions } from "~/logger.server";
import { closeEmailTransports } from "~/modules/messaging/email.server";
import { twilioSignature } from "~/modules/messaging/inbound-sms.server";
import { resetRateLimits } from "~/modules/storefront/rate-limit.server";
import { HOUR, checkoutBody, startBench, type Bench } from "../recovery/harness";
import { APP_URL, call, installSession, proxyUrl, routeModule } from "./support";

/**
 * Logs at info level, with the app's own logger settings, while Kindly does everything that touches a secret or a
 * message body: settings saved with an SMTP password and a Twilio token (and test sends, one of them failing), a
 * full recovery sequence (email, then SMS), an email reply, an SMS reply, a storefront chat message and a staff
 * reply. Shopify's library logs (console) are read too. Nothing secret, no message text and no shopper address may
 * appear in any line.
 */

const DEMO_SHOP = "kindly-demo.myshopify.com";
const SMTP_PASSWORD = "Smtp-Pass-Wq71-log-canary";
const DEAD_SMTP_PASSWORD = "Dead-Smtp-Pass-Kx02-canary";
const SHOPPER_EMAIL = "zoeline.shopper@example.org";
const SHOPPER_PHONE = "+33611223344";
const CHAT_EMAIL = "chat.shopper@example.org";
const BODIES = {
  item: "Chemise-canary-XYZZY",
  firstName: "Zoeline",
  emailReply: "My card was declined, reply canary PLUGH",
  smsReply: "Sms reply canary FROBOZZ",
  chat: "Chat message canary GRUE",
  staff: "Staff reply canary ZORKMID",
};

const lines: string[] = [];
let bench: Bench;

beforeAll(async () => {
  process.env.KINDLY_DEMO = "1";
  resetEnvForTests();
  // The app's logger settings (redact list included), at info level, into memory.
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString("utf8").split("\n").filter(Boolean));
      done();
    },
  });
  globalThis.__kindlyLogger = pino({ ...loggerOptions(), level: "info" }, sink);
  for (const method of ["log", "info", "warn", "debug"] as const) {
    vi.spyOn(console, method).mockImplementation((...parts: unknown[]) => {
      lines.push(parts.map((part) => (typeof part === "string" ? part : JSON.stringify(part))).join(" "));
    });
  }
  bench = await startBench(DEMO_SHOP, { replyDomain: "reply.kindly.test" });
  await installSession(DEMO_SHOP);
}, 60_000);

afterAll(async () => {
  globalThis.__kindlyLogger = undefined;
  vi.restoreAllMocks();
  closeEmailTransports();
  await bench?.close();
  delete process.env.KINDLY_DEMO;
  resetEnvForTests();
});

async function settings(body: unknown) {
  const request = new Request(`${APP_URL}/app/settings`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return call(await routeModule("app.settings"), "action", request);
}

describe("logs at info level", () => {
  it("drive every flow that handles a secret or a message body", async () => {
    // Settings: a failing SMTP server first (its error path logs), then the sink, with credentials.
    const sender = {
      senderName: "Claire",
      senderEmail: "claire@maison-claire.example",
      replyDomain: "reply.kindly.test",
    };
    const dead = await settings({
      intent: "save",
      section: "sender",
      values: { ...sender, smtpUrl: `smtp://claire:${DEAD_SMTP_PASSWORD}@127.0.0.1:9` },
    });
    expect(dead.status).toBe(200);
    await settings({ intent: "test-email", to: "owner@maison-claire.example" });
    const smtpUrl = bench.smtp.url.replace("smtp://", `smtp://claire:${SMTP_PASSWORD}@`);
    expect((await settings({ intent: "save", section: "sender", values: { ...sender, smtpUrl } })).status).toBe(200);
    const sms = {
      twilioAccountSid: bench.twilio.accountSid,
      twilioAuthToken: bench.twilio.authToken,
      twilioFromNumber: "+33700000001",
    };
    expect((await settings({ intent: "save", section: "sms", values: sms })).status).toBe(200);
    expect((await settings({ intent: "test-email", to: "owner@maison-claire.example" })).status).toBe(200);
    expect((await settings({ intent: "test-sms", to: "+33 6 00 00 00 01" })).status).toBe(200);

    // A full recovery: the email at +1 h, the SMS at +4 h (the email was not opened).
    const checkout = checkoutBody({
      email: SHOPPER_EMAIL,
      phone: SHOPPER_PHONE,
      firstName: BODIES.firstName,
      locale: "en",
    });
    checkout.line_items[0].title = BODIES.item;
    checkout.line_items[0].presentment_title = BODIES.item;
    expect((await bench.deliver("checkouts/create", checkout)).status).toBe(200);
    await bench.advance(HOUR + 60_000);
    const email = await bench.smtp.waitFor((mail) => mail.envelope.to.includes(SHOPPER_EMAIL));
    expect(email.text).toContain(BODIES.item);
    await bench.advance(4 * HOUR);
    await bench.twilio.waitFor((message) => message.to === SHOPPER_PHONE);

    // The shopper replies by email, and by SMS.
    const raw = [
      `From: Zoeline <${SHOPPER_EMAIL}>`,
      `To: ${email.replyTo}`,
      "Subject: Re: your order",
      "MIME-Version: 1.0",
      "Content-Type: text/plain; charset=utf-8",
      "",
      BODIES.emailReply,
      "",
    ].join("\r\n");
    const inbound = new Request(`${APP_URL}/inbound/email`, {
      method: "POST",
      headers: { "X-Kindly-Inbound-Secret": "kindly-dev-inbound-email-secret", "Content-Type": "message/rfc822" },
      body: raw,
    });
    expect((await call(await routeModule("inbound.email"), "action", inbound)).status).toBe(200);
    const params: Array<[string, string]> = [
      ["From", SHOPPER_PHONE],
      ["To", "+33700000001"],
      ["Body", BODIES.smsReply],
      ["MessageSid", "SM00000000000000000000000000000001"],
      ["AccountSid", bench.twilio.accountSid],
    ];
    const smsUrl = `${APP_URL}/inbound/sms`;
    const smsRequest = new Request(smsUrl, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": twilioSignature(bench.twilio.authToken, smsUrl, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    expect((await call(await routeModule("inbound.sms"), "action", smsRequest)).status).toBe(200);

    // A storefront chat, and the staff's email reply on the email conversation.
    resetRateLimits();
    const chat = new Request(proxyUrl("chat", { shop: DEMO_SHOP }), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ body: BODIES.chat, name: "Zoe", email: CHAT_EMAIL }),
    });
    expect((await call(await routeModule("proxy.chat"), "action", chat)).status).toBe(200);
    const conversation = await prisma.conversation.findFirstOrThrow({ where: { shop: DEMO_SHOP, channel: "EMAIL" } });
    const reply = new Request(`${APP_URL}/app/inbox/${conversation.id}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ intent: "reply", body: BODIES.staff }),
    });
    const replied = await call(await routeModule("app.inbox_.$id"), "action", reply, { id: conversation.id });
    expect(JSON.parse(replied.text)).toMatchObject({ ok: true });
    await bench.smtp.waitFor((mail) => mail.text.includes(BODIES.staff));
  });

  it("the logs were written (the capture works) and hold no secret, no message text, no shopper address", async () => {
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.some((line) => line.includes('"level":30'))).toBe(true);
    const sessions = await prisma.session.findMany({ select: { accessToken: true } });
    const needles = [
      "test-api-secret",
      SMTP_PASSWORD,
      DEAD_SMTP_PASSWORD,
      bench.twilio.authToken,
      ...sessions.map((session) => session.accessToken),
      ...Object.values(BODIES),
      SHOPPER_EMAIL,
      CHAT_EMAIL,
      SHOPPER_PHONE,
      SHOPPER_PHONE.replace("+", ""),
    ];
    const leaks = needles.flatMap((needle) =>
      lines.filter((line) => line.includes(needle)).map((line) => `${needle}: ${line.slice(0, 300)}`),
    );
    expect(leaks).toEqual([]);
  });
});
