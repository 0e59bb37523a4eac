import { createHash, createHmac } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { parse as parseToml } from "smol-toml";
import { restMoney, shopLocalDateTime } from "./emulator/format";
import { currentTotalCents, type ShopStore } from "./emulator/store";
import type {
  AddressRecord,
  BulkOperationRecord,
  CheckoutLineItemRecord,
  CheckoutRecord,
  CustomerRecord,
  FulfillmentRecord,
  LineItemRecord,
  OrderRecord,
} from "./emulator/types";
import { parseGid } from "./emulator/ids";
import { ROOT } from "./paths";

/**
 * Shopify-shaped webhooks for tests and the demo: payload builders that follow Shopify's published samples (the
 * field names, nesting and formats of ../shared/shopify/webhooks, filled from the emulated store), and a sender
 * that signs them exactly as Shopify does (base64 HMAC-SHA256 of the raw body with the app's secret) with the full
 * set of X-Shopify-* headers. Numeric ids are written into the body as JSON numbers, digit for digit, even when they
 * exceed 2^53, because that is what Shopify sends and what Kindly's parser must survive.
 */

// ---- JSON with exact big numbers ------------------------------------------------------------------------------------

/** A JSON number written verbatim: Shopify's 18-digit ids cannot round-trip through a JavaScript number. */
export class JsonNumber {
  constructor(readonly digits: string) {
    if (!/^-?\d+(\.\d+)?$/.test(digits)) throw new Error(`Not a JSON number: ${digits}`);
  }
}

export type JsonValue = string | number | boolean | null | JsonNumber | JsonValue[] | { [key: string]: JsonValue };

