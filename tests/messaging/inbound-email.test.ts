import { beforeEach, describe, expect, it } from "vitest";
import { ManualClock, setClock } from "~/clock.server";
import prisma from "~/db.server";
import { getEnv } from "~/env.server";
import { isSuppressed } from "~/modules/messaging/suppression.server";
import { action as inboundEmail } from "~/routes/inbound.email";
import { createMessagingShop, createSentMessage, eventTypes, runState } from "./support";

const SENT_AT = new Date("2026-11-20T10:00:00Z");
const REPLIED_AT = new Date("2026-11-20T15:00:00Z");

beforeEach(() => {
  setClock(new ManualClock(REPLIED_AT));
});

interface RawOptions {
  to: string;
  from?: string;
  subject?: string;
  messageId?: string;
  inReplyTo?: string;
  references?: string;
  headers?: string[];
  body?: string;
  attachment?: boolean;
}

/** A reply as a mail client writes it (CRLF line ends, quoted original below the answer). */
function rawEmail(options: RawOptions): string {
  const headers = [
    `From: ${options.from ?? "Camille Durand <camille@example.org>"}`,
    `To: ${options.to}`,
    `Subject: ${options.subject ?? "Re: Camille, can I help with your order?"}`,
    `Date: Fri, 20 Nov 2026 15:00:00 +0000`,
    `Message-ID: ${options.messageId ?? `<reply-${Math.random().toString(36).slice(2)}@mail.example.org>`}`,
    ...(options.inReplyTo ? [`In-Reply-To: ${options.inReplyTo}`] : []),
    ...(options.references ? [`References: ${options.references}`] : []),
    ...(options.headers ?? []),
    "MIME-Version: 1.0",
  ];
  const text =
    options.body ??
    "Hi! My card was declined twice, <b>what can I do</b>?\r\n\r\n> Hi Camille, it's Camille from Linen & Co.";
  if (!options.attachment) {
    return [...headers, "Content-Type: text/plain; charset=utf-8", "", text, ""].join("\r\n");
  }
  return [
    ...headers,
    'Content-Type: multipart/mixed; boundary="b1"',
    "",
    "--b1",
    "Content-Type: text/plain; charset=utf-8",
    "",
    text,
    "--b1",
    'Content-Type: image/png; name="declined.png"',
    'Content-Disposition: attachment; filename="declined.png"',
    "Content-Transfer-Encoding: base64",
    "",
    Buffer.from("not really a png, but bytes all the same").toString("base64"),
    "--b1--",
    "",
  ].join("\r\n");
}

function post(body: BodyInit, headers: Record<string, string> = {}): Promise<Response> {
  return inboundEmail({
    request: new Request("https://kindly.test/inbound/email", {
      method: "POST",
      body,
      headers: { "Content-Type": "message/rfc822", ...headers },
    }),
    params: {},
    context: {},
  }) as Promise<Response>;
}

const withSecret = () => ({ "X-Kindly-Inbound-Secret": getEnv().INBOUND_EMAIL_SECRET });

async function sentEmail() {
  const { shop } = await createMessagingShop();
  const sent = await createSentMessage(shop, { sentAt: SENT_AT });
  return { shop, ...sent, replyAddress: `reply+${sent.message.replyToken}@replies.kindly.test` };
}

