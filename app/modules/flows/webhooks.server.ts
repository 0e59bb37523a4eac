import { acceptQueuedWebhook } from "~/modules/webhooks/accept.server";
import { parseOrderPayload } from "~/modules/recovery/payloads";
import { parseFulfillmentEventPayload } from "~/modules/flows/payloads";

/** orders/fulfilled and fulfillment_events/create: queued for the worker (app/modules/flows/work.server.ts). */
export const handleOrderFulfilledWebhook = (request: Request) => acceptQueuedWebhook(request, parseOrderPayload);
export const handleFulfillmentEventWebhook = (request: Request) =>
  acceptQueuedWebhook(request, parseFulfillmentEventPayload);