/** Compact JSON, as Shopify sends it, with JsonNumber values written digit for digit. */
export function stringifyJson(value: JsonValue): string {
  if (value instanceof JsonNumber) return value.digits;
  if (value === null || typeof value === "string" || typeof value === "boolean") return JSON.stringify(value);
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error("Webhook payloads cannot contain non-finite numbers");
    if (Number.isInteger(value) && !Number.isSafeInteger(value))
      throw new Error(`Unsafe integer ${value}: pass ids as JsonNumber`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(stringifyJson).join(",")}]`;
  return `{${Object.entries(value)
    .map(([key, item]) => `${JSON.stringify(key)}:${stringifyJson(item)}`)
    .join(",")}}`;
}

const num = (legacyId: string): JsonNumber => new JsonNumber(legacyId);
const legacy = (gid: string): JsonNumber => num(parseGid(gid)?.legacyId ?? "0");

// ---- Topics and their URIs, from shopify.app.toml -------------------------------------------------------------------

export type WebhookTopic =
  | "app/uninstalled"
  | "bulk_operations/finish"
  | "checkouts/create"
  | "checkouts/update"
  | "customers/create"
  | "customers/update"
  | "customers/delete"
  | "customers/redact"
  | "customers/data_request"
  | "orders/create"
  | "orders/paid"
  | "orders/fulfilled"
  | "orders/updated"
  | "fulfillment_events/create"
  | "shop/redact";

interface AppToml {
  webhooks?: {
    api_version?: string;
    subscriptions?: Array<{ topics?: string[]; compliance_topics?: string[]; uri?: string }>;
  };
}

let tomlCache: { mtimeMs: number; config: AppToml } | null = null;

function appToml(): AppToml {
  const file = path.join(ROOT, "shopify.app.toml");
  const { mtimeMs } = fs.statSync(file);
  // Re-read when the file changes: other work adds subscriptions while a watch-mode run is going.
  if (!tomlCache || tomlCache.mtimeMs !== mtimeMs)
    tomlCache = { mtimeMs, config: parseToml(fs.readFileSync(file, "utf8")) as AppToml };
  return tomlCache.config;
}

/**
 * The path Shopify would POST a topic to: the `uri` of the subscription listing it (in `topics` or
 * `compliance_topics`), or `/webhooks/<topic>` for a topic not subscribed yet (the convention the toml follows).
 */
export function webhookUri(topic: string): string {
  for (const subscription of appToml().webhooks?.subscriptions ?? []) {
    if ((subscription.topics ?? []).includes(topic) || (subscription.compliance_topics ?? []).includes(topic)) {
      if (subscription.uri) return subscription.uri;
    }
  }
  return `/webhooks/${topic}`;
}

/** The API version webhooks are delivered in (`[webhooks] api_version`). */
export function webhookApiVersion(): string {
  return appToml().webhooks?.api_version ?? "2026-10";
}

// ---- Payload builders -----------------------------------------------------------------------------------------------

function at(store: ShopStore, date: Date | null): string | null {
  return date ? shopLocalDateTime(date, store.shop.ianaTimezone) : null;
}

function moneySet(cents: number, currency: string): JsonValue {
  return {
    shop_money: { amount: restMoney(cents), currency_code: currency },
    presentment_money: { amount: restMoney(cents), currency_code: currency },
  };
}

function addressPayload(address: AddressRecord): { [key: string]: JsonValue } {
  return {
    first_name: address.firstName,
    address1: address.address1,
    phone: address.phone,
    city: address.city,
    zip: address.zip,
    province: address.province,
    country: address.country,
    last_name: address.lastName,
    address2: null,
    company: null,
    latitude: null,
    longitude: null,
    name: `${address.firstName} ${address.lastName}`,
    country_code: address.countryCode,
    province_code: address.provinceCode,
  };
}

function customerAddressPayload(customer: CustomerRecord): { [key: string]: JsonValue } {
  const address = customer.address;
  return {
    id: legacy(address.id),
    customer_id: num(customer.legacyId),
    first_name: address.firstName,
    last_name: address.lastName,
    company: null,
    address1: address.address1,
    address2: null,
    city: address.city,
    province: address.province,
    country: address.country,
    zip: address.zip,
    phone: address.phone,
    name: `${address.firstName} ${address.lastName}`,
    province_code: address.provinceCode,
    country_code: address.countryCode,
    country_name: address.country,
    default: true,
  };
}

/** The customer object embedded in checkouts and orders (no `addresses` list there, as in Shopify's samples). */
function embeddedCustomer(store: ShopStore, customer: CustomerRecord): { [key: string]: JsonValue } {
  return {
    id: num(customer.legacyId),
    created_at: at(store, customer.createdAt),
    updated_at: at(store, customer.updatedAt),
    first_name: customer.firstName,
    last_name: customer.lastName,
    // Customers with a login are "enabled"; most shoppers check out as guests and stay "disabled".
    state: customer.verifiedEmail && store.numberOfOrders(customer.id) > 1 ? "enabled" : "disabled",
    note: customer.note,
    verified_email: customer.verifiedEmail,
    multipass_identifier: null,
    tax_exempt: false,
    email: customer.email,
    phone: customer.phone,
    currency: store.shop.currencyCode,
    tax_exemptions: [],
    admin_graphql_api_id: customer.id,
    default_address: customerAddressPayload(customer),
  };
}

function taxLine(store: ShopStore, taxCents: number, rate: number): JsonValue {
  return {
    price: restMoney(taxCents),
    rate,
    title: store.shop.currencyCode === "EUR" ? "TVA" : "State Tax",
    channel_liable: false,
  };
}

function taxRate(store: ShopStore, subtotalCents: number, taxCents: number): number {
  if (store.shop.taxesIncluded) return 0.2;
  return subtotalCents > 0 ? Math.round((taxCents / subtotalCents) * 100_000) / 100_000 : 0;
}

function checkoutLinePayload(line: CheckoutLineItemRecord): JsonValue {
  const lineCents = line.unitPriceCents * line.quantity;
  return {
    applied_discounts: [],
    discount_allocations: [],
    key: line.key,
    destination_location_id: null,
    fulfillment_service: "manual",
    gift_card: line.grams === 0,
    grams: line.grams,
    origin_location_id: null,
    presentment_title: line.title,
    presentment_variant_title: line.variantTitle,
    product_id: legacy(line.productId),
    properties: null,
    quantity: line.quantity,
    requires_shipping: line.grams > 0,
    sku: line.sku,
    tax_lines: [],
    taxable: true,
    title: line.title,
    variant_id: legacy(line.variantId),
    variant_title: line.variantTitle,
    variant_price: restMoney(line.unitPriceCents),
    vendor: line.vendor,
    user_id: null,
    unit_price_measurement: {
      measured_type: null,
      quantity_value: null,
      quantity_unit: null,
      reference_value: null,
      reference_unit: null,
    },
    rank: null,
    compare_at_price: null,
    line_price: restMoney(lineCents),
    price: restMoney(line.unitPriceCents),
  };
}

export interface CheckoutPayloadOptions {
  /**
   * Include the legacy top-level numeric `id`. Current payloads (Shopify's 2026 samples) start with `token` and have
   * no `id`; older ones had both. Kindly must match on `token` either way.
   */
  withId?: boolean;
}

/** checkouts/create and checkouts/update. */
export function checkoutPayload(
  store: ShopStore,
  checkout: CheckoutRecord,
  options: CheckoutPayloadOptions = {},
): JsonValue {
  const customer = checkout.customerId ? store.getCustomer(checkout.customerId) : null;
  const currency = checkout.currencyCode;
  const payload: { [key: string]: JsonValue } = {
    ...(options.withId ? { id: num(checkout.legacyId) } : {}),
    token: checkout.token,
    cart_token: checkout.cartToken,
    email: checkout.email,
    gateway: null,
    buyer_accepts_marketing: checkout.buyerAcceptsMarketing,
    created_at: at(store, checkout.createdAt),
    updated_at: at(store, checkout.updatedAt),
    landing_site: null,
    note: null,
    note_attributes: [],
    referring_site: null,
    shipping_lines: [],
    taxes_included: checkout.taxesIncluded,
    total_weight: checkout.lineItems.reduce((sum, line) => sum + line.grams * line.quantity, 0),
    currency,
    completed_at: at(store, checkout.completedAt),
    closed_at: null,
    user_id: null,
    location_id: null,
    source_identifier: null,
    source_url: null,
    device_id: null,
    phone: checkout.phone,
    customer_locale: checkout.customerLocale,
    line_items: checkout.lineItems.map(checkoutLinePayload),
    name: `#${checkout.legacyId}`,
    source: null,
    abandoned_checkout_url: checkout.abandonedCheckoutUrl,
    discount_codes: [],
    tax_lines:
      checkout.taxCents > 0
        ? [taxLine(store, checkout.taxCents, taxRate(store, checkout.subtotalCents, checkout.taxCents))]
        : [],
    source_name: "web",
    presentment_currency: currency,
    buyer_accepts_sms_marketing: checkout.buyerAcceptsSmsMarketing,
    sms_marketing_phone: checkout.smsMarketingPhone,
    total_discounts: "0.00",
    total_line_items_price: restMoney(checkout.subtotalCents),
    total_price: restMoney(checkout.totalCents),
    total_tax: restMoney(checkout.taxCents),
    subtotal_price: restMoney(checkout.subtotalCents),
    total_duties: null,
    reservation_token: null,
    billing_address: checkout.shippingAddress ? addressPayload(checkout.shippingAddress) : null,
    shipping_address: checkout.shippingAddress ? addressPayload(checkout.shippingAddress) : null,
  };
  if (customer) payload.customer = embeddedCustomer(store, customer);
  return payload;
}

