import { lockKeys } from "~/db-dialect.server";
import type { Tx } from "~/modules/webhooks/receive.server";
import type { ParsedCheckout, ParsedOrder } from "~/modules/recovery/payloads";
import { enrollCheckout, type EnrollResult } from "~/modules/recovery/flow.server";
import { stopRuns } from "~/modules/recovery/stop.server";

/** How far back an order looks for the checkout it completes when matching by contact (another device). */
export const CONTACT_MATCH_WINDOW_MS = 30 * 86_400_000;

export type CheckoutIngestResult = EnrollResult | "STALE" | "COMPLETED";

async function upsertCustomerFromCheckout(tx: Tx, shop: string, checkout: ParsedCheckout): Promise<string | null> {
  if (!checkout.customer) return null;
  const { shopifyId, email, phone, firstName, lastName } = checkout.customer;
  const customer = await tx.customer.upsert({
    where: { shop_shopifyId: { shop, shopifyId } },
    create: {
      shop,
      shopifyId,
      email: email ?? checkout.email,
      phone: phone ?? checkout.phone,
      firstName,
      lastName,
      locale: checkout.locale,
      countryCode: checkout.countryCode,
      emailMarketingState: checkout.emailMarketingState,
      smsMarketingState: checkout.smsMarketingState,
    },
    update: {
      ...(email ? { email } : {}),
      ...(phone ? { phone } : {}),
      ...(firstName ? { firstName } : {}),
      ...(lastName ? { lastName } : {}),
      ...(checkout.emailMarketingState ? { emailMarketingState: checkout.emailMarketingState } : {}),
      ...(checkout.smsMarketingState ? { smsMarketingState: checkout.smsMarketingState } : {}),
    },
  });
  return customer.id;
}

/**
 * What a checkout and its order are matched on (token, checkout id, email, phone), as lock keys: ingesting a checkout
 * and ingesting the order that completes it are serialised, so whichever commits second sees the first.
 */
function purchaseKeys(
  shop: string,
  token: string | null,
  checkoutId: string | null,
  email: string | null,
  phone: string | null,
): string[] {
  return [
    token && `checkout-token:${shop}:${token}`,
    checkoutId && `checkout-id:${shop}:${checkoutId}`,
    email && `email:${shop}:${email.toLowerCase()}`,
    phone && `phone:${shop}:${phone}`,
  ].filter((key): key is string => Boolean(key));
}

/**
 * checkouts/create and checkouts/update. Out-of-order safe: an update older than what is stored changes nothing;
 * a checkout whose order already arrived is stored as completed and never enters the flow.
 */
export async function ingestCheckout(
  tx: Tx,
  shop: string,
  checkout: ParsedCheckout,
  now: Date,
): Promise<CheckoutIngestResult> {
  await lockKeys(tx, purchaseKeys(shop, checkout.token, checkout.shopifyId, checkout.email, checkout.phone));
  const existing = await tx.checkout.findUnique({ where: { shop_token: { shop, token: checkout.token } } });
  if (existing?.shopifyUpdatedAt && existing.shopifyUpdatedAt.getTime() > checkout.updatedAt.getTime()) return "STALE";

  const customerId = await upsertCustomerFromCheckout(tx, shop, checkout);
  const earlierOrder = await tx.order.findFirst({
    where: {
      shop,
      cancelledAt: null,
      OR: [
        { checkoutToken: checkout.token },
        ...(checkout.shopifyId ? [{ checkoutId: checkout.shopifyId }] : []),
        ...(checkout.email ? [{ email: checkout.email, processedAt: { gte: checkout.createdAt } }] : []),
        ...(checkout.phone ? [{ phone: checkout.phone, processedAt: { gte: checkout.createdAt } }] : []),
      ],
    },
    orderBy: { processedAt: "asc" },
  });
  const completed = existing?.status === "COMPLETED" || earlierOrder !== null || checkout.completedAt !== null;

  const data = {
    shopifyId: checkout.shopifyId ?? existing?.shopifyId ?? null,
    customerId: customerId ?? existing?.customerId ?? null,
    email: checkout.email,
    phone: checkout.phone,
    firstName: checkout.firstName,
    locale: checkout.locale,
    countryCode: checkout.countryCode,
    provinceCode: checkout.provinceCode,
    currencyCode: checkout.currencyCode,
    totalPrice: checkout.totalPrice,
    lineItemsJson: JSON.stringify(checkout.lineItems),
    recoveryUrl: checkout.recoveryUrl,
    // Keep a known consent state when a later payload says nothing.
    emailMarketingState: checkout.emailMarketingState ?? existing?.emailMarketingState ?? null,
    smsMarketingState: checkout.smsMarketingState ?? existing?.smsMarketingState ?? null,
    shopifyCreatedAt: existing?.shopifyCreatedAt ?? checkout.createdAt,
    shopifyUpdatedAt: checkout.updatedAt,
    ...(completed && existing?.status !== "COMPLETED"
      ? {
          status: "COMPLETED",
          orderId: earlierOrder?.id ?? null,
          completedAt: earlierOrder?.processedAt ?? checkout.completedAt ?? now,
        }
      : {}),
  };
  const stored = await tx.checkout.upsert({
    where: { shop_token: { shop, token: checkout.token } },
    create: { shop, token: checkout.token, ...data },
    update: data,
  });
  if (completed) {
    if (earlierOrder) await completeCheckout(tx, shop, stored.id, earlierOrder, now);
    return "COMPLETED";
  }
  return enrollCheckout(
    tx,
    shop,
    { id: stored.id, token: stored.token, customerId: stored.customerId },
    checkout.updatedAt,
    now,
  );
}

