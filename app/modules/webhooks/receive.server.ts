import prisma, { isUniqueViolation } from "~/db.server";
import { getClock } from "~/clock.server";
import { createHmac, timingSafeEqual } from "node:crypto";
import { authenticate } from "~/shopify.server";
import { getEnv } from "~/env.server";
import type { Prisma } from "~/generated/prisma/client";
import { parseShopifyJson } from "~/modules/webhooks/payload.server";
import { readLimitedBody } from "~/modules/messaging/http.server";

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

/**
 * Shopify's largest payloads (orders with hundreds of lines) weigh a few hundred KB; a body past this is not one of
 * Shopify's, and is refused (413) before it is buffered, let alone verified.
 */
export const MAX_WEBHOOK_BODY_BYTES = 5 * 1024 * 1024;

const unauthorized = () => new Response(undefined, { status: 401, statusText: "Unauthorized" });

/**
 * The payload fields that name the shop a delivery is about. The HMAC covers the body only (Shopify signs no
 * header), so a captured delivery could be replayed under another shop's X-Shopify-Shop-Domain: where the body
 * names the shop, the two must agree. The destructive and compliance topics must carry the field, so that a signed
 * body of another kind (a checkout names its customer too) cannot be replayed to them.
 */
const SHOP_FIELDS = ["shop_domain", "myshopify_domain"] as const;
const REQUIRED_SHOP_FIELD: Record<string, (typeof SHOP_FIELDS)[number]> = {
  "app/uninstalled": "myshopify_domain",
  "shop/redact": "shop_domain",
  "customers/redact": "shop_domain",
  "customers/data_request": "shop_domain",
};

/**
 * Refuses a correctly signed body replayed with headers it was not sent with: the topic must be the one the route
 * serves (each topic has its own URI, `/webhooks/<topic>`, as in shopify.app.toml), and the shop the one the body
 * names, if it names one.
 */
function assertDeliveryBinding(request: Request, shop: string, topic: string | null, payload: unknown): void {
  if (!topic || !new URL(request.url).pathname.endsWith(`/webhooks/${topic}`)) throw unauthorized();
  const body = payload && typeof payload === "object" && !Array.isArray(payload) ? (payload as object) : null;
  const required = REQUIRED_SHOP_FIELD[topic];
  if (required && !(body && required in body)) throw unauthorized();
  for (const field of SHOP_FIELDS) {
    const named = body ? (body as Record<string, unknown>)[field] : undefined;
    if (typeof named === "string" && named.toLowerCase() !== shop.toLowerCase()) throw unauthorized();
  }
}

export async function receiveWebhook(incoming: Request): Promise<ReceivedWebhook> {
  const read = await readLimitedBody(incoming, MAX_WEBHOOK_BODY_BYTES);
  if (!read.ok) throw new Response(undefined, { status: 413, statusText: "Payload Too Large" });
  const text = read.body.toString("utf8");
  // Shopify's library reads the body again: hand it the bytes already read (and bounded).
  const request = new Request(incoming.url, {
    method: incoming.method,
    headers: incoming.headers,
    body: new Uint8Array(read.body),
  });
  const eventIdHeader = request.headers.get("X-Shopify-Event-Id");
  // The header keeps Shopify's own spelling ("customers/data_request"); the context's topic is an enum name.
  const topicHeader = request.headers.get("X-Shopify-Topic");
  let context: Awaited<ReturnType<typeof authenticate.webhook>>;
  try {
    context = await authenticate.webhook(request);
  } catch (error) {
    // Shopify's library answers a missing signature (or another missing X-Shopify header) with a bare 400: it is
    // an authentication failure like a wrong signature, and answered the same.
    if (error instanceof Response && error.status === 400) throw unauthorized();
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
      throw unauthorized();
    }
    assertDeliveryBinding(request, shop, topicHeader, null);
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
  assertDeliveryBinding(request, context.shop, topicHeader, payload);
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
