import type { SkipReason } from "~/modules/recovery/rules";
import type { LifecycleTrigger } from "~/modules/flows/triggers";

/**
 * Pure decisions about a care flow's subject at send time: who the message goes to, and whether the reason for it
 * still holds. The dispatcher gathers the rows; these decide.
 */

export interface CareCustomer {
  id: string;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  locale: string | null;
  timezone: string | null;
  countryCode: string | null;
  segment: string | null;
}

export interface CareOrder {
  id: string;
  customerId: string | null;
  email: string | null;
  phone: string | null;
  fulfillmentStatus: string | null;
  cancelledAt: Date | null;
}

export interface CareConversation {
  id: string;
  customerId: string | null;
  contactEmail: string | null;
  contactPhone: string | null;
  locale: string | null;
}

export interface CareContact {
  email: string | null;
  phone: string | null;
  firstName: string | null;
  locale: string | null;
  countryCode: string | null;
  timeZone: string | null;
  customerId: string | null;
}

/** The customer's own details first (the latest they gave Shopify), then the order's, then the conversation's. */
export function careContact(
  customer: CareCustomer | null,
  order: CareOrder | null,
  conversation: CareConversation | null,
): CareContact {
  return {
    email: customer?.email ?? order?.email ?? conversation?.contactEmail ?? null,
    phone: customer?.phone ?? order?.phone ?? conversation?.contactPhone ?? null,
    firstName: customer?.firstName ?? null,
    locale: customer?.locale ?? conversation?.locale ?? null,
    countryCode: customer?.countryCode ?? null,
    timeZone: customer?.timezone ?? null,
    customerId: customer?.id ?? order?.customerId ?? conversation?.customerId ?? null,
  };
}

const FULFILLED = new Set(["fulfilled", "FULFILLED"]);

/**
 * Why the message no longer makes sense, or null. The delay alert has nothing to say once the order shipped; a VIP
 * thank-you or an at-risk check-in waits for the segment to still be true when it comes due (an at-risk customer who
 * ordered meanwhile is not at risk any more); nothing is sent about a cancelled order.
 */
export function careSubjectClosed(
  trigger: LifecycleTrigger,
  subject: { customer: CareCustomer | null; order: CareOrder | null },
): SkipReason | null {
  const { customer, order } = subject;
  switch (trigger) {
    case "ORDER_UNFULFILLED":
      if (order?.cancelledAt) return "ORDER_CANCELLED";
      if (order && FULFILLED.has(order.fulfillmentStatus ?? "")) return "ORDER_FULFILLED";
      return null;
    case "ORDER_DELIVERED":
    case "FIRST_ORDER":
      return order?.cancelledAt ? "ORDER_CANCELLED" : null;
    case "SEGMENT_VIP":
      return customer && customer.segment !== "VIP" ? "SEGMENT_LEFT" : null;
    case "SEGMENT_AT_RISK":
      return customer && customer.segment !== "AT_RISK" ? "SEGMENT_LEFT" : null;
    case "HAPPY_RATING":
      return null;
  }
}