const FINANCIAL_STATUS: Record<OrderRecord["financialStatus"], string> = {
  PENDING: "pending",
  AUTHORIZED: "authorized",
  PAID: "paid",
  PARTIALLY_REFUNDED: "partially_refunded",
  REFUNDED: "refunded",
  VOIDED: "voided",
};

const FULFILLMENT_STATUS: Record<OrderRecord["fulfillmentStatus"], string | null> = {
  UNFULFILLED: null,
  PARTIALLY_FULFILLED: "partial",
  FULFILLED: "fulfilled",
};

function shippedQuantity(order: OrderRecord, line: LineItemRecord): number {
  return order.fulfillments.reduce(
    (sum, fulfillment) =>
      sum +
      fulfillment.lineItems.filter((item) => item.lineItemId === line.id).reduce((n, item) => n + item.quantity, 0),
    0,
  );
}

function orderLinePayload(order: OrderRecord, line: LineItemRecord, quantity = line.quantity): JsonValue {
  const shipped = shippedQuantity(order, line);
  const gone = order.cancelledAt !== null || order.financialStatus === "REFUNDED";
  return {
    id: num(line.legacyId),
    admin_graphql_api_id: line.id,
    attributed_staffs: [],
    current_quantity: gone ? 0 : line.quantity,
    fulfillable_quantity: gone ? 0 : line.quantity - shipped,
    fulfillment_service: "manual",
    fulfillment_status: shipped >= line.quantity ? "fulfilled" : shipped > 0 ? "partial" : null,
    gift_card: line.grams === 0,
    grams: line.grams,
    name: line.variantTitle === "Default Title" ? line.title : `${line.title} - ${line.variantTitle}`,
    price: restMoney(line.unitPriceCents),
    price_set: moneySet(line.unitPriceCents, order.currencyCode),
    product_exists: true,
    product_id: legacy(line.productId),
    properties: [],
    quantity,
    requires_shipping: line.grams > 0,
    sales_line_item_group_id: null,
    sku: line.sku,
    taxable: true,
    title: line.title,
    total_discount: "0.00",
    total_discount_set: moneySet(0, order.currencyCode),
    variant_id: legacy(line.variantId),
    variant_inventory_management: "shopify",
    variant_title: line.variantTitle === "Default Title" ? null : line.variantTitle,
    vendor: line.vendor,
    tax_lines: [],
    duties: [],
    discount_allocations: [],
  };
}

