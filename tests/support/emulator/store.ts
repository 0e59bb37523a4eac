import { createHash } from "node:crypto";
import { parseGid, type IdAllocator } from "./ids";
import type { Prng } from "./prng";
import {
  buildCheckout,
  buildOrder,
  drawCart,
  seedShop,
  DEFAULT_NOW,
  DEFAULT_SEED,
  type CartLine,
  type SeedData,
  type SeedOptions,
} from "./seed";
import type {
  BulkOperationErrorCode,
  BulkOperationRecord,
  CheckoutRecord,
  CustomerRecord,
  DiscountCodeRecord,
  FulfillmentRecord,
  LineItemRecord,
  MetafieldRecord,
  OrderFinancialStatus,
  OrderRecord,
  ProductRecord,
  ShopRecord,
  ThemeRecord,
  VariantRecord,
} from "./types";

/**
 * A mutable, in-memory Shopify shop seeded deterministically. The GraphQL resolvers and the webhook builders read
 * it; tests and the demo change it (tags, metafields, discounts, new checkouts and orders) and check the effects.
 * Customer aggregates (numberOfOrders, amountSpent) are always derived from the orders, so they cannot drift.
 */

export interface ShopStoreOptions extends SeedOptions {
  /**
   * What "now" is for changes made after seeding (updatedAt of a tagged customer, a new order's processedAt).
   * Default: the fixed `now` the store was seeded with, so tests stay deterministic; the demo passes its clock.
   */
  clock?: () => Date;
}

/** The app-owned metafield namespace `$app` resolves to `app--<app id>--...`; the emulator's app id is fixed. */
export const EMULATED_APP_ID = "5617371";

export type NodeRecord =
  | { type: "Shop"; record: ShopRecord }
  | { type: "Domain"; record: ShopRecord["primaryDomain"] }
  | { type: "ShopPolicy"; record: ShopRecord["policies"][number] }
  | { type: "AppInstallation"; record: { id: string } }
  | { type: "Customer"; record: CustomerRecord }
  | { type: "MailingAddress"; record: CustomerRecord["address"] }
  | { type: "Order"; record: OrderRecord }
  | { type: "LineItem"; record: LineItemRecord }
  | { type: "Fulfillment"; record: FulfillmentRecord }
  | { type: "Product"; record: ProductRecord }
  | { type: "ProductVariant"; record: VariantRecord }
  | { type: "Metafield"; record: MetafieldRecord }
  | { type: "DiscountCodeNode"; record: DiscountCodeRecord }
  | { type: "BulkOperation"; record: BulkOperationRecord };

export interface UserErrorShape {
  field: string[] | null;
  message: string;
  code?: string;
  elementIndex?: number;
}

export interface MetafieldsSetInput {
  ownerId: string;
  namespace?: string | null;
  key: string;
  value: string;
  type?: string | null;
  compareDigest?: string | null;
}

export interface DiscountCodeBasicInput {
  title?: string | null;
  code?: string | null;
  startsAt?: string | null;
  endsAt?: string | null;
  usageLimit?: number | null;
  appliesOncePerCustomer?: boolean | null;
  context?: { all?: "ALL" | null; customers?: { add?: string[] | null } | null } | null;
  customerGets?: {
    value?: {
      percentage?: number | null;
      discountAmount?: { amount?: string | null; appliesOnEachItem?: boolean | null } | null;
    } | null;
    items?: { all?: boolean | null } | null;
  } | null;
  minimumRequirement?: { subtotal?: { greaterThanOrEqualToSubtotal?: string | null } | null } | null;
  combinesWith?: {
    productDiscounts?: boolean | null;
    orderDiscounts?: boolean | null;
    shippingDiscounts?: boolean | null;
  } | null;
}

/** `discountCodeFreeShippingCreate` input: the basic code's fields without `customerGets`, plus the shipping limits. */
export interface DiscountCodeFreeShippingInput extends Omit<DiscountCodeBasicInput, "customerGets"> {
  destination?: { all?: boolean | null } | null;
  maximumShippingPrice?: string | null;
}

/** Money counts toward amountSpent only once captured: pending, authorised and voided orders spent nothing yet. */
const CAPTURED: ReadonlySet<OrderFinancialStatus> = new Set(["PAID", "PARTIALLY_REFUNDED", "REFUNDED"]);

/** What an order currently contributes to its customer's amountSpent: captured money net of refunds. */
export function spentCents(order: OrderRecord): number {
  return CAPTURED.has(order.financialStatus) ? order.totalCents - order.refundedCents : 0;
}

/** Shopify's currentTotalPrice: after refunds, and zero for a cancelled order. */
export function currentTotalCents(order: OrderRecord): number {
  return order.cancelledAt ? 0 : order.totalCents - order.refundedCents;
}

