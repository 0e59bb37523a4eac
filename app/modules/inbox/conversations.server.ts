import type prisma from "~/db.server";
import { slaDueTimes } from "~/modules/inbox/sla.server";
import { normalizeEmail, normalizePhone } from "~/modules/webhooks/payload.server";
import type { Tx } from "~/modules/webhooks/receive.server";
import { stopCareRunsForContact } from "~/modules/flows/enroll.server";

/**
 * The seam between channels and the inbox: a shopper wrote (email reply, SMS, chat), so it lands in a conversation
 * a person will answer. Channels call `recordInboundMessage`; the inbox builds its views on the rows it writes.
 *
 * Text is stored as received. Nothing here renders it: the inbox must escape it (and sanitise `bodyHtml`, if it
 * ever shows it) like any other shopper input. Attachments are kept as metadata only; their content is not stored.
 */

type Db = Tx | typeof prisma;

export type ConversationChannel = "EMAIL" | "SMS" | "CHAT";

export interface InboundAttachment {
  filename: string | null;
  contentType: string;
  size: number;
}

export interface InboundMessage {
  shop: string;
  channel: ConversationChannel;
  from: { email?: string | null; phone?: string | null; name?: string | null; visitorId?: string | null };
  body: string;
  bodyHtml?: string | null;
  subject?: string | null;
  /** This message's own Message-ID (email), so later replies thread under it. */
  emailMessageId?: string | null;
  /** The Message-ID it answered (email). */
  inReplyTo?: string | null;
  /** The References chain (email), oldest first: any Message-ID of the thread finds the conversation. */
  references?: string[];
  /** The shopper's language when the channel knows it (chat widget, checkout). */
  locale?: string | null;
  attachments?: InboundAttachment[];
  customerId?: string | null;
  checkoutId?: string | null;
  orderId?: string | null;
  /** The conversation the shopper answered, when the channel knows it (a reply to a message linked to one). */
  conversationId?: string | null;
  receivedAt: Date;
}

export type ConversationOutcome = "CREATED" | "APPENDED" | "REOPENED";

export interface RecordedInbound {
  conversationId: string;
  conversationMessageId: string;
  outcome: ConversationOutcome;
}

/** A pasted novel or a forwarded thread must not bloat the table; a person never reads past this anyway. */
const MAX_BODY_CHARS = 100_000;

