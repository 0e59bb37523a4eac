import { getLogger } from "~/logger.server";
import { wakeWorkers } from "~/jobs/worker.server";
import { enqueueWebhook } from "~/modules/webhooks/queue.server";
import { receiveWebhook, recordRejected } from "~/modules/webhooks/receive.server";

/**
 * The route side of every queued webhook (checkouts, orders, fulfilments, customers, bulk operations): verify the
 * HMAC, check the payload is usable, queue it durably, answer 200; a worker does the rest. A signed payload Kindly
 * cannot use is stored as REJECTED (visible to the merchant) and still answered 200: Shopify would otherwise retry
 * it eight times over four hours, and it would never parse.
 */
export async function acceptQueuedWebhook(
  request: Request,
  validate: (payload: unknown) => { error: string } | object,
): Promise<Response> {
  const webhook = await receiveWebhook(request);
  const checked = webhook.payload === null ? { error: "The body is not valid JSON" } : validate(webhook.payload);
  const problem = "error" in checked && typeof checked.error === "string" ? checked.error : null;
  if (problem) {
    await recordRejected(webhook, problem);
    getLogger().warn(
      { shop: webhook.shop, topic: webhook.topic, eventId: webhook.eventId, reason: problem },
      "webhook rejected",
    );
    return new Response(null, { status: 200 });
  }
  if ((await enqueueWebhook(webhook, webhook.rawBody)) === "QUEUED") wakeWorkers();
  return new Response(null, { status: 200 });
}
