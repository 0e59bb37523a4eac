import { Prisma } from "~/generated/prisma/client";
import { normalizeEmail, normalizePhone, toGid } from "~/modules/webhooks/payload.server";
import type { Tx } from "~/modules/webhooks/receive.server";
import { acceptQueuedWebhook } from "~/modules/webhooks/accept.server";
import type { ParsedOrder } from "~/modules/recovery/payloads";
import { markBulkOperationFinished } from "~/modules/customers/import.server";
import { assignSegment, isSegment, isVip, LAPSED_AFTER_DAYS, type Segment } from "~/modules/customers/segments";
import { enrollSegmentEntries } from "~/modules/flows/triggers.server";

/**
 * Keeping customers current after the import: customers/create|update|delete, the customer side of
 * orders/create|paid (called from the recovery order processor, which owns those topics), and bulk_operations/finish.
 * Routes verify, queue and answer 200; the worker runs the processors below (registered in work.server.ts).
 */

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === "object" && value !== null && !Array.isArray(value);
const str = (value: unknown): string | null => (typeof value === "string" && value.trim() !== "" ? value.trim() : null);
const date = (value: unknown): Date | null => {
  const text = str(value);
  const parsed = text ? new Date(text) : null;
  return parsed && !Number.isNaN(parsed.getTime()) ? parsed : null;
};

export interface ParsedCustomer {
  shopifyId: string;
  email: string | null;
  phone: string | null;
  firstName: string | null;
  lastName: string | null;
  locale: string | null;
  countryCode: string | null;
  /** Shopify's tags, ", "-joined as in the payload; null when the payload does not carry them. */
  tags: string | null;
  emailMarketingState: string | null;
  smsMarketingState: string | null;
  createdAt: Date | null;
  updatedAt: Date | null;
}

function consentState(consent: unknown): string | null {
  return isObj(consent) ? (str(consent.state)?.toUpperCase() ?? null) : null;
}

export function parseCustomerPayload(payload: unknown): ParsedCustomer | { error: string } {
  if (!isObj(payload)) return { error: "The body is not a JSON object" };
  const shopifyId = str(payload.admin_graphql_api_id) ?? toGid("Customer", payload.id);
  if (!shopifyId) return { error: "The customer has no id" };
  const address = isObj(payload.default_address) ? payload.default_address : null;
  return {
    shopifyId,
    email: normalizeEmail(payload.email),
    phone: normalizePhone(payload.phone),
    firstName: str(payload.first_name),
    lastName: str(payload.last_name),
    locale: str(payload.locale),
    countryCode: str(address?.country_code),
    tags: typeof payload.tags === "string" ? payload.tags : null,
    emailMarketingState: consentState(payload.email_marketing_consent),
    smsMarketingState: consentState(payload.sms_marketing_consent),
    createdAt: date(payload.created_at),
    updatedAt: date(payload.updated_at),
  };
}

export type CustomerWebhookResult = "CREATED" | "UPDATED" | "STALE" | "DELETED" | "UNKNOWN";

/**
 * customers/create and customers/update: the profile, never the order counts (orders keep those). Out-of-order
 * safe: a payload older than what is stored changes nothing. Fields the payload does not carry are kept.
 */
export async function upsertCustomerFromWebhook(
  tx: Tx,
  shop: string,
  customer: ParsedCustomer,
): Promise<CustomerWebhookResult> {
  const existing = await tx.customer.findUnique({
    where: { shop_shopifyId: { shop, shopifyId: customer.shopifyId } },
    select: { id: true, shopifyUpdatedAt: true },
  });
  if (existing?.shopifyUpdatedAt && customer.updatedAt && existing.shopifyUpdatedAt > customer.updatedAt) {
    return "STALE";
  }
  const data = {
    email: customer.email,
    phone: customer.phone,
    firstName: customer.firstName,
    lastName: customer.lastName,
    ...(customer.locale ? { locale: customer.locale } : {}),
    ...(customer.countryCode ? { countryCode: customer.countryCode } : {}),
    ...(customer.tags !== null ? { tags: customer.tags } : {}),
    ...(customer.emailMarketingState ? { emailMarketingState: customer.emailMarketingState } : {}),
    ...(customer.smsMarketingState ? { smsMarketingState: customer.smsMarketingState } : {}),
    ...(customer.createdAt ? { shopifyCreatedAt: customer.createdAt } : {}),
    ...(customer.updatedAt ? { shopifyUpdatedAt: customer.updatedAt } : {}),
  };
  if (existing) {
    await tx.customer.update({ where: { id: existing.id }, data });
    return "UPDATED";
  }
  await tx.customer.create({ data: { shop, shopifyId: customer.shopifyId, segment: "PROSPECT", ...data } });
  return "CREATED";
}

