import prisma from "~/db.server";
import { computeShopSegments } from "~/modules/customers/segments.server";
import type { LifecycleTrigger } from "~/modules/flows/triggers";
import type { CustomerRecord } from "../support/emulator";
import { DAY, HOUR, type CareBench } from "./harness";

/**
 * How each care flow's trigger happens in the emulated shop, all at the clock's current time: signed webhooks to the
 * real routes (orders, shipments, deliveries, a shopper's SMS), and the segment computation for at-risk.
 * `delay` is the default first step's delay from that moment; `subject` a piece of its English subject line.
 */
export interface Scenario {
  trigger: LifecycleTrigger;
  delay: number;
  subject: string;
  /** Marketing flows skip a non-subscriber; the delay alert is a service message about their own order. */
  withoutMarketingConsent: "NO_CONSENT" | "SENT";
  /** Shop settings the trigger needs. */
  shopSettings?: Record<string, unknown>;
  enroll(bench: CareBench, customer: CustomerRecord): Promise<void>;
}

export const SCENARIOS: Scenario[] = [
  {
    trigger: "ORDER_DELIVERED",
    delay: 5 * DAY,
    subject: "How is it going with your order",
    withoutMarketingConsent: "NO_CONSENT",
    async enroll(bench, customer) {
      const order = await bench.order(customer);
      await bench.ship(order, { delivered: true });
    },
  },
  {
    trigger: "FIRST_ORDER",
    delay: DAY,
    subject: "Thank you for your first order",
    withoutMarketingConsent: "NO_CONSENT",
    async enroll(bench, customer) {
      await bench.order(customer);
    },
  },
  {
    trigger: "SEGMENT_VIP",
    delay: HOUR,
    subject: "A personal thank you",
    withoutMarketingConsent: "NO_CONSENT",
    // Any spend makes a VIP here: the first order moves the customer into VIP (a WEBHOOK segment change).
    shopSettings: { vipRule: "SPEND_THRESHOLD", vipSpendThreshold: "1" },
    async enroll(bench, customer) {
      await bench.order(customer);
    },
  },
  {
    trigger: "SEGMENT_AT_RISK",
    delay: DAY,
    subject: "Is everything all right",
    withoutMarketingConsent: "NO_CONSENT",
    async enroll(bench, customer) {
      // Two orders two months apart, half a year ago (orders/create at the time), then tonight's computation.
      const start = bench.clock.now();
      bench.clock.set(new Date(start.getTime() - 260 * DAY));
      await bench.order(customer);
      bench.clock.set(new Date(start.getTime() - 200 * DAY));
      await bench.order(customer);
      bench.clock.set(start);
      await computeShopSegments(bench.shop, { reason: "NIGHTLY", now: start });
      await bench.runWorker();
    },
  },
  {
    trigger: "ORDER_UNFULFILLED",
    delay: 3 * DAY,
    subject: "is taking longer than promised",
    withoutMarketingConsent: "SENT",
    async enroll(bench, customer) {
      await bench.order(customer);
    },
  },
  {
    trigger: "HAPPY_RATING",
    delay: 3 * DAY,
    subject: "Thank you for your kind words",
    withoutMarketingConsent: "NO_CONSENT",
    async enroll(bench, customer) {
      // A question by SMS, answered and closed with the survey; the shopper answers "5".
      const start = bench.clock.now();
      bench.clock.set(new Date(start.getTime() - 2 * DAY));
      await bench.order(customer);
      await bench.textFrom(customer.phone!, "Hello, which grind for a moka pot?");
      const conversation = await prisma.conversation.findFirstOrThrow({
        where: { shop: bench.shop, contactPhone: customer.phone },
      });
      bench.clock.set(new Date(start.getTime() - HOUR));
      await prisma.conversation.update({
        where: { id: conversation.id },
        data: { status: "CLOSED", closedAt: bench.clock.now(), csatRequestedAt: bench.clock.now() },
      });
      bench.clock.set(start);
      await bench.textFrom(customer.phone!, "5");
    },
  },
];
