import type { Tx } from "~/modules/webhooks/receive.server";
import type prisma from "~/db.server";
import type { ParsedOrder } from "~/modules/recovery/payloads";
import { enrollSubject, reanchorRun, stopSubjectRun, type SubjectEnrollResult } from "~/modules/flows/enroll.server";
import { ASSUMED_TRANSIT_DAYS } from "~/modules/flows/triggers";

type Db = Tx | typeof prisma;

/**
 * Where the lifecycle triggers fire, each an event Kindly already receives: an order (first order, delay alert), a
 * shipment and its delivery (post-purchase check-in), a segment change (VIP, at risk) and a happy rating (review
 * invitation). Each enrolls a subject into its flow through `enrollSubject`; nothing here sends anything.
 */

const DAY_MS = 86_400_000;

function holdoutKeyOf(customer: { id: string; shopifyId: string | null } | null, fallback: string): string {
  // Stable per customer: Shopify's id survives a re-import (Kindly's row id would not).
  return customer?.shopifyId ?? customer?.id ?? fallback;
}

export interface OrderTriggerResult {
  firstOrder: SubjectEnrollResult | null;
  delayAlert: SubjectEnrollResult | "STOPPED" | null;
}

/**
 * orders/create and orders/paid (after recovery stored the order and the customers module counted it): a customer's
 * first order starts the welcome; a paid, unfulfilled order starts the delay alert's clock (its steps are checked
 * again when due, and orders/fulfilled stops it); a cancelled order stops it.
 */
export async function applyOrderToCareFlows(
  tx: Db,
  shop: string,
  parsed: ParsedOrder,
  now: Date,
): Promise<OrderTriggerResult> {
  const order = await tx.order.findUnique({
    where: { shop_shopifyId: { shop, shopifyId: parsed.shopifyId } },
    select: {
      id: true,
      email: true,
      customerId: true,
      processedAt: true,
      cancelledAt: true,
      financialStatus: true,
      fulfillmentStatus: true,
      customer: { select: { id: true, shopifyId: true, ordersCount: true } },
    },
  });
  if (!order) return { firstOrder: null, delayAlert: null };
  const subject = { subjectType: "ORDER" as const, subjectId: order.id };
  if (order.cancelledAt) {
    await stopSubjectRun(tx, shop, "ORDER_UNFULFILLED", subject, "ORDER_CANCELLED", now);
    return { firstOrder: null, delayAlert: "STOPPED" };
  }
  const holdoutKey = holdoutKeyOf(order.customer, order.email ?? order.id);
  let firstOrder: SubjectEnrollResult | null = null;
  if (order.customer && order.customer.ordersCount === 1) {
    // One welcome per customer, whichever of their orders' webhooks comes first.
    const welcomed = await tx.flowRun.findFirst({
      where: { shop, customerId: order.customer.id, flow: { trigger: "FIRST_ORDER" } },
      select: { id: true },
    });
    firstOrder = welcomed
      ? "ALREADY_ENROLLED"
      : await enrollSubject(
          tx,
          {
            shop,
            trigger: "FIRST_ORDER",
            ...subject,
            customerId: order.customer.id,
            anchorAt: order.processedAt,
            holdoutKey,
          },
          now,
        );
  }
  let delayAlert: SubjectEnrollResult | null = null;
  const paid = (order.financialStatus ?? "").toLowerCase() === "paid";
  const fulfilled = (order.fulfillmentStatus ?? "").toLowerCase() === "fulfilled";
  // A shipment Kindly already knows of (orders/fulfilled or a delivery arrived before this order's own webhook).
  const shipped =
    fulfilled ||
    (await tx.flowRun.findFirst({
      where: { shop, subjectType: "ORDER", subjectId: order.id, flow: { trigger: "ORDER_DELIVERED" } },
      select: { id: true },
    })) !== null;
  if (paid && !shipped) {
    delayAlert = await enrollSubject(
      tx,
      {
        shop,
        trigger: "ORDER_UNFULFILLED",
        ...subject,
        customerId: order.customerId,
        // Counted from the order: Shopify's orders/paid carries no payment time of its own.
        anchorAt: order.processedAt,
        holdoutKey,
      },
      now,
    );
  }
  return { firstOrder, delayAlert };
}

