import prisma from "~/db.server";
import { recordCsatResponse, type CsatOutcome } from "~/modules/inbox/csat.server";
import { recordInboundMessage } from "~/modules/inbox/conversations.server";

/**
 * The storefront chat, as the widget sees it through the app proxy: is someone online, send a message, fetch what
 * is new, answer the satisfaction survey. A visitor (the signed token's id) only ever sees the chat conversation
 * that carries their visitor id, and in it only shopper and staff messages (never internal notes or system rows).
 *
 * Messages go into the inbox through its seam, `recordInboundMessage`; this module never writes conversations.
 */

/** Someone had the inbox open within this long: "online", and the shopper's email becomes optional. */
export const ONLINE_WINDOW_MS = 5 * 60_000;
export const MAX_CHAT_MESSAGE_CHARS = 2_000;
export const MAX_CHAT_NAME_CHARS = 100;
/** The first poll returns at most this many of the latest messages; later polls page on with the cursor. */
const PAGE_SIZE = 100;

/**
 * What the widget shows: shopper and staff messages, and the satisfaction survey request (written by the inbox as a
 * SYSTEM message). Never internal notes, other system rows or the survey answers.
 */
const VISIBLE = [{ author: { in: ["SHOPPER", "STAFF"] }, kind: "MESSAGE" }, { kind: "CSAT_REQUEST" }];

export interface ChatMessageView {
  id: string;
  author: "SHOPPER" | "STAFF";
  /** The staff member's display name (or the name the shopper gave). */
  authorName: string | null;
  body: string;
  kind: "MESSAGE" | "CSAT_REQUEST";
  createdAt: string;
}

export interface ChatStatus {
  online: boolean;
  /** The merchant's proactive greeting, or null for the widget's default words. */
  greeting: string | null;
  greetingDelaySeconds: number | null;
}

export async function chatStatus(shop: string, now: Date): Promise<ChatStatus | null> {
  const row = await prisma.shop.findUnique({
    where: { shop },
    select: { staffLastSeenAt: true, chatGreeting: true, chatGreetingDelaySeconds: true, uninstalledAt: true },
  });
  if (!row || row.uninstalledAt) return null;
  const seen = row.staffLastSeenAt?.getTime();
  return {
    online: seen !== undefined && now.getTime() - seen <= ONLINE_WINDOW_MS,
    greeting: row.chatGreeting?.trim() || null,
    greetingDelaySeconds: row.chatGreetingDelaySeconds ?? null,
  };
}

/** The visitor's chat conversation: the latest one carrying their visitor id. */
export async function visitorConversation(shop: string, visitorId: string) {
  return prisma.conversation.findFirst({
    where: { shop, visitorId, channel: "CHAT" },
    orderBy: [{ lastMessageAt: "desc" }, { id: "desc" }],
    select: { id: true, contactEmail: true, csatRequestedAt: true, csatRespondedAt: true },
  });
}

/** The shop's customer for Shopify's `logged_in_customer_id` (digits), when Kindly has imported them. */
async function loggedInCustomer(shop: string, loggedInCustomerId: string | null | undefined) {
  if (!loggedInCustomerId || !/^\d{1,20}$/.test(loggedInCustomerId)) return null;
  return prisma.customer.findFirst({
    where: { shop, shopifyId: `gid://shopify/Customer/${loggedInCustomerId}` },
    select: { id: true, email: true },
  });
}

export type SendChatResult =
  { result: "SENT"; conversationId: string; message: ChatMessageView } | { result: "EMAIL_REQUIRED" };

/**
 * A shopper's message. When nobody is online the shop must be able to answer later, so an email is required unless
 * the conversation (or the logged-in customer) already has one.
 */
