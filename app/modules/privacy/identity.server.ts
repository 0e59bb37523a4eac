import type { Tx } from "~/modules/webhooks/receive.server";
import { normalizeEmail, normalizePhone, toGid } from "~/modules/webhooks/payload.server";

/** Who a compliance request is about, as Shopify sends it: `customer: { id, email, phone }`. */
export interface CustomerIdentity {
  shopifyCustomerId: string | null;
  email: string | null;
  phone: string | null;
}

export function identityFromPayload(payload: unknown): CustomerIdentity | null {
  if (typeof payload !== "object" || payload === null) return null;
  const customer = (payload as { customer?: unknown }).customer;
  if (typeof customer !== "object" || customer === null) return null;
  const { id, email, phone } = customer as { id?: unknown; email?: unknown; phone?: unknown };
  const identity = {
    shopifyCustomerId: toGid("Customer", id),
    email: normalizeEmail(email),
    phone: normalizePhone(phone),
  };
  return identity.shopifyCustomerId || identity.email || identity.phone ? identity : null;
}

export function orderIdsFromPayload(payload: unknown, key: "orders_to_redact" | "orders_requested"): string[] {
  if (typeof payload !== "object" || payload === null) return [];
  const list = (payload as Record<string, unknown>)[key];
  if (!Array.isArray(list)) return [];
  return list.map((id) => toGid("Order", id)).filter((gid): gid is string => gid !== null);
}

/** Everything in Kindly's tables that belongs to this person: their customer rows, and rows matching their contacts. */
export async function resolveCustomerRecords(tx: Tx, shop: string, identity: CustomerIdentity) {
  const customers = await tx.customer.findMany({
    where: {
      shop,
      OR: [
        ...(identity.shopifyCustomerId ? [{ shopifyId: identity.shopifyCustomerId }] : []),
        ...(identity.email ? [{ email: identity.email }] : []),
        ...(identity.phone ? [{ phone: identity.phone }] : []),
      ],
    },
  });
  const customerIds = customers.map((customer) => customer.id);
  const emails = unique([identity.email, ...customers.map((customer) => customer.email)]);
  const phones = unique([identity.phone, ...customers.map((customer) => customer.phone)]);
  return { customers, customerIds, emails, phones };
}

function unique(values: Array<string | null>): string[] {
  return [...new Set(values.filter((value): value is string => Boolean(value)))];
}
