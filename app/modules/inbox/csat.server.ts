import prisma from "~/db.server";
import { slaDueTimes } from "~/modules/inbox/sla.server";
import { verifyToken } from "~/modules/messaging/tokens.server";
import { enrollHappyRating } from "~/modules/flows/triggers.server";
import { HAPPY_RATING } from "~/modules/flows/triggers";

/**
 * CSAT responses: one per conversation, whatever the channel it came back on (chat widget, signed email link,
 * SMS digit). The survey itself is sent when a conversation is closed (`close.server.ts`); this module only
 * records the answer.
 *
 * A low score is a shopper telling us something went wrong: the conversation reopens so a person follows up.
 */

export type CsatChannel = "CHAT" | "EMAIL" | "SMS";

export interface CsatResponseInput {
  shop: string;
  conversationId: string;
  score: number;
  comment?: string | null;
  channel: CsatChannel;
  at: Date;
}

export type CsatOutcome = "RECORDED" | "ALREADY_ANSWERED" | "NOT_REQUESTED";

/** Scores at or below this reopen the conversation. */
export const LOW_CSAT_SCORE = 2;
const MAX_COMMENT_CHARS = 2_000;

export function isValidCsatScore(score: unknown): score is number {
  return typeof score === "number" && Number.isInteger(score) && score >= 1 && score <= 5;
}

export class InvalidCsatScoreError extends RangeError {
  constructor(score: unknown) {
    super(`A CSAT score is a whole number from 1 to 5 (got ${String(score)})`);
    this.name = "InvalidCsatScoreError";
  }
}

export async function recordCsatResponse(input: CsatResponseInput): Promise<{ outcome: CsatOutcome }> {
  if (!isValidCsatScore(input.score)) throw new InvalidCsatScoreError(input.score);
  const comment = input.comment?.trim() ? input.comment.trim().slice(0, MAX_COMMENT_CHARS) : null;

  return prisma.$transaction(async (tx) => {
    const conversation = await tx.conversation.findFirst({
      where: { id: input.conversationId, shop: input.shop },
      select: {
        id: true,
        status: true,
        csatRequestedAt: true,
        csatRespondedAt: true,
        customerId: true,
        contactEmail: true,
        contactPhone: true,
      },
    });
    if (!conversation || !conversation.csatRequestedAt) return { outcome: "NOT_REQUESTED" as const };
    if (conversation.csatRespondedAt) return { outcome: "ALREADY_ANSWERED" as const };

    // Compare-and-set on csatRespondedAt: two answers racing (a double click on the email link) record one.
    const claimed = await tx.conversation.updateMany({
      where: { id: conversation.id, shop: input.shop, csatRespondedAt: null },
      data: { csatRespondedAt: input.at, csatScore: input.score, csatComment: comment },
    });
    if (claimed.count === 0) return { outcome: "ALREADY_ANSWERED" as const };

    await tx.conversationMessage.create({
      data: {
        shop: input.shop,
        conversationId: conversation.id,
        author: "SHOPPER",
        channel: input.channel,
        kind: "CSAT_RESPONSE",
        body: comment ? `${input.score}/5 — ${comment}` : `${input.score}/5`,
        createdAt: input.at,
      },
    });
    await tx.conversationEvent.create({
      data: {
        shop: input.shop,
        conversationId: conversation.id,
        type: "CSAT_RECEIVED",
        dataJson: JSON.stringify({ score: input.score, channel: input.channel, hasComment: comment !== null }),
        createdAt: input.at,
      },
    });

    if (input.score <= LOW_CSAT_SCORE) {
      const { vip } = await tx.conversation.findUniqueOrThrow({
        where: { id: conversation.id },
        select: { vip: true },
      });
      const due = await slaDueTimes(tx, input.shop, input.at, vip);
      await tx.conversation.update({
        where: { id: conversation.id },
        data: {
          status: "OPEN",
          closedAt: null,
          reopenedAt: input.at,
          unreadCount: { increment: 1 },
          // A new round for the follow-up: the resolution clock restarts.
          resolutionDueAt: due.resolutionDueAt,
          resolutionBreachedAt: null,
        },
      });
      await tx.conversationEvent.create({
        data: {
          shop: input.shop,
          conversationId: conversation.id,
          type: "REOPENED",
          dataJson: JSON.stringify({ reason: "LOW_CSAT", score: input.score }),
          createdAt: input.at,
        },
      });
    }
    if (input.score >= HAPPY_RATING) {
      // A happy shopper may be glad to leave a review (the review invitation flow, when it is on); never a low one.
      await enrollHappyRating(
        tx,
        input.shop,
        {
          subjectType: "CONVERSATION",
          subjectId: conversation.id,
          customerId: conversation.customerId,
          fallbackKey: conversation.contactEmail ?? conversation.contactPhone ?? conversation.id,
        },
        input.at,
      );
    }
    return { outcome: "RECORDED" as const };
  });
}