const METAFIELD_TYPES: Record<string, (value: string) => boolean> = {
  single_line_text_field: (value) => !/[\r\n]/.test(value),
  multi_line_text_field: () => true,
  json: (value) => {
    try {
      JSON.parse(value);
      return true;
    } catch {
      return false;
    }
  },
  number_integer: (value) => /^-?\d+$/.test(value),
  number_decimal: (value) => /^-?\d+(\.\d+)?$/.test(value),
  boolean: (value) => value === "true" || value === "false",
  date: (value) => /^\d{4}-\d{2}-\d{2}$/.test(value),
  date_time: (value) => !Number.isNaN(Date.parse(value)),
  url: (value) => /^https?:\/\/\S+$/.test(value),
  color: (value) => /^#[0-9a-fA-F]{6}$/.test(value),
};

const METAFIELD_OWNER_TYPES: Record<string, MetafieldOwnerType> = {
  Shop: "SHOP",
  Customer: "CUSTOMER",
  Order: "ORDER",
  Product: "PRODUCT",
  AppInstallation: "API_PERMISSION",
};

export type MetafieldOwnerType = "SHOP" | "CUSTOMER" | "ORDER" | "PRODUCT" | "API_PERMISSION";

function normaliseTags(tags: string[]): string[] {
  // Shopify accepts a list or comma-separated strings; tags are trimmed and blank ones dropped.
  return tags
    .flatMap((tag) => tag.split(","))
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}

function parseCents(decimal: string): number | null {
  if (!/^\d+(\.\d{1,2})?$/.test(decimal.trim())) return null;
  const [units, fraction = ""] = decimal.trim().split(".");
  return Number(units) * 100 + Number(fraction.padEnd(2, "0"));
}

export class ShopStore {
  readonly seed: number;
  readonly shop: ShopRecord;
  readonly products: ProductRecord[];
  readonly customers: CustomerRecord[];
  readonly orders: OrderRecord[];
  readonly checkouts: CheckoutRecord[];
  readonly metafields: MetafieldRecord[] = [];
  readonly discountCodes: DiscountCodeRecord[] = [];
  readonly bulkOperations: BulkOperationRecord[] = [];
  /** The published theme (Dawn, no app embed switched on yet) and an unpublished copy. */
  readonly themes: ThemeRecord[];

  /** Calls left that the API answers with THROTTLED, whatever the bucket holds (see `throttleNext`). */
  forcedThrottles = 0;
  /** Leaky-bucket state of the Admin API rate limit for this shop (managed by the request handler). */
  rateLimit: { available: number; updatedAtMs: number | null } = { available: 2000, updatedAtMs: null };
  /** When set, the next bulk operation fails with this code (see `failNextBulkOperation`). */
  nextBulkFailure: BulkOperationErrorCode | null = null;

  private readonly prng: Prng;
  private readonly ids: IdAllocator;
  private readonly productWeights: number[];
  private readonly clock: () => Date;
  private nextOrderNumber: number;
  private readonly nodes = new Map<string, NodeRecord>();
  private readonly ordersByCustomer = new Map<string, OrderRecord[]>();
  private readonly ordersByLineItem = new Map<string, OrderRecord>();

  constructor(options: ShopStoreOptions = {}) {
    const seeded = seedShop(options);
    this.seed = options.seed ?? DEFAULT_SEED;
    const fixedNow = options.now ?? DEFAULT_NOW;
    this.clock = options.clock ?? (() => fixedNow);
    this.prng = seeded.prng;
    this.ids = seeded.ids;
    this.productWeights = seeded.productWeights;
    this.nextOrderNumber = seeded.nextOrderNumber;
    this.shop = seeded.data.shop;
    this.products = seeded.data.products;
    this.customers = seeded.data.customers;
    this.orders = seeded.data.orders;
    this.checkouts = seeded.data.checkouts;

    this.index({ type: "Shop", record: this.shop });
    this.index({ type: "Domain", record: this.shop.primaryDomain });
    this.index({ type: "AppInstallation", record: { id: this.shop.appInstallationId } });
    for (const policy of this.shop.policies) this.index({ type: "ShopPolicy", record: policy });
    for (const product of this.products) {
      this.index({ type: "Product", record: product });
      for (const variant of product.variants) this.index({ type: "ProductVariant", record: variant });
    }
    for (const customer of this.customers) this.indexCustomer(customer);
    for (const order of this.orders) this.indexOrder(order);
    // Fixed ids outside the seeded allocator, so adding themes changes no other record's id.
    this.themes = [
      themeRecord("141330000000000001", "Dawn", "MAIN", fixedNow),
      themeRecord("141330000000000002", "Dawn (draft)", "UNPUBLISHED", fixedNow),
    ];
  }

