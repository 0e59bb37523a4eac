import type { Prisma } from "~/generated/prisma/client";
import prisma from "~/db.server";
import { containsIgnoringCase } from "~/db-dialect.server";
import { parseAttachments, sanitizeEmailHtml, trimQuotedText, type AttachmentInfo } from "~/modules/inbox/display";
import { slaClock, type SlaClock } from "~/modules/inbox/sla";
import { recordSlaBreaches } from "~/modules/inbox/sla.server";

/**
 * What the inbox pages read. Every query is scoped by shop: a conversation of another shop is "not found".
 */

export const INBOX_PAGE_SIZE = 50;

export type StatusFilter = "OPEN" | "WAITING" | "CLOSED" | "ALL";
export type ChannelFilter = "CHAT" | "EMAIL" | "SMS" | "ALL";

export interface InboxFilters {
  status: StatusFilter;
  channel: ChannelFilter;
  /** Staff id: only conversations assigned to them. */
  assignedTo?: string | null;
  vipFirst: boolean;
  search?: string | null;
  page?: number;
}

export interface InboxRow {
  id: string;
  channel: string;
  status: string;
  subject: string | null;
  contact: string;
  preview: string;
  vip: boolean;
  unreadCount: number;
  assigneeName: string | null;
  lastMessageAt: Date;
  clock: SlaClock;
  csatScore: number | null;
}

export interface InboxList {
  rows: InboxRow[];
  page: number;
  hasNext: boolean;
  counts: Record<"OPEN" | "WAITING" | "CLOSED", number>;
  unread: number;
}

function contactLabel(row: { contactName: string | null; contactEmail: string | null; contactPhone: string | null }) {
  return row.contactName ?? row.contactEmail ?? row.contactPhone ?? "Storefront visitor";
}

