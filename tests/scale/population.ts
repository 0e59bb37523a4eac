import { createHash } from "node:crypto";
import type { CustomerRecord } from "../support/emulator";
import type { Delivery } from "../support/cluster";
import { checkoutBody, orderBody } from "../recovery/harness";

/**
 * A realistic population of abandoned checkouts for the multi-process tests, and what Kindly must send for each:
 * distinct shoppers (so the frequency cap never hides a send), most with SMS consent, some re-opening their
 * checkout (checkouts/update re-anchors the delays), some ordering before the first email, some after it, and some
 * Shopify customers whose consent is not in the payload (the workers ask the emulated Admin API).
 */
export const STEPS = { EMAIL_1: 0, SMS: 1, EMAIL_2: 2, EMAIL_3: 3 } as const;

export type Group = "ABANDONED" | "ORDERED_EARLY" | "ORDERED_AFTER_FIRST_EMAIL" | "CONSENT_FROM_SHOPIFY";

export interface Shopper {
  index: number;
  token: string;
  email: string;
  phone: string;
  smsConsent: boolean;
  group: Group;
  /** Re-opened (a checkouts/update 3 minutes after the create). */
  updated: boolean;
  updatedAt: Date;
  createBody: Record<string, unknown>;
  updateBody: Record<string, unknown> | null;
  /** The steps Kindly must send, exactly once each. */
  expectedSteps: number[];
}

function token(index: number, salt: string): string {
  return createHash("sha256").update(`${salt}-${index}`).digest("hex").slice(0, 32);
}

export function population(options: {
  count: number;
  start: Date;
  salt: string;
  /** The first shopper's index (a second group of shoppers, later in time, distinct from the first). Default 0. */
  offset?: number;
  /** Subscribed Shopify customers for the CONSENT_FROM_SHOPIFY group (email, phone and Shopify's answers). */
  customers: CustomerRecord[];
}): Shopper[] {
  const shoppers: Shopper[] = [];
  let customerCursor = 0;
  const first = options.offset ?? 0;
  for (let index = first; index < first + options.count; index++) {
    const kind = index % 10;
    let group: Group =
      kind === 1
        ? "ORDERED_EARLY"
        : kind === 2
          ? "ORDERED_AFTER_FIRST_EMAIL"
          : kind === 3
            ? "CONSENT_FROM_SHOPIFY"
            : "ABANDONED";
    const customer = group === "CONSENT_FROM_SHOPIFY" ? options.customers[customerCursor++] : undefined;
    if (group === "CONSENT_FROM_SHOPIFY" && !customer) group = "ABANDONED";
    const updated = index % 5 === 4;
    const createdAt = new Date(options.start.getTime() + index * 5_000);
    const updatedAt = updated ? new Date(createdAt.getTime() + 3 * 60_000) : createdAt;
    const email = customer?.email ?? `shopper${index}.${options.salt}@example.org`;
    const phone = customer?.phone ?? `+336${String(10_000_000 + index)}`;
    const smsConsent = customer ? customer.smsMarketingState === "SUBSCRIBED" : index % 3 !== 0;
    const checkoutToken = token(index, options.salt);
    const base = checkoutBody({
      token: checkoutToken,
      email,
      phone,
      firstName: customer?.firstName ?? `Shopper${index}`,
      locale: index % 2 ? "fr" : "en",
      createdAt,
      updatedAt: createdAt,
      smsConsent,
    });
    let createBody: Record<string, unknown> = base;
    if (customer) {
      // Shopify's consent is not in the payload: the worker asks the Admin API (CustomerConsent) before sending.
      const { buyer_accepts_marketing: _email, buyer_accepts_sms_marketing: _sms, ...rest } = base;
      createBody = {
        ...rest,
        customer: {
          id: customer.id.split("/").pop(),
          admin_graphql_api_id: customer.id,
          email: customer.email,
          first_name: customer.firstName,
        },
      };
    }
    const updateBody = updated ? { ...createBody, updated_at: updatedAt.toISOString() } : null;
    const allSteps = [STEPS.EMAIL_1, ...(smsConsent ? [STEPS.SMS] : []), STEPS.EMAIL_2, STEPS.EMAIL_3];
    const expectedSteps =
      group === "ORDERED_EARLY" ? [] : group === "ORDERED_AFTER_FIRST_EMAIL" ? [STEPS.EMAIL_1] : allSteps;
    shoppers.push({
      index,
      token: checkoutToken,
      email,
      phone,
      smsConsent,
      group,
      updated,
      updatedAt,
      createBody,
      updateBody,
      expectedSteps,
    });
  }
  return shoppers;
}

export function checkoutDeliveries(shoppers: Shopper[]): { creates: Delivery[]; updates: Delivery[] } {
  return {
    creates: shoppers.map((shopper) => ({ topic: "checkouts/create" as const, body: shopper.createBody })),
    updates: shoppers
      .filter((shopper) => shopper.updateBody)
      .map((shopper) => ({ topic: "checkouts/update" as const, body: shopper.updateBody! })),
  };
}

export function orderDeliveries(shoppers: Shopper[], group: Group, processedAt: Date): Delivery[] {
  return shoppers
    .filter((shopper) => shopper.group === group)
    .map((shopper) => ({
      topic: "orders/create" as const,
      body: orderBody({
        id: String(820_982_911_946_154_508n + BigInt(shopper.index)),
        checkoutToken: shopper.token,
        email: shopper.email,
        processedAt,
      }),
    }));
}
