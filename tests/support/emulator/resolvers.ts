import { defaultFieldResolver, GraphQLError, type GraphQLFieldResolver, type GraphQLTypeResolver } from "graphql";
import { paginate, type ConnectionArgs, type SortKey } from "./connection";
import { graphqlDecimal, isoDateTime, restMoney } from "./format";
import { parseGid } from "./ids";
import { applySearch, type FieldMatcher } from "./search";
import {
  currentTotalCents,
  type ShopStore,
  type UserErrorShape,
  type MetafieldsSetInput,
  type DiscountCodeBasicInput,
  type DiscountCodeFreeShippingInput,
} from "./store";
import type {
  AddressRecord,
  BulkOperationRecord,
  CurrencyCode,
  CustomerRecord,
  DiscountCodeRecord,
  ThemeRecord,
  FulfillmentRecord,
  LineItemRecord,
  MetafieldRecord,
  OrderRecord,
  ProductRecord,
  ShopPolicyRecord,
  ShopRecord,
  VariantRecord,
} from "./types";

/**
 * Resolvers of the emulator's subset schema over a ShopStore. Each GraphQL type maps to a store record; fields whose
 * GraphQL shape differs from the record (money, dates, derived aggregates, connections) have a resolver here, the
 * rest fall through to graphql-js's default property lookup.
 */

export interface EmulatorContext {
  store: ShopStore;
  /** True while a bulk operation runs its query: connections are unpaginated. */
  bulk: boolean;
  apiVersion: string;
  startBulkOperation: (
    query: string,
    groupObjects: boolean,
  ) => { bulkOperation: BulkOperationRecord | null; userErrors: UserErrorShape[] };
  cancelBulkOperation: (id: string) => { bulkOperation: BulkOperationRecord | null; userErrors: UserErrorShape[] };
}

type Args = Record<string, unknown>;
type FieldResolver<S> = (source: S, args: Args, context: EmulatorContext) => unknown;
type TypeResolvers = Record<string, FieldResolver<unknown>>;

/**
 * Typed per-record resolver maps. graphql-js hands every resolver an untyped source; each map is written against
 * the record type its GraphQL type is built from, and erased to `unknown` only here, in one place.
 */
function resolversFor<S>(map: Record<string, FieldResolver<S>>): TypeResolvers {
  return map as unknown as TypeResolvers;
}

const money = (cents: number, currencyCode: CurrencyCode) => ({ amount: graphqlDecimal(cents), currencyCode });
const moneyBag = (cents: number, currencyCode: CurrencyCode) => ({
  shopMoney: money(cents, currencyCode),
  presentmentMoney: money(cents, currencyCode),
});
const iso = (date: Date | null) => (date ? isoDateTime(date) : null);
const dateOnly = (date: Date) => date.toISOString().slice(0, 10);

function connectionArgs(args: Args): ConnectionArgs {
  return {
    first: args.first as number | null | undefined,
    after: args.after as string | null | undefined,
    reverse: args.reverse as boolean | null | undefined,
  };
}

function metafieldOf(store: ShopStore, ownerId: string, args: Args): MetafieldRecord | null {
  return store.getMetafield(ownerId, args.namespace as string | null | undefined, args.key as string);
}

// ---- Sorting and searching ----------------------------------------------------------------------------------------

const CUSTOMER_SORT: Record<string, (c: CustomerRecord) => string | number> = {
  ID: () => 0,
  CREATED_AT: (c) => c.createdAt.getTime(),
  UPDATED_AT: (c) => c.updatedAt.getTime(),
  NAME: (c) => `${c.firstName} ${c.lastName}`.toLowerCase(),
};

const ORDER_SORT: Record<string, (o: OrderRecord) => string | number> = {
  ID: () => 0,
  CREATED_AT: (o) => o.createdAt.getTime(),
  PROCESSED_AT: (o) => o.processedAt.getTime(),
  UPDATED_AT: (o) => o.updatedAt.getTime(),
  ORDER_NUMBER: (o) => o.orderNumber,
  TOTAL_PRICE: (o) => o.totalCents,
};

const BULK_SORT: Record<string, (b: BulkOperationRecord) => string | number> = {
  CREATED_AT: (b) => b.createdAt.getTime(),
  COMPLETED_AT: (b) => b.completedAt?.getTime() ?? 0,
};

