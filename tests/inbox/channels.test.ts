import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ManualClock, setClock } from "~/clock.server";
import prisma from "~/db.server";
import { getEnv } from "~/env.server";
import { closeConversation, sendStaffReply } from "~/modules/inbox/actions.server";
import { recordInboundMessage } from "~/modules/inbox/conversations.server";
import { closeEmailTransports } from "~/modules/messaging/email.server";
import { twilioSignature } from "~/modules/messaging/inbound-sms.server";
import { suppress } from "~/modules/messaging/suppression.server";
import { encryptSecret } from "~/modules/shop/secrets.server";
import { action as inboundEmail } from "~/routes/inbound.email";
import { action as inboundSms } from "~/routes/inbound.sms";
import { createShop } from "../support/factories";
import { startFakeTwilio, type FakeTwilio } from "../support/fake-twilio";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink";

/**
 * Conversations across the real channels: staff replies leave through the SMTP sink and the fake Twilio, and the
 * shopper's answers come back through the inbound endpoints into the same conversation.
 */

const T0 = new Date("2026-11-23T09:00:00Z");
const STAFF = { id: "staff-1", name: "Léa" };
let smtp: SmtpSink;
let twilio: FakeTwilio;
let clock: ManualClock;

beforeAll(async () => {
  smtp = await startSmtpSink();
  twilio = await startFakeTwilio();
});
afterAll(async () => {
  closeEmailTransports();
  await smtp?.close();
  await twilio?.close();
});
beforeEach(() => {
  clock = new ManualClock(T0);
  setClock(clock);
  smtp.clear();
  twilio.clear();
});

// Each shop its own Twilio number: inbound SMS find their shop by the number they were sent to (a random suffix
// collided now and then, and the reply went to another test's shop).
let shopCount = 0;
async function inboxShop(data: Record<string, unknown> = {}) {
  const fromNumber = `+1500777${String(++shopCount).padStart(4, "0")}`;
  const row = await createShop(`shop-${randomBytes(4).toString("hex")}.myshopify.com`, {
    name: "Linen & Co",
    senderName: "Léa at Linen & Co",
    senderEmail: "lea@linen.example",
    replyDomain: "replies.kindly.test",
    smtpUrlEncrypted: encryptSecret(smtp.url),
    twilioAccountSid: twilio.accountSid,
    twilioAuthTokenEncrypted: encryptSecret(twilio.authToken),
    twilioFromNumber: fromNumber,
    twilioApiBaseUrl: twilio.url,
    ...data,
  });
  return { shop: row.shop, fromNumber };
}

function postEmail(raw: string) {
  return inboundEmail({
    request: new Request("https://kindly.test/inbound/email", {
      method: "POST",
      body: raw,
      headers: { "Content-Type": "message/rfc822", "X-Kindly-Inbound-Secret": getEnv().INBOUND_EMAIL_SECRET },
    }),
    params: {},
    context: {},
  }) as Promise<Response>;
}

function rawEmail(headers: string[], body: string) {
  return [
    "From: Camille Durand <camille@example.org>",
    "Date: Mon, 23 Nov 2026 10:00:00 +0000",
    `Message-ID: <r-${randomBytes(4).toString("hex")}@mail.example.org>`,
    ...headers,
    "MIME-Version: 1.0",
    "Content-Type: text/plain; charset=utf-8",
    "",
    body,
    "",
  ].join("\r\n");
}

function textFrom(fromNumber: string, from: string, body: string) {
  const params: Record<string, string> = {
    MessageSid: `SM${randomBytes(16).toString("hex")}`,
    AccountSid: twilio.accountSid,
    From: from,
    To: fromNumber,
    Body: body,
    NumMedia: "0",
  };
  const url = "https://kindly.test/inbound/sms";
  return inboundSms({
    request: new Request("http://127.0.0.1:3000/inbound/sms", {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Twilio-Signature": twilioSignature(twilio.authToken, url, Object.entries(params)),
      },
      body: new URLSearchParams(params).toString(),
    }),
    params: {},
    context: {},
  }) as Promise<Response>;
}

function header(mail: { headers: Array<[string, string]> }, name: string) {
  return mail.headers.find(([key]) => key === name)?.[1] ?? null;
}

