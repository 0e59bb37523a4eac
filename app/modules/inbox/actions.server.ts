import type { AdminApiContext } from "@shopify/shopify-app-remix/server";
import prisma from "~/db.server";
import { createPersonalDiscount, DiscountRejectedError } from "~/modules/discounts/discounts.server";
import { DiscountInputError } from "~/modules/discounts/discounts";
import { LOW_CSAT_SCORE } from "~/modules/inbox/csat.server";
import { getEnv } from "~/env.server";
import { getLogger } from "~/logger.server";
import { createToken } from "~/modules/messaging/tokens.server";
import { escapeHtml } from "~/modules/messaging/html";
import { sendConversationEmail } from "~/modules/messaging/email.server";
import { sendSms } from "~/modules/messaging/sms.server";
import { SendError } from "~/modules/messaging/send-error";
import { isSuppressed } from "~/modules/messaging/suppression.server";
import { conversationReplyToken } from "~/modules/inbox/reply-token.server";
import { csatWording, inboxLanguage } from "~/modules/inbox/wording";
import { slaDueTimes } from "~/modules/inbox/sla.server";
import type { StaffMember } from "~/modules/inbox/staff.server";

/**
 * What a person does in the inbox: answer on the conversation's channel, write a note, assign, close (which sends
 * the CSAT survey once) and reopen. Each returns a named result; "NOT_FOUND" covers another shop's conversation.
 */

export const MAX_REPLY_CHARS = 10_000;

type Conversation = NonNullable<Awaited<ReturnType<typeof prisma.conversation.findFirst>>>;

export type DeliveryOutcome = { status: "SENT"; providerId: string | null } | { status: "FAILED"; reason: string };

async function loadShop(shop: string) {
  return prisma.shop.findUniqueOrThrow({ where: { shop } });
}

function failureReason(error: unknown): string {
  if (error instanceof SendError) return error.providerMessage ? `${error.message}` : error.message;
  return error instanceof Error ? error.message : String(error);
}

/** "Re: " once, whatever the shopper's client put there. */
export function replySubject(subject: string | null, shopName: string): string {
  const base = subject?.trim() || `Your message to ${shopName}`;
  return /^(re|aw|sv|réf?)\s*:/i.test(base) ? base : `Re: ${base}`;
}

/** The References chain for an answer: every Message-ID of the thread, oldest first, bounded like mail clients do. */
export async function threadReferences(shop: string, conversationId: string) {
  const messages = await prisma.conversationMessage.findMany({
    where: {
      shop,
      conversationId,
      channel: "EMAIL",
      OR: [{ emailMessageId: { not: null } }, { inReplyTo: { not: null } }],
    },
    orderBy: { createdAt: "asc" },
    select: { author: true, emailMessageId: true, inReplyTo: true },
  });
  const chain: string[] = [];
  for (const message of messages) {
    for (const id of [message.inReplyTo, message.emailMessageId]) if (id && !chain.includes(id)) chain.push(id);
  }
  const lastShopper = [...messages].reverse().find((message) => message.author === "SHOPPER" && message.emailMessageId);
  const inReplyTo = lastShopper?.emailMessageId ?? chain.at(-1) ?? null;
  // The first Message-ID and the latest ones (RFC 5322 suggests keeping the root when trimming).
  const references = chain.length > 20 ? [chain[0], ...chain.slice(-19)] : chain;
  return { inReplyTo, references };
}

function textToHtml(text: string): string {
  const paragraphs = text.split(/\n{2,}/).map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, "<br>")}</p>`);
  return `<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Roboto,sans-serif;font-size:15px;line-height:1.5;color:#202223">${paragraphs.join("\n")}</body></html>`;
}

