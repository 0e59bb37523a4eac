import { registerDueWork } from "~/jobs/worker.server";
import { registerWebhookProcessor } from "~/modules/webhooks/queue.server";
import { advanceCustomerImports } from "~/modules/customers/import.server";
import { runDueSegmentWork } from "~/modules/customers/segments.server";
import {
  bulkFinishProcessor,
  customerDeleteProcessor,
  customerUpsertProcessor,
} from "~/modules/customers/webhooks.server";

/**
 * Customer intelligence's background work: the customers/* and bulk_operations/finish webhooks, the import's steps
 * (poll Shopify, download and upsert), and segment computation after a sync and at the shop's night. The customer
 * side of orders/create|paid runs inside recovery's order processor (see applyOrderToCustomer).
 */
export function registerCustomerWork(): void {
  registerWebhookProcessor("customers/create", customerUpsertProcessor);
  registerWebhookProcessor("customers/update", customerUpsertProcessor);
  registerWebhookProcessor("customers/delete", customerDeleteProcessor);
  registerWebhookProcessor("bulk_operations/finish", bulkFinishProcessor);
  registerDueWork("customer-import", (context) => advanceCustomerImports(context));
  registerDueWork("customer-segments", runDueSegmentWork);
}