describe("email conversations", () => {
  it("a staff reply leaves through SMTP threaded under the shopper's mail; the answer threads back by References", async () => {
    const { shop } = await inboxShop();
    const first = await recordInboundMessage(prisma, {
      shop,
      channel: "EMAIL",
      from: { email: "camille@example.org", name: "Camille Durand" },
      subject: "Parcel not arrived",
      body: "Hello, my parcel has not arrived.",
      emailMessageId: "<first@mail.example.org>",
      inReplyTo: "<recovery-1.kindly@replies.kindly.test>",
      receivedAt: T0,
    });

    clock.advance(30 * 60_000);
    const reply = await sendStaffReply(
      shop,
      first.conversationId,
      STAFF,
      "Hi Camille,\n\nIt left on Friday.",
      clock.now(),
    );
    expect(reply).toMatchObject({ result: "SENT" });
    const mail = await smtp.waitFor((m) => m.to.some((to) => to.includes("camille@example.org")));
    expect(mail.subject).toBe("Re: Parcel not arrived");
    expect(header(mail, "in-reply-to")).toBe("<first@mail.example.org>");
    expect(header(mail, "references")).toBe("<recovery-1.kindly@replies.kindly.test> <first@mail.example.org>");
    expect(mail.from).toContain("lea@linen.example");
    expect(mail.replyTo).toMatch(/^reply\+c[a-z0-9]+@replies\.kindly\.test$/);
    expect(mail.text).toContain("It left on Friday.");
    expect(mail.html).not.toMatch(/\/t\/o\/|unsubscribe/i);
    const stored = await prisma.conversationMessage.findFirstOrThrow({
      where: { id: reply.result === "SENT" ? reply.messageId : "" },
    });
    expect(stored).toMatchObject({
      author: "STAFF",
      authorName: "Léa",
      deliveryStatus: "SENT",
      emailMessageId: mail.messageId,
    });
    expect(await prisma.conversation.findUniqueOrThrow({ where: { id: first.conversationId } })).toMatchObject({
      status: "WAITING",
      firstResponseAt: clock.now(),
      assigneeId: "staff-1",
      unreadCount: 0,
    });

    // The shopper's client kept only the root in In-Reply-To (forwarded, trimmed), but References has the chain,
    // and the reply went to an address without a token: the whole References chain finds the conversation.
    clock.advance(60 * 60_000);
    const answer = await postEmail(
      rawEmail(
        [
          "To: lea@linen.example",
          "Subject: Re: Re: Parcel not arrived",
          "In-Reply-To: <unknown@elsewhere.example>",
          `References: <first@mail.example.org> ${mail.messageId} <unknown@elsewhere.example>`,
        ],
        "Thanks! It just arrived.\r\n\r\nOn Mon, 23 Nov 2026 at 09:30, Léa <lea@linen.example> wrote:\r\n> It left on Friday.",
      ),
    );
    expect(answer.status).toBe(200);
    expect(await prisma.conversation.count({ where: { shop } })).toBe(1);
    const conversation = await prisma.conversation.findUniqueOrThrow({
      where: { id: first.conversationId },
      include: { messages: { orderBy: { createdAt: "asc" } } },
    });
    expect(conversation.messages.map((m) => m.author)).toEqual(["SHOPPER", "STAFF", "SHOPPER"]);
    expect(conversation).toMatchObject({ status: "OPEN", unreadCount: 1 });
  });

  it("threads by the signed reply address alone, and a new message on a closed conversation reopens it", async () => {
    const { shop } = await inboxShop();
    const first = await recordInboundMessage(prisma, {
      shop,
      channel: "EMAIL",
      from: { email: "camille@example.org" },
      subject: "Size",
      body: "Which size?",
      emailMessageId: "<size@mail.example.org>",
      receivedAt: T0,
    });
    await sendStaffReply(shop, first.conversationId, STAFF, "M fits most.", clock.now());
    const mail = await smtp.waitFor((m) => m.subject === "Re: Size");
    expect(await closeConversation(shop, first.conversationId, STAFF, clock.now())).toMatchObject({ result: "CLOSED" });

    clock.advance(24 * 60 * 60_000);
    // No thread headers at all (a new mail to the Reply-To address): the token names the conversation.
    const res = await postEmail(rawEmail([`To: ${mail.replyTo}`, "Subject: one more thing"], "And the colour?"));
    expect(res.status).toBe(200);
    expect(await prisma.conversation.count({ where: { shop } })).toBe(1);
    const reopened = await prisma.conversation.findUniqueOrThrow({
      where: { id: first.conversationId },
      include: { events: true },
    });
    expect(reopened).toMatchObject({ status: "OPEN", closedAt: null, reopenedAt: clock.now() });
    expect(reopened.events.map((event) => event.type)).toContain("REOPENED");

    // A forged token (another conversation id, wrong tag) is not a thread.
    const forged = mail.replyTo?.replace(/[a-z2-7]{4}@/, "aaaa@") ?? "";
    const refused = await postEmail(rawEmail([`To: ${forged}`, "Subject: hi"], "hello"));
    expect(refused.status).toBe(202);
  });

  it("never sends to a suppressed address; a failed send is visible on the message", async () => {
    const { shop } = await inboxShop();
    const first = await recordInboundMessage(prisma, {
      shop,
      channel: "EMAIL",
      from: { email: "gone@example.org" },
      body: "hi",
      receivedAt: T0,
    });
    await suppress(prisma, shop, "EMAIL", "gone@example.org", "UNSUBSCRIBE");
    const result = await sendStaffReply(shop, first.conversationId, STAFF, "Hello", clock.now());
    expect(result).toMatchObject({ result: "FAILED" });
    const message = await prisma.conversationMessage.findFirstOrThrow({
      where: { conversationId: first.conversationId, author: "STAFF" },
    });
    expect(message).toMatchObject({ deliveryStatus: "FAILED" });
    expect(message.deliveryError).toMatch(/unsubscribed/);
    expect(smtp.messages().filter((m) => m.to.some((to) => to.includes("gone@example.org")))).toHaveLength(0);

    // SMTP down: FAILED with the transport's reason.
    const { shop: broken } = await inboxShop({ smtpUrlEncrypted: encryptSecret("smtp://127.0.0.1:9") });
    const other = await recordInboundMessage(prisma, {
      shop: broken,
      channel: "EMAIL",
      from: { email: "a@example.org" },
      body: "hi",
      receivedAt: T0,
    });
    const failed = await sendStaffReply(broken, other.conversationId, STAFF, "Hello", clock.now());
    expect(failed).toMatchObject({ result: "FAILED" });
    expect(failed.result === "FAILED" ? failed.reason : "").toMatch(/SMTP|ECONNREFUSED|connect/i);
  });
});

