import { getClock } from "~/clock.server";
import { getLogger } from "~/logger.server";
import { handleOnce, receiveWebhook, recordRejected } from "~/modules/webhooks/receive.server";
import { parseCheckoutPayload, parseOrderPayload } from "~/modules/recovery/payloads";
import { ingestCheckout, ingestOrder } from "~/modules/recovery/ingest.server";
import { wakeWorkers } from "~/jobs/worker.server";

/**
 * checkouts/create, checkouts/update: verify, de-duplicate, store durably, answer 200. A signed payload Kindly
 * cannot use is stored as REJECTED (visible to the merchant) and still answered 200: Shopify would otherwise retry
 * it eight times over four hours, and it would never parse.
 */
export async function handleCheckoutWebhook(request: Request): Promise<Response> {
  const webhook = await receiveWebhook(request);
  const parsed = webhook.payload === null ? { error: "The body is not valid JSON" } : parseCheckoutPayload(webhook.payload);
  if ("error" in parsed) {
    await recordRejected(webhook, parsed.error);
    getLogger().warn({ shop: webhook.shop, topic: webhook.topic, eventId: webhook.eventId, reason: parsed.error }, "webhook rejected");
    return new Response(null, { status: 200 });
  }
  let result = "";
  const handled = await handleOnce(webhook, async (tx) => {
    result = await ingestCheckout(tx, webhook.shop, parsed, getClock().now());
  });
  getLogger().info({ shop: webhook.shop, topic: webhook.topic, eventId: webhook.eventId, handled, result }, "checkout webhook");
  return new Response(null, { status: 200 });
}

/** orders/create, orders/paid: store the order, complete its checkout (same token, id, or contact), attribute. */
export async function handleOrderWebhook(request: Request): Promise<Response> {
  const webhook = await receiveWebhook(request);
  const parsed = webhook.payload === null ? { error: "The body is not valid JSON" } : parseOrderPayload(webhook.payload);
  if ("error" in parsed) {
    await recordRejected(webhook, parsed.error);
    getLogger().warn({ shop: webhook.shop, topic: webhook.topic, eventId: webhook.eventId, reason: parsed.error }, "webhook rejected");
    return new Response(null, { status: 200 });
  }
  const handled = await handleOnce(webhook, async (tx) => {
    await ingestOrder(tx, webhook.shop, parsed, getClock().now());
  });
  getLogger().info({ shop: webhook.shop, topic: webhook.topic, eventId: webhook.eventId, handled }, "order webhook");
  // Cancelled sends are picked up on the worker's next pass; waking it keeps the schedule view current.
  wakeWorkers();
  return new Response(null, { status: 200 });
}