/** Sends a stored outgoing message on the conversation's channel; never throws for a delivery problem. */
async function deliver(
  conversation: Conversation,
  message: { id: string; body: string },
  email: { subject: string; html?: string },
): Promise<DeliveryOutcome & { emailMessageId?: string; inReplyTo?: string | null }> {
  const shopRow = await loadShop(conversation.shop);
  try {
    if (conversation.channel === "CHAT") return { status: "SENT", providerId: null };
    if (conversation.channel === "EMAIL") {
      if (!conversation.contactEmail) return { status: "FAILED", reason: "No email address for this shopper" };
      if (await isSuppressed(prisma, conversation.shop, "EMAIL", conversation.contactEmail)) {
        return { status: "FAILED", reason: "Not sent: this address unsubscribed from the shop's emails" };
      }
      const thread = await threadReferences(conversation.shop, conversation.id);
      const sent = await sendConversationEmail(shopRow, {
        conversationMessageId: message.id,
        replyToken: conversationReplyToken(conversation.id),
        to: conversation.contactEmail,
        toName: conversation.contactName,
        subject: email.subject,
        text: message.body,
        html: email.html ?? textToHtml(message.body),
        inReplyTo: thread.inReplyTo,
        references: thread.references,
      });
      return { status: "SENT", providerId: null, emailMessageId: sent.emailMessageId, inReplyTo: thread.inReplyTo };
    }
    if (!conversation.contactPhone) return { status: "FAILED", reason: "No phone number for this shopper" };
    if (await isSuppressed(prisma, conversation.shop, "SMS", conversation.contactPhone)) {
      return { status: "FAILED", reason: "Not sent: this number replied STOP" };
    }
    const sent = await sendSms(shopRow, { to: conversation.contactPhone, body: message.body });
    return { status: "SENT", providerId: sent.sid };
  } catch (error) {
    getLogger().warn(
      {
        shop: conversation.shop,
        conversationId: conversation.id,
        channel: conversation.channel,
        err: failureReason(error),
      },
      "inbox: delivery failed",
    );
    return { status: "FAILED", reason: failureReason(error) };
  }
}

