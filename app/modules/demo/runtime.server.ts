import type { PreviewProduct, PreviewShop } from "~/modules/storefront/preview.server";

/**
 * What the demo launcher (server/demo-runtime.ts) shares with the demo pages.
 *
 * The launcher runs the SMTP sink and the fake SMS provider in its own process; the pages live in the Remix server
 * build, which is a separate module instance in the same process. globalThis is the bridge (as for the clock, the
 * database client and the worker registry): the launcher registers views of its sinks here, the pages read them.
 * Only plain data crosses the bridge, never the sink objects, so neither side depends on the other's classes.
 */

export interface OutboxEmail {
  id: string;
  receivedAt: Date;
  from: string;
  to: string[];
  cc: string[];
  replyTo: string | null;
  subject: string;
  date: Date | null;
  text: string;
  html: string | null;
  headers: Array<[name: string, value: string]>;
}

export interface OutboxSms {
  id: string;
  receivedAt: Date;
  from: string | null;
  to: string;
  body: string;
  status: string;
  segments: number;
}

/** A channel either captured in this process, or configured to go to a sink outside it (nothing to show). */
export type OutboxChannel<T> =
  | { kind: "captured"; list: () => T[] }
  | { kind: "external"; /** Where messages go, without credentials. */ target: string };

export interface DemoRuntime {
  startedAt: Date;
  shop: string;
  outbox: { email: OutboxChannel<OutboxEmail>; sms: OutboxChannel<OutboxSms> };
  /** Absolute path of the theme app extension the storefront preview renders. */
  extensionDir: string;
  /**
   * The emulated shop as its storefront sees it (name, policies, products). Read from the emulator's store, not
   * through Kindly's Admin API session: the preview plays Shopify rendering a theme, which sees data (products)
   * that Kindly's minimal scopes do not grant.
   */
  storefront: () => {
    shop: PreviewShop;
    products: PreviewProduct[];
    appMetafields?: Record<string, Record<string, unknown>>;
  };
  /**
   * A shopper of the emulated shop starts a checkout and leaves: the emulator records it and sends Kindly the
   * signed checkouts/create webhook, as Shopify would.
   */
  abandonCheckout: () => Promise<AbandonedCheckout>;
  /** The checkouts abandoned this way, newest first. */
  abandonedCheckouts: () => AbandonedCheckout[];
  /**
   * A customer of the emulated shop orders, and the order ships and arrives the same day: the emulator sends Kindly
   * orders/create, orders/fulfilled and fulfillment_events/create ("delivered"), signed, as Shopify would.
   */
  placeDeliveredOrder: () => Promise<DemoOrder>;
  /** The orders placed this way, newest first. */
  placedOrders: () => DemoOrder[];
}

export interface DemoOrder {
  name: string;
  at: Date;
  customerName: string;
  email: string | null;
  locale: string;
  items: number;
  /** Kindly's HTTP answer to each webhook (topic -> status), or the delivery error. */
  webhooks: Array<{ topic: string; status: number | null; error: string | null }>;
}

export interface AbandonedCheckout {
  token: string;
  at: Date;
  customerName: string;
  email: string | null;
  phone: string | null;
  locale: string;
  items: number;
  /** Kindly's HTTP answer to the webhook, or null when the delivery itself failed. */
  webhookStatus: number | null;
  error: string | null;
}

declare global {
  var __kindlyDemoRuntime: DemoRuntime | undefined;
}

export function setDemoRuntime(runtime: DemoRuntime | undefined): void {
  globalThis.__kindlyDemoRuntime = runtime;
}

/** The launcher's registration, or undefined when demo mode runs without `npm run demo` (e.g. `KINDLY_DEMO=1 npm start`). */
export function getDemoRuntime(): DemoRuntime | undefined {
  return globalThis.__kindlyDemoRuntime;
}