describe("SMS conversations", () => {
  it("a text opens a conversation, the staff answer goes through Twilio, the next text lands in the same thread", async () => {
    const { shop, fromNumber } = await inboxShop();
    const res = await textFrom(fromNumber, "+33612345678", "Is the linen shirt back in stock?");
    expect(res.status).toBe(200);
    const conversation = await prisma.conversation.findFirstOrThrow({ where: { shop } });
    expect(conversation).toMatchObject({ channel: "SMS", contactPhone: "+33612345678", unreadCount: 1 });

    const reply = await sendStaffReply(shop, conversation.id, STAFF, "Yes, since this morning!", clock.now());
    expect(reply).toMatchObject({ result: "SENT" });
    const sms = await twilio.waitFor((m) => m.to === "+33612345678");
    expect(sms).toMatchObject({ from: fromNumber, body: "Yes, since this morning!" });
    const stored = await prisma.conversationMessage.findFirstOrThrow({
      where: { conversationId: conversation.id, author: "STAFF" },
    });
    expect(stored).toMatchObject({ deliveryStatus: "SENT", providerMessageId: sms.sid });

    clock.advance(5 * 60_000);
    await textFrom(fromNumber, "+33612345678", "Great, thanks");
    expect(await prisma.conversation.count({ where: { shop } })).toBe(1);
    expect(await prisma.conversationMessage.count({ where: { conversationId: conversation.id } })).toBe(3);
  });

  it("closing sends the survey by SMS; a digit reply is recorded as the CSAT answer, not a new message", async () => {
    const { shop, fromNumber } = await inboxShop();
    await textFrom(fromNumber, "+33699887766", "Where is my order?");
    const conversation = await prisma.conversation.findFirstOrThrow({ where: { shop } });
    await sendStaffReply(shop, conversation.id, STAFF, "On its way!", clock.now());
    expect(await closeConversation(shop, conversation.id, STAFF, clock.now())).toEqual({
      result: "CLOSED",
      survey: "REQUESTED",
    });
    const survey = await twilio.waitFor((m) => /digit from 1/.test(m.body));
    expect(survey.to).toBe("+33699887766");

    clock.advance(10 * 60_000);
    const res = await textFrom(fromNumber, "+33699887766", "5");
    expect(res.status).toBe(200);
    const after = await prisma.conversation.findUniqueOrThrow({
      where: { id: conversation.id },
      include: { messages: true },
    });
    expect(after).toMatchObject({ status: "CLOSED", csatScore: 5, csatRespondedAt: clock.now() });
    expect(after.messages.filter((m) => m.author === "SHOPPER").map((m) => m.kind)).toEqual([
      "MESSAGE",
      "CSAT_RESPONSE",
    ]);

    // A second digit is an ordinary message now (the survey is answered): it reopens the conversation.
    await textFrom(fromNumber, "+33699887766", "1");
    expect(await prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } })).toMatchObject({
      status: "OPEN",
      csatScore: 5,
    });
  });

  it("no survey to a number that replied STOP", async () => {
    const { shop, fromNumber } = await inboxShop();
    await textFrom(fromNumber, "+33611112222", "Hello?");
    const conversation = await prisma.conversation.findFirstOrThrow({ where: { shop } });
    await suppress(prisma, shop, "SMS", "+33611112222", "STOP");
    expect(await closeConversation(shop, conversation.id, STAFF, clock.now())).toEqual({
      result: "CLOSED",
      survey: "SUPPRESSED",
    });
    expect(twilio.messages().filter((m) => m.to === "+33611112222")).toHaveLength(0);
    expect(
      (await prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } })).csatRequestedAt,
    ).toBeNull();
  });
});