function clip(text: string): string {
  return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}\n[…]` : text;
}

async function findConversation(
  db: Db,
  input: InboundMessage,
  contact: { email: string | null; phone: string | null },
) {
  const select = { id: true, status: true } as const;
  if (input.conversationId) {
    const linked = await db.conversation.findFirst({ where: { id: input.conversationId, shop: input.shop }, select });
    if (linked) return linked;
  }
  const thread = [...new Set([input.inReplyTo, ...(input.references ?? []).slice().reverse()].filter(Boolean))];
  if (thread.length > 0) {
    // An answer to anything in this conversation's thread (a staff reply, the shopper's own earlier message): the
    // whole References chain counts, because clients trim In-Reply-To differently and forwards reset it.
    const answered = await db.conversationMessage.findFirst({
      where: { shop: input.shop, emailMessageId: { in: thread as string[] } },
      orderBy: { createdAt: "desc" },
      select: { conversation: { select } },
    });
    if (answered) return answered.conversation;
  }
  // A chat belongs to the browser that holds its signed visitor token: an email typed in a chat proves nothing
  // (anyone can type anyone's), so chats never join another conversation by contact details.
  const who =
    input.channel === "CHAT"
      ? input.from.visitorId
        ? [{ visitorId: input.from.visitorId }]
        : []
      : [
          ...(contact.email ? [{ contactEmail: contact.email }] : []),
          ...(contact.phone ? [{ contactPhone: contact.phone }] : []),
        ];
  if (who.length === 0) return null;
  const where = { shop: input.shop, channel: input.channel, OR: who };
  // The conversation still in progress wins; otherwise the most recent closed one is reopened, so the person who
  // answered last time sees the history.
  return (
    (await db.conversation.findFirst({
      where: { ...where, status: { not: "CLOSED" } },
      orderBy: { lastMessageAt: "desc" },
      select,
    })) ?? (await db.conversation.findFirst({ where, orderBy: { lastMessageAt: "desc" }, select }))
  );
}

export async function recordInboundMessage(db: Db, input: InboundMessage): Promise<RecordedInbound> {
  const contact = { email: normalizeEmail(input.from.email), phone: normalizePhone(input.from.phone) };
  const name = input.from.name?.trim() || null;
  const existing = await findConversation(db, input, contact);

  let customerId = input.customerId ?? null;
  if (!customerId && (contact.email || contact.phone)) {
    const customer = await db.customer.findFirst({
      where: {
        shop: input.shop,
        OR: [
          ...(contact.email ? [{ email: contact.email }] : []),
          ...(contact.phone ? [{ phone: contact.phone }] : []),
        ],
      },
      select: { id: true },
    });
    customerId = customer?.id ?? null;
  }

  let conversationId: string;
  let outcome: ConversationOutcome;
  if (existing) {
    conversationId = existing.id;
    outcome = existing.status === "CLOSED" ? "REOPENED" : "APPENDED";
    const current = await db.conversation.findUniqueOrThrow({ where: { id: existing.id } });
    // A closed conversation starts a new round: the resolution clock restarts from now (the first response, if it
    // was given, stays met), and a missed target is recorded again if it is missed again.
    const restart =
      existing.status === "CLOSED"
        ? await slaDueTimes(db, input.shop, input.receivedAt, current.vip).then((due) => ({
            reopenedAt: input.receivedAt,
            resolutionDueAt: due.resolutionDueAt,
            resolutionBreachedAt: null,
            ...(current.firstResponseAt
              ? {}
              : { firstResponseDueAt: due.firstResponseDueAt, firstResponseBreachedAt: null }),
          }))
        : {};
    await db.conversation.update({
      where: { id: existing.id },
      data: {
        ...restart,
        // The shopper is waiting for the shop again, whatever the state was.
        status: "OPEN",
        closedAt: null,
        unreadCount: { increment: 1 },
        lastShopperMessageAt: input.receivedAt,
        locale: current.locale ?? input.locale ?? null,
        lastMessageAt: input.receivedAt > current.lastMessageAt ? input.receivedAt : current.lastMessageAt,
        // Fill in what was not known yet; never overwrite what a person may have corrected.
        customerId: current.customerId ?? customerId,
        contactEmail: current.contactEmail ?? contact.email,
        contactPhone: current.contactPhone ?? contact.phone,
        contactName: current.contactName ?? name,
        checkoutId: current.checkoutId ?? input.checkoutId ?? null,
        orderId: current.orderId ?? input.orderId ?? null,
        subject: current.subject ?? input.subject ?? null,
      },
    });
  } else {
    const vip = customerId
      ? (await db.customer.findUnique({ where: { id: customerId }, select: { segment: true } }))?.segment === "VIP"
      : false;
    const created = await db.conversation.create({
      data: {
        shop: input.shop,
        channel: input.channel,
        status: "OPEN",
        subject: input.subject ?? null,
        customerId,
        contactEmail: contact.email,
        contactPhone: contact.phone,
        contactName: name,
        visitorId: input.from.visitorId ?? null,
        checkoutId: input.checkoutId ?? null,
        orderId: input.orderId ?? null,
        vip,
        lastMessageAt: input.receivedAt,
        lastShopperMessageAt: input.receivedAt,
        unreadCount: 1,
        locale: input.locale ?? null,
        ...(await slaDueTimes(db, input.shop, input.receivedAt, vip)),
      },
      select: { id: true },
    });
    conversationId = created.id;
    outcome = "CREATED";
  }
  if (outcome !== "APPENDED") {
    await db.conversationEvent.create({
      data: {
        shop: input.shop,
        conversationId,
        type: outcome === "CREATED" ? "CREATED" : "REOPENED",
        dataJson: JSON.stringify({ channel: input.channel, reason: outcome === "CREATED" ? undefined : "NEW_MESSAGE" }),
        createdAt: input.receivedAt,
      },
    });
  }

  const message = await db.conversationMessage.create({
    data: {
      shop: input.shop,
      conversationId,
      author: "SHOPPER",
      authorName: name,
      channel: input.channel,
      body: clip(input.body),
      bodyHtml: input.bodyHtml ? clip(input.bodyHtml) : null,
      emailMessageId: input.emailMessageId ?? null,
      inReplyTo: input.inReplyTo ?? null,
      attachmentsJson: input.attachments?.length
        ? JSON.stringify(input.attachments.map(({ filename, contentType, size }) => ({ filename, contentType, size })))
        : null,
      createdAt: input.receivedAt,
    },
    select: { id: true },
  });
  // The shopper wrote to the shop: a person takes over, so the care flows still planned for them stop (recovery's
  // own rule stops the checkout's sequence when the reply answers one of its messages).
  await stopCareRunsForContact(
    db,
    input.shop,
    { customerId, email: contact.email, phone: contact.phone },
    "REPLIED",
    input.receivedAt,
  );
  return { conversationId, conversationMessageId: message.id, outcome };
}
