import { getLogger } from "~/logger.server";
import { receiveWebhook, recordRejected } from "~/modules/webhooks/receive.server";
import { enqueueWebhook } from "~/modules/webhooks/queue.server";
import { parseCheckoutPayload, parseOrderPayload } from "~/modules/recovery/payloads";
import { wakeWorkers } from "~/jobs/worker.server";

/**
 * checkouts/create|update and orders/create|paid: verify the HMAC, check the payload is usable, queue it durably,
 * answer 200. The worker does the rest (app/modules/recovery/work.server.ts). A signed payload Kindly cannot use is
 * stored as REJECTED (visible to the merchant) and still answered 200: Shopify would otherwise retry it eight
 * times over four hours, and it would never parse.
 */
async function acceptWebhook(
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
  const result = await enqueueWebhook(webhook, webhook.rawBody);
  if (result === "QUEUED") wakeWorkers();
  return new Response(null, { status: 200 });
}

export const handleCheckoutWebhook = (request: Request) => acceptWebhook(request, parseCheckoutPayload);
export const handleOrderWebhook = (request: Request) => acceptWebhook(request, parseOrderPayload);
