import { randomBytes } from "node:crypto";
import { beforeEach, describe, expect, it } from "vitest";
import { ManualClock, setClock } from "~/clock.server";
import prisma from "~/db.server";
import { twilioSignature } from "~/modules/messaging/inbound-sms.server";
import { isSuppressed } from "~/modules/messaging/suppression.server";
import { action as inboundSms } from "~/routes/inbound.sms";
import { createMessagingShop, createSentMessage, eventTypes, runState } from "./support";

const SENT_AT = new Date("2026-11-20T14:00:00Z");
const TEXTED_AT = new Date("2026-11-20T15:00:00Z");
const INBOUND_URL = "https://kindly.test/inbound/sms";

beforeEach(() => {
  setClock(new ManualClock(TEXTED_AT));
});

// Each shop its own number: an inbound SMS finds its shop by the number it was sent to.
let shopCount = 0;
async function smsShop() {
  const twilio = {
    accountSid: `AC${randomBytes(16).toString("hex")}`,
    authToken: randomBytes(16).toString("hex"),
    fromNumber: `+1500444${String(++shopCount).padStart(4, "0")}`,
    apiBaseUrl: "http://127.0.0.1:9", // never called here
  };
  const { shop } = await createMessagingShop({ twilio });
  return { shop, twilio };
}

type Twilio = Awaited<ReturnType<typeof smsShop>>["twilio"];

/** Twilio's inbound message POST, signed as Twilio signs it (or with a chosen signature). */
function textFrom(
  twilio: Twilio,
  from: string,
  body: string,
  options: { signature?: string | null; authToken?: string } = {},
) {
  const params: Record<string, string> = {
    ToCountry: "US",
    SmsMessageSid: `SM${randomBytes(16).toString("hex")}`,
    NumMedia: "0",
    SmsSid: `SM${randomBytes(16).toString("hex")}`,
    SmsStatus: "received",
    Body: body,
    To: twilio.fromNumber,
    NumSegments: "1",
    MessageSid: `SM${randomBytes(16).toString("hex")}`,
    AccountSid: twilio.accountSid,
    From: from,
    ApiVersion: "2010-04-01",
  };
  const signature =
    options.signature === undefined
      ? twilioSignature(options.authToken ?? twilio.authToken, INBOUND_URL, Object.entries(params))
      : options.signature;
  return inboundSms({
    // The server may see another host behind a proxy; the signature is checked against SHOPIFY_APP_URL's.
    request: new Request("http://127.0.0.1:3000/inbound/sms", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        ...(signature !== null ? { "X-Twilio-Signature": signature } : {}),
      },
      body: new URLSearchParams(params).toString(),
    }),
    params: {},
    context: {},
  }) as Promise<Response>;
}

