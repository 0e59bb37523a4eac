import path from "node:path";
import type { AdminApiContext } from "@shopify/shopify-app-remix/server";
import { ORDER_STATUS_LOOKUP_QUERY, orderNameSearch, type OrderStatusLookupResult } from "~/graphql/OrderStatusLookup";
import { runAdminQuery } from "~/modules/shop/graphql.server";
import { loadThemeExtension, resolveLocale } from "~/modules/storefront/theme-extension.server";

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

// ---- Words for the shopper -----------------------------------------------------------------------------------------

type StatusWords = Record<string, string>;
const statusWords = new Map<string, StatusWords>();

/**
 * The extension's own translations of Shopify's status enums (`chat.status.*` in locales/<lang>.json), so the
 * widget shows "Livré" on a French page without every page carrying every status word.
 */
async function wordsFor(extensionDir: string, locale: string | null | undefined): Promise<StatusWords> {
  const cacheKey = `${extensionDir}|${locale ?? ""}`;
  const cached = statusWords.get(cacheKey);
  if (cached) return cached;
  const extension = await loadThemeExtension(extensionDir);
  const pick = (code: string) => {
    const chat = extension.locales.get(code)?.chat;
    const status = typeof chat === "object" ? chat.status : undefined;
    return typeof status === "object" ? (status as StatusWords) : {};
  };
  const words = { ...pick(extension.defaultLocale), ...pick(resolveLocale(extension, locale)) };
  statusWords.set(cacheKey, words);
  return words;
}

/** "ON_HOLD" -> "On hold", for a status Shopify adds before the locale files know it. */
const humanise = (value: string) => value.charAt(0) + value.slice(1).toLowerCase().replace(/_/g, " ");

export interface LabelledOrderStatus {
  name: string;
  status: string;
  statusPageUrl: string | null;
  shipments: Array<OrderStatusView["shipments"][number] & { label: string }>;
}

export async function labelOrderStatus(
  order: OrderStatusView,
  locale: string | null | undefined,
  extensionDir = path.resolve(process.cwd(), "extensions", "kindly-storefront"),
): Promise<LabelledOrderStatus> {
  const words = await wordsFor(extensionDir, locale);
  const word = (value: string) => words[value] ?? humanise(value);
  return {
    name: order.name,
    status: word(order.cancelled ? "CANCELLED" : order.fulfillmentStatus),
    statusPageUrl: order.statusPageUrl,
    shipments: order.shipments.map((shipment, index) => ({
      ...shipment,
      label: `${words.shipment ?? "Shipment"} ${index + 1}: ${word(shipment.status ?? "CONFIRMED")}`,
    })),
  };
}