function fulfillmentPayload(store: ShopStore, order: OrderRecord, fulfillment: FulfillmentRecord): JsonValue {
  const tracking = fulfillment.trackingInfo[0] ?? null;
  return {
    id: num(fulfillment.legacyId),
    admin_graphql_api_id: fulfillment.id,
    created_at: at(store, fulfillment.createdAt),
    location_id: null,
    name: fulfillment.name,
    order_id: num(order.legacyId),
    origin_address: {},
    receipt: {},
    service: "manual",
    shipment_status: fulfillment.displayStatus === "CONFIRMED" ? "confirmed" : fulfillment.displayStatus.toLowerCase(),
    status: "success",
    tracking_company: tracking?.company ?? null,
    tracking_number: tracking?.number ?? null,
    tracking_numbers: fulfillment.trackingInfo.map((info) => info.number),
    tracking_url: tracking?.url ?? null,
    tracking_urls: fulfillment.trackingInfo.map((info) => info.url),
    updated_at: at(store, fulfillment.updatedAt),
    line_items: fulfillment.lineItems.flatMap((shipped) => {
      const line = order.lineItems.find((candidate) => candidate.id === shipped.lineItemId);
      return line ? [orderLinePayload(order, line, shipped.quantity)] : [];
    }),
  };
}

