import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { resetEnvForTests } from "~/env.server";
import { closeEmailTransports } from "~/modules/messaging/email.server";
import { resetRateLimits } from "~/modules/storefront/rate-limit.server";
import { renderStorefrontPreview } from "~/modules/storefront/preview.server";
import { loadThemeExtension } from "~/modules/storefront/theme-extension.server";
import { startAppServer, type AppServer } from "../../server/app-server";
import { HOUR, checkoutBody, startBench, type Bench } from "../recovery/harness";
import { ROOT } from "../support/paths";
import type { CapturedEmail } from "../support/smtp-sink";
import { APP_URL, call, installSession, proxyUrl, routeModule } from "./support";
import { tally } from "./tally";

/**
 * Everything a shopper can type, hostile: names, emails, chat messages, email replies (text and HTML), SMS, line
 * items. Driven through the real routes and the recovery worker in demo mode (the admin acts as the demo shop), then
 * looked for where it lands: the admin pages as the built server renders them, the storefront chat's JSON, the
 * emails the SMTP sink receives (headers and HTML part) and the Liquid renderers. Script stays inert text, CRLF never
 * makes a header, and Liquid typed by a shopper is data, never evaluated.
 */

const DEMO_SHOP = "kindly-demo.myshopify.com";
const SCRIPT = `<script>alert("xss")</script>`;
const IMG = `<img src=x onerror=alert(1)>`;
const LIQUID = "{{ 7 | times: 191 }}{% raw %}{{ shop.secret }}";
const EVALUATED = "1337";
const CRLF_NAME = "Camille\r\nBcc: attacker@evil.example\r\nX-Injected: yes";
const ATTACKER = "attacker@evil.example";

let bench: Bench;
let app: AppServer;
let conversationId = "";
let checkoutId = "";
let firstEmail: CapturedEmail;

async function page(pathname: string): Promise<string> {
  const response = await fetch(`${app.url}${pathname}`);
  expect(response.status, pathname).toBe(200);
  return response.text();
}

/** Raw markup typed by a shopper never appears as markup. */
function expectInert(html: string, where: string): void {
  for (const needle of [SCRIPT, IMG, "<script>alert", "<img src=x", "onerror=alert(1)>"]) {
    expect(html.includes(needle), `${needle} raw in ${where}`).toBe(false);
  }
  tally("XSS");
}

function expectNoInjectedHeaders(mail: CapturedEmail): void {
  const names = mail.headers.map(([name]) => name);
  expect(names).not.toContain("bcc");
  expect(names).not.toContain("x-injected");
  expect(mail.envelope.to).not.toContain(ATTACKER);
  // A name like "Ada Bcc: attacker@…" may stay as display text; the attacker must never be an address.
  const addresses = mail.to.map((entry) => /<([^>]*)>$/.exec(entry)?.[1] ?? entry);
  expect(addresses).not.toContain(ATTACKER);
  expect(mail.cc).toEqual([]);
  // Every header line is one line: a bare CR or LF inside a value would have started a new header.
  for (const [, value] of mail.headers) expect(value).not.toMatch(/[\r\n]/);
  tally("header injection");
}

beforeAll(async () => {
  process.env.KINDLY_DEMO = "1";
  resetEnvForTests();
  bench = await startBench(DEMO_SHOP);
  await installSession(DEMO_SHOP);
  app = await startAppServer({ port: 0 });

  // A checkout whose shopper name carries markup, Liquid and header injection, and a hostile line item.
  const body = checkoutBody({ firstName: `${CRLF_NAME} ${IMG} ${LIQUID}`, locale: "en" });
  body.line_items[0].title = `Linen ${SCRIPT} ${LIQUID}`;
  body.line_items[0].presentment_title = body.line_items[0].title;
  expect((await bench.deliver("checkouts/create", body)).status).toBe(200);
  await bench.advance(HOUR + 60_000);
  firstEmail = await bench.smtp.waitFor();
  checkoutId = (await prisma.checkout.findFirstOrThrow({ where: { shop: DEMO_SHOP } })).id;
}, 120_000);

afterAll(async () => {
  closeEmailTransports();
  await app?.close();
  await bench?.close();
  delete process.env.KINDLY_DEMO;
  resetEnvForTests();
});

