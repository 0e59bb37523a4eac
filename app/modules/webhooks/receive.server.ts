import prisma, { isUniqueViolation } from "~/db.server";
import { getClock } from "~/clock.server";
import { createHmac, timingSafeEqual } from "node:crypto";
import { authenticate } from "~/shopify.server";
import { getEnv } from "~/env.server";
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
const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

/** Shopify's webhook signature: base64 HMAC-SHA256 of the raw body under the app's secret, compared in constant time. */
function hmacIsValid(rawBody: string, header: string | null): boolean {
  if (!header) return false;
  const expected = createHmac("sha256", getEnv().SHOPIFY_API_SECRET).update(rawBody, "utf8").digest();
  const given = Buffer.from(header, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function receiveWebhook(request: Request): Promise<ReceivedWebhook> {
  const raw = request.clone();
  const text = await raw.text();
  const eventIdHeader = request.headers.get("X-Shopify-Event-Id");
  // The header keeps Shopify's own spelling ("customers/data_request"); the context's topic is an enum name.
  const topicHeader = request.headers.get("X-Shopify-Topic");
  let context: Awaited<ReturnType<typeof authenticate.webhook>>;
  try {
    context = await authenticate.webhook(request);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    // authenticate.webhook JSON-parses the body after verifying it. Rather than rely on that order, verify the
    // HMAC again explicitly: a correctly signed body that is not JSON is Shopify's, and is recorded as rejected.
    const shop = request.headers.get("X-Shopify-Shop-Domain") ?? "";
    const webhookId = request.headers.get("X-Shopify-Webhook-Id") ?? "";
    if (
      !hmacIsValid(text, request.headers.get("X-Shopify-Hmac-Sha256")) ||
      !SHOP_DOMAIN.test(shop) ||
      !topicHeader ||
      !webhookId
    ) {
      throw new Response(undefined, { status: 401, statusText: "Unauthorized" });
    }
    const triggered = request.headers.get("X-Shopify-Triggered-At");
    return {
      shop,
      topic: topicHeader,
      eventId: eventIdHeader ?? webhookId,
      webhookId,
      triggeredAt: triggered && !Number.isNaN(new Date(triggered).getTime()) ? new Date(triggered) : null,
      payload: null,
      rawBody: text,
    };
  }
  let payload: unknown = null;
  try {
    payload = parseShopifyJson(text);
  } catch {
    payload = null;
  }
  const triggeredAt = context.triggeredAt ? new Date(context.triggeredAt) : null;
  return {
    shop: context.shop,
    topic: topicHeader ?? String(context.topic),
    eventId: context.eventId ?? eventIdHeader ?? context.webhookId,
    webhookId: context.webhookId,
    triggeredAt: triggeredAt && !Number.isNaN(triggeredAt.getTime()) ? triggeredAt : null,
    payload,
    rawBody: text,
  };
}

export type HandledOnce = "PROCESSED" | "DUPLICATE";

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
