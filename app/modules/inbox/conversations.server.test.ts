import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { recordInboundMessage } from "~/modules/inbox/conversations.server";
import { createShop } from "../../../tests/support/factories";

const T0 = new Date("2026-11-20T10:00:00Z");
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

describe("recordInboundMessage", () => {
  it("opens a conversation for a new contact, linked to the known customer, text stored as received", async () => {
    const { shop } = await createShop();
    const customer = await prisma.customer.create({
      data: { shop, email: "camille@example.org", firstName: "Camille", segment: "VIP" },
    });
    const recorded = await recordInboundMessage(prisma, {
      shop,
      channel: "EMAIL",
      from: { email: " Camille@Example.org ", name: "Camille Durand" },
      subject: "Re: can I help?",
      body: "My card was declined <script>alert(1)</script>",
      bodyHtml: "<p>My card was declined</p>",
      emailMessageId: "<reply-1@mail.example.org>",
      inReplyTo: "<msg.kindly@replies.kindly.test>",
      attachments: [{ filename: "screenshot.png", contentType: "image/png", size: 48_213 }],
      checkoutId: "checkout_1",
      receivedAt: T0,
    });
    expect(recorded.outcome).toBe("CREATED");
    const conversation = await prisma.conversation.findUniqueOrThrow({
      where: { id: recorded.conversationId },
      include: { messages: true },
    });
    expect(conversation).toMatchObject({
      shop,
      channel: "EMAIL",
      status: "OPEN",
      subject: "Re: can I help?",
      customerId: customer.id,
      contactEmail: "camille@example.org",
      contactName: "Camille Durand",
      checkoutId: "checkout_1",
      vip: true,
      lastMessageAt: T0,
    });
    expect(conversation.messages).toHaveLength(1);
    expect(conversation.messages[0]).toMatchObject({
      id: recorded.conversationMessageId,
      author: "SHOPPER",
      authorName: "Camille Durand",
      channel: "EMAIL",
      body: "My card was declined <script>alert(1)</script>",
      emailMessageId: "<reply-1@mail.example.org>",
      inReplyTo: "<msg.kindly@replies.kindly.test>",
      createdAt: T0,
    });
    expect(JSON.parse(conversation.messages[0].attachmentsJson ?? "[]")).toEqual([
      { filename: "screenshot.png", contentType: "image/png", size: 48_213 },
    ]);
  });

  it("appends to the open conversation of the same contact and channel, and reopens a closed one", async () => {
    const { shop } = await createShop();
    const first = await recordInboundMessage(prisma, {
      shop,
      channel: "SMS",
      from: { phone: "+33 6 12 34 56 78" },
      body: "Hello?",
      receivedAt: T0,
    });
    const second = await recordInboundMessage(prisma, {
      shop,
      channel: "SMS",
      from: { phone: "+33612345678" },
      body: "Anyone?",
      receivedAt: minutes(5),
    });
    expect(second).toMatchObject({ conversationId: first.conversationId, outcome: "APPENDED" });

    await prisma.conversation.update({
      where: { id: first.conversationId },
      data: { status: "CLOSED", closedAt: minutes(10) },
    });
    const third = await recordInboundMessage(prisma, {
      shop,
      channel: "SMS",
      from: { phone: "+33612345678" },
      body: "One more thing",
      receivedAt: minutes(60),
    });
    expect(third).toMatchObject({ conversationId: first.conversationId, outcome: "REOPENED" });
    const conversation = await prisma.conversation.findUniqueOrThrow({ where: { id: first.conversationId } });
    expect(conversation).toMatchObject({
      status: "OPEN",
      closedAt: null,
      lastMessageAt: minutes(60),
      contactPhone: "+33612345678",
    });
    expect(await prisma.conversationMessage.count({ where: { conversationId: first.conversationId } })).toBe(3);

    // Another channel is another conversation; another shop never sees it.
    const email = await recordInboundMessage(prisma, {
      shop,
      channel: "EMAIL",
      from: { email: "x@example.org", phone: "+33612345678" },
      body: "Hi",
      receivedAt: minutes(61),
    });
    expect(email.conversationId).not.toBe(first.conversationId);
    const { shop: otherShop } = await createShop();
    const elsewhere = await recordInboundMessage(prisma, {
      shop: otherShop,
      channel: "SMS",
      from: { phone: "+33612345678" },
      body: "Hi",
      receivedAt: minutes(62),
    });
    expect(elsewhere.outcome).toBe("CREATED");
  });

  it("follows the thread: an answer to a staff reply, or to a message linked to a conversation, goes there", async () => {
    const { shop } = await createShop();
    const started = await recordInboundMessage(prisma, {
      shop,
      channel: "EMAIL",
      from: { email: "camille@example.org" },
      body: "Help",
      receivedAt: T0,
    });
    await prisma.conversationMessage.create({
      data: {
        shop,
        conversationId: started.conversationId,
        author: "STAFF",
        channel: "EMAIL",
        body: "Sure!",
        emailMessageId: "<staff-1@linen.example>",
      },
    });
    // Answered from another address (a work mailbox): threading wins over the contact.
    const threaded = await recordInboundMessage(prisma, {
      shop,
      channel: "EMAIL",
      from: { email: "camille@work.example" },
      inReplyTo: "<staff-1@linen.example>",
      body: "Thanks",
      receivedAt: minutes(3),
    });
    expect(threaded).toMatchObject({ conversationId: started.conversationId, outcome: "APPENDED" });

    const linked = await recordInboundMessage(prisma, {
      shop,
      channel: "EMAIL",
      from: { email: "someone-else@example.org" },
      conversationId: started.conversationId,
      body: "Forwarded",
      receivedAt: minutes(4),
    });
    expect(linked.conversationId).toBe(started.conversationId);
  });
});