export async function sendChatMessage(input: {
  shop: string;
  visitorId: string;
  body: string;
  name?: string | null;
  email?: string | null;
  loggedInCustomerId?: string | null;
  locale?: string | null;
  now: Date;
}): Promise<SendChatResult> {
  const [status, existing, customer] = await Promise.all([
    chatStatus(input.shop, input.now),
    visitorConversation(input.shop, input.visitorId),
    loggedInCustomer(input.shop, input.loggedInCustomerId),
  ]);
  const email = input.email?.trim() || null;
  const reachable = Boolean(email || existing?.contactEmail || customer?.email);
  if (!status?.online && !reachable) return { result: "EMAIL_REQUIRED" };

  const name = input.name?.trim() || null;
  const recorded = await recordInboundMessage(prisma, {
    shop: input.shop,
    channel: "CHAT",
    from: { visitorId: input.visitorId, name, email: email ?? customer?.email ?? null },
    body: input.body,
    customerId: customer?.id ?? null,
    // The visitor's own conversation, so a later message never lands in another one.
    conversationId: existing?.id ?? null,
    receivedAt: input.now,
  });
  return {
    result: "SENT",
    conversationId: recorded.conversationId,
    message: {
      id: recorded.conversationMessageId,
      author: "SHOPPER",
      authorName: name,
      body: input.body,
      kind: "MESSAGE",
      createdAt: input.now.toISOString(),
    },
  };
}

/** `<createdAt ms>_<id>`: messages are ordered by (createdAt, id), and the cursor is the last one seen. */
export function encodeCursor(message: { createdAt: Date; id: string }): string {
  return `${message.createdAt.getTime()}_${message.id}`;
}

export function decodeCursor(cursor: string | null | undefined): { createdAt: Date; id: string } | null {
  const match = /^(\d{1,15})_([A-Za-z0-9_-]{1,64})$/.exec(cursor ?? "");
  return match ? { createdAt: new Date(Number(match[1])), id: match[2] } : null;
}

export interface ChatMessages {
  conversationId: string | null;
  messages: ChatMessageView[];
  /** Pass back as `since` on the next poll. Unchanged when nothing is new. */
  cursor: string | null;
  /** REQUESTED while a survey waits for this visitor's answer. */
  csat: "REQUESTED" | "ANSWERED" | null;
}

export async function listChatMessages(input: {
  shop: string;
  visitorId: string;
  since?: string | null;
}): Promise<ChatMessages> {
  const conversation = await visitorConversation(input.shop, input.visitorId);
  if (!conversation) return { conversationId: null, messages: [], cursor: input.since ?? null, csat: null };
  const after = decodeCursor(input.since);
  const where = {
    shop: input.shop,
    conversationId: conversation.id,
    AND: [
      { OR: VISIBLE },
      ...(after
        ? [{ OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, id: { gt: after.id } }] }]
        : []),
    ],
  };
  const select = { id: true, author: true, authorName: true, body: true, kind: true, createdAt: true } as const;
  const rows = after
    ? await prisma.conversationMessage.findMany({
        where,
        orderBy: [{ createdAt: "asc" }, { id: "asc" }],
        take: PAGE_SIZE,
        select,
      })
    : (
        await prisma.conversationMessage.findMany({
          where,
          orderBy: [{ createdAt: "desc" }, { id: "desc" }],
          take: PAGE_SIZE,
          select,
        })
      ).reverse();
  const last = rows.at(-1);
  return {
    conversationId: conversation.id,
    messages: rows.map((row) => ({
      id: row.id,
      // The survey request is the shop speaking, whoever wrote the row.
      author: row.author === "SHOPPER" ? "SHOPPER" : "STAFF",
      authorName: row.authorName,
      body: row.body,
      kind: row.kind as ChatMessageView["kind"],
      createdAt: row.createdAt.toISOString(),
    })),
    cursor: last ? encodeCursor(last) : (input.since ?? null),
    csat: conversation.csatRespondedAt ? "ANSWERED" : conversation.csatRequestedAt ? "REQUESTED" : null,
  };
}

export type ChatCsatResult = { outcome: CsatOutcome } | { outcome: "NO_CONVERSATION" };

/** The survey answer from the widget, recorded for the visitor's own conversation only. */
export async function answerChatCsat(input: {
  shop: string;
  visitorId: string;
  score: number;
  comment?: string | null;
  now: Date;
}): Promise<ChatCsatResult> {
  const conversation = await visitorConversation(input.shop, input.visitorId);
  if (!conversation) return { outcome: "NO_CONVERSATION" };
  return recordCsatResponse({
    shop: input.shop,
    conversationId: conversation.id,
    score: input.score,
    comment: input.comment ?? null,
    channel: "CHAT",
    at: input.now,
  });
}
