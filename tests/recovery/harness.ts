import { randomUUID } from "node:crypto";
import prisma from "~/db.server";
import { ManualClock, setClock } from "~/clock.server";
import { ensureRecoveryFlow } from "~/modules/recovery/flow.server";
import { registerRecoveryWork } from "~/modules/recovery/work.server";
import { runDueWorkUntilIdle } from "~/jobs/worker.server";
import { action as checkoutsCreate } from "~/routes/webhooks.checkouts.create";
import { action as checkoutsUpdate } from "~/routes/webhooks.checkouts.update";
import { action as ordersCreate } from "~/routes/webhooks.orders.create";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink";
import { sendingShopData } from "../support/sending-shop";
import { startFakeTwilio, type FakeTwilio } from "../support/fake-twilio";
import { webhookRequest } from "../support/webhooks";

/**
 * The recovery test bench: a shop with recovery on, a real SMTP server and a fake Twilio on loopback, a manual
 * clock, webhooks delivered as signed requests to the real route actions, and the worker's due work run on demand.
 */
export const APP_URL = "https://kindly.test";
export const API_SECRET = "test-api-secret";
export const T0 = new Date("2026-11-24T09:00:00Z");
export const HOUR = 3_600_000;

export interface Bench {
  shop: string;
  clock: ManualClock;
  smtp: SmtpSink;
  twilio: FakeTwilio;
  /** Moves the clock and runs whatever became due. */
  advance(ms: number): Promise<void>;
  runWorker(): Promise<number>;
  deliver(
    topic: "checkouts/create" | "checkouts/update" | "orders/create",
    body: object,
    eventId?: string,
  ): Promise<Response>;
  close(): Promise<void>;
}

let registered = false;

export async function startBench(
  shop = `maison-${randomUUID().slice(0, 8)}.myshopify.com`,
  settings: Record<string, unknown> = {},
): Promise<Bench> {
  if (!registered) {
    registerRecoveryWork();
    registered = true;
  }
  const clock = new ManualClock(T0);
  setClock(clock);
  const smtp = await startSmtpSink({ now: () => clock.now() });
  const twilio = await startFakeTwilio({ now: () => clock.now() });
  await prisma.shop.create({ data: sendingShopData(shop, smtp, twilio, settings) });
  await ensureRecoveryFlow(prisma, shop, { enabled: true });

  const runWorker = () => runDueWorkUntilIdle({ now: clock.now(), workerId: "test-worker" });
  const routes = {
    "checkouts/create": checkoutsCreate,
    "checkouts/update": checkoutsUpdate,
    "orders/create": ordersCreate,
  };
  return {
    shop,
    clock,
    smtp,
    twilio,
    runWorker,
    async advance(ms: number) {
      clock.advance(ms);
      await runWorker();
    },
    async deliver(topic, body, eventId) {
      const request = webhookRequest({
        appUrl: APP_URL,
        apiSecret: API_SECRET,
        topic,
        shop,
        body: JSON.stringify(body),
        eventId,
        triggeredAt: clock.now(),
      });
      const response = await routes[topic]({ request, params: {}, context: {} });
      await runWorker();
      return response;
    },
    async close() {
      await smtp.close();
      await twilio.close();
    },
  };
}

export interface CheckoutOptions {
  token?: string;
  email?: string | null;
  phone?: string | null;
  firstName?: string;
  locale?: string;
  updatedAt?: Date;
  createdAt?: Date;
  emailConsent?: boolean;
  smsConsent?: boolean;
  countryCode?: string;
  provinceCode?: string;
  withId?: boolean;
}

/** A checkouts/* payload in Shopify's current shape (no top-level id unless asked), with consent in the payload. */
export function checkoutBody(options: CheckoutOptions = {}) {
  const token = options.token ?? randomUUID().replace(/-/g, "");
  const updatedAt = (options.updatedAt ?? T0).toISOString();
  return {
    ...(options.withId ? { id: 981820079255243537n.toString() } : {}),
    token,
    cart_token: `cart-${token}`,
    email: options.email === undefined ? "camille@example.org" : options.email,
    phone: options.phone === undefined ? "+33612345678" : options.phone,
    sms_marketing_phone: options.phone === undefined ? "+33612345678" : options.phone,
    buyer_accepts_marketing: options.emailConsent ?? true,
    buyer_accepts_sms_marketing: options.smsConsent ?? true,
    created_at: (options.createdAt ?? options.updatedAt ?? T0).toISOString(),
    updated_at: updatedAt,
    completed_at: null,
    customer_locale: options.locale ?? "fr",
    currency: "EUR",
    presentment_currency: "EUR",
    total_price: "89.00",
    abandoned_checkout_url: `https://maison-claire.example/checkouts/${token}/recover?key=secret`,
    line_items: [
      {
        title: "Chemise en lin",
        presentment_title: "Chemise en lin",
        presentment_variant_title: "Bleu / M",
        quantity: 1,
        price: "59.00",
      },
      { title: "Foulard", presentment_title: "Foulard", quantity: 2, price: "15.00" },
    ],
    billing_address: {
      first_name: options.firstName ?? "Camille",
      country_code: options.countryCode ?? "FR",
      province_code: options.provinceCode ?? null,
    },
    shipping_address: {
      first_name: options.firstName ?? "Camille",
      country_code: options.countryCode ?? "FR",
      province_code: options.provinceCode ?? null,
    },
  };
}

export function orderBody(options: {
  id?: string;
  checkoutToken?: string | null;
  email?: string;
  phone?: string | null;
  processedAt: Date;
  total?: string;
}) {
  const id = options.id ?? String(820982911946154508n + BigInt(Math.floor(Math.random() * 1e6)));
  return {
    id,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    name: "#1042",
    checkout_token: options.checkoutToken ?? null,
    email: options.email ?? "camille@example.org",
    phone: options.phone ?? null,
    currency: "EUR",
    total_price: options.total ?? "89.00",
    financial_status: "paid",
    fulfillment_status: null,
    processed_at: options.processedAt.toISOString(),
    created_at: options.processedAt.toISOString(),
    order_status_url: "https://maison-claire.example/orders/abc/authenticate?key=k",
    cancelled_at: null,
  };
}

/** Replaces per-message secrets (signed tokens, ids) so bodies can be compared exactly. */
export function stable(text: string): string {
  return text
    .replace(/https:\/\/kindly\.test\/t\/c\/[A-Za-z0-9_.-]+/g, "https://kindly.test/t/c/<click-token>")
    .replace(/https:\/\/kindly\.test\/t\/o\/[A-Za-z0-9_.-]+/g, "https://kindly.test/t/o/<open-token>")
    .replace(/https:\/\/kindly\.test\/u\/[A-Za-z0-9_.-]+/g, "https://kindly.test/u/<unsubscribe-token>")
    .replace(/\/checkouts\/[0-9a-f]{32}\//g, "/checkouts/<token>/");
}
