import prisma from "~/db.server";
import { getClock } from "~/clock.server";
import { authenticate } from "~/shopify.server";
import type { Prisma } from "~/generated/prisma/client";
import { parseShopifyJson } from "~/modules/webhooks/payload.server";

export type Tx = Prisma.TransactionClient;

export interface ReceivedWebhook {
  shop: string;
  topic: string;
  /** X-Shopify-Event-Id, falling back to X-Shopify-Webhook-Id: the key Kindly de-duplicates on. */
  eventId: string;
  webhookId: string;
  triggeredAt: Date | null;
  /** The body parsed with ids kept exact (see parseShopifyJson); null when the body is not JSON. */
  payload: unknown;
  /** The body exactly as Shopify sent it (what a queued delivery stores). */
  rawBody: string;
}

/**
 * Verifies the HMAC (a bad one throws Shopify's 401 response before anything is read or written) and returns the
 * delivery with an id-preserving parse of the raw body.
 */
export async function receiveWebhook(request: Request): Promise<ReceivedWebhook> {
  const raw = request.clone();
  const context = await authenticate.webhook(request);
  const text = await raw.text();
  let payload: unknown = null;
  try {
    payload = parseShopifyJson(text);
  } catch {
    payload = null;
  }
  const triggeredAt = context.triggeredAt ? new Date(context.triggeredAt) : null;
  return {
    shop: context.shop,
    // The header keeps Shopify's own spelling ("customers/data_request"); the context's topic is an enum name.
    topic: request.headers.get("X-Shopify-Topic") ?? String(context.topic),
    eventId: context.eventId ?? request.headers.get("X-Shopify-Event-Id") ?? context.webhookId,
    webhookId: context.webhookId,
    triggeredAt: triggeredAt && !Number.isNaN(triggeredAt.getTime()) ? triggeredAt : null,
    payload,
    rawBody: text,
  };
}

export type HandledOnce = "PROCESSED" | "DUPLICATE";

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && "code" in error && (error as { code: unknown }).code === "P2002";
}

/**
 * Runs `effect` at most once per delivery: the event row and the effect commit together, so a retried delivery
 * (Shopify retries up to 8 times) or a duplicate finds the row and changes nothing, and a crash mid-way leaves
 * neither behind, so Shopify's retry does the whole work.
 */
export async function handleOnce(webhook: ReceivedWebhook, effect: (tx: Tx) => Promise<void>): Promise<HandledOnce> {
  const key = { shop_eventId: { shop: webhook.shop, eventId: webhook.eventId } };
  if (await prisma.webhookEvent.findUnique({ where: key, select: { id: true } })) return "DUPLICATE";
  try {
    await prisma.$transaction(async (tx) => {
      await tx.webhookEvent.create({
        data: {
          shop: webhook.shop,
          eventId: webhook.eventId,
          topic: webhook.topic,
          webhookId: webhook.webhookId,
          triggeredAt: webhook.triggeredAt,
          receivedAt: getClock().now(),
          status: "PROCESSED",
        },
      });
      await effect(tx);
    });
  } catch (error) {
    if (isUniqueViolation(error)) return "DUPLICATE";
    throw error;
  }
  return "PROCESSED";
}

/**
 * Records a correctly signed delivery Kindly cannot use (malformed JSON, a required field missing), so the merchant
 * can see it; the route still answers 200 so Shopify does not retry a payload that will never parse.
 */
export async function recordRejected(webhook: ReceivedWebhook, reason: string): Promise<void> {
  await prisma.webhookEvent.upsert({
    where: { shop_eventId: { shop: webhook.shop, eventId: webhook.eventId } },
    create: {
      shop: webhook.shop,
      eventId: webhook.eventId,
      topic: webhook.topic,
      webhookId: webhook.webhookId,
      triggeredAt: webhook.triggeredAt,
      receivedAt: getClock().now(),
      status: "REJECTED",
      error: reason.slice(0, 500),
    },
    update: {},
  });
}
