import { registerDueWork } from "~/jobs/worker.server";
import { processQueuedWebhooks, registerWebhookProcessor } from "~/modules/webhooks/queue.server";
import { parseCheckoutPayload, parseOrderPayload } from "~/modules/recovery/payloads";
import { ingestCheckout, ingestOrder } from "~/modules/recovery/ingest.server";
import { dispatchDueRecoveryMessages } from "~/modules/recovery/dispatch.server";
import { applyOrderToCustomer } from "~/modules/customers/webhooks.server";
import { applyOrderToCareFlows } from "~/modules/flows/triggers.server";

/**
 * Recovery's background work: processing queued checkout and order webhooks, and dispatching due steps.
 * Loaded by every process that runs a worker (server/work-modules.ts) and by tests that drive the worker.
 */
function checkoutProcessor(): Parameters<typeof registerWebhookProcessor>[1] {
  return async (tx, { shop, payload, now }) => {
    const parsed = parseCheckoutPayload(payload);
    if ("error" in parsed) throw new Error(parsed.error);
    return ingestCheckout(tx, shop, parsed, now);
  };
}

function orderProcessor(): Parameters<typeof registerWebhookProcessor>[1] {
  return async (tx, { shop, payload, now }) => {
    const parsed = parseOrderPayload(payload);
    if ("error" in parsed) throw new Error(parsed.error);
    await applyOrderToCustomer(tx, shop, parsed, now); // customers' counts, dates and segment (customers module)
    const recovery = await ingestOrder(tx, shop, parsed, now);
    // The same order is a lifecycle trigger too: a first order, a paid order's delivery promise (app/modules/flows).
    const care = await applyOrderToCareFlows(tx, shop, parsed, now);
    return { ...recovery, care };
  };
}

export function registerRecoveryWork(): void {
  registerWebhookProcessor("checkouts/create", checkoutProcessor());
  registerWebhookProcessor("checkouts/update", checkoutProcessor());
  registerWebhookProcessor("orders/create", orderProcessor());
  registerWebhookProcessor("orders/paid", orderProcessor());
  // Webhooks first: an order that arrived must stop a sequence before its next step is considered.
  registerDueWork("webhooks", (context) => processQueuedWebhooks(context));
  registerDueWork("recovery-dispatch", dispatchDueRecoveryMessages);
}