  /** The published theme. */
  mainTheme(): ThemeRecord {
    return this.themes.find((theme) => theme.role === "MAIN")!;
  }

  /**
   * The merchant switches an app embed on or off in the theme editor (Theme settings > App embeds): Shopify writes
   * the block into the published theme's config/settings_data.json, under `current.blocks`, with `disabled`.
   */
  setAppEmbed(options: { appHandle: string; blockHandle: string; enabled: boolean; extensionUid?: string }): void {
    const theme = this.mainTheme();
    const settings = parseSettingsData(theme.files.get(SETTINGS_DATA)!);
    const current = settings.current as {
      blocks?: Record<string, { type: string; disabled: boolean; settings: object }>;
    };
    current.blocks ??= {};
    const type = `shopify://apps/${options.appHandle}/blocks/${options.blockHandle}/${options.extensionUid ?? "0b5e9c3a-7d41-4f62-9a1e-6c2d8f0e4b17"}`;
    const existing = Object.entries(current.blocks).find(([, block]) => block.type === type);
    const key = existing?.[0] ?? String(11_000_000_000_000_000_000n + BigInt(Object.keys(current.blocks).length));
    current.blocks[key] = { type, disabled: !options.enabled, settings: existing?.[1].settings ?? {} };
    theme.files.set(SETTINGS_DATA, SETTINGS_DATA_HEADER + JSON.stringify(settings, null, 2));
    theme.updatedAt = this.now();
  }

  /** The myshopify domain: the key of the emulator's shop registry. */
  get domain(): string {
    return this.shop.myshopifyDomain;
  }

  now(): Date {
    return this.clock();
  }

  /** The seeded data as plain records: equal for equal seeds (what the determinism tests compare). */
  snapshot(): SeedData {
    return {
      shop: this.shop,
      products: this.products,
      customers: this.customers,
      orders: this.orders,
      checkouts: this.checkouts,
    };
  }

  // ---- Reads --------------------------------------------------------------------------------------------------

  findNode(id: string): NodeRecord | null {
    return this.nodes.get(id) ?? null;
  }

  getCustomer(id: string): CustomerRecord | null {
    const node = this.nodes.get(id);
    return node?.type === "Customer" ? node.record : null;
  }

  getOrder(id: string): OrderRecord | null {
    const node = this.nodes.get(id);
    return node?.type === "Order" ? node.record : null;
  }

  getProduct(id: string): ProductRecord | null {
    const node = this.nodes.get(id);
    return node?.type === "Product" ? node.record : null;
  }

  getVariant(id: string): VariantRecord | null {
    const node = this.nodes.get(id);
    return node?.type === "ProductVariant" ? node.record : null;
  }

  getCheckout(token: string): CheckoutRecord | null {
    return this.checkouts.find((checkout) => checkout.token === token) ?? null;
  }

  findCustomerByEmail(email: string): CustomerRecord | null {
    const wanted = email.trim().toLowerCase();
    return this.customers.find((customer) => customer.email.toLowerCase() === wanted) ?? null;
  }

  findOrderByName(name: string): OrderRecord | null {
    const wanted = name.startsWith("#") ? name : `#${name}`;
    return this.orders.find((order) => order.name === wanted) ?? null;
  }

  /** A customer's orders, oldest first. */
  ordersOf(customerId: string): OrderRecord[] {
    return this.ordersByCustomer.get(customerId) ?? [];
  }

  orderOfLineItem(lineItemId: string): OrderRecord | null {
    return this.ordersByLineItem.get(lineItemId) ?? null;
  }

  numberOfOrders(customerId: string): number {
    return this.ordersOf(customerId).length;
  }

  amountSpentCents(customerId: string): number {
    return this.ordersOf(customerId).reduce((sum, order) => sum + spentCents(order), 0);
  }

  openCheckouts(): CheckoutRecord[] {
    return this.checkouts.filter((checkout) => checkout.completedAt === null);
  }

  getMetafield(ownerId: string, namespace: string | null | undefined, key: string): MetafieldRecord | null {
    const resolved = this.resolveNamespace(namespace);
    return this.metafields.find((m) => m.ownerId === ownerId && m.namespace === resolved && m.key === key) ?? null;
  }

  metafieldOwnerType(metafield: MetafieldRecord): MetafieldOwnerType {
    const parsed = parseGid(metafield.ownerId);
    return METAFIELD_OWNER_TYPES[parsed?.type ?? ""] ?? "SHOP";
  }

  metafieldDigest(metafield: MetafieldRecord): string {
    return createHash("sha256")
      .update(`${metafield.id}\n${metafield.type}\n${metafield.value}\n${metafield.updatedAt.toISOString()}`)
      .digest("hex");
  }

  // ---- Scenario controls --------------------------------------------------------------------------------------