/** orders/create, orders/paid, orders/fulfilled, orders/updated: the same order object, as in Shopify's samples. */
export function orderPayload(store: ShopStore, order: OrderRecord): JsonValue {
  const customer = order.customerId ? store.getCustomer(order.customerId) : null;
  const currency = order.currencyCode;
  const current = currentTotalCents(order);
  const lineCents = order.subtotalCents;
  const outstanding =
    order.financialStatus === "PENDING" || order.financialStatus === "AUTHORIZED" ? order.totalCents : 0;
  return {
    id: num(order.legacyId),
    admin_graphql_api_id: order.id,
    app_id: null,
    browser_ip: null,
    buyer_accepts_marketing: order.buyerAcceptsMarketing,
    cancel_reason: order.cancelReason,
    cancelled_at: at(store, order.cancelledAt),
    cart_token: null,
    checkout_token: order.checkoutToken,
    client_details: null,
    closed_at: at(store, order.closedAt),
    confirmation_number: order.token.slice(0, 9).toUpperCase(),
    confirmed: true,
    contact_email: order.email,
    created_at: at(store, order.createdAt),
    currency,
    current_shipping_price_set: moneySet(order.cancelledAt ? 0 : order.shippingCents, currency),
    current_subtotal_price: restMoney(order.cancelledAt ? 0 : lineCents),
    current_subtotal_price_set: moneySet(order.cancelledAt ? 0 : lineCents, currency),
    current_total_additional_fees_set: null,
    current_total_discounts: "0.00",
    current_total_discounts_set: moneySet(0, currency),
    current_total_duties_set: null,
    current_total_price: restMoney(current),
    current_total_price_set: moneySet(current, currency),
    current_total_tax: restMoney(order.cancelledAt ? 0 : order.taxCents),
    current_total_tax_set: moneySet(order.cancelledAt ? 0 : order.taxCents, currency),
    customer_locale: order.customerLocale,
    device_id: null,
    discount_codes: [],
    duties_included: false,
    email: order.email,
    estimated_taxes: false,
    financial_status: FINANCIAL_STATUS[order.financialStatus],
    fulfillment_status: FULFILLMENT_STATUS[order.fulfillmentStatus],
    landing_site: null,
    landing_site_ref: null,
    location_id: null,
    merchant_business_entity_id: Buffer.from(store.shop.legacyId).toString("base64url"),
    merchant_of_record_app_id: null,
    name: order.name,
    note: null,
    note_attributes: [],
    number: order.orderNumber - 1000,
    order_number: order.orderNumber,
    order_status_url: order.statusPageUrl,
    original_total_additional_fees_set: null,
    original_total_duties_set: null,
    payment_gateway_names: ["shopify_payments"],
    phone: order.phone,
    po_number: null,
    presentment_currency: currency,
    processed_at: at(store, order.processedAt),
    reference: null,
    referring_site: null,
    source_identifier: null,
    source_name: "web",
    source_url: null,
    subtotal_price: restMoney(lineCents),
    subtotal_price_set: moneySet(lineCents, currency),
    tags: order.tags.join(", "),
    tax_exempt: false,
    tax_lines:
      order.taxCents > 0 ? [taxLine(store, order.taxCents, taxRate(store, order.subtotalCents, order.taxCents))] : [],
    taxes_included: order.taxesIncluded,
    test: order.test,
    token: order.token,
    total_cash_rounding_payment_adjustment_set: moneySet(0, currency),
    total_cash_rounding_refund_adjustment_set: moneySet(0, currency),
    total_discounts: "0.00",
    total_discounts_set: moneySet(0, currency),
    total_line_items_price: restMoney(lineCents),
    total_line_items_price_set: moneySet(lineCents, currency),
    total_outstanding: restMoney(outstanding),
    total_price: restMoney(order.totalCents),
    total_price_set: moneySet(order.totalCents, currency),
    total_shipping_price_set: moneySet(order.shippingCents, currency),
    total_tax: restMoney(order.taxCents),
    total_tax_set: moneySet(order.taxCents, currency),
    total_tip_received: "0.00",
    total_weight: order.lineItems.reduce((sum, line) => sum + line.grams * line.quantity, 0),
    updated_at: at(store, order.updatedAt),
    user_id: null,
    billing_address: addressPayload(order.shippingAddress),
    customer: customer ? embeddedCustomer(store, customer) : null,
    discount_applications: [],
    fulfillments: order.fulfillments.map((fulfillment) => fulfillmentPayload(store, order, fulfillment)),
    line_items: order.lineItems.map((line) => orderLinePayload(order, line)),
    payment_terms: null,
    refunds: [],
    shipping_address: addressPayload(order.shippingAddress),
    shipping_lines: [
      {
        // Shipping lines have ids of their own; the emulator derives one from the order's.
        id: num((BigInt(order.legacyId) + 7n).toString()),
        carrier_identifier: null,
        code: "Standard",
        current_discounted_price_set: moneySet(order.shippingCents, currency),
        discounted_price: restMoney(order.shippingCents),
        discounted_price_set: moneySet(order.shippingCents, currency),
        is_removed: false,
        phone: null,
        price: restMoney(order.shippingCents),
        price_set: moneySet(order.shippingCents, currency),
        requested_fulfillment_service_id: null,
        source: "shopify",
        title: "Standard",
        tax_lines: [],
        discount_allocations: [],
      },
    ],
    returns: [],
    line_item_groups: [],
  };
}

/**
 * customers/create and customers/update. Shopify's samples carry no marketing-consent keys, so neither does the
 * emulator: Kindly reads consent with the CustomerConsent query instead of trusting the webhook body.
 */