/** When a shipment arrives, by what Kindly knows: a delivered shipment's time, else the fulfillment plus transit. */
export function deliveryAnchor(parsed: ParsedOrder, now: Date): Date {
  const delivered = parsed.fulfillments.filter((fulfillment) => fulfillment.shipmentStatus === "delivered");
  const deliveredAt = delivered.map((fulfillment) => fulfillment.updatedAt).filter((at): at is Date => at !== null);
  if (deliveredAt.length > 0) return new Date(Math.max(...deliveredAt.map((at) => at.getTime())));
  const shipped = parsed.fulfillments
    .map((fulfillment) => fulfillment.createdAt)
    .filter((at): at is Date => at !== null);
  const base = shipped.length > 0 ? new Date(Math.max(...shipped.map((at) => at.getTime()))) : now;
  return new Date(base.getTime() + ASSUMED_TRANSIT_DAYS * DAY_MS);
}

/** The order shipped (or was delivered): recorded, and its delay alert has nothing left to say. */
async function markOrderShipped(tx: Db, shop: string, shopifyId: string, now: Date) {
  const order = await tx.order.findUnique({
    where: { shop_shopifyId: { shop, shopifyId } },
    select: {
      id: true,
      email: true,
      customerId: true,
      cancelledAt: true,
      customer: { select: { id: true, shopifyId: true } },
    },
  });
  if (!order) return null;
  const subject = { subjectType: "ORDER" as const, subjectId: order.id };
  await tx.order.update({ where: { id: order.id }, data: { fulfillmentStatus: "fulfilled" } });
  const delayAlertsStopped = await stopSubjectRun(tx, shop, "ORDER_UNFULFILLED", subject, "ORDER_FULFILLED", now);
  return { order, subject, delayAlertsStopped };
}

/**
 * orders/fulfilled: the order shipped. Its delay alert stops; the post-purchase check-in is planned from the delivery
 * (the fulfillment plus a typical transit until the carrier's delivered event moves it, see applyDeliveryEvent).
 */
export async function applyFulfillmentToCareFlows(
  tx: Db,
  shop: string,
  parsed: ParsedOrder,
  now: Date,
): Promise<{ delayAlertsStopped: number; checkIn: SubjectEnrollResult | null }> {
  const shipped = await markOrderShipped(tx, shop, parsed.shopifyId, now);
  if (!shipped) return { delayAlertsStopped: 0, checkIn: null };
  const { order, subject, delayAlertsStopped } = shipped;
  if (order.cancelledAt) return { delayAlertsStopped, checkIn: null };
  const checkIn = await enrollSubject(
    tx,
    {
      shop,
      trigger: "ORDER_DELIVERED",
      ...subject,
      customerId: order.customerId,
      anchorAt: deliveryAnchor(parsed, now),
      holdoutKey: holdoutKeyOf(order.customer, order.email ?? order.id),
    },
    now,
  );
  return { delayAlertsStopped, checkIn };
}

export interface DeliveryEvent {
  orderShopifyId: string;
  status: string;
  happenedAt: Date;
}

/**
 * fulfillment_events/create: only "delivered" matters here. The check-in then counts from the real delivery; if the
 * order's orders/fulfilled has not been processed (or was missed), the delivery enrolls it.
 */