  /** The next `calls` Admin API calls for this shop answer THROTTLED, so clients' back-off can be tested. */
  throttleNext(calls: number): void {
    this.forcedThrottles = calls;
  }

  /** The next bulk operation ends FAILED with this error code instead of completing. */
  failNextBulkOperation(code: BulkOperationErrorCode = "INTERNAL_SERVER_ERROR"): void {
    this.nextBulkFailure = code;
  }

  // ---- Mutations ----------------------------------------------------------------------------------------------

  /** tagsAdd: merges tags (case-insensitively, as Shopify does) into a customer or an order. */
  addTags(id: string, tags: string[]): { node: NodeRecord | null; userErrors: UserErrorShape[] } {
    return this.changeTags(id, tags, (current, incoming) => {
      const merged = [...current];
      for (const tag of incoming) {
        if (!merged.some((existing) => existing.toLowerCase() === tag.toLowerCase())) merged.push(tag);
      }
      return merged;
    });
  }

  /** tagsRemove: removes tags, matched case-insensitively. */
  removeTags(id: string, tags: string[]): { node: NodeRecord | null; userErrors: UserErrorShape[] } {
    return this.changeTags(id, tags, (current, incoming) => {
      const removed = new Set(incoming.map((tag) => tag.toLowerCase()));
      return current.filter((tag) => !removed.has(tag.toLowerCase()));
    });
  }

  private changeTags(
    id: string,
    tags: string[],
    apply: (current: string[], incoming: string[]) => string[],
  ): { node: NodeRecord | null; userErrors: UserErrorShape[] } {
    const node = this.nodes.get(id);
    if (!node || (node.type !== "Customer" && node.type !== "Order")) {
      return { node: null, userErrors: [{ field: ["id"], message: `Resource not found: ${id}` }] };
    }
    const incoming = normaliseTags(tags);
    const tooLong = incoming.find((tag) => tag.length > 255);
    if (tooLong)
      return { node: null, userErrors: [{ field: ["tags"], message: "Tag is too long (maximum is 255 characters)" }] };
    const next = apply(node.record.tags, incoming);
    if (next.length > 250) return { node: null, userErrors: [{ field: ["tags"], message: "Tags cannot exceed 250" }] };
    node.record.tags = next;
    node.record.updatedAt = this.now();
    return { node, userErrors: [] };
  }

  /** metafieldsSet: atomic like Shopify's (any error and nothing is written), at most 25 per call. */
  setMetafields(inputs: MetafieldsSetInput[]): { metafields: MetafieldRecord[] | null; userErrors: UserErrorShape[] } {
    const userErrors: UserErrorShape[] = [];
    if (inputs.length > 25) {
      return {
        metafields: null,
        userErrors: [
          {
            field: ["metafields"],
            message: "Exceeded the maximum metafields input limit of 25.",
            code: "LESS_THAN_OR_EQUAL_TO",
          },
        ],
      };
    }
    const plans: Array<{
      input: MetafieldsSetInput;
      namespace: string;
      existing: MetafieldRecord | null;
      type: string;
    }> = [];
    inputs.forEach((input, index) => {
      const error = (field: string, message: string, code: string) =>
        userErrors.push({ field: ["metafields", String(index), field], message, code, elementIndex: index });
      const owner = this.nodes.get(input.ownerId);
      if (!owner || !(owner.type in METAFIELD_OWNER_TYPES)) {
        error("ownerId", "Owner does not exist or cannot have metafields.", "INVALID");
        return;
      }
      const namespace = this.resolveNamespace(input.namespace);
      if (namespace.length < 3) error("namespace", "Namespace is too short (minimum is 3 characters)", "TOO_SHORT");
      if (namespace.length > 255) error("namespace", "Namespace is too long (maximum is 255 characters)", "TOO_LONG");
      if (input.key.length < 2) error("key", "Key is too short (minimum is 2 characters)", "TOO_SHORT");
      if (input.key.length > 64) error("key", "Key is too long (maximum is 64 characters)", "TOO_LONG");
      if (!/^[A-Za-z0-9_-]+$/.test(input.key)) error("key", "Key contains one or more invalid characters.", "INVALID");
      const existing =
        this.metafields.find((m) => m.ownerId === input.ownerId && m.namespace === namespace && m.key === input.key) ??
        null;
      const type = input.type ?? existing?.type ?? null;
      if (type === null) {
        error("type", "Type can't be blank.", "BLANK");
        return;
      }
      const validate = METAFIELD_TYPES[type];
      if (!validate) {
        error("type", `Type '${type}' is not supported by the emulator's metafield types.`, "INVALID_TYPE");
        return;
      }
      if (existing && existing.type !== type)
        error("type", "Type doesn't match the existing metafield's type.", "INVALID_TYPE");
      if (!validate(input.value)) error("value", `Value is invalid for type ${type}.`, "INVALID_VALUE");
      if (input.compareDigest !== undefined && input.compareDigest !== null) {
        if (!/^[0-9a-f]{64}$/.test(input.compareDigest))
          error("compareDigest", "The compareDigest is invalid.", "INVALID_COMPARE_DIGEST");
        else if (!existing || this.metafieldDigest(existing) !== input.compareDigest) {
          error(
            "compareDigest",
            "The resource has been updated since it was loaded. Try again with an updated `compareDigest` value.",
            "STALE_OBJECT",
          );
        }
      }
      plans.push({ input, namespace, existing, type });
    });
    if (userErrors.length > 0) return { metafields: null, userErrors };

    const now = this.now();
    const written = plans.map(({ input, namespace, existing, type }) => {
      if (existing) {
        existing.value = input.value;
        existing.updatedAt = now;
        return existing;
      }
      const metafield: MetafieldRecord = {
        ...this.ids.next("Metafield"),
        ownerId: input.ownerId,
        namespace,
        key: input.key,
        type,
        value: input.value,
        createdAt: now,
        updatedAt: now,
      };
      this.metafields.push(metafield);
      this.index({ type: "Metafield", record: metafield });
      return metafield;
    });
    return { metafields: written, userErrors: [] };
  }