async function recordDelivery(messageId: string, outcome: Awaited<ReturnType<typeof deliver>>) {
  await prisma.conversationMessage.update({
    where: { id: messageId },
    data:
      outcome.status === "SENT"
        ? {
            deliveryStatus: "SENT",
            deliveryError: null,
            providerMessageId: outcome.providerId,
            emailMessageId: outcome.emailMessageId ?? null,
            inReplyTo: outcome.inReplyTo ?? null,
          }
        : { deliveryStatus: "FAILED", deliveryError: outcome.reason.slice(0, 500) },
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Replies and notes

export type ReplyResult =
  { result: "SENT" | "FAILED"; messageId: string; reason?: string } | { result: "NOT_FOUND" } | { result: "EMPTY" };

export async function sendStaffReply(
  shop: string,
  conversationId: string,
  staff: StaffMember,
  body: string,
  now: Date,
): Promise<ReplyResult> {
  const text = body.replace(/\r\n?/g, "\n").trim().slice(0, MAX_REPLY_CHARS);
  if (!text) return { result: "EMPTY" };
  const conversation = await prisma.conversation.findFirst({ where: { id: conversationId, shop } });
  if (!conversation) return { result: "NOT_FOUND" };
  const message = await prisma.$transaction(async (tx) => {
    const created = await tx.conversationMessage.create({
      data: {
        shop,
        conversationId,
        author: "STAFF",
        authorName: staff.name,
        channel: conversation.channel,
        body: text,
        deliveryStatus: "QUEUED",
        createdAt: now,
      },
    });
    await tx.conversation.update({
      where: { id: conversationId },
      data: {
        // Answered: the shopper has the ball now (a reply on a closed conversation leaves it closed).
        status: conversation.status === "CLOSED" ? "CLOSED" : "WAITING",
        firstResponseAt: conversation.firstResponseAt ?? now,
        lastMessageAt: now,
        unreadCount: 0,
        ...(conversation.assigneeId ? {} : { assigneeId: staff.id, assigneeName: staff.name }),
      },
    });
    if (!conversation.firstResponseAt) {
      await tx.conversationEvent.create({
        data: {
          shop,
          conversationId,
          type: "FIRST_RESPONSE",
          actorId: staff.id,
          actorName: staff.name,
          dataJson: JSON.stringify({
            dueAt: conversation.firstResponseDueAt?.toISOString() ?? null,
            met: conversation.firstResponseDueAt ? now <= conversation.firstResponseDueAt : null,
          }),
          createdAt: now,
        },
      });
    }
    return created;
  });
  const shopRow = await loadShop(shop);
  const outcome = await deliver(conversation, message, {
    subject: replySubject(conversation.subject, shopRow.name ?? shop),
  });
  await recordDelivery(message.id, outcome);
  return outcome.status === "SENT"
    ? { result: "SENT", messageId: message.id }
    : { result: "FAILED", messageId: message.id, reason: outcome.reason };
}

/** Resends a failed staff message (same id, so the same Message-ID: a duplicate would thread as one). */
export async function retryDelivery(shop: string, conversationId: string, messageId: string): Promise<ReplyResult> {
  const conversation = await prisma.conversation.findFirst({ where: { id: conversationId, shop } });
  if (!conversation) return { result: "NOT_FOUND" };
  const message = await prisma.conversationMessage.findFirst({
    where: { id: messageId, conversationId, shop, author: { in: ["STAFF", "SYSTEM"] }, deliveryStatus: "FAILED" },
  });
  if (!message) return { result: "NOT_FOUND" };
  const shopRow = await loadShop(shop);
  const outcome = await deliver(conversation, message, {
    subject: replySubject(conversation.subject, shopRow.name ?? shop),
  });
  await recordDelivery(message.id, outcome);
  return outcome.status === "SENT"
    ? { result: "SENT", messageId: message.id }
    : { result: "FAILED", messageId: message.id, reason: outcome.reason };
}

export async function addInternalNote(
  shop: string,
  conversationId: string,
  staff: StaffMember,
  body: string,
  now: Date,
): Promise<{ result: "NOTED"; messageId: string } | { result: "NOT_FOUND" } | { result: "EMPTY" }> {
  const text = body.replace(/\r\n?/g, "\n").trim().slice(0, MAX_REPLY_CHARS);
  if (!text) return { result: "EMPTY" };
  const conversation = await prisma.conversation.findFirst({
    where: { id: conversationId, shop },
    select: { channel: true },
  });
  if (!conversation) return { result: "NOT_FOUND" };
  // A note is never sent: author NOTE, no delivery status; the chat widget must not show NOTE messages.
  const note = await prisma.conversationMessage.create({
    data: {
      shop,
      conversationId,
      author: "NOTE",
      authorName: staff.name,
      channel: conversation.channel,
      body: text,
      createdAt: now,
    },
  });
  await prisma.conversation.update({ where: { id: conversationId }, data: { updatedAt: now } });
  return { result: "NOTED", messageId: note.id };
}

export async function assignConversation(
  shop: string,
  conversationId: string,
  assignee: StaffMember | null,
  actor: StaffMember,
  now: Date,
): Promise<"ASSIGNED" | "UNASSIGNED" | "NOT_FOUND"> {
  const updated = await prisma.conversation.updateMany({
    where: { id: conversationId, shop },
    data: { assigneeId: assignee?.id ?? null, assigneeName: assignee?.name ?? null },
  });
  if (updated.count === 0) return "NOT_FOUND";
  await prisma.conversationEvent.create({
    data: {
      shop,
      conversationId,
      type: assignee ? "ASSIGNED" : "UNASSIGNED",
      actorId: actor.id,
      actorName: actor.name,
      dataJson: JSON.stringify(assignee ? { assigneeId: assignee.id, assigneeName: assignee.name } : {}),
      createdAt: now,
    },
  });
  return assignee ? "ASSIGNED" : "UNASSIGNED";
}

// ---------------------------------------------------------------------------------------------------------------
// Close, survey, reopen

export type SurveyOutcome = "REQUESTED" | "ALREADY_REQUESTED" | "SUPPRESSED" | "NO_CONTACT" | "FAILED";
export type CloseResult =
  { result: "CLOSED" | "ALREADY_CLOSED"; survey: SurveyOutcome | null } | { result: "NOT_FOUND" };

export async function closeConversation(
  shop: string,
  conversationId: string,
  staff: StaffMember,
  now: Date,
): Promise<CloseResult> {
  const conversation = await prisma.conversation.findFirst({ where: { id: conversationId, shop } });
  if (!conversation) return { result: "NOT_FOUND" };
  if (conversation.status === "CLOSED") return { result: "ALREADY_CLOSED", survey: null };
  const closed = await prisma.$transaction(async (tx) => {
    const claimed = await tx.conversation.updateMany({
      where: { id: conversationId, shop, status: { not: "CLOSED" } },
      data: { status: "CLOSED", closedAt: now, unreadCount: 0 },
    });
    if (claimed.count === 0) return false;
    await tx.conversationEvent.create({
      data: {
        shop,
        conversationId,
        type: "CLOSED",
        actorId: staff.id,
        actorName: staff.name,
        dataJson: JSON.stringify({
          resolutionDueAt: conversation.resolutionDueAt?.toISOString() ?? null,
          met: conversation.resolutionDueAt ? now <= conversation.resolutionDueAt : null,
        }),
        createdAt: now,
      },
    });
    return true;
  });
  if (!closed) return { result: "ALREADY_CLOSED", survey: null };
  const survey = await requestCsat({ ...conversation, status: "CLOSED", closedAt: now }, now);
  return { result: "CLOSED", survey };
}

export function csatLinks(appUrl: string, requestMessageId: string, now: Date) {
  const base = appUrl.replace(/\/+$/, "");
  return {
    scores: [1, 2, 3, 4, 5].map((score) => ({
      score,
      url: `${base}/s/${createToken({ kind: "CSAT", messageId: requestMessageId, score }, { now })}`,
    })),
  };
}

/**
 * The one-question survey, once per conversation, on its channel: a CSAT_REQUEST message the chat widget shows,
 * an email with five signed one-click links, or a text asking for a digit. Never to a suppressed contact.
 */
export async function requestCsat(conversation: Conversation, now: Date): Promise<SurveyOutcome> {
  if (conversation.csatRequestedAt) return "ALREADY_REQUESTED";
  const shopRow = await loadShop(conversation.shop);
  const lang = inboxLanguage(conversation.locale ?? shopRow.primaryLocale);
  const words = csatWording(lang, shopRow.name ?? conversation.shop);
  const skip = async (reason: SurveyOutcome) => {
    await prisma.conversationEvent.create({
      data: {
        shop: conversation.shop,
        conversationId: conversation.id,
        type: "CSAT_SKIPPED",
        dataJson: JSON.stringify({ reason }),
        createdAt: now,
      },
    });
    return reason;
  };
  if (conversation.channel === "EMAIL") {
    if (!conversation.contactEmail) return skip("NO_CONTACT");
    if (await isSuppressed(prisma, conversation.shop, "EMAIL", conversation.contactEmail)) return skip("SUPPRESSED");
  }
  if (conversation.channel === "SMS") {
    if (!conversation.contactPhone) return skip("NO_CONTACT");
    if (await isSuppressed(prisma, conversation.shop, "SMS", conversation.contactPhone)) return skip("SUPPRESSED");
  }
  // Claim the survey first (compare-and-set), so two closes racing send one.
  const claimed = await prisma.conversation.updateMany({
    where: { id: conversation.id, shop: conversation.shop, csatRequestedAt: null },
    data: { csatRequestedAt: now },
  });
  if (claimed.count === 0) return "ALREADY_REQUESTED";
  const body =
    conversation.channel === "SMS"
      ? words.sms
      : conversation.channel === "EMAIL"
        ? words.emailText("{links}")
        : words.question;
  const request = await prisma.conversationMessage.create({
    data: {
      shop: conversation.shop,
      conversationId: conversation.id,
      author: "SYSTEM",
      channel: conversation.channel,
      kind: "CSAT_REQUEST",
      body,
      deliveryStatus: conversation.channel === "CHAT" ? "SENT" : "QUEUED",
      createdAt: now,
    },
  });
  await prisma.conversationEvent.create({
    data: {
      shop: conversation.shop,
      conversationId: conversation.id,
      type: "CSAT_REQUESTED",
      dataJson: JSON.stringify({ channel: conversation.channel }),
      createdAt: now,
    },
  });
  if (conversation.channel === "CHAT") return "REQUESTED";

  let html: string | undefined;
  let text = body;
  if (conversation.channel === "EMAIL") {
    const links = csatLinks(getEnv().SHOPIFY_APP_URL, request.id, now);
    text = words.emailText(links.scores.map((link) => `${link.score}: ${link.url}`).join("\n"));
    html = words.emailHtml(links.scores);
    await prisma.conversationMessage.update({ where: { id: request.id }, data: { body: text } });
  }
  const outcome = await deliver(conversation, { id: request.id, body: text }, { subject: words.subject, html });
  await recordDelivery(request.id, outcome);
  if (outcome.status === "FAILED") {
    // Not delivered: the survey may be tried again by closing again later.
    await prisma.conversation.updateMany({
      where: { id: conversation.id, csatRespondedAt: null },
      data: { csatRequestedAt: null },
    });
    return "FAILED";
  }
  return "REQUESTED";
}

export async function reopenConversation(
  shop: string,
  conversationId: string,
  staff: StaffMember,
  now: Date,
): Promise<"REOPENED" | "ALREADY_OPEN" | "NOT_FOUND"> {
  const conversation = await prisma.conversation.findFirst({ where: { id: conversationId, shop } });
  if (!conversation) return "NOT_FOUND";
  if (conversation.status !== "CLOSED") return "ALREADY_OPEN";
  const due = await slaDueTimes(prisma, shop, now, conversation.vip);
  await prisma.conversation.update({
    where: { id: conversationId },
    data: {
      status: "OPEN",
      closedAt: null,
      reopenedAt: now,
      resolutionDueAt: due.resolutionDueAt,
      resolutionBreachedAt: null,
    },
  });
  await prisma.conversationEvent.create({
    data: {
      shop,
      conversationId,
      type: "REOPENED",
      actorId: staff.id,
      actorName: staff.name,
      dataJson: JSON.stringify({ reason: "STAFF" }),
      createdAt: now,
    },
  });
  return "REOPENED";
}

// ---------------------------------------------------------------------------------------------------------------
// Apology gesture

export type ApologyResult =
  | { result: "CREATED"; code: string; expiresAt: Date }
  | { result: "NOT_FOUND" }
  | { result: "NOT_LOW_SCORE" }
  | { result: "NO_CUSTOMER" }
  | { result: "REFUSED"; message: string };

/**
 * A personal discount code for a shopper who rated the conversation low (score <= 2), amount chosen by the
 * merchant. The code is not sent by itself: the page puts it in the reply box, so a person words the apology.
 */
export async function offerApologyDiscount(
  admin: AdminApiContext,
  shop: string,
  conversationId: string,
  staff: StaffMember,
  terms: { kind: "PERCENTAGE" | "FIXED_AMOUNT"; value: number; expiresInDays: number },
  now: Date,
): Promise<ApologyResult> {
  const conversation = await prisma.conversation.findFirst({ where: { id: conversationId, shop } });
  if (!conversation) return { result: "NOT_FOUND" };
  if (conversation.csatScore === null || conversation.csatScore > LOW_CSAT_SCORE) return { result: "NOT_LOW_SCORE" };
  if (!conversation.customerId) return { result: "NO_CUSTOMER" };
  try {
    const discount = await createPersonalDiscount(admin, {
      shop,
      customerId: conversation.customerId,
      purpose: "APOLOGY",
      kind: terms.kind,
      value: terms.value,
      expiresAt: new Date(now.getTime() + terms.expiresInDays * 24 * 60 * 60_000),
      conversationId,
      now,
    });
    await prisma.conversationEvent.create({
      data: {
        shop,
        conversationId,
        type: "APOLOGY_OFFERED",
        actorId: staff.id,
        actorName: staff.name,
        dataJson: JSON.stringify({ grantId: discount.grantId, kind: terms.kind, value: terms.value }),
        createdAt: now,
      },
    });
    return { result: "CREATED", code: discount.code, expiresAt: discount.expiresAt };
  } catch (error) {
    if (error instanceof DiscountInputError || error instanceof DiscountRejectedError) {
      return { result: "REFUSED", message: error.message };
    }
    throw error;
  }
}