export function customerPayload(store: ShopStore, customer: CustomerRecord): JsonValue {
  // Same fields as the embedded customer, in the sample's order, plus the `addresses` list.
  const {
    default_address: defaultAddress,
    tax_exemptions: taxExemptions,
    admin_graphql_api_id: gid,
    ...head
  } = embeddedCustomer(store, customer);
  return {
    ...head,
    addresses: [defaultAddress],
    tax_exemptions: taxExemptions,
    admin_graphql_api_id: gid,
    default_address: defaultAddress,
  };
}

/** customers/delete: only the id survives. */
export function customerDeletePayload(customer: CustomerRecord): JsonValue {
  return {
    id: num(customer.legacyId),
    phone: null,
    addresses: [],
    tax_exemptions: [],
    email_marketing_consent: null,
    sms_marketing_consent: null,
    admin_graphql_api_id: customer.id,
  };
}

function shopIdentity(store: ShopStore): { [key: string]: JsonValue } {
  return { shop_id: num(store.shop.legacyId), shop_domain: store.domain };
}

function compactCustomer(customer: CustomerRecord): JsonValue {
  return { id: num(customer.legacyId), email: customer.email, phone: customer.phone };
}

/** customers/redact (compliance): the customer and the orders to erase, by default all of theirs. */
export function customersRedactPayload(store: ShopStore, customer: CustomerRecord, orderIds?: string[]): JsonValue {
  const ids = orderIds ?? store.ordersOf(customer.id).map((order) => order.id);
  return { ...shopIdentity(store), customer: compactCustomer(customer), orders_to_redact: ids.map(legacy) };
}

/** customers/data_request (compliance). */
export function customersDataRequestPayload(
  store: ShopStore,
  customer: CustomerRecord,
  options: { dataRequestId?: string; orderIds?: string[] } = {},
): JsonValue {
  const ids = options.orderIds ?? store.ordersOf(customer.id).map((order) => order.id);
  return {
    ...shopIdentity(store),
    customer: compactCustomer(customer),
    orders_requested: ids.map(legacy),
    data_request: { id: num(options.dataRequestId ?? "9999") },
  };
}

/** shop/redact (compliance), 48 hours after uninstall. */
export function shopRedactPayload(store: ShopStore): JsonValue {
  return shopIdentity(store);
}

/** app/uninstalled: the shop object. */
export function appUninstalledPayload(store: ShopStore): JsonValue {
  const shop = store.shop;
  const eur = shop.currencyCode === "EUR";
  const offset = shopLocalDateTime(store.now(), shop.ianaTimezone).slice(19);
  return {
    id: num(shop.legacyId),
    name: shop.name,
    email: shop.email,
    domain: shop.primaryDomain.host,
    province: eur ? null : "New York",
    country: eur ? "FR" : "US",
    address1: eur ? "12 rue Charlot" : "145 Front Street",
    zip: eur ? "75003" : "11201",
    city: eur ? "Paris" : "Brooklyn",
    source: null,
    phone: eur ? "+33639980000" : "+17185550100",
    latitude: null,
    longitude: null,
    primary_locale: shop.primaryLocale,
    address2: null,
    created_at: at(store, shop.createdAt),
    updated_at: at(store, shop.createdAt),
    country_code: eur ? "FR" : "US",
    country_name: eur ? "France" : "United States",
    currency: shop.currencyCode,
    customer_email: shop.contactEmail,
    timezone: `(GMT${offset}) ${shop.ianaTimezone}`,
    iana_timezone: shop.ianaTimezone,
    shop_owner: shop.shopOwnerName,
    money_format: eur ? "€{{amount_with_comma_separator}}" : "${{amount}}",
    money_with_currency_format: eur ? "€{{amount_with_comma_separator}} EUR" : "${{amount}} USD",
    weight_unit: "kg",
    province_code: eur ? null : "NY",
    taxes_included: shop.taxesIncluded,
    auto_configure_tax_inclusivity: null,
    tax_shipping: null,
    county_taxes: !eur,
    plan_display_name: "Basic",
    plan_name: "basic",
    has_discounts: store.discountCodes.length > 0,
    has_gift_cards: false,
    myshopify_domain: shop.myshopifyDomain,
    google_apps_domain: null,
    google_apps_login_enabled: null,
    money_in_emails_format: eur ? "€{{amount_with_comma_separator}}" : "${{amount}}",
    money_with_currency_in_emails_format: eur ? "€{{amount_with_comma_separator}} EUR" : "${{amount}} USD",
    eligible_for_payments: true,
    requires_extra_payments_agreement: false,
    password_enabled: false,
    has_storefront: true,
    finances: true,
    primary_location_id: num((BigInt(shop.legacyId) + 11n).toString()),
    checkout_api_supported: true,
    multi_location_enabled: true,
    setup_required: false,
    pre_launch_enabled: false,
    enabled_presentment_currencies: [shop.currencyCode],
    marketing_sms_consent_enabled_at_checkout: true,
    transactional_sms_disabled: false,
  };
}