describe("recovery email built from hostile checkout data", () => {
  it("has no injected header, goes only to the shopper, and the name stays on one line", () => {
    expectNoInjectedHeaders(firstEmail);
    expect(firstEmail.envelope.to).toEqual(["camille@example.org"]);
    expect(firstEmail.subject).not.toMatch(/[\r\n]/);
    // The name did reach the subject (so the CRLF was neutralised there, not avoided).
    expect(firstEmail.subject).toContain("Bcc: attacker@evil.example");
  });

  it("keeps markup inert in the HTML part", () => {
    expect(firstEmail.html).toBeTruthy();
    expectInert(firstEmail.html!, "the recovery email's HTML");
    expect(firstEmail.html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  });

  it("renders the shopper's Liquid as text, never evaluated", () => {
    for (const part of [firstEmail.subject, firstEmail.text, firstEmail.html ?? ""]) {
      expect(part).not.toContain(EVALUATED);
    }
    expect(firstEmail.text).toContain("{{ 7 | times: 191 }}");
    expect(firstEmail.text).toContain("{{ shop.secret }}");
    tally("template injection", 3);
  });

  it("a shopper email address carrying CRLF headers is not mailed at all", async () => {
    const before = bench.smtp.messages().length;
    const body = checkoutBody({ email: `camille2@example.org\r\nBcc: ${ATTACKER}`, phone: null });
    await bench.deliver("checkouts/create", body);
    await bench.advance(HOUR + 60_000);
    const after = bench.smtp.messages();
    for (const mail of after) expectNoInjectedHeaders(mail);
    expect(after.slice(0, after.length - before).every((mail) => !mail.raw.includes(ATTACKER))).toBe(true);
  });
});

describe("storefront chat", () => {
  it("a hostile chat message, name and email: stored as typed, answered as inert JSON", async () => {
    resetRateLimits();
    await prisma.shop.update({ where: { shop: DEMO_SHOP }, data: { staffLastSeenAt: bench.clock.now() } });
    const request = new Request(proxyUrl("chat", { shop: DEMO_SHOP }), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ body: `Hi ${SCRIPT} ${IMG} ${LIQUID}`, name: `Ada ${IMG}\r\nBcc: ${ATTACKER}` }),
    });
    const answer = await call(await routeModule("proxy.chat"), "action", request);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(answer.text).not.toMatch(/[<>]/);
    expect(JSON.parse(answer.text).message.body).toBe(`Hi ${SCRIPT} ${IMG} ${LIQUID}`);
    tally("XSS");
    const conversation = await prisma.conversation.findFirstOrThrow({ where: { shop: DEMO_SHOP, channel: "CHAT" } });
    conversationId = conversation.id;

    const poll = new Request(proxyUrl("chat/messages", { shop: DEMO_SHOP }), {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: JSON.parse(answer.text).token }),
    });
    const polled = await call(await routeModule("proxy.chat.messages"), "action", poll);
    expect(polled.status).toBe(200);
    expect(polled.text).not.toMatch(/[<>]/);
    tally("XSS");
  });
});

describe("inbound email and SMS", () => {
  it("an HTML reply with script and a CRLF-laden sender lands in the inbox without running", async () => {
    const replyTo = firstEmail.replyTo ?? "";
    expect(replyTo).toMatch(/^reply\+/);
    const raw = [
      `From: "Eve\\r\\nBcc: ${ATTACKER}" <camille@example.org>`,
      `To: ${replyTo}`,
      `Subject: Re: help ${SCRIPT}`,
      "MIME-Version: 1.0",
      'Content-Type: multipart/alternative; boundary="b"',
      "",
      "--b",
      "Content-Type: text/plain; charset=utf-8",
      "",
      `Plain ${SCRIPT} ${LIQUID}`,
      "--b",
      "Content-Type: text/html; charset=utf-8",
      "",
      `<p>Html ${SCRIPT}<img src=x onerror=alert(1)><a href="javascript:alert(2)">x</a><iframe src="https://evil.example"></iframe></p>`,
      "--b--",
      "",
    ].join("\r\n");
    const request = new Request(`${APP_URL}/inbound/email`, {
      method: "POST",
      headers: { "X-Kindly-Inbound-Secret": "kindly-dev-inbound-email-secret", "Content-Type": "message/rfc822" },
      body: raw,
    });
    expect((await call(await routeModule("inbound.email"), "action", request)).status).toBe(200);
  });

  it("an SMS reply with markup is recorded as text", async () => {
    const { twilioSignature } = await import("~/modules/messaging/inbound-sms.server");
    const params: Array<[string, string]> = [
      ["From", "+33612345678"],
      ["To", "+33700000001"],
      ["Body", `Sms ${SCRIPT} ${IMG} ${LIQUID}`],
      ["MessageSid", "SM0123456789abcdef0123456789abcdef"],
      ["AccountSid", bench.twilio.accountSid],
    ];
    const url = `${APP_URL}/inbound/sms`;
    const request = new Request(url, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": twilioSignature(bench.twilio.authToken, url, params),
      },
      body: new URLSearchParams(params).toString(),
    });
    const answer = await call(await routeModule("inbound.sms"), "action", request);
    expect(answer.status).toBe(200);
    expectInert(answer.text, "the TwiML answer");
  });
});

