import { describe, expect, it } from "vitest";
import { createShopStore, DEFAULT_NOW, HISTORY_DAYS, type ShopStore } from "../support/emulator";
import { parseGid } from "../support/emulator/ids";
import type { OrderRecord } from "../support/emulator/types";

const DAY = 86_400_000;

/** Independent of the store's own helper: captured money net of refunds, nothing for pending/authorised/voided. */
function expectedSpentCents(orders: OrderRecord[]): number {
  return orders
    .filter((order) => ["PAID", "PARTIALLY_REFUNDED", "REFUNDED"].includes(order.financialStatus))
    .reduce((sum, order) => sum + order.totalCents - order.refundedCents, 0);
}

function orderCounts(store: ShopStore): number[] {
  const counts = new Map<string, number>();
  for (const order of store.orders)
    if (order.customerId) counts.set(order.customerId, (counts.get(order.customerId) ?? 0) + 1);
  return store.customers.map((customer) => counts.get(customer.id) ?? 0);
}

describe("seeded shop store", () => {
  it("is deterministic: the same seed builds the same store, another seed a different one", () => {
    const a = JSON.stringify(createShopStore({ seed: 42 }).snapshot());
    const b = JSON.stringify(createShopStore({ seed: 42 }).snapshot());
    const c = JSON.stringify(createShopStore({ seed: 43 }).snapshot());
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });

  it("builds well under a second", () => {
    createShopStore({ seed: 1 }); // warm the JIT once, as every test file run does
    const started = performance.now();
    createShopStore({ seed: 2 });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(500);
  });

  it("has the shop's settings and all four policies", () => {
    const { shop } = createShopStore();
    expect(shop.name).toBe("Kindly Demo Store");
    expect(shop.myshopifyDomain).toBe("kindly-demo.myshopify.com");
    expect(["EUR", "USD"]).toContain(shop.currencyCode);
    expect(shop.email).toMatch(/@/);
    expect(shop.contactEmail).toMatch(/@/);
    expect(() => new Intl.DateTimeFormat("en", { timeZone: shop.ianaTimezone })).not.toThrow();
    expect(shop.primaryDomain.url).toBe(`https://${shop.primaryDomain.host}`);
    expect(shop.policies.map((policy) => policy.type).sort()).toEqual([
      "PRIVACY_POLICY",
      "REFUND_POLICY",
      "SHIPPING_POLICY",
      "TERMS_OF_SERVICE",
    ]);
    for (const policy of shop.policies) {
      expect(policy.title).not.toBe("");
      expect(policy.body).toMatch(/^<p>/);
      expect(policy.url.startsWith(shop.primaryDomain.url + "/policies/")).toBe(true);
    }
  });

  it("has a catalogue of about twenty products with priced variants", () => {
    const { products } = createShopStore();
    expect(products).toHaveLength(20);
    for (const product of products) {
      expect(product.variants.length).toBeGreaterThan(0);
      for (const variant of product.variants) expect(variant.priceCents).toBeGreaterThan(0);
    }
  });

  for (const seed of [42, 7, 2026]) {
    describe(`seed ${seed}`, () => {
      const store = createShopStore({ seed });
      const counts = orderCounts(store);

      it("has at least 300 customers and 2,000 orders over the 18 months before now", () => {
        expect(store.customers.length).toBeGreaterThanOrEqual(300);
        expect(store.orders.length).toBeGreaterThanOrEqual(2000);
        const start = DEFAULT_NOW.getTime() - HISTORY_DAYS * DAY;
        const times = store.orders.map((order) => order.processedAt.getTime());
        expect(Math.min(...times)).toBeGreaterThanOrEqual(start);
        expect(Math.max(...times)).toBeLessThanOrEqual(DEFAULT_NOW.getTime());
        // The history really spans the window: orders in its first month and in its last week.
        expect(Math.min(...times)).toBeLessThan(start + 31 * DAY);
        expect(Math.max(...times)).toBeGreaterThan(DEFAULT_NOW.getTime() - 7 * DAY);
      });

      it("keeps every customer's numberOfOrders and amountSpent equal to their orders", () => {
        for (const customer of store.customers) {
          const own = store.orders.filter((order) => order.customerId === customer.id);
          expect(store.numberOfOrders(customer.id)).toBe(own.length);
          expect(store.amountSpentCents(customer.id)).toBe(expectedSpentCents(own));
        }
      });

      it("shows repeat-purchase behaviour: VIPs, a majority of one-time buyers, prospects and lapsed customers", () => {
        const vips = counts.filter((n) => n >= 10).length;
        const oneTime = counts.filter((n) => n === 1).length;
        const prospects = counts.filter((n) => n === 0).length;
        expect(vips).toBeGreaterThanOrEqual(3);
        expect(oneTime / counts.length).toBeGreaterThan(0.5);
        expect(prospects / counts.length).toBeGreaterThan(0.05);
        const lapsed = store.customers.filter((customer) => {
          const orders = store.ordersOf(customer.id);
          return (
            orders.length >= 2 && DEFAULT_NOW.getTime() - orders[orders.length - 1].processedAt.getTime() > 180 * DAY
          );
        });
        expect(lapsed.length).toBeGreaterThan(10);
      });

      it("has varied, valid contacts and consent", () => {
        const emails = store.customers.map((customer) => customer.email);
        expect(new Set(emails).size).toBe(emails.length);
        for (const email of emails) expect(email).toMatch(/^[a-z0-9.]+@example\.(com|net|org)$/);
        const phones = store.customers.flatMap((customer) => (customer.phone ? [customer.phone] : []));
        expect(new Set(phones).size).toBe(phones.length);
        expect(phones.length).toBeGreaterThan(store.customers.length * 0.3);
        for (const phone of phones) expect(phone).toMatch(/^\+[1-9]\d{7,14}$/);
        const emailStates = new Set(store.customers.map((customer) => customer.emailMarketingState));
        for (const state of ["SUBSCRIBED", "NOT_SUBSCRIBED", "UNSUBSCRIBED"]) expect(emailStates).toContain(state);
        const smsStates = new Set(
          store.customers.flatMap((customer) => (customer.smsMarketingState ? [customer.smsMarketingState] : [])),
        );
        for (const state of ["SUBSCRIBED", "NOT_SUBSCRIBED", "UNSUBSCRIBED"]) expect(smsStates).toContain(state);
        expect(new Set(store.customers.map((customer) => customer.locale))).toEqual(new Set(["en", "fr"]));
        expect(new Set(store.customers.map((customer) => customer.address.timeZone)).size).toBeGreaterThanOrEqual(4);
        expect(new Set(store.customers.map((customer) => customer.address.countryCode)).size).toBeGreaterThanOrEqual(4);
      });

      it("uses GID strings whose numbers exceed 2^53, unique per resource", () => {
        const ids = [
          ...store.customers.map((c) => c.id),
          ...store.orders.map((o) => o.id),
          ...store.orders.flatMap((o) => o.lineItems.map((l) => l.id)),
        ];
        expect(new Set(ids).size).toBe(ids.length);
        for (const id of ids) {
          const parsed = parseGid(id);
          expect(parsed).not.toBeNull();
          expect(BigInt(parsed!.legacyId) > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
        }
        // Ids grow with time, as Shopify's do.
        const byId = [...store.orders].sort((a, b) => (BigInt(a.legacyId) < BigInt(b.legacyId) ? -1 : 1));
        expect(byId.map((order) => order.orderNumber)).toEqual(store.orders.map((order) => order.orderNumber));
      });

      it("has complete orders: lines, consistent totals, statuses, tracked fulfillments, status pages", () => {
        const names = store.orders.map((order) => order.name);
        expect(new Set(names).size).toBe(names.length);
        expect(names[0]).toBe("#1001");
        const statuses = new Set(store.orders.map((order) => order.financialStatus));
        for (const status of ["PAID", "REFUNDED", "PARTIALLY_REFUNDED", "VOIDED"]) expect(statuses).toContain(status);
        for (const order of store.orders) {
          expect(order.lineItems.length).toBeGreaterThan(0);
          const subtotal = order.lineItems.reduce((sum, line) => sum + line.unitPriceCents * line.quantity, 0);
          expect(order.subtotalCents).toBe(subtotal);
          expect(order.totalCents).toBe(subtotal + order.shippingCents + (order.taxesIncluded ? 0 : order.taxCents));
          expect(order.refundedCents).toBeLessThanOrEqual(order.totalCents);
          expect(order.statusPageUrl).toMatch(/^https:\/\/.+\/orders\/[0-9a-f]{32}\/authenticate\?key=/);
          expect(order.fulfillments.length > 0).toBe(order.fulfillmentStatus !== "UNFULFILLED");
          for (const fulfillment of order.fulfillments) {
            expect(fulfillment.trackingInfo[0].number).not.toBe("");
            expect(fulfillment.trackingInfo[0].url).toContain(fulfillment.trackingInfo[0].number);
            expect(fulfillment.createdAt.getTime()).toBeGreaterThanOrEqual(order.processedAt.getTime());
          }
          if (order.financialStatus === "VOIDED") expect(order.cancelledAt).not.toBeNull();
        }
      });

      it("has 5 to 10 open checkouts abandoned in the last day", () => {
        const open = store.openCheckouts();
        expect(open.length).toBeGreaterThanOrEqual(5);
        expect(open.length).toBeLessThanOrEqual(10);
        for (const checkout of open) {
          expect(checkout.token).toMatch(/^[0-9a-f]{32}$/);
          expect(checkout.email !== null || checkout.phone !== null).toBe(true);
          expect(checkout.lineItems.length).toBeGreaterThan(0);
          expect(checkout.abandonedCheckoutUrl).toContain(`/checkouts/${checkout.token}/recover?key=`);
          expect(DEFAULT_NOW.getTime() - checkout.createdAt.getTime()).toBeLessThanOrEqual(DAY);
          expect(checkout.updatedAt.getTime()).toBeGreaterThanOrEqual(checkout.createdAt.getTime());
          expect(checkout.updatedAt.getTime()).toBeLessThanOrEqual(DEFAULT_NOW.getTime());
        }
        // The fixed scenarios: a phone-only shopper with SMS consent and a guest without marketing consent.
        expect(open.some((checkout) => checkout.email === null && checkout.buyerAcceptsSmsMarketing)).toBe(true);
        expect(
          open.some(
            (checkout) => checkout.customerId === null && !checkout.buyerAcceptsMarketing && checkout.email !== null,
          ),
        ).toBe(true);
      });
    });
  }

  it("derives aggregates from orders placed after seeding", () => {
    const store = createShopStore();
    const customer = store.customers.find((candidate) => store.numberOfOrders(candidate.id) === 1)!;
    const before = store.amountSpentCents(customer.id);
    const order = store.placeOrder({ customerId: customer.id });
    expect(store.numberOfOrders(customer.id)).toBe(2);
    expect(store.amountSpentCents(customer.id)).toBe(before + order.totalCents);
    expect(order.name).toBe(`#${store.orders[store.orders.length - 2].orderNumber + 1}`);

    const checkout = store.openCheckouts()[0];
    const completed = store.completeCheckout(checkout.token);
    expect(completed.checkoutToken).toBe(checkout.token);
    expect(store.getCheckout(checkout.token)?.completedAt).toEqual(completed.processedAt);
    expect(store.openCheckouts()).not.toContain(checkout);
  });
});
