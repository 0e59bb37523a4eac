import { registerWebhookProcessor } from "~/modules/webhooks/queue.server";
import { parseOrderPayload } from "~/modules/recovery/payloads";
import { ingestOrder } from "~/modules/recovery/ingest.server";
import { applyOrderToCustomer } from "~/modules/customers/webhooks.server";
import { parseFulfillmentEventPayload } from "~/modules/flows/payloads";
import { applyDeliveryEvent, applyFulfillmentToCareFlows } from "~/modules/flows/triggers.server";

/**
 * The care flows' background work: the two webhook topics only they need. Their other triggers ride on work that
 * exists already (orders/create|paid in recovery's order processor, segment changes in the customers module, ratings
 * and CSAT in their requests), and their messages go through the one dispatcher (recovery-dispatch).
 */
export function registerFlowWork(): void {
  registerWebhookProcessor("orders/fulfilled", async (tx, { shop, payload, now }) => {
    const parsed = parseOrderPayload(payload);
    if ("error" in parsed) throw new Error(parsed.error);
    // The same order object as orders/create: counted and stored as every order is, then the care side.
    await applyOrderToCustomer(tx, shop, parsed, now);
    const recovery = await ingestOrder(tx, shop, parsed, now);
    const care = await applyFulfillmentToCareFlows(tx, shop, parsed, now);
    return { ...recovery, ...care };
  });
  registerWebhookProcessor("fulfillment_events/create", async (tx, { shop, payload, now }) => {
    const parsed = parseFulfillmentEventPayload(payload);
    if ("error" in parsed) throw new Error(parsed.error);
    return applyDeliveryEvent(tx, shop, parsed, now);
  });
}