/** bulk_operations/finish: sent when a bulk operation completes, fails or is canceled. */
export function bulkOperationFinishPayload(store: ShopStore, operation: BulkOperationRecord): JsonValue {
  return {
    admin_graphql_api_id: operation.id,
    completed_at: at(store, operation.completedAt),
    created_at: at(store, operation.createdAt),
    error_code: operation.errorCode ? operation.errorCode.toLowerCase() : null,
    status: operation.status.toLowerCase(),
    type: operation.type.toLowerCase(),
  };
}

/**
 * fulfillment_events/create: a carrier's event on a shipment (Shopify's FulfillmentEvent REST shape). The emulator
 * sends the shipment's current display status ("delivered" once `store.markDelivered` ran).
 */
export function fulfillmentEventPayload(
  store: ShopStore,
  order: OrderRecord,
  fulfillment: FulfillmentRecord,
  status?: string,
): JsonValue {
  const happenedAt =
    fulfillment.displayStatus === "DELIVERED"
      ? fulfillment.deliveredAt
      : (fulfillment.inTransitAt ?? fulfillment.updatedAt);
  const legacyEventId = (
    BigInt(fulfillment.legacyId) * 10n +
    BigInt(order.fulfillments.indexOf(fulfillment) + 1)
  ).toString();
  return {
    id: num(legacyEventId),
    fulfillment_id: num(fulfillment.legacyId),
    status: status ?? fulfillment.displayStatus.toLowerCase(),
    message: null,
    happened_at: at(store, happenedAt),
    city: null,
    province: null,
    country: null,
    zip: null,
    address1: null,
    latitude: null,
    longitude: null,
    shop_id: num(store.shop.legacyId),
    created_at: at(store, happenedAt),
    updated_at: at(store, happenedAt),
    estimated_delivery_at: at(store, fulfillment.estimatedDeliveryAt),
    order_id: num(order.legacyId),
    admin_graphql_api_id: `gid://shopify/FulfillmentEvent/${legacyEventId}`,
  };
}

/** What a webhook is about, by topic: the one place tests and the demo pick a payload builder. */
export type WebhookSubject =
  | { topic: "checkouts/create" | "checkouts/update"; checkout: CheckoutRecord; withId?: boolean }
  | { topic: "orders/create" | "orders/paid" | "orders/fulfilled" | "orders/updated"; order: OrderRecord }
  | { topic: "customers/create" | "customers/update" | "customers/delete"; customer: CustomerRecord }
  | { topic: "customers/redact"; customer: CustomerRecord; orderIds?: string[] }
  | { topic: "customers/data_request"; customer: CustomerRecord; orderIds?: string[]; dataRequestId?: string }
  | { topic: "shop/redact" | "app/uninstalled" }
  | { topic: "bulk_operations/finish"; operation: BulkOperationRecord }
  | { topic: "fulfillment_events/create"; order: OrderRecord; fulfillment: FulfillmentRecord; status?: string };