export type OrderIngestResult = { completedCheckouts: number; recovered: number };

/**
 * orders/create and orders/paid: store the order and complete the checkout it came from: the same checkout
 * (token or id), or an open checkout of the same email or phone (the shopper came back on another device).
 */
export async function ingestOrder(tx: Tx, shop: string, order: ParsedOrder, now: Date): Promise<OrderIngestResult> {
  await lockKeys(tx, purchaseKeys(shop, order.checkoutToken, order.checkoutId, order.email, order.phone));
  const customer = order.customerShopifyId
    ? await tx.customer.findUnique({
        where: { shop_shopifyId: { shop, shopifyId: order.customerShopifyId } },
        select: { id: true },
      })
    : null;
  const data = {
    name: order.name,
    customerId: customer?.id ?? null,
    email: order.email,
    phone: order.phone,
    checkoutToken: order.checkoutToken,
    checkoutId: order.checkoutId,
    currencyCode: order.currencyCode,
    totalPrice: order.totalPrice,
    financialStatus: order.financialStatus,
    fulfillmentStatus: order.fulfillmentStatus,
    statusPageUrl: order.statusPageUrl,
    processedAt: order.processedAt,
    cancelledAt: order.cancelledAt,
    // What the care flows read: the items (with product ids) and, once shipped, the tracking.
    ...(order.lineItems.length > 0 ? { lineItemsJson: JSON.stringify(order.lineItems) } : {}),
    ...(order.fulfillments.length > 0
      ? { trackingJson: JSON.stringify(order.fulfillments.flatMap((fulfillment) => fulfillment.tracking)) }
      : {}),
  };
  const stored = await tx.order.upsert({
    where: { shop_shopifyId: { shop, shopifyId: order.shopifyId } },
    create: { shop, shopifyId: order.shopifyId, ...data },
    // A late orders/create (no fulfillment yet in its payload) never un-ships an order a later event shipped.
    update: order.fulfillmentStatus ? data : { ...data, fulfillmentStatus: undefined },
  });
  if (order.cancelledAt) return { completedCheckouts: 0, recovered: 0 };

  const since = new Date(order.processedAt.getTime() - CONTACT_MATCH_WINDOW_MS);
  const checkouts = await tx.checkout.findMany({
    where: {
      shop,
      status: "OPEN",
      OR: [
        ...(order.checkoutToken ? [{ token: order.checkoutToken }] : []),
        ...(order.checkoutId ? [{ shopifyId: order.checkoutId }] : []),
        ...(order.email ? [{ email: order.email, shopifyUpdatedAt: { gte: since, lte: order.processedAt } }] : []),
        ...(order.phone ? [{ phone: order.phone, shopifyUpdatedAt: { gte: since, lte: order.processedAt } }] : []),
      ],
    },
    select: { id: true },
  });
  let recovered = 0;
  for (const checkout of checkouts) {
    await tx.checkout.update({
      where: { id: checkout.id },
      data: { status: "COMPLETED", orderId: stored.id, completedAt: order.processedAt },
    });
    if (await completeCheckout(tx, shop, checkout.id, stored, now)) recovered++;
  }
  return { completedCheckouts: checkouts.length, recovered };
}

/**
 * Stops the checkout's run and records the conversion. It counts as *recovered* only when Kindly had sent at least
 * one message before the order; the revenue is attributed to the last message sent (step and channel).
 */
async function completeCheckout(
  tx: Tx,
  shop: string,
  checkoutId: string,
  order: { id: string; totalPrice: unknown; processedAt: Date },
  now: Date,
): Promise<boolean> {
  const runs = await tx.flowRun.findMany({
    where: { shop, subjectType: "CHECKOUT", subjectId: checkoutId, convertedOrderId: null },
  });
  let recovered = false;
  for (const run of runs) {
    const lastSent = await tx.scheduledMessage.findFirst({
      where: { runId: run.id, state: "SENT", message: { sentAt: { lte: order.processedAt } } },
      orderBy: { message: { sentAt: "desc" } },
      select: { stepPosition: true, channel: true },
    });
    await tx.flowRun.update({
      where: { id: run.id },
      data: {
        convertedOrderId: order.id,
        convertedRevenue: String(order.totalPrice),
        convertedAt: order.processedAt,
        recovered: lastSent !== null,
        attributedStep: lastSent?.stepPosition ?? null,
        attributedChannel: lastSent?.channel ?? null,
      },
    });
    recovered ||= lastSent !== null;
  }
  await stopRuns(
    tx,
    shop,
    runs.filter((run) => run.state === "ACTIVE").map((run) => run.id),
    "ORDER_PLACED",
    now,
  );
  return recovered;
}
