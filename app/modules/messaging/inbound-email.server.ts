import { simpleParser, type AddressObject, type ParsedMail } from "mailparser";
import { recordMessageEvent } from "~/modules/messaging/message-events.server";
import type prisma from "~/db.server";
import { getEnv } from "~/env.server";
import { getLogger } from "~/logger.server";
import { recordInboundMessage } from "~/modules/inbox/conversations.server";
import { conversationIdFromReplyToken } from "~/modules/inbox/reply-token.server";
import { unsubscribeMessage } from "~/modules/messaging/engagement.server";
import { safeEqual } from "~/modules/messaging/http.server";
import { stopRunForMessage } from "~/modules/recovery/stop.server";

/**
 * Replies to Kindly's emails. An inbound-mail provider (Postmark, Mailgun, SendGrid Inbound Parse, Cloudflare Email
 * Workers, an MTA pipe...) receives mail for the reply domain and POSTs the raw MIME to /inbound/email with a
 * shared secret. Here the message is parsed, matched to the Kindly message it answers, and turned into:
 * - a REPLY event, the end of that checkout's sequence (a person takes over), and a conversation in the inbox; or
 * - an unsubscribe, for mail to the List-Unsubscribe mailto: address; or
 * - nothing, for auto-replies (out of office, bounces) and for mail that matches no message.
 */

type Db = typeof prisma;

/** Real replies are small; a provider that forwards attachments stays well under this. */
export const MAX_INBOUND_EMAIL_BYTES = 10 * 1024 * 1024;

export type InboundEmailResult =
  | "REPLY_RECORDED"
  | "CONVERSATION_RECORDED"
  | "UNSUBSCRIBED"
  | "DUPLICATE"
  | "IGNORED_AUTOMATED"
  | "UNKNOWN_RECIPIENT"
  | "MALFORMED";