function sortKeyOf<T extends { legacyId: string }>(
  sorts: Record<string, (item: T) => string | number>,
  sortKey: unknown,
): (item: T) => SortKey {
  const read = sorts[String(sortKey)];
  if (!read) throw new GraphQLError(`The shop emulator does not sort by ${String(sortKey)}`);
  return (item) => ({ value: read(item), id: item.legacyId });
}

const CUSTOMER_SEARCH: Record<string, FieldMatcher<CustomerRecord>> = {
  id: { kind: "id", get: (c) => c.legacyId },
  email: { kind: "text", get: (c) => c.email },
  phone: { kind: "text", get: (c) => c.phone },
  tag: { kind: "text", get: (c) => c.tags },
  created_at: { kind: "date", get: (c) => c.createdAt },
  updated_at: { kind: "date", get: (c) => c.updatedAt },
};

const ORDER_SEARCH: Record<string, FieldMatcher<OrderRecord>> = {
  id: { kind: "id", get: (o) => o.legacyId },
  // Shoppers type "1001" or "#1001": both find order #1001.
  name: { kind: "text", get: (o) => [o.name, o.name.replace(/^#/, "")] },
  email: { kind: "text", get: (o) => o.email },
  customer_id: { kind: "id", get: (o) => o.customerId },
  checkout_token: { kind: "text", get: (o) => o.checkoutToken },
  financial_status: { kind: "text", get: (o) => o.financialStatus.toLowerCase() },
  tag: { kind: "text", get: (o) => o.tags },
  created_at: { kind: "date", get: (o) => o.createdAt },
  processed_at: { kind: "date", get: (o) => o.processedAt },
  updated_at: { kind: "date", get: (o) => o.updatedAt },
};

const BULK_SEARCH: Record<string, FieldMatcher<BulkOperationRecord>> = {
  id: { kind: "id", get: (b) => b.legacyId },
  status: { kind: "text", get: (b) => b.status },
  operation_type: { kind: "text", get: (b) => b.type },
  created_at: { kind: "date", get: (b) => b.createdAt },
};

function customersConnection(customers: CustomerRecord[], args: Args, context: EmulatorContext) {
  const found = applySearch(customers, args.query as string | null | undefined, CUSTOMER_SEARCH, "customers");
  return paginate(found, connectionArgs(args), sortKeyOf(CUSTOMER_SORT, args.sortKey ?? "ID"), context.bulk);
}

function ordersConnection(orders: OrderRecord[], args: Args, context: EmulatorContext, defaultSort: string) {
  const found = applySearch(orders, args.query as string | null | undefined, ORDER_SEARCH, "orders");
  return paginate(found, connectionArgs(args), sortKeyOf(ORDER_SORT, args.sortKey ?? defaultSort), context.bulk);
}

function nodeById(context: EmulatorContext, id: unknown): unknown {
  if (typeof id !== "string" || !parseGid(id))
    throw new GraphQLError(`Invalid global id '${String(id)}'`, {
      extensions: { code: "argumentLiteralsIncompatible" },
    });
  return context.store.findNode(id)?.record ?? null;
}

// ---- Resolver maps ------------------------------------------------------------------------------------------------

/** The fields DiscountCodeBasic and DiscountCodeFreeShipping share, resolved from the same record. */
const codeDiscountFields: Record<string, FieldResolver<{ discount: DiscountCodeRecord }>> = {
  title: ({ discount }) => discount.title,
  status: ({ discount }, _args, { store }) => {
    const now = store.now().getTime();
    if (discount.startsAt.getTime() > now) return "SCHEDULED";
    if (discount.endsAt && discount.endsAt.getTime() <= now) return "EXPIRED";
    return "ACTIVE";
  },
  startsAt: ({ discount }) => iso(discount.startsAt),
  endsAt: ({ discount }) => iso(discount.endsAt),
  usageLimit: ({ discount }) => discount.usageLimit,
  appliesOncePerCustomer: ({ discount }) => discount.appliesOncePerCustomer,
  asyncUsageCount: () => 0,
  codes: ({ discount }, args, context) =>
    paginate(
      [
        {
          id: discount.redeemCodeId,
          legacyId: parseGid(discount.redeemCodeId)?.legacyId ?? "0",
          code: discount.code,
          asyncUsageCount: 0,
        },
      ],
      connectionArgs(args),
      (code) => ({ value: 0, id: code.legacyId }),
      context.bulk,
    ),
  context: ({ discount }, _args, { store }) =>
    discount.customerIds
      ? {
          __typename: "DiscountCustomers",
          customers: discount.customerIds.map((id) => store.getCustomer(id)).filter(Boolean),
        }
      : { __typename: "DiscountBuyerSelectionAll", all: "ALL" },
  combinesWith: ({ discount }) => discount.combinesWith,
  createdAt: ({ discount }) => iso(discount.createdAt),
  updatedAt: ({ discount }) => iso(discount.updatedAt),
};

const resolvers: Record<string, TypeResolvers> = {
  QueryRoot: resolversFor<null>({
    shop: (_source, _args, { store }) => store.shop,
    currentAppInstallation: (_source, _args, { store }) => ({ id: store.shop.appInstallationId }),
    customer: (_source, args, context) => {
      nodeById(context, args.id);
      return context.store.getCustomer(args.id as string);
    },
    customers: (_source, args, context) => customersConnection(context.store.customers, args, context),
    order: (_source, args, context) => {
      nodeById(context, args.id);
      return context.store.getOrder(args.id as string);
    },
    orders: (_source, args, context) => ordersConnection(context.store.orders, args, context, "PROCESSED_AT"),
    node: (_source, args, context) => nodeById(context, args.id),
    nodes: (_source, args, context) => (args.ids as string[]).map((id) => nodeById(context, id)),
    bulkOperation: (_source, args, context) => {
      nodeById(context, args.id);
      return context.store.getBulkOperation(args.id as string);
    },
    bulkOperations: (_source, args, context) => {
      const found = applySearch(
        context.store.bulkOperations,
        args.query as string | null | undefined,
        BULK_SEARCH,
        "bulkOperations",
      );
      return paginate(found, connectionArgs(args), sortKeyOf(BULK_SORT, args.sortKey ?? "CREATED_AT"), context.bulk);
    },
    themes: (_source, args, context) =>
      paginate(
        context.store.themes.filter((theme) => !args.roles || (args.roles as string[]).includes(theme.role)),
        connectionArgs(args),
        (theme) => ({ value: 0, id: theme.legacyId }),
        context.bulk,
      ),
  }),

  Mutation: resolversFor<null>({
    bulkOperationRunQuery: (_source, args, context) =>
      context.startBulkOperation(args.query as string, args.groupObjects as boolean),
    bulkOperationCancel: (_source, args, context) => context.cancelBulkOperation(args.id as string),
    tagsAdd: (_source, args, { store }) => {
      const result = store.addTags(args.id as string, args.tags as string[]);
      return { node: result.node?.record ?? null, userErrors: result.userErrors };
    },
    tagsRemove: (_source, args, { store }) => {
      const result = store.removeTags(args.id as string, args.tags as string[]);
      return { node: result.node?.record ?? null, userErrors: result.userErrors };
    },
    metafieldsSet: (_source, args, { store }) => store.setMetafields(args.metafields as MetafieldsSetInput[]),
    discountCodeBasicCreate: (_source, args, { store }) => {
      const result = store.createDiscountCode(args.basicCodeDiscount as DiscountCodeBasicInput);
      return { codeDiscountNode: result.discount, userErrors: result.userErrors };
    },
    discountCodeFreeShippingCreate: (_source, args, { store }) => {
      const result = store.createFreeShippingCode(args.freeShippingCodeDiscount as DiscountCodeFreeShippingInput);
      return { codeDiscountNode: result.discount, userErrors: result.userErrors };
    },
  }),

  Shop: resolversFor<ShopRecord>({
    url: (shop) => shop.primaryDomain.url,
    shopPolicies: (shop) => shop.policies,
    timezoneAbbreviation: (shop, _args, { store }) =>
      new Intl.DateTimeFormat("en-US", { timeZone: shop.ianaTimezone, timeZoneName: "short" })
        .formatToParts(store.now())
        .find((part) => part.type === "timeZoneName")?.value ?? "UTC",
    metafield: (shop, args, { store }) => metafieldOf(store, shop.id, args),
  }),

  ShopPolicy: resolversFor<ShopPolicyRecord>({
    createdAt: (policy) => dateOnly(policy.createdAt),
    updatedAt: (policy) => dateOnly(policy.updatedAt),
  }),

  AppInstallation: resolversFor<{ id: string }>({
    metafield: (installation, args, { store }) => metafieldOf(store, installation.id, args),
  }),

  Customer: resolversFor<CustomerRecord>({
    displayName: (c) => [c.firstName, c.lastName].filter(Boolean).join(" ") || c.email,
    createdAt: (c) => iso(c.createdAt),
    updatedAt: (c) => iso(c.updatedAt),
    // UnsignedInt64 travels as a string.
    numberOfOrders: (c, _args, { store }) => String(store.numberOfOrders(c.id)),
    amountSpent: (c, _args, { store }) => money(store.amountSpentCents(c.id), store.shop.currencyCode),
    defaultEmailAddress: (c) => ({
      emailAddress: c.email,
      marketingState: c.emailMarketingState,
      marketingOptInLevel: c.emailMarketingOptInLevel,
      marketingUpdatedAt: iso(c.emailMarketingUpdatedAt),
      validFormat: c.emailMarketingState !== "INVALID",
    }),
    defaultPhoneNumber: (c) =>
      c.phone ? { phoneNumber: c.phone, marketingState: c.smsMarketingState ?? "NOT_SUBSCRIBED" } : null,
    defaultAddress: (c) => c.address,
    lastOrder: (c, _args, { store }) => {
      const orders = store.ordersOf(c.id);
      return orders.length
        ? orders.reduce((latest, order) => (order.processedAt > latest.processedAt ? order : latest))
        : null;
    },
    orders: (c, args, context) => ordersConnection(context.store.ordersOf(c.id), args, context, "ID"),
    metafield: (c, args, { store }) => metafieldOf(store, c.id, args),
  }),

  MailingAddress: resolversFor<AddressRecord>({
    countryCodeV2: (address) => address.countryCode,
  }),

  Order: resolversFor<OrderRecord>({
    customer: (order, _args, { store }) => (order.customerId ? store.getCustomer(order.customerId) : null),
    createdAt: (order) => iso(order.createdAt),
    processedAt: (order) => iso(order.processedAt),
    updatedAt: (order) => iso(order.updatedAt),
    cancelledAt: (order) => iso(order.cancelledAt),
    closedAt: (order) => iso(order.closedAt),
    subtotalPriceSet: (order) => moneyBag(order.subtotalCents, order.currencyCode),
    totalPriceSet: (order) => moneyBag(order.totalCents, order.currencyCode),
    currentTotalPriceSet: (order) => moneyBag(currentTotalCents(order), order.currencyCode),
    totalRefundedSet: (order) => moneyBag(order.refundedCents, order.currencyCode),
    displayFinancialStatus: (order) => order.financialStatus,
    displayFulfillmentStatus: (order) => order.fulfillmentStatus,
    fulfillments: (order, args) =>
      typeof args.first === "number" ? order.fulfillments.slice(0, args.first) : order.fulfillments,
    lineItems: (order, args, context) =>
      paginate(order.lineItems, connectionArgs(args), (line) => ({ value: 0, id: line.legacyId }), context.bulk),
    metafield: (order, args, { store }) => metafieldOf(store, order.id, args),
  }),

  LineItem: resolversFor<LineItemRecord>({
    name: (line) =>
      line.variantTitle && line.variantTitle !== "Default Title" ? `${line.title} - ${line.variantTitle}` : line.title,
    variantTitle: (line) => (line.variantTitle === "Default Title" ? null : line.variantTitle),
    currentQuantity: (line, _args, { store }) => {
      // Cancelled and fully refunded orders keep their lines but no longer carry any quantity.
      const order = store.orderOfLineItem(line.id);
      return order && (order.cancelledAt || order.financialStatus === "REFUNDED") ? 0 : line.quantity;
    },
    originalUnitPriceSet: (line, _args, { store }) => moneyBag(line.unitPriceCents, store.shop.currencyCode),
    originalTotalSet: (line, _args, { store }) =>
      moneyBag(line.unitPriceCents * line.quantity, store.shop.currencyCode),
    product: (line, _args, { store }) => store.getProduct(line.productId),
    variant: (line, _args, { store }) => store.getVariant(line.variantId),
  }),

  Product: resolversFor<ProductRecord>({
    metafield: (product, args, { store }) => metafieldOf(store, product.id, args),
  }),

  ProductVariant: resolversFor<VariantRecord>({
    displayName: (variant, _args, { store }) =>
      `${store.getProduct(variant.productId)?.title ?? ""} - ${variant.title}`,
    // The legacy Money scalar is a plain decimal string with two places.
    price: (variant) => restMoney(variant.priceCents),
  }),

  Fulfillment: resolversFor<FulfillmentRecord>({
    createdAt: (f) => iso(f.createdAt),
    updatedAt: (f) => iso(f.updatedAt),
    inTransitAt: (f) => iso(f.inTransitAt),
    deliveredAt: (f) => iso(f.deliveredAt),
    estimatedDeliveryAt: (f) => iso(f.estimatedDeliveryAt),
    totalQuantity: (f) => f.lineItems.reduce((sum, line) => sum + line.quantity, 0),
    trackingInfo: (f, args) => (typeof args.first === "number" ? f.trackingInfo.slice(0, args.first) : f.trackingInfo),
  }),

  BulkOperation: resolversFor<BulkOperationRecord>({
    createdAt: (op) => iso(op.createdAt),
    completedAt: (op) => iso(op.completedAt),
    objectCount: (op) => String(op.objectCount),
    rootObjectCount: (op) => String(op.rootObjectCount),
    fileSize: (op) => (op.fileSize === null ? null : String(op.fileSize)),
  }),

  Metafield: resolversFor<MetafieldRecord>({
    jsonValue: (m) => {
      if (m.type === "json") return JSON.parse(m.value) as unknown;
      if (m.type === "number_integer" || m.type === "number_decimal") return Number(m.value);
      if (m.type === "boolean") return m.value === "true";
      return m.value;
    },
    compareDigest: (m, _args, { store }) => store.metafieldDigest(m),
    ownerType: (m, _args, { store }) => store.metafieldOwnerType(m),
    createdAt: (m) => iso(m.createdAt),
    updatedAt: (m) => iso(m.updatedAt),
  }),

  OnlineStoreTheme: resolversFor<ThemeRecord>({
    updatedAt: (theme) => iso(theme.updatedAt),
    files: (theme, args, context) => {
      const wanted = (args.filenames as string[] | null | undefined) ?? [...theme.files.keys()];
      const files = wanted.flatMap((filename) => {
        const content = theme.files.get(filename);
        if (content === undefined) return [];
        return [
          {
            filename,
            contentType: filename.endsWith(".json") ? "application/json" : "text/x-liquid",
            size: String(Buffer.byteLength(content)),
            body: { __typename: "OnlineStoreThemeFileBodyText", content },
            updatedAt: iso(theme.updatedAt),
          },
        ];
      });
      return paginate(files, connectionArgs(args), (file) => ({ value: file.filename, id: "0" }), context.bulk);
    },
  }),

  DiscountCodeNode: resolversFor<DiscountCodeRecord>({
    codeDiscount: (discount) => ({
      __typename: discount.kind === "FREE_SHIPPING" ? "DiscountCodeFreeShipping" : "DiscountCodeBasic",
      discount,
    }),
  }),

  DiscountCodeFreeShipping: resolversFor<{ discount: DiscountCodeRecord }>({
    ...codeDiscountFields,
    maximumShippingPrice: ({ discount }, _args, { store }) =>
      discount.maximumShippingCents === null ? null : money(discount.maximumShippingCents, store.shop.currencyCode),
  }),

  DiscountCodeBasic: resolversFor<{ discount: DiscountCodeRecord }>({
    ...codeDiscountFields,
    customerGets: ({ discount }, _args, { store }) => ({
      value:
        discount.percentage !== null
          ? { __typename: "DiscountPercentage", percentage: discount.percentage }
          : {
              __typename: "DiscountAmount",
              amount: money(discount.amountCents ?? 0, store.shop.currencyCode),
              appliesOnEachItem: discount.appliesOnEachItem,
            },
    }),
  }),
};

export const fieldResolver: GraphQLFieldResolver<unknown, EmulatorContext> = (source, args, context, info) => {
  const resolve = resolvers[info.parentType.name]?.[info.fieldName];
  return resolve ? resolve(source, args, context) : defaultFieldResolver(source, args, context, info);
};

/** Abstract types (Node, HasMetafields, unions): objects built for unions say `__typename`; records carry a GID. */
export const typeResolver: GraphQLTypeResolver<unknown, EmulatorContext> = (value) => {
  if (value && typeof value === "object") {
    if ("__typename" in value && typeof value.__typename === "string") return value.__typename;
    if ("id" in value && typeof value.id === "string") return parseGid(value.id)?.type;
  }
  return undefined;
};
