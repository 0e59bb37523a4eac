import { normalizeEmail, normalizePhone, toGid } from "~/modules/webhooks/payload.server";

/**
 * Pure parsing of Shopify's checkout and order webhook payloads into what Kindly stores. Both checkout shapes are
 * accepted (with and without a top-level `id`; `token` is the key). A payload Kindly cannot use returns
 * `{ error }` with the reason the merchant will see.
 */
export interface ParsedLineItem {
  title: string;
  variantTitle: string | null;
  quantity: number;
  price: string;
}

export interface ParsedCheckout {
  token: string;
  shopifyId: string | null;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  locale: string | null;
  countryCode: string | null;
  provinceCode: string | null;
  currencyCode: string;
  totalPrice: string;
  lineItems: ParsedLineItem[];
  recoveryUrl: string | null;
  /** null = the payload does not say; Kindly asks the Admin API before sending. */
  emailMarketingState: string | null;
  smsMarketingState: string | null;
  customer: {
    shopifyId: string;
    email: string | null;
    phone: string | null;
    firstName: string | null;
    lastName: string | null;
  } | null;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

export interface ParsedOrder {
  shopifyId: string;
  name: string | null;
  checkoutToken: string | null;
  checkoutId: string | null;
  email: string | null;
  phone: string | null;
  customerShopifyId: string | null;
  currencyCode: string;
  totalPrice: string;
  financialStatus: string | null;
  fulfillmentStatus: string | null;
  statusPageUrl: string | null;
  processedAt: Date;
  cancelledAt: Date | null;
  /** What was bought, with Shopify's product ids (the care flows read the products' data). */
  lineItems: Array<{ title: string; variantTitle: string | null; quantity: number; productId: string | null }>;
  /** Shipments so far (orders/fulfilled and later order payloads carry them). */
  fulfillments: ParsedFulfillment[];
}

export interface ParsedFulfillment {
  createdAt: Date | null;
  updatedAt: Date | null;
  /** Shopify's shipment_status: confirmed, in_transit, out_for_delivery, delivered, failure... */
  shipmentStatus: string | null;
  tracking: Array<{ company: string | null; number: string | null; url: string | null }>;
}

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === "object" && value !== null && !Array.isArray(value);
const str = (value: unknown): string | null => (typeof value === "string" && value.trim() !== "" ? value.trim() : null);
const money = (value: unknown): string => {
  const text = typeof value === "number" ? String(value) : str(value);
  return text && /^-?\d+(\.\d+)?$/.test(text) ? text : "0";
};
const date = (value: unknown): Date | null => {
  const text = str(value);
  if (!text) return null;
  const parsed = new Date(text);
  return Number.isNaN(parsed.getTime()) ? null : parsed;
};

function consentState(consent: unknown): string | null {
  return isObj(consent) ? (str(consent.state)?.toUpperCase() ?? null) : null;
}

export function parseCheckoutPayload(payload: unknown): ParsedCheckout | { error: string } {
  if (!isObj(payload)) return { error: "The body is not a JSON object" };
  const token = str(payload.token);
  if (!token) return { error: "The checkout has no token" };
  const customer = isObj(payload.customer) ? payload.customer : null;
  const shipping = isObj(payload.shipping_address) ? payload.shipping_address : null;
  const billing = isObj(payload.billing_address) ? payload.billing_address : null;
  const email = normalizeEmail(payload.email) ?? normalizeEmail(customer?.email);
  const phone =
    normalizePhone(payload.sms_marketing_phone) ??
    normalizePhone(payload.phone) ??
    normalizePhone(customer?.phone) ??
    normalizePhone(shipping?.phone);
  if (!email && !phone) return { error: "The checkout has no email or phone to help the shopper on" };
  const updatedAt = date(payload.updated_at) ?? date(payload.created_at);
  if (!updatedAt) return { error: "The checkout has no valid updated_at" };

  // Consent: the customer's own marketing state wins; a tick at checkout counts as SUBSCRIBED; otherwise unknown.
  const emailState =
    consentState(customer?.email_marketing_consent) ?? (payload.buyer_accepts_marketing === true ? "SUBSCRIBED" : null);
  const smsState =
    consentState(customer?.sms_marketing_consent) ??
    (payload.buyer_accepts_sms_marketing === true ? "SUBSCRIBED" : null);

  const customerGid = customer ? (str(customer.admin_graphql_api_id) ?? toGid("Customer", customer.id)) : null;
  const address = shipping ?? billing ?? (isObj(customer?.default_address) ? (customer.default_address as Obj) : null);
  const lineItems = Array.isArray(payload.line_items)
    ? payload.line_items.filter(isObj).map((item) => ({
        title: str(item.presentment_title) ?? str(item.title) ?? "Item",
        variantTitle: str(item.presentment_variant_title) ?? str(item.variant_title),
        quantity: typeof item.quantity === "number" && item.quantity > 0 ? item.quantity : 1,
        price: money(item.price),
      }))
    : [];
  const firstName = str(customer?.first_name) ?? str(shipping?.first_name) ?? str(billing?.first_name);

  return {
    token,
    shopifyId: toGid("Checkout", payload.id),
    email,
    phone,
    firstName,
    locale: str(payload.customer_locale)?.toLowerCase() ?? null,
    countryCode: str(address?.country_code)?.toUpperCase() ?? null,
    provinceCode: str(address?.province_code)?.toUpperCase() ?? null,
    currencyCode: str(payload.presentment_currency) ?? str(payload.currency) ?? "USD",
    totalPrice: money(payload.total_price),
    lineItems,
    recoveryUrl: str(payload.abandoned_checkout_url),
    emailMarketingState: emailState,
    smsMarketingState: smsState,
    customer: customerGid
      ? {
          shopifyId: customerGid,
          email: normalizeEmail(customer?.email),
          phone: normalizePhone(customer?.phone),
          firstName: str(customer?.first_name),
          lastName: str(customer?.last_name),
        }
      : null,
    createdAt: date(payload.created_at) ?? updatedAt,
    updatedAt,
    completedAt: date(payload.completed_at),
  };
}

export function parseOrderPayload(payload: unknown): ParsedOrder | { error: string } {
  if (!isObj(payload)) return { error: "The body is not a JSON object" };
  const shopifyId = str(payload.admin_graphql_api_id) ?? toGid("Order", payload.id);
  if (!shopifyId) return { error: "The order has no id" };
  const customer = isObj(payload.customer) ? payload.customer : null;
  const processedAt = date(payload.processed_at) ?? date(payload.created_at);
  if (!processedAt) return { error: "The order has no valid processed_at" };
  return {
    shopifyId,
    name: str(payload.name),
    checkoutToken: str(payload.checkout_token),
    checkoutId: toGid("Checkout", payload.checkout_id),
    email: normalizeEmail(payload.email) ?? normalizeEmail(payload.contact_email) ?? normalizeEmail(customer?.email),
    phone: normalizePhone(payload.phone) ?? normalizePhone(customer?.phone),
    customerShopifyId: customer ? (str(customer.admin_graphql_api_id) ?? toGid("Customer", customer.id)) : null,
    currencyCode: str(payload.presentment_currency) ?? str(payload.currency) ?? "USD",
    totalPrice: money(payload.total_price),
    financialStatus: str(payload.financial_status),
    fulfillmentStatus: str(payload.fulfillment_status),
    statusPageUrl: str(payload.order_status_url),
    processedAt,
    cancelledAt: date(payload.cancelled_at),
    lineItems: Array.isArray(payload.line_items)
      ? payload.line_items.filter(isObj).map((item) => ({
          title: str(item.title) ?? str(item.name) ?? "Item",
          variantTitle: str(item.variant_title),
          quantity: typeof item.quantity === "number" && item.quantity > 0 ? item.quantity : 1,
          productId: str(item.admin_graphql_api_id)?.includes("/Product/")
            ? str(item.admin_graphql_api_id)
            : toGid("Product", item.product_id),
        }))
      : [],
    fulfillments: Array.isArray(payload.fulfillments)
      ? payload.fulfillments.filter(isObj).map((fulfillment) => {
          const numbers = Array.isArray(fulfillment.tracking_numbers) ? fulfillment.tracking_numbers : [];
          const urls = Array.isArray(fulfillment.tracking_urls) ? fulfillment.tracking_urls : [];
          const count = Math.max(numbers.length, urls.length, fulfillment.tracking_number ? 1 : 0);
          return {
            createdAt: date(fulfillment.created_at),
            updatedAt: date(fulfillment.updated_at),
            shipmentStatus: str(fulfillment.shipment_status)?.toLowerCase() ?? null,
            tracking: Array.from({ length: count }, (_, index) => ({
              company: str(fulfillment.tracking_company),
              number: str(numbers[index]) ?? (index === 0 ? str(fulfillment.tracking_number) : null),
              url: str(urls[index]) ?? (index === 0 ? str(fulfillment.tracking_url) : null),
            })),
          };
        })
      : [],
  };
}