export async function applyDeliveryEvent(
  tx: Db,
  shop: string,
  event: DeliveryEvent,
  now: Date,
): Promise<"IGNORED" | "UNKNOWN_ORDER" | "REANCHORED" | SubjectEnrollResult> {
  if (event.status !== "delivered") return "IGNORED";
  const shipped = await markOrderShipped(tx, shop, event.orderShopifyId, now);
  if (!shipped) return "UNKNOWN_ORDER";
  const { order, subject } = shipped;
  if (await reanchorRun(tx, shop, "ORDER_DELIVERED", subject, event.happenedAt)) return "REANCHORED";
  if (order.cancelledAt) return "IGNORED";
  return enrollSubject(
    tx,
    {
      shop,
      trigger: "ORDER_DELIVERED",
      ...subject,
      customerId: order.customerId,
      anchorAt: event.happenedAt,
      holdoutKey: holdoutKeyOf(order.customer, order.email ?? order.id),
    },
    now,
  );
}

export interface SegmentEntry {
  customerId: string;
  fromSegment: string | null;
  toSegment: string;
}

/**
 * A customer entered VIP or at risk. The first classification of an imported customer (no previous segment, from
 * an import or the nightly run) is not an event in their life, and neither is the merchant redefining a segment
 * (SETTINGS): only real moves enroll. One thank-you or check-in per customer and flow, ever.
 */
export async function enrollSegmentEntries(
  db: Db,
  shop: string,
  entries: SegmentEntry[],
  reason: string,
  now: Date,
): Promise<number> {
  if (reason === "SETTINGS") return 0;
  const relevant = entries.filter(
    (entry) =>
      (entry.toSegment === "VIP" || entry.toSegment === "AT_RISK") &&
      entry.fromSegment !== entry.toSegment &&
      (entry.fromSegment !== null || reason === "WEBHOOK"),
  );
  if (relevant.length === 0) return 0;
  const flows = await db.flow.findMany({
    where: { shop, enabled: true, trigger: { in: ["SEGMENT_VIP", "SEGMENT_AT_RISK"] } },
    select: { trigger: true },
  });
  const enabled = new Set(flows.map((flow) => flow.trigger));
  const customers = await db.customer.findMany({
    where: { shop, id: { in: relevant.map((entry) => entry.customerId) } },
    select: { id: true, shopifyId: true },
  });
  const byId = new Map(customers.map((customer) => [customer.id, customer]));
  let enrolled = 0;
  for (const entry of relevant) {
    const trigger = entry.toSegment === "VIP" ? "SEGMENT_VIP" : "SEGMENT_AT_RISK";
    const customer = byId.get(entry.customerId);
    if (!enabled.has(trigger) || !customer) continue;
    const result = await enrollSubject(
      db,
      {
        shop,
        trigger,
        subjectType: "CUSTOMER",
        subjectId: customer.id,
        customerId: customer.id,
        anchorAt: now,
        holdoutKey: holdoutKeyOf(customer, customer.id),
      },
      now,
    );
    if (result === "ENROLLED" || result === "HOLDOUT") enrolled++;
  }
  return enrolled;
}

/**
 * A happy rating (4 or 5): on the post-purchase check-in (subject: the order) or a conversation's CSAT (subject: the
 * conversation). Never after a low one: callers only call this at HAPPY_RATING or above.
 */
export async function enrollHappyRating(
  db: Db,
  shop: string,
  subject: { subjectType: "ORDER" | "CONVERSATION"; subjectId: string; customerId: string | null; fallbackKey: string },
  now: Date,
): Promise<SubjectEnrollResult> {
  const customer = subject.customerId
    ? await db.customer.findFirst({ where: { id: subject.customerId, shop }, select: { id: true, shopifyId: true } })
    : null;
  return enrollSubject(
    db,
    {
      shop,
      trigger: "HAPPY_RATING",
      subjectType: subject.subjectType,
      subjectId: subject.subjectId,
      customerId: customer?.id ?? null,
      anchorAt: now,
      holdoutKey: holdoutKeyOf(customer, subject.fallbackKey),
    },
    now,
  );
}
