/**
 * The emulated shop's records. They mirror what Shopify holds, in the shapes the resolvers and webhook builders
 * need, not Kindly's own tables. Conventions:
 * - ids are GIDs (`gid://shopify/Customer/716939024531204817`) and legacy ids are their numeric part as a string:
 *   the numbers exceed 2^53, so they are never JavaScript numbers;
 * - money is integer minor units (cents) so sums are exact; resolvers and payload builders format it;
 * - times are `Date`s in UTC; formatting (ISO for GraphQL, the shop's offset for webhooks) happens at the edge.
 */

export type CurrencyCode = "EUR" | "USD";

export type EmailMarketingState = "SUBSCRIBED" | "NOT_SUBSCRIBED" | "UNSUBSCRIBED" | "PENDING" | "INVALID";
export type SmsMarketingState = "SUBSCRIBED" | "NOT_SUBSCRIBED" | "UNSUBSCRIBED" | "PENDING" | "REDACTED";
export type MarketingOptInLevel = "SINGLE_OPT_IN" | "CONFIRMED_OPT_IN" | "UNKNOWN";

export type OrderFinancialStatus = "PENDING" | "AUTHORIZED" | "PAID" | "PARTIALLY_REFUNDED" | "REFUNDED" | "VOIDED";
export type OrderFulfillmentStatus = "UNFULFILLED" | "PARTIALLY_FULFILLED" | "FULFILLED";
export type FulfillmentDisplayStatus = "CONFIRMED" | "IN_TRANSIT" | "OUT_FOR_DELIVERY" | "DELIVERED";

export type ShopPolicyType = "REFUND_POLICY" | "SHIPPING_POLICY" | "PRIVACY_POLICY" | "TERMS_OF_SERVICE";