/** customers/delete: the customer is gone from Shopify; their orders stay (unlinked) for the shop's revenue. */
export async function deleteCustomerFromWebhook(
  tx: Tx,
  shop: string,
  shopifyId: string,
): Promise<CustomerWebhookResult> {
  const { count } = await tx.customer.deleteMany({ where: { shop, shopifyId } });
  return count > 0 ? "DELETED" : "UNKNOWN";
}

/** Money a customer has spent through an order: captured payments (as Shopify's amountSpent), nothing if cancelled. */
const CAPTURED = new Set(["PAID", "PARTIALLY_REFUNDED", "REFUNDED", "PARTIALLY_PAID"]);
function spentThrough(order: {
  financialStatus: string | null;
  totalPrice: Prisma.Decimal | string | number;
  cancelled: boolean;
}) {
  if (order.cancelled || !CAPTURED.has((order.financialStatus ?? "").toUpperCase())) return new Prisma.Decimal(0);
  return new Prisma.Decimal(order.totalPrice);
}

export type OrderCustomerResult = "NO_CUSTOMER" | "COUNTED" | "UPDATED" | "UNCHANGED";

/**
 * orders/create and orders/paid, customer side: runs before the order row is stored, so it can compare with what
 * was stored before. A new order adds one to ordersCount; totalSpent moves by the change in what the order
 * contributes (paid or not, cancelled or not), so a redelivery or orders/paid after orders/create never counts
 * twice. Dates and the lifecycle segment follow (a prospect who orders is a first-time buyer at once; CLV and
 * P(alive) wait for the nightly computation).
 */