  private resolveNamespace(namespace: string | null | undefined): string {
    if (namespace === null || namespace === undefined || namespace === "$app") return `app--${EMULATED_APP_ID}`;
    if (namespace.startsWith("$app:")) return `app--${EMULATED_APP_ID}--${namespace.slice(5)}`;
    return namespace;
  }

  /** discountCodeBasicCreate, with the validations Kindly can trip over (blank/duplicate code, bad value, dates). */
  createDiscountCode(input: DiscountCodeBasicInput): {
    discount: DiscountCodeRecord | null;
    userErrors: UserErrorShape[];
  } {
    return this.createCodeDiscount("BASIC", input);
  }

  createFreeShippingCode(input: DiscountCodeFreeShippingInput): {
    discount: DiscountCodeRecord | null;
    userErrors: UserErrorShape[];
  } {
    return this.createCodeDiscount("FREE_SHIPPING", input);
  }

  private createCodeDiscount(
    kind: DiscountCodeRecord["kind"],
    input: DiscountCodeBasicInput & DiscountCodeFreeShippingInput,
  ): { discount: DiscountCodeRecord | null; userErrors: UserErrorShape[] } {
    const userErrors: UserErrorShape[] = [];
    const argument = kind === "BASIC" ? "basicCodeDiscount" : "freeShippingCodeDiscount";
    const error = (field: string[], message: string, code: string) =>
      userErrors.push({ field: [argument, ...field], message, code });
    const title = input.title?.trim() ?? "";
    const code = input.code?.trim() ?? "";
    if (!title) error(["title"], "Title can't be blank", "BLANK");
    if (!code) error(["code"], "Code can't be blank", "BLANK");
    if (code.length > 255) error(["code"], "Code is too long (maximum is 255 characters)", "TOO_LONG");
    if (code && this.discountCodes.some((discount) => discount.code.toLowerCase() === code.toLowerCase())) {
      error(["code"], "Code must be unique. Please try a different code.", "TAKEN");
    }
    const value = input.customerGets?.value;
    const percentage = value?.percentage ?? null;
    const amountText = value?.discountAmount?.amount ?? null;
    if (kind === "BASIC" && (!value || (percentage === null && amountText === null)))
      error(["customerGets", "value"], "Value can't be blank", "BLANK");
    if (percentage !== null && amountText !== null)
      error(["customerGets", "value"], "Only one of percentage or discountAmount can be given", "TOO_MANY_ARGUMENTS");
    if (percentage !== null && (percentage <= 0 || percentage > 1)) {
      error(
        ["customerGets", "value", "percentage"],
        "Value must be greater than 0 and less than or equal to 1",
        "INVALID",
      );
    }
    const amountCents = amountText !== null ? parseCents(amountText) : null;
    if (amountText !== null && (amountCents === null || amountCents <= 0)) {
      error(["customerGets", "value", "discountAmount", "amount"], "Value must be greater than 0", "GREATER_THAN");
    }
    if (kind === "BASIC" && !input.customerGets?.items?.all)
      error(["customerGets", "items"], "Items must apply to all products in the emulator", "INVALID");
    if (kind === "FREE_SHIPPING" && !input.destination?.all)
      error(["destination"], "Destination must be all countries in the emulator", "INVALID");
    const maximumShippingText = input.maximumShippingPrice ?? null;
    const maximumShippingCents = maximumShippingText !== null ? parseCents(maximumShippingText) : null;
    if (maximumShippingText !== null && (maximumShippingCents === null || maximumShippingCents <= 0))
      error(["maximumShippingPrice"], "Maximum shipping price must be greater than 0", "GREATER_THAN");
    const context = input.context;
    if (context?.all && context.customers)
      error(["context"], "Only one of all or customers can be given", "TOO_MANY_ARGUMENTS");
    const customerIds = context?.customers?.add ?? null;
    for (const [index, id] of (customerIds ?? []).entries()) {
      if (!this.getCustomer(id))
        error(["context", "customers", "add", String(index)], `Customer does not exist: ${id}`, "INVALID");
    }
    const startsAt = input.startsAt ? new Date(input.startsAt) : this.now();
    const endsAt = input.endsAt ? new Date(input.endsAt) : null;
    if (Number.isNaN(startsAt.getTime())) error(["startsAt"], "Starts at is invalid", "INVALID");
    if (endsAt && (Number.isNaN(endsAt.getTime()) || endsAt.getTime() <= startsAt.getTime())) {
      error(["endsAt"], "Ends at needs to be after starts_at", "END_DATE_BEFORE_START_DATE");
    }
    const minimumText = input.minimumRequirement?.subtotal?.greaterThanOrEqualToSubtotal ?? null;
    const minimumSubtotalCents = minimumText !== null ? parseCents(minimumText) : null;
    if (minimumText !== null && minimumSubtotalCents === null)
      error(["minimumRequirement", "subtotal"], "Minimum subtotal is invalid", "INVALID");
    if (input.usageLimit !== undefined && input.usageLimit !== null && input.usageLimit <= 0)
      error(["usageLimit"], "Usage limit must be greater than 0", "GREATER_THAN");
    if (userErrors.length > 0) return { discount: null, userErrors };

    const now = this.now();
    const node = this.ids.next("DiscountCodeNode");
    const discount: DiscountCodeRecord = {
      ...node,
      redeemCodeId: this.ids.next("DiscountRedeemCode").id,
      kind,
      maximumShippingCents,
      title,
      code,
      startsAt,
      endsAt,
      usageLimit: input.usageLimit ?? null,
      appliesOncePerCustomer: input.appliesOncePerCustomer ?? false,
      percentage,
      amountCents,
      appliesOnEachItem: value?.discountAmount?.appliesOnEachItem ?? false,
      customerIds,
      minimumSubtotalCents,
      combinesWith: {
        orderDiscounts: input.combinesWith?.orderDiscounts ?? false,
        productDiscounts: input.combinesWith?.productDiscounts ?? false,
        shippingDiscounts: input.combinesWith?.shippingDiscounts ?? false,
      },
      createdAt: now,
      updatedAt: now,
    };
    this.discountCodes.push(discount);
    this.index({ type: "DiscountCodeNode", record: discount });
    return { discount, userErrors: [] };
  }

