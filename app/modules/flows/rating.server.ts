import prisma from "~/db.server";
import { getLogger } from "~/logger.server";
import { verifyToken } from "~/modules/messaging/tokens.server";
import { recordMessageEvent } from "~/modules/messaging/message-events.server";
import { recordInboundMessage } from "~/modules/inbox/conversations.server";
import { stopRuns } from "~/modules/recovery/stop.server";
import { enrollHappyRating } from "~/modules/flows/triggers.server";
import { HAPPY_RATING, LOW_RATING } from "~/modules/flows/triggers";
import type { SubjectEnrollResult } from "~/modules/flows/enroll.server";

/**
 * The post-purchase check-in's one-click rating. Each of the five links carries a signed token naming the scheduled
 * message and a score. A GET only shows the page with that score chosen; the rating is recorded by the page's POST:
 * mail security scanners open every link of an email, and a GET that recorded would let a robot rate an order 1 (and
 * open a conversation) or 5 (and send a review invitation). The inbox's CSAT links work the same way.
 *
 * - 1 or 2: a conversation opens in the inbox at once, with the score and the comment, linked to the order and the
 *   customer: a person follows up.
 * - 4 or 5: the review invitation flow is entered (if it is on).
 * - Recorded once per message (a MessageEvent RATING).
 */

export type RatingLink =
  | { result: "INVALID" }
  | {
      result: "VALID";
      shop: string;
      shopName: string;
      locale: string | null;
      score: number | null;
      answered: boolean;
      messageId: string;
    };

async function findRated(token: string, now: Date) {
  const verified = verifyToken(token, "RATING", now);
  if (!verified) return null;
  const scheduled = await prisma.scheduledMessage.findUnique({
    where: { id: verified.messageId },
    select: {
      shop: true,
      run: {
        select: {
          id: true,
          shop: true,
          subjectType: true,
          subjectId: true,
          customerId: true,
          flow: { select: { trigger: true } },
        },
      },
      message: {
        select: {
          id: true,
          shop: true,
          locale: true,
          toAddress: true,
          channel: true,
          customerId: true,
          conversationId: true,
          events: { where: { type: "RATING" }, select: { id: true }, take: 1 },
        },
      },
    },
  });
  if (!scheduled?.message || scheduled.run.flow.trigger !== "ORDER_DELIVERED") return null;
  if (scheduled.run.shop !== scheduled.shop || scheduled.message.shop !== scheduled.shop) return null;
  return { verified, scheduled, message: scheduled.message, run: scheduled.run };
}

export async function lookupRatingLink(token: string, now: Date): Promise<RatingLink> {
  const found = await findRated(token, now);
  if (!found) return { result: "INVALID" };
  const shop = await prisma.shop.findUnique({
    where: { shop: found.scheduled.shop },
    select: { name: true, primaryLocale: true },
  });
  const score = found.verified.score;
  return {
    result: "VALID",
    shop: found.scheduled.shop,
    shopName: shop?.name ?? found.scheduled.shop,
    locale: found.message.locale ?? shop?.primaryLocale ?? null,
    score: typeof score === "number" && score >= 1 && score <= 5 ? score : null,
    answered: found.message.events.length > 0,
    messageId: found.message.id,
  };
}

export type RatingOutcome =
  | { outcome: "INVALID" }
  | { outcome: "ALREADY_RATED" }
  | { outcome: "LOW"; conversationId: string }
  | { outcome: "HAPPY"; review: SubjectEnrollResult }
  | { outcome: "NEUTRAL" };

export async function recordRating(input: {
  token: string;
  score: number;
  comment: string | null;
  now: Date;
}): Promise<RatingOutcome> {
  const found = await findRated(input.token, input.now);
  if (!found) return { outcome: "INVALID" };
  const { message, run } = found;
  const shop = found.scheduled.shop;
  const comment = input.comment?.trim() ? input.comment.trim().slice(0, 2_000) : null;
  const outcome = await prisma.$transaction(async (tx): Promise<RatingOutcome> => {
    const already = await tx.messageEvent.findFirst({
      where: { messageId: message.id, type: "RATING" },
      select: { id: true },
    });
    if (already) return { outcome: "ALREADY_RATED" };
    await recordMessageEvent(tx, {
      shop,
      messageId: message.id,
      type: "RATING",
      at: input.now,
      detailJson: JSON.stringify({ score: input.score, hasComment: comment !== null }),
    });
    await stopRuns(tx, shop, [run.id], "RATED", input.now);
    if (input.score <= LOW_RATING) {
      const order =
        run.subjectType === "ORDER" ? await tx.order.findFirst({ where: { id: run.subjectId, shop } }) : null;
      const fr = (message.locale ?? "").startsWith("fr");
      const body = [
        fr
          ? `Note de ${input.score}/5 sur la commande ${order?.name ?? ""} (suivi après livraison).`
          : `Rated ${input.score}/5 on order ${order?.name ?? ""} (post-purchase check-in).`,
        comment ?? (fr ? "(pas de commentaire)" : "(no comment)"),
      ].join("\n\n");
      const recorded = await recordInboundMessage(tx, {
        shop,
        channel: message.channel === "SMS" ? "SMS" : "EMAIL",
        from: message.channel === "SMS" ? { phone: message.toAddress } : { email: message.toAddress },
        subject: fr ? `Note ${input.score}/5 : ${order?.name ?? ""}` : `Rating ${input.score}/5: ${order?.name ?? ""}`,
        body,
        locale: message.locale,
        customerId: message.customerId ?? run.customerId,
        orderId: order?.id ?? null,
        conversationId: message.conversationId,
        receivedAt: input.now,
      });
      if (!message.conversationId) {
        await tx.message.update({ where: { id: message.id }, data: { conversationId: recorded.conversationId } });
      }
      return { outcome: "LOW", conversationId: recorded.conversationId };
    }
    if (input.score >= HAPPY_RATING) {
      const review = await enrollHappyRating(
        tx,
        shop,
        {
          subjectType: "ORDER",
          subjectId: run.subjectId,
          customerId: message.customerId ?? run.customerId,
          fallbackKey: message.toAddress,
        },
        input.now,
      );
      return { outcome: "HAPPY", review };
    }
    return { outcome: "NEUTRAL" };
  });
  getLogger().info({ shop, messageId: message.id, score: input.score, outcome: outcome.outcome }, "order rated");
  return outcome;
}
