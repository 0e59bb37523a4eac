import { randomUUID } from "node:crypto";
import prisma from "~/db.server";
import { getEnv } from "~/env.server";
import { ManualClock, setClock } from "~/clock.server";
import { ensureFlow } from "~/modules/flows/enroll.server";
import type { Trigger } from "~/modules/flows/triggers";
import { registerRecoveryWork } from "~/modules/recovery/work.server";
import { registerFlowWork } from "~/modules/flows/work.server";
import { runDueWorkUntilIdle } from "~/jobs/worker.server";
import { closeEmailTransports } from "~/modules/messaging/email.server";
import { action as checkoutsCreate } from "~/routes/webhooks.checkouts.create";
import { action as ordersCreate } from "~/routes/webhooks.orders.create";
import { action as ordersPaid } from "~/routes/webhooks.orders.paid";
import { action as ordersFulfilled } from "~/routes/webhooks.orders.fulfilled";
import { action as fulfillmentEventsCreate } from "~/routes/webhooks.fulfillment_events.create";
import { action as inboundSms } from "~/routes/inbound.sms";
import {
  createEmulator,
  createShopStore,
  startEmulatorServer,
  type CustomerRecord,
  type EmulatorServer,
  type OrderRecord,
  type ShopStore,
} from "../support/emulator";
import { createSession } from "../support/factories";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink";
import { sendingShopData } from "../support/sending-shop";
import { startFakeTwilio, twilioSignature, type FakeTwilio } from "../support/fake-twilio";
import { webhookPayload, webhookRequest, type JsonValue, type WebhookSubject } from "../support/webhooks";

/**
 * The care flows' test bench: an emulated shop (seeded products and customers, the Admin API over MSW), Kindly
 * installed with an offline session and a loopback SMTP server and fake Twilio, a manual clock the store follows,
 * and every event delivered as a signed webhook to the real route, then the worker's due work run.
 */
export const APP_URL = "https://kindly.test";
export const API_SECRET = "test-api-secret";
export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
/** A Tuesday, 10:00 in Paris. */
export const T0 = new Date("2026-11-24T09:00:00Z");

type Route = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<Response>;
const ROUTES: Record<string, Route> = {
  "checkouts/create": checkoutsCreate as Route,
  "orders/create": ordersCreate as Route,
  "orders/paid": ordersPaid as Route,
  "orders/fulfilled": ordersFulfilled as Route,
  "fulfillment_events/create": fulfillmentEventsCreate as Route,
};

export interface CareBench {
  shop: string;
  store: ShopStore;
  clock: ManualClock;
  smtp: SmtpSink;
  twilio: FakeTwilio;
  server: EmulatorServer;
  runWorker(): Promise<number>;
  advance(ms: number): Promise<void>;
  /** Signs and posts a webhook built from the emulated store to its real route, then runs the worker. */
  deliver(subject: WebhookSubject, eventId?: string): Promise<Response>;
  /** A raw signed body (for payloads the store does not build, e.g. a recovery checkout). */
  deliverBody(topic: string, body: JsonValue | object, eventId?: string): Promise<Response>;
  /** A customer of the emulated shop Kindly has not seen yet, with the marketing consent asked for. */
  prospect(consent?: {
    email?: CustomerRecord["emailMarketingState"];
    sms?: CustomerRecord["smsMarketingState"];
  }): CustomerRecord;
  /** The customer places a paid order in the emulated shop; orders/create is delivered. */
  order(customer: CustomerRecord, options?: { lines?: number }): Promise<OrderRecord>;
  /** The merchant ships the order (orders/fulfilled) and, optionally, the carrier delivers it (fulfillment_events). */
  ship(order: OrderRecord, options?: { delivered?: boolean }): Promise<void>;
  /** The shopper texts the shop (a reply on any channel). */
  textFrom(phone: string, body: string): Promise<Response>;
  enable(trigger: Trigger, settings?: { holdoutPercent?: number; settingsJson?: string }): Promise<void>;
  emailsTo(address: string): ReturnType<SmtpSink["messages"]>;
  close(): Promise<void>;
}

let registered = false;