export function webhookPayload(store: ShopStore, subject: WebhookSubject): JsonValue {
  switch (subject.topic) {
    case "checkouts/create":
    case "checkouts/update":
      return checkoutPayload(store, subject.checkout, { withId: subject.withId });
    case "orders/create":
    case "orders/paid":
    case "orders/fulfilled":
    case "orders/updated":
      return orderPayload(store, subject.order);
    case "customers/create":
    case "customers/update":
      return customerPayload(store, subject.customer);
    case "customers/delete":
      return customerDeletePayload(subject.customer);
    case "customers/redact":
      return customersRedactPayload(store, subject.customer, subject.orderIds);
    case "customers/data_request":
      return customersDataRequestPayload(store, subject.customer, subject);
    case "shop/redact":
      return shopRedactPayload(store);
    case "app/uninstalled":
      return appUninstalledPayload(store);
    case "bulk_operations/finish":
      return bulkOperationFinishPayload(store, subject.operation);
    case "fulfillment_events/create":
      return fulfillmentEventPayload(store, subject.order, subject.fulfillment, subject.status);
  }
}

// ---- Signing and sending --------------------------------------------------------------------------------------------

/** X-Shopify-Hmac-Sha256: base64 HMAC-SHA256 of the raw body with the app's API secret. */
export function signWebhook(rawBody: string, apiSecret: string): string {
  return createHmac("sha256", apiSecret).update(rawBody, "utf8").digest("base64");
}

function uuidFrom(text: string): string {
  const hex = createHash("sha256").update(text).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export interface WebhookRequestOptions {
  appUrl: string;
  apiSecret: string;
  topic: WebhookTopic | string;
  shop: string;
  /** The payload, or raw body text (to send exactly these bytes). */
  body: JsonValue | string;
  /** Defaults to the toml's URI for the topic. */
  uri?: string;
  apiVersion?: string;
  /**
   * Ids default to values derived from topic, shop and body: sending the same body again is a redelivery with the
   * same ids (what Shopify's retries look like); pass ids explicitly to model distinct events.
   */
  eventId?: string;
  webhookId?: string;
  triggeredAt?: Date;
}

export interface SignedWebhook {
  url: string;
  rawBody: string;
  headers: Record<string, string>;
  eventId: string;
  webhookId: string;
}

export function signedWebhook(options: WebhookRequestOptions): SignedWebhook {
  const rawBody = typeof options.body === "string" ? options.body : stringifyJson(options.body);
  const url = new URL(options.uri ?? webhookUri(options.topic), options.appUrl).toString();
  const eventId = options.eventId ?? uuidFrom(`event\n${options.topic}\n${options.shop}\n${rawBody}`);
  const webhookId = options.webhookId ?? uuidFrom(`webhook\n${options.topic}\n${options.shop}\n${rawBody}`);
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    "X-Shopify-Topic": options.topic,
    "X-Shopify-Hmac-Sha256": signWebhook(rawBody, options.apiSecret),
    "X-Shopify-Shop-Domain": options.shop,
    "X-Shopify-API-Version": options.apiVersion ?? webhookApiVersion(),
    "X-Shopify-Webhook-Id": webhookId,
    "X-Shopify-Event-Id": eventId,
    "X-Shopify-Triggered-At": (options.triggeredAt ?? new Date()).toISOString(),
  };
  return { url, rawBody, headers, eventId, webhookId };
}

/** A real Fetch `Request`, signed, ready for `authenticate.webhook(request)` or a route's action. */
export function webhookRequest(options: WebhookRequestOptions): Request {
  const signed = signedWebhook(options);
  return new Request(signed.url, { method: "POST", headers: signed.headers, body: signed.rawBody });
}

export interface SendWebhookOptions extends WebhookRequestOptions {
  /** How to deliver (default: global fetch, which MSW or a loopback server answers; never a real host in tests). */
  fetch?: (request: Request) => Promise<Response>;
}

export interface WebhookDelivery {
  topic: string;
  shop: string;
  url: string;
  eventId: string;
  webhookId: string;
  status: number;
  response: Response;
}

/** POSTs a signed webhook to the app and reports how it answered. */
export async function sendWebhook(options: SendWebhookOptions): Promise<WebhookDelivery> {
  const signed = signedWebhook(options);
  const request = new Request(signed.url, { method: "POST", headers: signed.headers, body: signed.rawBody });
  const response = await (options.fetch ?? ((r: Request) => fetch(r)))(request);
  return {
    topic: options.topic,
    shop: options.shop,
    url: signed.url,
    eventId: signed.eventId,
    webhookId: signed.webhookId,
    status: response.status,
    response,
  };
}