  /** Changes a customer as the merchant or shopper would (consent, contact, locale), bumping updatedAt. */
  updateCustomer(
    id: string,
    patch: Partial<
      Pick<
        CustomerRecord,
        "email" | "phone" | "firstName" | "lastName" | "locale" | "emailMarketingState" | "smsMarketingState" | "note"
      >
    >,
  ): CustomerRecord {
    const customer = this.getCustomer(id);
    if (!customer) throw new Error(`No customer ${id} in ${this.domain}`);
    const now = this.now();
    if (patch.emailMarketingState && patch.emailMarketingState !== customer.emailMarketingState)
      customer.emailMarketingUpdatedAt = now;
    if (patch.smsMarketingState && patch.smsMarketingState !== customer.smsMarketingState)
      customer.smsMarketingUpdatedAt = now;
    Object.assign(customer, patch, { updatedAt: now });
    return customer;
  }

  /**
   * A shopper starts a checkout and leaves: what checkouts/create reports. Without `lines`, a basket is drawn from
   * the catalogue. The contact comes from `customerId` or from the given email/phone (a guest).
   */
  createCheckout(input: {
    customerId?: string;
    email?: string | null;
    phone?: string | null;
    locale?: string;
    lines?: CartLine[];
    buyerAcceptsMarketing?: boolean;
    buyerAcceptsSmsMarketing?: boolean;
  }): CheckoutRecord {
    const customer = input.customerId ? this.getCustomer(input.customerId) : null;
    if (input.customerId && !customer) throw new Error(`No customer ${input.customerId} in ${this.domain}`);
    const now = this.now();
    const checkout = buildCheckout(
      this.shop,
      this.products,
      {
        customer,
        email: input.email !== undefined ? input.email : (customer?.email ?? null),
        phone: input.phone !== undefined ? input.phone : (customer?.phone ?? null),
        locale: input.locale ?? customer?.locale ?? this.shop.primaryLocale,
        address: customer?.address ?? null,
        cart: input.lines ?? drawCart(this.products, this.productWeights, this.prng, 3),
        buyerAcceptsMarketing: input.buyerAcceptsMarketing ?? customer?.emailMarketingState === "SUBSCRIBED",
        buyerAcceptsSmsMarketing: input.buyerAcceptsSmsMarketing ?? false,
        createdAt: now,
        updatedAt: now,
      },
      this.prng,
      this.ids,
    );
    this.checkouts.push(checkout);
    return checkout;
  }