export async function startCareBench(
  options: { shopSettings?: Record<string, unknown>; start?: Date; customers?: number } = {},
): Promise<CareBench> {
  if (!registered) {
    registerRecoveryWork();
    registerFlowWork();
    registered = true;
  }
  const clock = new ManualClock(options.start ?? T0);
  setClock(clock);
  const shop = `care-${randomUUID().slice(0, 8)}.myshopify.com`;
  const store = createShopStore({ seed: 42, shop, customers: options.customers ?? 80, clock: () => clock.now() });
  const emulator = createEmulator({ shops: [store], appUrl: APP_URL, apiSecret: API_SECRET });
  const server = startEmulatorServer(emulator);
  const smtp = await startSmtpSink({ now: () => clock.now() });
  const twilio = await startFakeTwilio({ now: () => clock.now() });
  await prisma.shop.create({
    data: sendingShopData(shop, smtp, twilio, { currencyCode: store.shop.currencyCode, ...options.shopSettings }),
  });
  await createSession(shop);

  const runWorker = () => runDueWorkUntilIdle({ now: clock.now(), workerId: "care-worker" });
  const deliverBody = async (topic: string, body: JsonValue | object, eventId?: string) => {
    const route = ROUTES[topic];
    if (!route) throw new Error(`No route for ${topic} in the bench`);
    const request = webhookRequest({
      appUrl: APP_URL,
      apiSecret: API_SECRET,
      topic,
      shop,
      body: body as JsonValue,
      eventId,
      triggeredAt: clock.now(),
    });
    const response = await route({ request, params: {}, context: {} });
    await runWorker();
    return response;
  };
  const used = new Set<string>();
  const bench: CareBench = {
    shop,
    store,
    clock,
    smtp,
    twilio,
    server,
    runWorker,
    async advance(ms) {
      clock.advance(ms);
      await runWorker();
    },
    deliver: (subject, eventId) => deliverBody(subject.topic, webhookPayload(store, subject), eventId),
    deliverBody,
    prospect(consent = {}) {
      // A true prospect when one is left; otherwise any customer Kindly has not heard of (no import has run, so
      // their first order through a webhook is their first order for Kindly too).
      const customer =
        store.customers.find(
          (candidate) => store.numberOfOrders(candidate.id) === 0 && candidate.phone && !used.has(candidate.id),
        ) ?? store.customers.find((candidate) => candidate.phone && !used.has(candidate.id));
      if (!customer) throw new Error("No prospect left in the emulated shop");
      used.add(customer.id);
      return store.updateCustomer(customer.id, {
        emailMarketingState: consent.email ?? "SUBSCRIBED",
        smsMarketingState: consent.sms ?? "SUBSCRIBED",
      });
    },
    async order(customer, orderOptions = {}) {
      const lines = store.products
        .slice(0, orderOptions.lines ?? 2)
        .map((product) => ({ productId: product.id, variantId: product.variants[0].id, quantity: 1 }));
      const order = store.placeOrder({ customerId: customer.id, lines });
      await bench.deliver({ topic: "orders/create", order });
      return order;
    },
    async ship(order, shipOptions = {}) {
      store.fulfillOrder(order.id);
      await bench.deliver({ topic: "orders/fulfilled", order });
      if (shipOptions.delivered) {
        store.markDelivered(order.id);
        await bench.deliver({ topic: "fulfillment_events/create", order, fulfillment: order.fulfillments[0] });
      }
    },
    async textFrom(phone, body) {
      const params = {
        From: phone,
        To: "+33700000001",
        Body: body,
        MessageSid: `SM${randomUUID().replace(/-/g, "")}`,
        AccountSid: twilio.accountSid,
      };
      const url = `${getEnv().SHOPIFY_APP_URL}/inbound/sms`;
      const response = await inboundSms({
        request: new Request(url, {
          method: "POST",
          headers: {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": twilioSignature(twilio.authToken, url, params),
          },
          body: new URLSearchParams(params).toString(),
        }),
        params: {},
        context: {},
      });
      await runWorker();
      return response;
    },
    async enable(trigger, settings = {}) {
      const flow = await ensureFlow(prisma, shop, trigger, { enabled: true });
      await prisma.flow.update({
        where: { id: flow.id },
        data: {
          enabled: true,
          holdoutPercent: settings.holdoutPercent ?? 0,
          settingsJson: settings.settingsJson ?? null,
        },
      });
    },
    emailsTo(address) {
      return smtp.messages().filter((message) => message.to.includes(address));
    },
    async close() {
      server.close();
      closeEmailTransports();
      await smtp.close();
      await twilio.close();
    },
  };
  return bench;
}

/** The scheduled rows of a trigger's runs, as [trigger, step, state, reason]. */
export async function careStates(shop: string, trigger: Trigger) {
  const rows = await prisma.scheduledMessage.findMany({
    where: { shop, run: { flow: { trigger } } },
    orderBy: [{ createdAt: "asc" }, { stepPosition: "asc" }],
  });
  return rows.map((row) => [row.stepPosition, row.state, row.skipReason ?? row.deferReason ?? null]);
}
