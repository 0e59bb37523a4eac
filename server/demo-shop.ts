import type { AbandonedCheckout, DemoOrder } from "~/modules/demo/runtime.server";
import type { PreviewProduct, PreviewShop } from "~/modules/storefront/preview.server";
import {
  createEmulator,
  createShopStore,
  startEmulatorServer,
  type Emulator,
  type ShopStore,
} from "../tests/support/emulator";

/**
 * The demo's Shopify: the shop emulator (MSW answering the Admin GraphQL API from a seeded in-memory store) for the
 * demo shop, plus the storefront's view of the same store for the preview.
 */
export interface DemoShopEmulator {
  shop: string;
  store: ShopStore;
  emulator: Emulator;
  /** What the storefront preview shows: the shop's name, policies and catalogue, straight from the store. */
  storefront(): StorefrontView;
  /** A subscribed customer starts a checkout and leaves; Kindly receives the signed checkouts/create webhook. */
  abandonCheckout(): Promise<AbandonedCheckout>;
  abandonedCheckouts(): AbandonedCheckout[];
  /** A subscribed customer orders; the order ships and is delivered: orders/create, orders/fulfilled, delivered. */
  placeDeliveredOrder(): Promise<DemoOrder>;
  placedOrders(): DemoOrder[];
  close(): Promise<void>;
}

export interface StorefrontView {
  shop: PreviewShop;
  products: PreviewProduct[];
  /** Kindly's app-data metafields as Liquid's `app.metafields` sees them (json values parsed, as Shopify does). */
  appMetafields: Record<string, Record<string, unknown>>;
}

/** Kindly's app-owned metafields in the store (what its FAQ publish wrote), keyed like `app.metafields.kindly.faq`. */
function appMetafieldsOf(store: ShopStore): Record<string, Record<string, unknown>> {
  const result: Record<string, Record<string, unknown>> = {};
  for (const metafield of store.metafields) {
    // App-data metafields live in the app's reserved namespace ("$app:kindly" or its resolved "app--<id>--kindly").
    const match = /^(?:\$app:|app--\d+--)?(kindly)$/.exec(metafield.namespace);
    if (!match) continue;
    let value: unknown = metafield.value;
    if (metafield.type === "json") {
      try {
        value = JSON.parse(metafield.value);
      } catch {
        continue;
      }
    }
    result[match[1]] = { ...(result[match[1]] ?? {}), [metafield.key]: value };
  }
  return result;
}

/** The storefront's view of the emulated shop (what Liquid's `shop`, `products` and `app` would hold). */
export function storefrontView(store: ShopStore): StorefrontView {
  const { shop } = store;
  return {
    appMetafields: appMetafieldsOf(store),
    shop: {
      name: shop.name,
      // Liquid's shop.email is the customer-facing address, which the Admin API calls contactEmail.
      email: shop.contactEmail,
      domain: shop.myshopifyDomain,
      currencyCode: shop.currencyCode,
      policies: shop.policies.map((policy) => ({ type: policy.type, title: policy.title, body: policy.body })),
    },
    products: store.products.map((product) => ({
      title: product.title,
      handle: product.handle,
      priceCents:
        product.variants.length > 0 ? Math.min(...product.variants.map((variant) => variant.priceCents)) : null,
    })),
  };
}

export interface DemoShopOptions {
  /** The demo's movable clock: the store is seeded up to "now" and stamps later changes with it. */
  now: () => Date;
  /** Where the emulator delivers webhooks (the demo's own web app), signed with the app's secret. */
  appUrl: string;
  apiSecret: string;
}

export async function startDemoShop(options: DemoShopOptions): Promise<DemoShopEmulator> {
  const store = createShopStore({ now: options.now(), clock: options.now });
  const emulator = createEmulator({ shops: [store], appUrl: options.appUrl, apiSecret: options.apiSecret });
  // MSW in this process: Kindly's Admin API calls to the demo shop are answered here; loopback (the app itself, the
  // sinks) passes through; anything else is refused, so the demo can never reach Shopify.
  const server = startEmulatorServer(emulator);
  const abandoned: AbandonedCheckout[] = [];

  // Shoppers who can receive the whole flow (email and SMS consent), in the seed's order, taken in turn so that
  // successive clicks show different people and both languages.
  const reachable = store.customers.filter(
    (customer) =>
      customer.emailMarketingState === "SUBSCRIBED" && customer.smsMarketingState === "SUBSCRIBED" && customer.phone,
  );
  const candidates = reachable.length > 0 ? reachable : store.customers;

  async function abandonCheckout(): Promise<AbandonedCheckout> {
    const customer = candidates[abandoned.length % candidates.length];
    const checkout = store.createCheckout({
      customerId: customer.id,
      buyerAcceptsMarketing: customer.emailMarketingState === "SUBSCRIBED",
      buyerAcceptsSmsMarketing: customer.smsMarketingState === "SUBSCRIBED",
    });
    const delivery = await emulator.sendWebhook(store, { topic: "checkouts/create", checkout });
    // Read the answer to the end so the connection is released (Kindly answers with an empty body).
    await delivery.response?.arrayBuffer();
    const record: AbandonedCheckout = {
      token: checkout.token,
      at: options.now(),
      customerName: `${customer.firstName} ${customer.lastName}`,
      email: checkout.email,
      phone: checkout.phone,
      locale: checkout.customerLocale,
      items: checkout.lineItems.reduce((sum, line) => sum + line.quantity, 0),
      webhookStatus: delivery.error ? null : delivery.status,
      error: delivery.error ?? null,
    };
    abandoned.unshift(record);
    return record;
  }

  // Buyers for the care flows: subscribed customers with no order yet (their order is a first order), in turn.
  const placed: DemoOrder[] = [];
  const firstTimers = candidates.filter((customer) => store.numberOfOrders(customer.id) === 0);
  const buyers = firstTimers.length > 0 ? firstTimers : candidates;

  async function placeDeliveredOrder(): Promise<DemoOrder> {
    const customer = buyers[placed.length % buyers.length];
    const order = store.placeOrder({ customerId: customer.id });
    const webhooks: DemoOrder["webhooks"] = [];
    const send = async (subject: Parameters<Emulator["sendWebhook"]>[1]) => {
      const delivery = await emulator.sendWebhook(store, subject);
      await delivery.response?.arrayBuffer();
      webhooks.push({
        topic: subject.topic,
        status: delivery.error ? null : delivery.status,
        error: delivery.error ?? null,
      });
    };
    await send({ topic: "orders/create", order });
    store.fulfillOrder(order.id);
    await send({ topic: "orders/fulfilled", order });
    store.markDelivered(order.id);
    await send({ topic: "fulfillment_events/create", order, fulfillment: order.fulfillments[0] });
    const record: DemoOrder = {
      name: order.name,
      at: options.now(),
      customerName: `${customer.firstName} ${customer.lastName}`,
      email: order.email,
      locale: order.customerLocale,
      items: order.lineItems.reduce((sum, line) => sum + line.quantity, 0),
      webhooks,
    };
    placed.unshift(record);
    return record;
  }

  return {
    shop: store.domain,
    store,
    emulator,
    storefront: () => storefrontView(store),
    abandonCheckout,
    abandonedCheckouts: () => [...abandoned],
    placeDeliveredOrder,
    placedOrders: () => [...placed],
    close: async () => server.close(),
  };
}
