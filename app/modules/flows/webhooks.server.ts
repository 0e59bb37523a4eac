import { getLogger } from "~/logger.server";
import { wakeWorkers } from "~/jobs/worker.server";
import { enqueueWebhook } from "~/modules/webhooks/queue.server";
import { receiveWebhook, recordRejected } from "~/modules/webhooks/receive.server";
import { parseOrderPayload } from "~/modules/recovery/payloads";
import { parseFulfillmentEventPayload } from "~/modules/flows/payloads";

/**
 * orders/fulfilled and fulfillment_events/create: verify the HMAC, check the payload is usable, queue it durably,
 * answer 200 (the worker does the rest, app/modules/flows/work.server.ts). A signed payload Kindly cannot use is
 * stored as REJECTED and still answered 200, so Shopify does not retry it eight times.
 */
async function acceptWebhook(request: Request, validate: (payload: unknown) => { error: string } | object) {
  const webhook = await receiveWebhook(request);
  const checked = webhook.payload === null ? { error: "The body is not valid JSON" } : validate(webhook.payload);
  if ("error" in checked && typeof checked.error === "string") {
    await recordRejected(webhook, checked.error);
    getLogger().warn({ shop: webhook.shop, topic: webhook.topic, reason: checked.error }, "webhook rejected");
    return new Response(null, { status: 200 });
  }
  if ((await enqueueWebhook(webhook, webhook.rawBody)) === "QUEUED") wakeWorkers();
  return new Response(null, { status: 200 });
}

export const handleOrderFulfilledWebhook = (request: Request) => acceptWebhook(request, parseOrderPayload);
export const handleFulfillmentEventWebhook = (request: Request) => acceptWebhook(request, parseFulfillmentEventPayload);