export interface InboundEmailOutcome {
  result: InboundEmailResult;
  messageId?: string;
  conversationId?: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Authentication and body formats

/** The provider proves itself with the shared secret, in X-Kindly-Inbound-Secret or as the HTTP Basic password. */
export function isInboundEmailAuthorized(request: Request): boolean {
  const secret = getEnv().INBOUND_EMAIL_SECRET;
  const header = request.headers.get("x-kindly-inbound-secret");
  if (header !== null) return safeEqual(header, secret);
  const authorization = request.headers.get("authorization") ?? "";
  if (!/^Basic /i.test(authorization)) return false;
  const decoded = Buffer.from(authorization.slice(6).trim(), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon >= 0 && safeEqual(decoded.slice(colon + 1), secret);
}

/** The raw MIME from the body: as is (message/rfc822, text/plain, anything else) or from a JSON `{ "raw": "..." }`. */
export function extractRawEmail(contentType: string | null, body: Buffer): Buffer | null {
  if ((contentType ?? "").toLowerCase().includes("application/json")) {
    try {
      const parsed = JSON.parse(body.toString("utf8")) as { raw?: unknown };
      return typeof parsed.raw === "string" && parsed.raw.length > 0 ? Buffer.from(parsed.raw, "utf8") : null;
    } catch {
      return null;
    }
  }
  return body.length > 0 ? body : null;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading the message

const RECIPIENT_HEADERS = new Set([
  "to",
  "cc",
  "delivered-to",
  "x-original-to",
  "envelope-to",
  "x-forwarded-to",
  "x-envelope-to",
]);
const TOKEN_ADDRESS = /\b(reply|unsubscribe)\+([A-Za-z0-9_-]{6,128})@/gi;

/** Tokens found in recipient headers, replies first. */
export function recipientTokens(parsed: ParsedMail): Array<{ kind: "reply" | "unsubscribe"; token: string }> {
  const found = new Map<string, { kind: "reply" | "unsubscribe"; token: string }>();
  for (const { key, line } of parsed.headerLines) {
    if (!RECIPIENT_HEADERS.has(key.toLowerCase())) continue;
    for (const match of line.matchAll(TOKEN_ADDRESS)) {
      const kind = match[1].toLowerCase() as "reply" | "unsubscribe";
      found.set(`${kind}:${match[2]}`, { kind, token: match[2] });
    }
  }
  return [...found.values()];
}

/** Message-IDs this email answers: In-Reply-To first, then References from newest to oldest. */
export function threadIds(parsed: ParsedMail): string[] {
  const references = Array.isArray(parsed.references)
    ? parsed.references
    : parsed.references
      ? [parsed.references]
      : [];
  const text = [parsed.inReplyTo ?? "", ...references.slice().reverse()].join(" ");
  return [...new Set(text.match(/<[^<>\s]+>/g) ?? [])];
}

function headerText(parsed: ParsedMail, name: string): string {
  const value = parsed.headers.get(name);
  if (value === undefined || value === null) return "";
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(String).join(" ");
  if (typeof value === "object" && "value" in value) return String((value as { value: unknown }).value);
  return String(value);
}

/**
 * Out-of-office and other automatic answers (RFC 3834 Auto-Submitted, the older X-Autoreply/X-Autorespond and
 * Precedence conventions) and delivery reports (bounces). They are not the shopper talking, so they neither stop
 * the sequence nor open a conversation.
 */
export function isAutomatedEmail(parsed: ParsedMail): boolean {
  const autoSubmitted = headerText(parsed, "auto-submitted").trim().toLowerCase();
  if (autoSubmitted && autoSubmitted !== "no") return true;
  if (["x-autoreply", "x-autorespond", "x-autoresponder", "x-autogenerated"].some((name) => parsed.headers.has(name)))
    return true;
  if (/^(bulk|auto_reply|junk|list)$/.test(headerText(parsed, "precedence").trim().toLowerCase())) return true;
  if (parsed.headers.has("x-failed-recipients")) return true;
  const contentType = parsed.headers.get("content-type");
  const mime =
    typeof contentType === "object" && contentType !== null && "value" in contentType ? String(contentType.value) : "";
  if (mime.toLowerCase() === "multipart/report") return true;
  const sender = firstAddress(parsed.from)?.address?.toLowerCase() ?? "";
  return /^(mailer-daemon|postmaster)@/.test(sender);
}

function firstAddress(value: AddressObject | AddressObject[] | undefined) {
  const objects = Array.isArray(value) ? value : value ? [value] : [];
  return objects.flatMap((object) => object.value)[0];
}

// ---------------------------------------------------------------------------------------------------------------
// Handling

const messageSelect = {
  id: true,
  shop: true,
  customerId: true,
  conversationId: true,
  emailMessageId: true,
  scheduled: { select: { run: { select: { subjectType: true, subjectId: true } } } },
} as const;

export async function receiveInboundEmail(db: Db, raw: Buffer | string, now: Date): Promise<InboundEmailOutcome> {
  const log = getLogger().child({ module: "inbound-email" });
  let parsed: ParsedMail;
  try {
    parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true, skipTextLinks: true });
  } catch (error) {
    log.warn(
      { err: error instanceof Error ? error.message : String(error) },
      "inbound email: not a parseable MIME message",
    );
    return { result: "MALFORMED" };
  }
  const tokens = recipientTokens(parsed);

  // Mail to the List-Unsubscribe mailto: address is an explicit request, whatever its headers say.
  for (const { token } of tokens.filter((candidate) => candidate.kind === "unsubscribe")) {
    const message = await db.message.findUnique({ where: { replyToken: token }, select: { id: true, shop: true } });
    if (!message) continue;
    await unsubscribeMessage(db, message.id, "MAILTO", now);
    log.info({ shop: message.shop, messageId: message.id }, "inbound email: unsubscribed by mail");
    return { result: "UNSUBSCRIBED", messageId: message.id };
  }

  if (isAutomatedEmail(parsed)) {
    log.info({ tokens: tokens.length }, "inbound email: automatic reply or delivery report ignored");
    return { result: "IGNORED_AUTOMATED" };
  }

  // Which Kindly message does it answer? The reply+TOKEN address is authoritative; the thread headers are the
  // fallback for clients or forwarders that replied to the From address or rewrote the recipient.
  let message = null;
  for (const { token } of tokens.filter((candidate) => candidate.kind === "reply")) {
    message = await db.message.findUnique({ where: { replyToken: token }, select: messageSelect });
    if (message) break;
  }
  const thread = threadIds(parsed);
  if (!message && thread.length > 0) {
    message = await db.message.findFirst({
      where: { channel: "EMAIL", emailMessageId: { in: thread } },
      orderBy: { createdAt: "desc" },
      select: messageSelect,
    });
  }

  const from = firstAddress(parsed.from);
  const attachments = parsed.attachments.map((attachment) => ({
    filename: attachment.filename ?? null,
    contentType: attachment.contentType,
    size: attachment.size,
  }));
  const content = {
    channel: "EMAIL" as const,
    from: { email: from?.address ?? null, name: from?.name || null },
    subject: parsed.subject ?? null,
    body: parsed.text ?? "",
    bodyHtml: typeof parsed.html === "string" ? parsed.html : null,
    emailMessageId: parsed.messageId ?? null,
    references: referenceIds(parsed),
    attachments,
    receivedAt: now,
  };

  if (!message) {
    // Perhaps an answer to a reply the merchant sent from the inbox: its reply address names the conversation
    // (signed), and the conversation knows the Message-IDs of the thread.
    let answered: { shop: string; conversationId: string; emailMessageId: string | null } | null = null;
    for (const { token } of tokens.filter((candidate) => candidate.kind === "reply")) {
      const conversationId = conversationIdFromReplyToken(token);
      const conversation = conversationId
        ? await db.conversation.findUnique({ where: { id: conversationId }, select: { id: true, shop: true } })
        : null;
      if (conversation) {
        answered = { shop: conversation.shop, conversationId: conversation.id, emailMessageId: null };
        break;
      }
    }
    answered ??=
      thread.length > 0
        ? await db.conversationMessage.findFirst({
            where: { emailMessageId: { in: thread }, author: { not: "SHOPPER" } },
            orderBy: { createdAt: "desc" },
            select: { shop: true, conversationId: true, emailMessageId: true },
          })
        : null;
    if (!answered) {
      log.warn(
        { tokens: tokens.length, threadIds: thread.length },
        "inbound email: no Kindly message matches the reply address or the thread headers; nothing stored",
      );
      return { result: "UNKNOWN_RECIPIENT" };
    }
    if (await isDuplicate(db, answered.shop, parsed.messageId)) return { result: "DUPLICATE" };
    const recorded = await recordInboundMessage(db, {
      ...content,
      shop: answered.shop,
      conversationId: answered.conversationId,
      inReplyTo: parsed.inReplyTo ?? answered.emailMessageId,
    });
    log.info({ shop: answered.shop, conversationId: recorded.conversationId }, "inbound email: conversation continued");
    return { result: "CONVERSATION_RECORDED", conversationId: recorded.conversationId };
  }

  const found = message;
  if (await isDuplicate(db, found.shop, parsed.messageId)) return { result: "DUPLICATE", messageId: found.id };
  const run = found.scheduled?.run ?? null;
  const conversationId = await db.$transaction(async (tx) => {
    await recordMessageEvent(tx, {
      shop: found.shop,
      messageId: found.id,
      type: "REPLY",
      at: now,
      detailJson: JSON.stringify({
        channel: "EMAIL",
        matchedBy: tokens.some((t) => t.kind === "reply") ? "TOKEN" : "THREAD",
      }),
    });
    await stopRunForMessage(tx, found.id, "REPLIED", now);
    const recorded = await recordInboundMessage(tx, {
      ...content,
      shop: found.shop,
      inReplyTo: parsed.inReplyTo ?? found.emailMessageId,
      customerId: found.customerId,
      checkoutId: run?.subjectType === "CHECKOUT" ? run.subjectId : null,
      conversationId: found.conversationId,
    });
    if (!found.conversationId) {
      await tx.message.update({ where: { id: found.id }, data: { conversationId: recorded.conversationId } });
    }
    return recorded.conversationId;
  });
  log.info(
    { shop: found.shop, messageId: found.id, conversationId },
    "inbound email: reply recorded, sequence stopped",
  );
  return { result: "REPLY_RECORDED", messageId: found.id, conversationId };
}

/** The References header's Message-IDs, oldest first. */
function referenceIds(parsed: ParsedMail): string[] {
  const references = Array.isArray(parsed.references)
    ? parsed.references
    : parsed.references
      ? [parsed.references]
      : [];
  return [...new Set(references.join(" ").match(/<[^<>\s]+>/g) ?? [])];
}

/** Providers retry a POST they think failed; the reply's own Message-ID says we already have it. */
async function isDuplicate(db: Db, shop: string, emailMessageId: string | undefined): Promise<boolean> {
  if (!emailMessageId) return false;
  const existing = await db.conversationMessage.findFirst({
    where: { shop, emailMessageId, author: "SHOPPER" },
    select: { id: true },
  });
  return existing !== null;
}
