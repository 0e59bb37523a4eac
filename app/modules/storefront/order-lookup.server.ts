import type { AdminApiContext } from "@shopify/shopify-app-remix/server";
import { ORDER_STATUS_LOOKUP_QUERY, orderNameSearch, type OrderStatusLookupResult } from "~/graphql/OrderStatusLookup";
import { runAdminQuery } from "~/modules/shop/graphql.server";

/**
 * "Where is my order?" without an account: an order number and the email it was placed with. The order is found by
 * name, then the email is compared here before anything is returned. A wrong email, an unknown number or a
 * cancelled lookup all answer the same NOT_FOUND, so the endpoint cannot tell a guesser which half was right.
 */

export interface OrderStatusView {
  name: string;
  processedAt: string;
  cancelled: boolean;
  /** Shopify's display enums, e.g. PAID, FULFILLED, IN_PROGRESS; the widget words them in the shopper's language. */
  financialStatus: string | null;
  fulfillmentStatus: string;
  statusPageUrl: string | null;
  shipments: Array<{
    status: string | null;
    deliveredAt: string | null;
    estimatedDeliveryAt: string | null;
    tracking: Array<{ company: string | null; number: string | null; url: string | null }>;
  }>;
}

export type OrderLookupResult = { result: "FOUND"; order: OrderStatusView } | { result: "NOT_FOUND" };

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

/** Only http(s) links reach the widget: a `javascript:` tracking URL must never become a link. */
export function safeHttpUrl(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.toString() : null;
  } catch {
    return null;
  }
}

export function toOrderStatusView(node: OrderStatusLookupResult["orders"]["nodes"][number]): OrderStatusView {
  return {
    name: node.name,
    processedAt: node.processedAt,
    cancelled: node.cancelledAt !== null,
    financialStatus: node.displayFinancialStatus,
    fulfillmentStatus: node.displayFulfillmentStatus,
    statusPageUrl: safeHttpUrl(node.statusPageUrl),
    shipments: node.fulfillments.map((fulfillment) => ({
      status: fulfillment.displayStatus,
      deliveredAt: fulfillment.deliveredAt,
      estimatedDeliveryAt: fulfillment.estimatedDeliveryAt,
      tracking: fulfillment.trackingInfo.map((info) => ({
        company: info.company,
        number: info.number,
        url: safeHttpUrl(info.url),
      })),
    })),
  };
}

export async function lookupOrderStatus(
  admin: AdminApiContext,
  input: { orderNumber: string; email: string },
): Promise<OrderLookupResult> {
  let query: string;
  try {
    query = orderNameSearch(input.orderNumber);
  } catch {
    return { result: "NOT_FOUND" };
  }
  const email = normaliseEmail(input.email);
  if (!email) return { result: "NOT_FOUND" };
  const data = await runAdminQuery<OrderStatusLookupResult>(admin, "OrderStatusLookup", ORDER_STATUS_LOOKUP_QUERY, {
    query,
  });
  const wanted = `#${input.orderNumber.trim().replace(/^#/, "")}`;
  // Shopify's search is fuzzy; only the exact name with the exact email counts.
  const order = data.orders.nodes.find(
    (node) => node.name === wanted && node.email !== null && normaliseEmail(node.email) === email,
  );
  return order ? { result: "FOUND", order: toOrderStatusView(order) } : { result: "NOT_FOUND" };
}