export interface ShopPolicyRecord {
  id: string;
  type: ShopPolicyType;
  title: string;
  /** HTML, as merchants write it in the policy editor. */
  body: string;
  url: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface ShopRecord {
  id: string;
  legacyId: string;
  name: string;
  email: string;
  contactEmail: string;
  shopOwnerName: string;
  myshopifyDomain: string;
  primaryDomain: { id: string; host: string; url: string; sslEnabled: boolean };
  currencyCode: CurrencyCode;
  ianaTimezone: string;
  primaryLocale: string;
  /** Prices include VAT in EUR shops; US sales tax is added on top. */
  taxesIncluded: boolean;
  countryCode: string;
  policies: ShopPolicyRecord[];
  appInstallationId: string;
  createdAt: Date;
}

export interface VariantRecord {
  id: string;
  legacyId: string;
  productId: string;
  title: string;
  sku: string;
  priceCents: number;
  grams: number;
}

export interface ProductRecord {
  id: string;
  legacyId: string;
  title: string;
  handle: string;
  vendor: string;
  productType: string;
  variants: VariantRecord[];
}

export interface AddressRecord {
  id: string;
  firstName: string;
  lastName: string;
  address1: string;
  city: string;
  province: string | null;
  provinceCode: string | null;
  country: string;
  countryCode: string;
  zip: string;
  phone: string | null;
  /** IANA time zone of the address: what quiet hours are computed in. */
  timeZone: string;
}

export interface CustomerRecord {
  id: string;
  legacyId: string;
  firstName: string;
  lastName: string;
  email: string;
  emailMarketingState: EmailMarketingState;
  emailMarketingOptInLevel: MarketingOptInLevel | null;
  emailMarketingUpdatedAt: Date | null;
  /** E.164, or null for customers who never gave a phone number. */
  phone: string | null;
  smsMarketingState: SmsMarketingState | null;
  smsMarketingUpdatedAt: Date | null;
  locale: "en" | "fr";
  address: AddressRecord;
  tags: string[];
  note: string | null;
  verifiedEmail: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export interface LineItemRecord {
  id: string;
  legacyId: string;
  productId: string;
  variantId: string;
  title: string;
  variantTitle: string;
  sku: string;
  vendor: string;
  quantity: number;
  unitPriceCents: number;
  grams: number;
}

export interface TrackingInfoRecord {
  company: string;
  number: string;
  url: string;
}

export interface FulfillmentRecord {
  id: string;
  legacyId: string;
  name: string;
  status: "SUCCESS";
  displayStatus: FulfillmentDisplayStatus;
  createdAt: Date;
  updatedAt: Date;
  inTransitAt: Date | null;
  deliveredAt: Date | null;
  estimatedDeliveryAt: Date | null;
  trackingInfo: TrackingInfoRecord[];
  /** Which line items (by id) and how many of each this fulfillment shipped. */
  lineItems: Array<{ lineItemId: string; quantity: number }>;
}

export interface OrderRecord {
  id: string;
  legacyId: string;
  /** "#1001": what shoppers see and type into an order-status lookup. */
  name: string;
  orderNumber: number;
  token: string;
  checkoutToken: string | null;
  customerId: string | null;
  email: string | null;
  phone: string | null;
  customerLocale: string;
  currencyCode: CurrencyCode;
  createdAt: Date;
  processedAt: Date;
  updatedAt: Date;
  cancelledAt: Date | null;
  cancelReason: "customer" | "declined" | "fraud" | "inventory" | "other" | null;
  closedAt: Date | null;
  lineItems: LineItemRecord[];
  subtotalCents: number;
  shippingCents: number;
  taxCents: number;
  taxesIncluded: boolean;
  totalCents: number;
  refundedCents: number;
  financialStatus: OrderFinancialStatus;
  fulfillmentStatus: OrderFulfillmentStatus;
  fulfillments: FulfillmentRecord[];
  statusPageUrl: string;
  buyerAcceptsMarketing: boolean;
  shippingAddress: AddressRecord;
  tags: string[];
  test: boolean;
}

export interface CheckoutLineItemRecord {
  productId: string;
  variantId: string;
  title: string;
  variantTitle: string;
  sku: string;
  vendor: string;
  quantity: number;
  unitPriceCents: number;
  grams: number;
  /** Shopify's per-line key in checkout payloads. */
  key: string;
}

export interface CheckoutRecord {
  /** Older payloads carried a numeric `id`; current ones only `token`. Both are kept so either shape can be sent. */
  legacyId: string;
  token: string;
  cartToken: string;
  customerId: string | null;
  email: string | null;
  phone: string | null;
  /** The phone the shopper gave for SMS marketing at checkout, when they ticked the box. */
  smsMarketingPhone: string | null;
  buyerAcceptsMarketing: boolean;
  buyerAcceptsSmsMarketing: boolean;
  customerLocale: string;
  currencyCode: CurrencyCode;
  lineItems: CheckoutLineItemRecord[];
  subtotalCents: number;
  taxCents: number;
  taxesIncluded: boolean;
  totalCents: number;
  shippingAddress: AddressRecord | null;
  abandonedCheckoutUrl: string;
  createdAt: Date;
  updatedAt: Date;
  completedAt: Date | null;
}

export interface MetafieldRecord {
  id: string;
  legacyId: string;
  ownerId: string;
  namespace: string;
  key: string;
  type: string;
  value: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface DiscountCodeRecord {
  /** The DiscountCodeNode id. */
  id: string;
  legacyId: string;
  redeemCodeId: string;
  /** BASIC (percentage or amount off) or FREE_SHIPPING. */
  kind: "BASIC" | "FREE_SHIPPING";
  /** Free shipping only: the most a shipping rate may cost to be made free (null: any rate). */
  maximumShippingCents: number | null;
  title: string;
  code: string;
  startsAt: Date;
  endsAt: Date | null;
  usageLimit: number | null;
  appliesOncePerCustomer: boolean;
  /** BASIC: exactly one of the two is set. FREE_SHIPPING: both null. */
  percentage: number | null;
  amountCents: number | null;
  appliesOnEachItem: boolean;
  /** null: every buyer; otherwise only these customers. */
  customerIds: string[] | null;
  minimumSubtotalCents: number | null;
  combinesWith: { orderDiscounts: boolean; productDiscounts: boolean; shippingDiscounts: boolean };
  createdAt: Date;
  updatedAt: Date;
}

export type BulkOperationStatus = "CREATED" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELED" | "CANCELING" | "EXPIRED";
export type BulkOperationErrorCode = "ACCESS_DENIED" | "INTERNAL_SERVER_ERROR" | "TIMEOUT";

export interface BulkOperationRecord {
  id: string;
  legacyId: string;
  query: string;
  groupObjects: boolean;
  type: "QUERY";
  status: BulkOperationStatus;
  errorCode: BulkOperationErrorCode | null;
  createdAt: Date;
  completedAt: Date | null;
  objectCount: number;
  rootObjectCount: number;
  fileSize: number | null;
  url: string | null;
  partialDataUrl: string | null;
  /** The JSONL file's text once the operation ran. */
  jsonl: string | null;
  /** Why the emulator failed the operation (not part of Shopify's API; for debugging tests). */
  failureMessage: string | null;
}

export type ThemeRole = "MAIN" | "UNPUBLISHED";

/** A theme and the files Kindly reads from it (only config/settings_data.json today). */
export interface ThemeRecord {
  id: string;
  legacyId: string;
  name: string;
  role: ThemeRole;
  /** filename -> text content. */
  files: Map<string, string>;
  updatedAt: Date;
}