export async function applyOrderToCustomer(
  tx: Tx,
  shop: string,
  order: ParsedOrder,
  now: Date,
): Promise<OrderCustomerResult> {
  if (!order.customerShopifyId) return "NO_CUSTOMER";
  const previous = await tx.order.findUnique({
    where: { shop_shopifyId: { shop, shopifyId: order.shopifyId } },
    select: { financialStatus: true, totalPrice: true, cancelledAt: true },
  });
  const before = previous
    ? spentThrough({ ...previous, cancelled: previous.cancelledAt !== null })
    : new Prisma.Decimal(0);
  const after = spentThrough({ ...order, cancelled: order.cancelledAt !== null });
  const delta = after.minus(before);
  const isNew = previous === null;
  if (!isNew && delta.isZero() && (previous.cancelledAt === null) === (order.cancelledAt === null)) {
    return "UNCHANGED";
  }
  const existing = await tx.customer.findUnique({
    where: { shop_shopifyId: { shop, shopifyId: order.customerShopifyId } },
  });
  const counts = order.cancelledAt ? null : order.processedAt;
  const firstOrderAt =
    counts && (!existing?.firstOrderAt || counts < existing.firstOrderAt) ? counts : (existing?.firstOrderAt ?? null);
  const lastOrderAt =
    counts && (!existing?.lastOrderAt || counts > existing.lastOrderAt) ? counts : (existing?.lastOrderAt ?? null);
  const ordersCount = (existing?.ordersCount ?? 0) + (isNew ? 1 : 0);
  const totalSpent = new Prisma.Decimal(existing?.totalSpent ?? 0).plus(delta);

  const shopSettings = await tx.shop.findUnique({
    where: { shop },
    select: { vipRule: true, vipSpendThreshold: true, atRiskPAlive: true },
  });
  const vip =
    shopSettings?.vipRule === "SPEND_THRESHOLD"
      ? isVip(
          "SPEND_THRESHOLD",
          { predictedClv: null, totalSpent: Number(totalSpent.toString()) },
          {
            clvCutoff: Infinity,
            spendThreshold:
              shopSettings.vipSpendThreshold === null ? null : Number(shopSettings.vipSpendThreshold.toString()),
          },
        )
      : existing?.segment === "VIP"; // the CLV share is decided for the whole shop, nightly
  const segment: Segment = assignSegment(
    {
      ordersCount,
      daysSinceLastOrder: lastOrderAt ? Math.max(0, (now.getTime() - lastOrderAt.getTime()) / 86_400_000) : null,
      // A purchase now: alive, whatever the last computation said.
      pAlive: counts ? null : (existing?.pAlive ?? null),
      vip,
    },
    { atRiskPAlive: shopSettings?.atRiskPAlive ?? 0.3, lapsedAfterDays: LAPSED_AFTER_DAYS },
  );
  const fromSegment = existing?.segment && isSegment(existing.segment) ? existing.segment : null;
  const data = {
    ordersCount,
    totalSpent,
    firstOrderAt,
    lastOrderAt,
    segment,
    ...(fromSegment !== segment ? { segmentChangedAt: now } : {}),
  };
  const stored = existing
    ? await tx.customer.update({ where: { id: existing.id }, data })
    : await tx.customer.create({
        data: { shop, shopifyId: order.customerShopifyId, email: order.email, phone: order.phone, ...data },
      });
  if (fromSegment !== segment) {
    await tx.segmentChange.create({
      data: { shop, customerId: stored.id, fromSegment, toSegment: segment, changedAt: now, reason: "WEBHOOK" },
    });
    // Entering VIP (or at risk) is a lifecycle trigger (app/modules/flows).
    await enrollSegmentEntries(tx, shop, [{ customerId: stored.id, fromSegment, toSegment: segment }], "WEBHOOK", now);
  }
  return isNew ? "COUNTED" : "UPDATED";
}

// ---- Routes: verify, queue, answer ----------------------------------------------------------------------------

export function parseBulkFinishPayload(
  payload: unknown,
): { bulkOperationId: string; status: string } | { error: string } {
  if (!isObj(payload)) return { error: "The body is not a JSON object" };
  const bulkOperationId = str(payload.admin_graphql_api_id);
  if (!bulkOperationId) return { error: "bulk_operations/finish without admin_graphql_api_id" };
  return { bulkOperationId, status: str(payload.status) ?? "" };
}

export const handleCustomerWebhook = (request: Request) => acceptQueuedWebhook(request, parseCustomerPayload);
export const handleBulkFinishWebhook = (request: Request) => acceptQueuedWebhook(request, parseBulkFinishPayload);

// ---- Processors (the worker side) -----------------------------------------------------------------------------

type Processor = (tx: Tx, context: { shop: string; payload: unknown; now: Date }) => Promise<unknown>;

export const customerUpsertProcessor: Processor = async (tx, { shop, payload }) => {
  const parsed = parseCustomerPayload(payload);
  if ("error" in parsed) throw new Error(parsed.error);
  return upsertCustomerFromWebhook(tx, shop, parsed);
};

export const customerDeleteProcessor: Processor = async (tx, { shop, payload }) => {
  const parsed = parseCustomerPayload(payload);
  if ("error" in parsed) throw new Error(parsed.error);
  return deleteCustomerFromWebhook(tx, shop, parsed.shopifyId);
};

export const bulkFinishProcessor: Processor = async (tx, { shop, payload }) => {
  const parsed = parseBulkFinishPayload(payload);
  if ("error" in parsed) throw new Error(parsed.error);
  return { jobsDue: await markBulkOperationFinished(tx, shop, parsed.bulkOperationId) };
};