describe("admin pages render shopper input inert (built server, demo mode)", () => {
  it.each([
    ["the inbox list", () => "/app/inbox?status=ALL"],
    ["the chat conversation", () => `/app/inbox/${conversationId}`],
    ["the recovery page", () => "/app/recovery"],
    ["the checkout timeline", () => `/app/recovery/${checkoutId}`],
  ])("%s", async (where, pathname) => {
    const html = await page(pathname());
    expectInert(html, where);
    expect(html).not.toContain(EVALUATED);
    tally("template injection");
  });

  it("the customers list and a customer's timeline escape names typed at checkout", async () => {
    const customer = await prisma.customer.create({
      data: {
        shop: DEMO_SHOP,
        shopifyId: "gid://shopify/Customer/9007199254740999",
        email: "hostile@example.org",
        firstName: `${IMG} ${LIQUID}`,
        lastName: SCRIPT,
        ordersCount: 2,
        totalSpent: "120.00",
        segment: "VIP",
      },
    });
    for (const [where, pathname] of [
      ["the customers list", "/app/customers?segment=VIP"],
      ["the customers list (all)", "/app/customers"],
      ["the customer's timeline", `/app/customers/${customer.id}`],
    ]) {
      const html = await page(pathname);
      expectInert(html, where);
      expect(html).not.toContain(EVALUATED);
    }
  });

  it("every conversation page (email with HTML, SMS, chat) escapes what the shopper sent", async () => {
    const conversations = await prisma.conversation.findMany({ where: { shop: DEMO_SHOP } });
    expect(conversations.map((c) => c.channel).sort()).toEqual(expect.arrayContaining(["CHAT", "EMAIL", "SMS"]));
    for (const conversation of conversations) {
      const html = await page(`/app/inbox/${conversation.id}`);
      expectInert(html, `conversation ${conversation.channel}`);
      expect(html).not.toContain('href="javascript:');
      expect(html).not.toMatch(/<iframe[^>]+src="https:\/\/evil/);
    }
  });

  it("a staff reply on the email conversation (CRLF in the shopper's name and subject) mails clean headers", async () => {
    const email = await prisma.conversation.findFirstOrThrow({ where: { shop: DEMO_SHOP, channel: "EMAIL" } });
    await prisma.conversation.update({
      where: { id: email.id },
      data: {
        contactEmail: "ada@example.org",
        contactName: `Ada\r\nBcc: ${ATTACKER}`,
        subject: `Help\r\nX-Injected: yes`,
      },
    });
    const conversationId = email.id;
    const request = new Request(`${APP_URL}/app/inbox/${conversationId}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ intent: "reply", body: "Thanks, we'll help." }),
    });
    const answer = await call(await routeModule("app.inbox_.$id"), "action", request, { id: conversationId });
    expect(JSON.parse(answer.text)).toMatchObject({ ok: true });
    const reply = await bench.smtp.waitFor((mail) => mail.envelope.to.includes("ada@example.org"));
    expectNoInjectedHeaders(reply);
    expect(reply.envelope.to).toEqual(["ada@example.org"]);
    for (const mail of bench.smtp.messages()) expectNoInjectedHeaders(mail);
  });
});

describe("storefront preview (LiquidJS) with hostile shop data", () => {
  it("renders product and shop strings as text, never as Liquid or markup", async () => {
    const { html } = await renderStorefrontPreview({
      extension: await loadThemeExtension(path.join(ROOT, "extensions", "kindly-storefront")),
      shop: {
        name: `Shop ${LIQUID} ${SCRIPT}`,
        email: "a@b.example",
        domain: DEMO_SHOP,
        currencyCode: "EUR",
        policies: [{ type: "REFUND_POLICY", title: `Refunds ${LIQUID}`, body: `<p>${LIQUID}</p>` }],
      },
      products: [{ title: `Mug ${LIQUID} ${IMG}`, handle: "mug", priceCents: 1000 }],
      requestedLocale: null,
      now: new Date("2026-11-24T12:00:00Z"),
      baseUrl: "/demo/storefront",
      page: { kind: "home" },
    });
    expectInert(html, "the storefront preview");
    expect(html).not.toContain(EVALUATED);
    expect(html).toContain("{{ 7 | times: 191 }}");
    tally("template injection");
  });
});
