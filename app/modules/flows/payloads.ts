import { toGid } from "~/modules/webhooks/payload.server";

/**
 * fulfillment_events/create, parsed: a carrier's event on a shipment ("in_transit", "out_for_delivery",
 * "delivered", ...). The post-purchase check-in uses "delivered"; the others are acknowledged and ignored.
 */
export interface ParsedFulfillmentEvent {
  orderShopifyId: string;
  status: string;
  happenedAt: Date;
}

const isObj = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function date(value: unknown): Date | null {
  if (typeof value !== "string" || !value.trim()) return null;
  const parsed = new Date(value);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

export function parseFulfillmentEventPayload(payload: unknown): ParsedFulfillmentEvent | { error: string } {
  if (!isObj(payload)) return { error: "The body is not a JSON object" };
  const orderShopifyId = toGid("Order", payload.order_id);
  if (!orderShopifyId) return { error: "The fulfillment event has no order id" };
  const status = typeof payload.status === "string" ? payload.status.trim().toLowerCase() : "";
  if (!status) return { error: "The fulfillment event has no status" };
  const happenedAt = date(payload.happened_at) ?? date(payload.created_at);
  if (!happenedAt) return { error: "The fulfillment event has no valid happened_at" };
  return { orderShopifyId, status, happenedAt };
}