  /** The shopper comes back to a checkout (checkouts/update): contact or consent change, activity time moves. */
  updateCheckout(
    token: string,
    patch: Partial<Pick<CheckoutRecord, "email" | "phone" | "buyerAcceptsMarketing" | "buyerAcceptsSmsMarketing">>,
  ): CheckoutRecord {
    const checkout = this.getCheckout(token);
    if (!checkout) throw new Error(`No checkout ${token} in ${this.domain}`);
    Object.assign(checkout, patch, { updatedAt: this.now() });
    if (patch.buyerAcceptsSmsMarketing !== undefined || patch.phone !== undefined) {
      checkout.smsMarketingPhone = checkout.buyerAcceptsSmsMarketing ? checkout.phone : null;
    }
    return checkout;
  }

  /** A new paid, unfulfilled order (orders/create + orders/paid), updating the customer's aggregates. */
  placeOrder(input: {
    customerId?: string | null;
    email?: string | null;
    phone?: string | null;
    lines?: CartLine[];
    checkoutToken?: string | null;
    financialStatus?: OrderFinancialStatus;
  }): OrderRecord {
    const customer = input.customerId ? this.getCustomer(input.customerId) : null;
    if (input.customerId && !customer) throw new Error(`No customer ${input.customerId} in ${this.domain}`);
    const now = this.now();
    const address = customer?.address ?? this.customers[0].address;
    const order = buildOrder(
      this.shop,
      this.products,
      {
        customer,
        email: input.email !== undefined ? input.email : (customer?.email ?? null),
        phone: input.phone !== undefined ? input.phone : (customer?.phone ?? null),
        locale: customer?.locale ?? this.shop.primaryLocale,
        address,
        cart: input.lines ?? drawCart(this.products, this.productWeights, this.prng),
        processedAt: now,
        checkoutToken: input.checkoutToken ?? this.prng.hex(32),
        buyerAcceptsMarketing: customer?.emailMarketingState === "SUBSCRIBED",
      },
      this.nextOrderNumber++,
      now,
      this.prng,
      this.ids,
      { financial: input.financialStatus ?? "PAID", fulfillment: "UNFULFILLED" },
    );
    this.orders.push(order);
    this.indexOrder(order);
    if (customer) customer.updatedAt = now;
    return order;
  }

  /** The shopper completes an abandoned checkout: the order carries its token, the checkout is closed. */
  completeCheckout(token: string): OrderRecord {
    const checkout = this.getCheckout(token);
    if (!checkout) throw new Error(`No checkout ${token} in ${this.domain}`);
    if (checkout.completedAt) throw new Error(`Checkout ${token} is already completed`);
    const order = this.placeOrder({
      customerId: checkout.customerId,
      email: checkout.email,
      phone: checkout.phone,
      lines: checkout.lineItems.map((line) => ({
        productId: line.productId,
        variantId: line.variantId,
        quantity: line.quantity,
      })),
      checkoutToken: checkout.token,
    });
    checkout.completedAt = order.processedAt;
    checkout.updatedAt = order.processedAt;
    return order;
  }

  /** Ships every unfulfilled line of an order (orders/fulfilled), with tracking. */
  fulfillOrder(orderId: string, tracking?: { company: string; number: string; url: string }): OrderRecord {
    const order = this.getOrder(orderId);
    if (!order) throw new Error(`No order ${orderId} in ${this.domain}`);
    if (order.fulfillmentStatus === "FULFILLED") return order;
    const shipped = new Map<string, number>();
    for (const fulfillment of order.fulfillments) {
      for (const line of fulfillment.lineItems)
        shipped.set(line.lineItemId, (shipped.get(line.lineItemId) ?? 0) + line.quantity);
    }
    const remaining = order.lineItems
      .map((line) => ({ lineItemId: line.id, quantity: line.quantity - (shipped.get(line.id) ?? 0) }))
      .filter((line) => line.quantity > 0);
    const now = this.now();
    const fulfillment: FulfillmentRecord = {
      ...this.ids.next("Fulfillment"),
      name: `${order.name}.${order.fulfillments.length + 1}`,
      status: "SUCCESS",
      displayStatus: "IN_TRANSIT",
      createdAt: now,
      updatedAt: now,
      inTransitAt: now,
      deliveredAt: null,
      estimatedDeliveryAt: new Date(now.getTime() + 3 * 86_400_000),
      trackingInfo: [
        tracking ?? {
          company: "DHL Express",
          number: this.prng.chars("0123456789", 10),
          url: "https://www.dhl.com/global-en/home/tracking/tracking-express.html?submit=1&tracking-id=",
        },
      ],
      lineItems: remaining,
    };
    if (!tracking) fulfillment.trackingInfo[0].url += fulfillment.trackingInfo[0].number;
    order.fulfillments.push(fulfillment);
    order.fulfillmentStatus = "FULFILLED";
    order.updatedAt = now;
    this.index({ type: "Fulfillment", record: fulfillment });
    return order;
  }

