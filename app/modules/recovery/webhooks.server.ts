import { acceptQueuedWebhook } from "~/modules/webhooks/accept.server";
import { parseCheckoutPayload, parseOrderPayload } from "~/modules/recovery/payloads";

/** checkouts/create|update and orders/create|paid: queued for the worker (app/modules/recovery/work.server.ts). */
export const handleCheckoutWebhook = (request: Request) => acceptQueuedWebhook(request, parseCheckoutPayload);
export const handleOrderWebhook = (request: Request) => acceptQueuedWebhook(request, parseOrderPayload);