describe("POST /inbound/email", () => {
  it("refuses a missing or wrong secret with 401 and stores nothing", async () => {
    const { message, run, replyAddress } = await sentEmail();
    const raw = rawEmail({ to: replyAddress });
    const basic = (password: string) => `Basic ${Buffer.from(`inbound:${password}`).toString("base64")}`;
    const attempts: Array<Record<string, string>> = [
      {},
      { "X-Kindly-Inbound-Secret": "wrong-secret-wrong-secret" },
      { "X-Kindly-Inbound-Secret": "" },
      { Authorization: basic("wrong-secret-wrong-secret") },
      { Authorization: "Bearer whatever" },
    ];
    for (const headers of attempts) {
      const response = await post(raw, headers);
      expect(response.status).toBe(401);
    }
    expect(await eventTypes(message.id)).toEqual([]);
    expect(await prisma.conversation.count()).toBe(0);
    expect(await runState(run.id)).toEqual({ state: "ACTIVE", stopReason: null });
  });

  it("records a reply found by its reply+token address: REPLY event, run stopped, conversation opened", async () => {
    const { shop, message, run, pendingId, replyAddress } = await sentEmail();
    const response = await post(rawEmail({ to: `Linen & Co <${replyAddress}>`, attachment: true }), withSecret());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ result: "REPLY_RECORDED" });

    expect(await eventTypes(message.id)).toEqual(["REPLY"]);
    expect(await runState(run.id)).toEqual({ state: "STOPPED", stopReason: "REPLIED" });
    expect((await prisma.scheduledMessage.findUniqueOrThrow({ where: { id: pendingId } })).state).toBe("CANCELLED");

    const conversation = await prisma.conversation.findFirstOrThrow({ where: { shop }, include: { messages: true } });
    expect(conversation).toMatchObject({
      channel: "EMAIL",
      status: "OPEN",
      contactEmail: "camille@example.org",
      contactName: "Camille Durand",
      subject: "Re: Camille, can I help with your order?",
      checkoutId: run.checkoutId,
      lastMessageAt: REPLIED_AT,
    });
    expect(conversation.messages).toHaveLength(1);
    // Stored as typed, markup included: the inbox escapes it when it shows it.
    expect(conversation.messages[0].body).toContain("My card was declined twice, <b>what can I do</b>?");
    expect(conversation.messages[0].inReplyTo).toBe(message.emailMessageId);
    expect(JSON.parse(conversation.messages[0].attachmentsJson ?? "[]")).toEqual([
      { filename: "declined.png", contentType: "image/png", size: 40 },
    ]);
    expect((await prisma.message.findUniqueOrThrow({ where: { id: message.id } })).conversationId).toBe(
      conversation.id,
    );
  });

  it("threads a reply by In-Reply-To / References when the token address is gone, and accepts Basic auth and JSON", async () => {
    const { shop, message, run } = await sentEmail();
    const raw = rawEmail({
      to: "camille@linen.example", // answered the From address; the provider forwarded it
      inReplyTo: message.emailMessageId ?? undefined,
      references: `<older@example.org> ${message.emailMessageId}`,
    });
    const response = await post(JSON.stringify({ raw }), {
      "Content-Type": "application/json",
      Authorization: `Basic ${Buffer.from(`postmark:${getEnv().INBOUND_EMAIL_SECRET}`).toString("base64")}`,
    });
    expect(response.status).toBe(200);
    expect(await eventTypes(message.id)).toEqual(["REPLY"]);
    const event = await prisma.messageEvent.findFirstOrThrow({ where: { messageId: message.id } });
    expect(JSON.parse(event.detailJson ?? "{}")).toEqual({ channel: "EMAIL", matchedBy: "THREAD" });
    expect(await runState(run.id)).toEqual({ state: "STOPPED", stopReason: "REPLIED" });
    expect(await prisma.conversation.count({ where: { shop } })).toBe(1);
  });

  it("records a provider's retry of the same email once", async () => {
    const { shop, message, replyAddress } = await sentEmail();
    const raw = rawEmail({ to: replyAddress, messageId: "<same-reply@mail.example.org>" });
    expect(await (await post(raw, withSecret())).json()).toEqual({ result: "REPLY_RECORDED" });
    const again = await post(raw, withSecret());
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ result: "DUPLICATE" });
    expect(await eventTypes(message.id)).toEqual(["REPLY"]);
    expect(await prisma.conversationMessage.count({ where: { shop } })).toBe(1);
  });

  it("ignores auto-replies and bounces: the sequence goes on and no conversation opens", async () => {
    const { shop, message, run, replyAddress } = await sentEmail();
    for (const headers of [
      ["Auto-Submitted: auto-replied"],
      ["X-Autoreply: yes"],
      ["Precedence: bulk"],
      ["Precedence: auto_reply"],
    ]) {
      const response = await post(rawEmail({ to: replyAddress, subject: "Out of office", headers }), withSecret());
      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({ result: "IGNORED_AUTOMATED" });
    }
    const bounce = await post(
      rawEmail({ to: replyAddress, from: "Mail Delivery Subsystem <MAILER-DAEMON@mx.example.org>" }),
      withSecret(),
    );
    expect(await bounce.json()).toEqual({ result: "IGNORED_AUTOMATED" });
    // "Auto-Submitted: no" is a person.
    expect(
      await (await post(rawEmail({ to: replyAddress, headers: ["Auto-Submitted: no"] }), withSecret())).json(),
    ).toEqual({
      result: "REPLY_RECORDED",
    });
    expect(await eventTypes(message.id)).toEqual(["REPLY"]);
    expect(await prisma.conversation.count({ where: { shop } })).toBe(1);
    expect((await runState(run.id)).stopReason).toBe("REPLIED");
  });

  it("answers 202 and stores nothing for an unknown token", async () => {
    const before = await prisma.messageEvent.count();
    const response = await post(rawEmail({ to: "reply+doesnotexist123@replies.kindly.test" }), withSecret());
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ result: "UNKNOWN_RECIPIENT" });
    expect(await prisma.messageEvent.count()).toBe(before);
    const forged = await post(
      rawEmail({ to: "help@linen.example", inReplyTo: "<not-ours@example.org>" }),
      withSecret(),
    );
    expect(await forged.json()).toEqual({ result: "UNKNOWN_RECIPIENT" });
  });

  it("turns mail to the List-Unsubscribe mailto: address into an unsubscribe", async () => {
    const { shop, message, run, email } = await sentEmail();
    const response = await post(
      rawEmail({ to: `unsubscribe+${message.replyToken}@replies.kindly.test`, subject: "unsubscribe", body: "" }),
      withSecret(),
    );
    expect(await response.json()).toEqual({ result: "UNSUBSCRIBED" });
    expect(await isSuppressed(prisma, shop, "EMAIL", email)).toBe(true);
    expect(await eventTypes(message.id)).toEqual(["UNSUBSCRIBE"]);
    expect(await runState(run.id)).toEqual({ state: "STOPPED", stopReason: "UNSUBSCRIBED" });
    expect(await prisma.conversation.count({ where: { shop } })).toBe(0);
  });

  it("refuses bodies over the size limit with 413, and empty ones with 400", async () => {
    const big = new Uint8Array(10 * 1024 * 1024 + 1).fill(65);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < big.length; offset += 1024 * 1024)
          controller.enqueue(big.subarray(offset, offset + 1024 * 1024));
        controller.close();
      },
    });
    const tooLarge = await inboundEmail({
      request: new Request("https://kindly.test/inbound/email", {
        method: "POST",
        body: stream,
        headers: { "Content-Type": "message/rfc822", ...withSecret() },
        duplex: "half",
      } as RequestInit),
      params: {},
      context: {},
    });
    expect((tooLarge as Response).status).toBe(413);
    expect((await post("", withSecret())).status).toBe(400);
    expect(
      (await post(JSON.stringify({ nope: 1 }), { "Content-Type": "application/json", ...withSecret() })).status,
    ).toBe(400);
  });
});