  /** The carrier delivers an order's shipments (fulfillment_events/create with status "delivered"). */
  markDelivered(orderId: string): OrderRecord {
    const order = this.getOrder(orderId);
    if (!order) throw new Error(`No order ${orderId} in ${this.domain}`);
    const now = this.now();
    for (const fulfillment of order.fulfillments) {
      if (fulfillment.displayStatus === "DELIVERED") continue;
      fulfillment.displayStatus = "DELIVERED";
      fulfillment.deliveredAt = now;
      fulfillment.updatedAt = now;
    }
    order.updatedAt = now;
    return order;
  }

  // ---- Bulk operations (run by bulk.ts) -----------------------------------------------------------------------

  createBulkOperation(query: string, groupObjects: boolean): BulkOperationRecord {
    const operation: BulkOperationRecord = {
      ...this.ids.next("BulkOperation"),
      query,
      groupObjects,
      type: "QUERY",
      status: "CREATED",
      errorCode: null,
      createdAt: this.now(),
      completedAt: null,
      objectCount: 0,
      rootObjectCount: 0,
      fileSize: null,
      url: null,
      partialDataUrl: null,
      jsonl: null,
      failureMessage: null,
    };
    this.bulkOperations.push(operation);
    this.index({ type: "BulkOperation", record: operation });
    return operation;
  }

  getBulkOperation(id: string): BulkOperationRecord | null {
    const node = this.nodes.get(id);
    return node?.type === "BulkOperation" ? node.record : null;
  }

  // ---- Indexes ------------------------------------------------------------------------------------------------

  private index(node: NodeRecord): void {
    this.nodes.set(node.record.id, node);
  }

  private indexCustomer(customer: CustomerRecord): void {
    this.index({ type: "Customer", record: customer });
    this.index({ type: "MailingAddress", record: customer.address });
  }

  private indexOrder(order: OrderRecord): void {
    this.index({ type: "Order", record: order });
    for (const line of order.lineItems) {
      this.index({ type: "LineItem", record: line });
      this.ordersByLineItem.set(line.id, order);
    }
    for (const fulfillment of order.fulfillments) this.index({ type: "Fulfillment", record: fulfillment });
    if (order.customerId) {
      const list = this.ordersByCustomer.get(order.customerId) ?? [];
      list.push(order);
      this.ordersByCustomer.set(order.customerId, list);
    }
  }
}

/** Builds a seeded shop. Same options -> identical store. */
export function createShopStore(options: ShopStoreOptions = {}): ShopStore {
  return new ShopStore(options);
}

const SETTINGS_DATA = "config/settings_data.json";

/** The comment Shopify puts at the top of settings_data.json: the file is not plain JSON. */
const SETTINGS_DATA_HEADER = `/*
 * ------------------------------------------------------------
 * IMPORTANT: The contents of this file are auto-generated.
 *
 * This file may be updated by the Shopify admin theme editor
 * or related systems. Please exercise caution as any changes
 * made to this file may be overwritten.
 * ------------------------------------------------------------
 */
`;

function parseSettingsData(content: string): Record<string, unknown> {
  return JSON.parse(content.replace(/^\/\*[\s\S]*?\*\//, "")) as Record<string, unknown>;
}

function themeRecord(legacyId: string, name: string, role: ThemeRecord["role"], now: Date): ThemeRecord {
  const settings = {
    current: {
      colors_accent_1: "#121212",
      type_body_font: "assistant_n4",
      sections: { header: { type: "header", settings: { logo_position: "middle-left" } } },
      content_for_index: [],
      blocks: {},
    },
    presets: { Default: {} },
  };
  return {
    id: `gid://shopify/OnlineStoreTheme/${legacyId}`,
    legacyId,
    name,
    role,
    files: new Map([
      [SETTINGS_DATA, SETTINGS_DATA_HEADER + JSON.stringify(settings, null, 2)],
      [
        "layout/theme.liquid",
        "<!doctype html><html><head>{{ content_for_header }}</head><body>{{ content_for_layout }}</body></html>",
      ],
    ]),
    updatedAt: now,
  };
}