describe("POST /inbound/sms", () => {
  it("refuses a missing, wrong or foreign signature with 403 and stores nothing", async () => {
    const { shop, twilio } = await smsShop();
    const { message, run, phone } = await createSentMessage(shop, { channel: "SMS", sentAt: SENT_AT });
    for (const attempt of [
      textFrom(twilio, phone, "STOP", { signature: null }),
      textFrom(twilio, phone, "STOP", { signature: "0/KCTR6DLpKmkAf8muzZqo1nDgQ=" }),
      textFrom(twilio, phone, "STOP", { authToken: "someone-else's-token" }),
      textFrom({ ...twilio, fromNumber: "+15005550001" }, phone, "My card was declined"),
    ]) {
      expect((await attempt).status).toBe(403);
    }
    expect(await isSuppressed(prisma, shop, "SMS", phone)).toBe(false);
    expect(await eventTypes(message.id)).toEqual([]);
    expect(await prisma.conversation.count({ where: { shop } })).toBe(0);
    expect(await runState(run.id)).toEqual({ state: "ACTIVE", stopReason: null });
  });

  it("STOP suppresses the number, stops every sequence for it and confirms in TwiML", async () => {
    const { shop, twilio } = await smsShop();
    const { message, run, pendingId, phone } = await createSentMessage(shop, { channel: "SMS", sentAt: SENT_AT });
    // Another abandoned checkout with the same number, still in its email steps.
    const other = await createSentMessage(shop, { channel: "EMAIL", phone, sentAt: SENT_AT });

    const response = await textFrom(twilio, phone, " Stop. ");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/xml; charset=utf-8");
    expect(await response.text()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Linen &amp; Co: you&#39;re unsubscribed and won&#39;t receive more texts from us. Reply START to resubscribe.</Message></Response>',
    );
    expect(await isSuppressed(prisma, shop, "SMS", phone)).toBe(true);
    expect(await runState(run.id)).toEqual({ state: "STOPPED", stopReason: "SMS_STOP" });
    expect(await runState(other.run.id)).toEqual({ state: "STOPPED", stopReason: "SMS_STOP" });
    expect((await prisma.scheduledMessage.findUniqueOrThrow({ where: { id: pendingId } })).state).toBe("CANCELLED");
    expect(await eventTypes(message.id)).toEqual(["UNSUBSCRIBE"]);
    expect(await prisma.conversation.count({ where: { shop } })).toBe(0);

    // Again: still one suppression, one event.
    expect((await textFrom(twilio, phone, "STOPALL")).status).toBe(200);
    expect(await prisma.suppression.count({ where: { shop } })).toBe(1);
    expect(await eventTypes(message.id)).toEqual(["UNSUBSCRIBE"]);

    // START lifts it.
    const start = await textFrom(twilio, phone, "start");
    expect(await start.text()).toContain("you&#39;re resubscribed to our texts. Reply STOP to opt out.");
    expect(await isSuppressed(prisma, shop, "SMS", phone)).toBe(false);
  });

  it("HELP answers with the shop's name and contact, in the shopper's language", async () => {
    const { shop, twilio } = await smsShop();
    const { phone } = await createSentMessage(shop, { channel: "SMS", sentAt: SENT_AT, locale: "fr" });
    const response = await textFrom(twilio, phone, "help");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Linen &amp; Co : besoin d&#39;aide ? Écrivez à help@linen.example ou répondez simplement ici. Répondez STOP pour vous désabonner.</Message></Response>',
    );
    expect(await prisma.conversation.count({ where: { shop } })).toBe(0);
  });

  it("any other text is a reply: REPLY on the last SMS sent to that number, run stopped, conversation recorded", async () => {
    const { shop, twilio } = await smsShop();
    const earlier = await createSentMessage(shop, { channel: "SMS", sentAt: new Date(SENT_AT.getTime() - 86_400_000) });
    const { message, run, pendingId, phone } = await createSentMessage(shop, {
      channel: "SMS",
      sentAt: SENT_AT,
      phone: earlier.phone,
    });

    const response = await textFrom(twilio, phone, "My card keeps getting declined <script>, can you help?");
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    expect(await eventTypes(message.id)).toEqual(["REPLY"]);
    expect(await eventTypes(earlier.message.id)).toEqual([]);
    expect(await runState(run.id)).toEqual({ state: "STOPPED", stopReason: "REPLIED" });
    expect((await prisma.scheduledMessage.findUniqueOrThrow({ where: { id: pendingId } })).state).toBe("CANCELLED");

    const conversation = await prisma.conversation.findFirstOrThrow({ where: { shop }, include: { messages: true } });
    expect(conversation).toMatchObject({
      channel: "SMS",
      status: "OPEN",
      contactPhone: phone,
      checkoutId: run.checkoutId,
      lastMessageAt: TEXTED_AT,
    });
    expect(conversation.messages.map((m) => m.body)).toEqual([
      "My card keeps getting declined <script>, can you help?",
    ]);
    expect((await prisma.message.findUniqueOrThrow({ where: { id: message.id } })).conversationId).toBe(
      conversation.id,
    );

    // A second text lands in the same conversation.
    await textFrom(twilio, phone, "It's a Visa");
    expect(await prisma.conversationMessage.count({ where: { conversationId: conversation.id } })).toBe(2);
  });

  it("a text from a number Kindly never wrote to still reaches the inbox", async () => {
    const { shop, twilio } = await smsShop();
    const response = await textFrom(twilio, "+33 7 00 00 00 01", "Do you ship to Belgium?");
    expect(response.status).toBe(200);
    const conversation = await prisma.conversation.findFirstOrThrow({ where: { shop } });
    expect(conversation).toMatchObject({ channel: "SMS", contactPhone: "+33700000001" });
  });
});