/** How long after the survey a lone digit by SMS still counts as its answer. */
export const SMS_CSAT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * "4", "5!", "2 - the parcel was late": the score, and the words after a separator as the comment. A digit followed
 * by plain words ("3 more shirts please") is a message, not a rating, so it is not read as one.
 */
export function parseCsatDigitReply(body: string): { score: number; comment: string | null } | null {
  const match = /^\s*([1-5])\s*(?:\/\s*5)?\s*[.!]*\s*(?:[-:,–—]\s*(\D[\s\S]*))?$/.exec(body);
  if (!match) return null;
  const comment = (match[2] ?? "").trim();
  return { score: Number(match[1]), comment: comment || null };
}

/**
 * An SMS that answers a pending survey: the latest SMS conversation with this number whose survey was sent in the
 * last week and not answered. Null when the text is not a digit reply or no survey waits (then it is a message).
 */
export async function recordSmsCsatDigit(
  shop: string,
  phone: string,
  body: string,
  at: Date,
): Promise<{ conversationId: string; outcome: CsatOutcome } | null> {
  const reply = parseCsatDigitReply(body);
  if (!reply) return null;
  const pending = await prisma.conversation.findFirst({
    where: {
      shop,
      channel: "SMS",
      contactPhone: phone,
      csatRespondedAt: null,
      csatRequestedAt: { not: null, gte: new Date(at.getTime() - SMS_CSAT_WINDOW_MS) },
    },
    orderBy: { csatRequestedAt: "desc" },
    select: { id: true },
  });
  if (!pending) return null;
  const { outcome } = await recordCsatResponse({
    shop,
    conversationId: pending.id,
    score: reply.score,
    comment: reply.comment,
    channel: "SMS",
    at,
  });
  return { conversationId: pending.id, outcome };
}

// ---------------------------------------------------------------------------------------------------------------
// Email survey links

export type CsatLinkLookup =
  | { result: "INVALID" }
  | {
      result: "VALID";
      shop: string;
      shopName: string;
      conversationId: string;
      locale: string | null;
      score: number | null;
      answered: boolean;
    };

/**
 * What a survey link points at: its signed token names the CSAT_REQUEST message the email was stored as. A forged,
 * tampered, expired or wrong-kind token, or one naming anything but a survey request, is INVALID (no detail given).
 */
export async function lookupCsatLink(token: string, now: Date): Promise<CsatLinkLookup> {
  const verified = verifyToken(token, "CSAT", now);
  if (!verified) return { result: "INVALID" };
  const request = await prisma.conversationMessage.findUnique({
    where: { id: verified.messageId },
    select: {
      kind: true,
      shop: true,
      conversation: { select: { id: true, locale: true, csatRespondedAt: true } },
    },
  });
  if (!request || request.kind !== "CSAT_REQUEST") return { result: "INVALID" };
  const shop = await prisma.shop.findUnique({
    where: { shop: request.shop },
    select: { name: true, primaryLocale: true },
  });
  return {
    result: "VALID",
    shop: request.shop,
    shopName: shop?.name ?? request.shop,
    conversationId: request.conversation.id,
    locale: request.conversation.locale ?? shop?.primaryLocale ?? null,
    score: isValidCsatScore(verified.score) ? verified.score : null,
    answered: request.conversation.csatRespondedAt !== null,
  };
}