export async function listConversations(shop: string, filters: InboxFilters, now: Date): Promise<InboxList> {
  const page = Math.max(1, filters.page ?? 1);
  const where: Prisma.ConversationWhereInput = { shop };
  if (filters.status !== "ALL") where.status = filters.status;
  if (filters.channel !== "ALL") where.channel = filters.channel;
  if (filters.assignedTo) where.assigneeId = filters.assignedTo;
  const search = filters.search?.trim().slice(0, 100);
  if (search) {
    where.OR = [
      { contactName: containsIgnoringCase(search) },
      { contactEmail: containsIgnoringCase(search) },
      { contactPhone: { contains: search } },
      { subject: containsIgnoringCase(search) },
      { messages: { some: { body: containsIgnoringCase(search) } } },
    ];
  }
  const orderBy: Prisma.ConversationOrderByWithRelationInput[] = filters.vipFirst
    ? [{ vip: "desc" }, { lastMessageAt: "desc" }]
    : [{ lastMessageAt: "desc" }];
  const [rows, grouped, unread] = await Promise.all([
    prisma.conversation.findMany({
      where,
      orderBy,
      skip: (page - 1) * INBOX_PAGE_SIZE,
      take: INBOX_PAGE_SIZE + 1,
      select: {
        id: true,
        channel: true,
        status: true,
        subject: true,
        contactName: true,
        contactEmail: true,
        contactPhone: true,
        vip: true,
        unreadCount: true,
        assigneeName: true,
        lastMessageAt: true,
        firstResponseAt: true,
        firstResponseDueAt: true,
        resolutionDueAt: true,
        closedAt: true,
        csatScore: true,
        messages: {
          where: { author: { in: ["SHOPPER", "STAFF"] } },
          orderBy: { createdAt: "desc" },
          take: 1,
          select: { body: true },
        },
      },
    }),
    prisma.conversation.groupBy({ by: ["status"], where: { shop }, _count: { _all: true } }),
    prisma.conversation.aggregate({ where: { shop, status: { not: "CLOSED" } }, _sum: { unreadCount: true } }),
  ]);
  const counts = { OPEN: 0, WAITING: 0, CLOSED: 0 };
  for (const group of grouped) {
    if (group.status in counts) counts[group.status as keyof typeof counts] = group._count._all;
  }
  return {
    rows: rows.slice(0, INBOX_PAGE_SIZE).map((row) => ({
      id: row.id,
      channel: row.channel,
      status: row.status,
      subject: row.subject,
      contact: contactLabel(row),
      preview: trimQuotedText(row.messages[0]?.body ?? "").text.slice(0, 140),
      vip: row.vip,
      unreadCount: row.unreadCount,
      assigneeName: row.assigneeName,
      lastMessageAt: row.lastMessageAt,
      clock: slaClock(row, now),
      csatScore: row.csatScore,
    })),
    page,
    hasNext: rows.length > INBOX_PAGE_SIZE,
    counts,
    unread: unread._sum.unreadCount ?? 0,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// One conversation

export interface MessageView {
  id: string;
  author: string;
  authorName: string | null;
  channel: string;
  kind: string;
  /** What the shopper wrote, quotes and signature trimmed (the view escapes it). */
  text: string;
  /** The full raw body when trimming removed something. */
  fullText: string | null;
  /** Sanitised HTML (email), to show inside a sandboxed frame. */
  html: string | null;
  blockedImages: number;
  attachments: AttachmentInfo[];
  deliveryStatus: string | null;
  deliveryError: string | null;
  createdAt: Date;
}

export function toMessageView(
  message: {
    id: string;
    author: string;
    authorName: string | null;
    channel: string;
    kind: string;
    body: string;
    bodyHtml: string | null;
    attachmentsJson: string | null;
    deliveryStatus: string | null;
    deliveryError: string | null;
    createdAt: Date;
  },
  options: { loadImages: boolean },
): MessageView {
  const trimmed =
    message.author === "SHOPPER"
      ? trimQuotedText(message.body)
      : message.kind === "CSAT_REQUEST"
        ? // The survey's signed links would let whoever clicks them answer for the shopper: not shown here.
          { text: message.body.replace(/https?:\/\/\S+\/s\/\S+/g, "[rating link]"), trimmed: false }
        : { text: message.body, trimmed: false };
  const sanitized = message.bodyHtml
    ? sanitizeEmailHtml(message.bodyHtml, { loadRemoteImages: options.loadImages })
    : null;
  return {
    id: message.id,
    author: message.author,
    authorName: message.authorName,
    channel: message.channel,
    kind: message.kind,
    text: trimmed.text,
    fullText: trimmed.trimmed ? message.body : null,
    html: sanitized?.html ?? null,
    blockedImages: sanitized?.blockedImages ?? 0,
    attachments: parseAttachments(message.attachmentsJson),
    deliveryStatus: message.deliveryStatus,
    deliveryError: message.deliveryError,
    createdAt: message.createdAt,
  };
}

export async function findConversation(shop: string, id: string) {
  return prisma.conversation.findFirst({ where: { id, shop } });
}

export async function conversationDetail(shop: string, id: string, now: Date, options: { loadImages: boolean }) {
  const conversation = await prisma.conversation.findFirst({ where: { id, shop } });
  if (!conversation) return null;
  // Breaches are recorded by the worker; a page read records a due one at once, so the page never disagrees.
  if (conversation.status !== "CLOSED") {
    const due = [conversation.firstResponseDueAt, conversation.resolutionDueAt].some((at) => at && at <= now);
    if (due) await recordSlaBreaches(now, { shop, conversationId: id });
  }
  const [messages, events, customer, order, grants] = await Promise.all([
    prisma.conversationMessage.findMany({ where: { conversationId: id, shop }, orderBy: { createdAt: "asc" } }),
    prisma.conversationEvent.findMany({ where: { conversationId: id, shop }, orderBy: { createdAt: "asc" } }),
    conversation.customerId
      ? prisma.customer.findFirst({
          where: { id: conversation.customerId, shop },
          select: {
            id: true,
            shopifyId: true,
            firstName: true,
            lastName: true,
            email: true,
            phone: true,
            ordersCount: true,
            totalSpent: true,
            segment: true,
            orders: {
              orderBy: { processedAt: "desc" },
              take: 5,
              select: {
                id: true,
                name: true,
                totalPrice: true,
                currencyCode: true,
                processedAt: true,
                financialStatus: true,
                fulfillmentStatus: true,
              },
            },
          },
        })
      : null,
    conversation.orderId
      ? prisma.order.findFirst({ where: { id: conversation.orderId, shop }, select: { id: true, name: true } })
      : null,
    prisma.discountGrant.findMany({
      where: { shop, conversationId: id },
      orderBy: { createdAt: "desc" },
      select: { id: true, code: true, kind: true, value: true, expiresAt: true, purpose: true },
    }),
  ]);
  const refreshed = await prisma.conversation.findFirstOrThrow({ where: { id, shop } });
  return {
    conversation: refreshed,
    clock: slaClock(refreshed, now),
    messages: messages.map((message) => toMessageView(message, options)),
    events,
    customer: customer
      ? {
          ...customer,
          totalSpent: customer.totalSpent.toString(),
          orders: customer.orders.map((o) => ({ ...o, totalPrice: o.totalPrice.toString() })),
        }
      : null,
    order,
    grants: grants.map((grant) => ({ ...grant, value: grant.value === null ? null : String(grant.value) })),
  };
}

/** The staff saw the conversation: unread count back to zero. */
export async function markConversationRead(shop: string, id: string): Promise<void> {
  await prisma.conversation.updateMany({ where: { id, shop, unreadCount: { gt: 0 } }, data: { unreadCount: 0 } });
}

/** The inbox is open: the chat widget shows "someone is online" for a few minutes after this. */
export async function touchStaffLastSeen(shop: string, now: Date): Promise<void> {
  await prisma.shop.updateMany({ where: { shop }, data: { staffLastSeenAt: now } });
}

/**
 * A cursor for polling: changes whenever a message is added or the conversation changes (status, delivery
 * results, assignment). Built from the row's own update time and the message count, not from the clock, so it
 * works the same when the demo moves time.
 */
export async function conversationVersion(shop: string, id: string): Promise<string | null> {
  const conversation = await prisma.conversation.findFirst({ where: { id, shop }, select: { updatedAt: true } });
  if (!conversation) return null;
  const [count, latest] = await Promise.all([
    prisma.conversationMessage.count({ where: { conversationId: id, shop } }),
    prisma.conversationMessage.findFirst({
      where: { conversationId: id, shop },
      orderBy: { createdAt: "desc" },
      select: { id: true, deliveryStatus: true },
    }),
  ]);
  return `${conversation.updatedAt.getTime()}.${count}.${latest?.id ?? ""}.${latest?.deliveryStatus ?? ""}`;
}

/** The same for the list: any conversation of the shop changed. */
export async function inboxVersion(shop: string): Promise<string> {
  const [latest, total] = await Promise.all([
    prisma.conversation.aggregate({ where: { shop }, _max: { updatedAt: true } }),
    prisma.conversation.count({ where: { shop } }),
  ]);
  return `${latest._max.updatedAt?.getTime() ?? 0}.${total}`;
}
