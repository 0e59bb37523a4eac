import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { unauthenticated } from "~/shopify.server";
import { runDueWorkUntilIdle } from "~/jobs/worker.server";
import { startCustomerImport } from "~/modules/customers/import.server";
import { action as customersCreate } from "~/routes/webhooks.customers.create";
import { action as customersUpdate } from "~/routes/webhooks.customers.update";
import { action as customersDelete } from "~/routes/webhooks.customers.delete";
import { action as ordersCreate } from "~/routes/webhooks.orders.create";
import { action as ordersPaid } from "~/routes/webhooks.orders.paid";
import { webhookPayload, webhookRequest, type JsonValue, type WebhookSubject } from "../support/webhooks";
import { createShop } from "../support/factories";
import { API_SECRET, APP_URL, cents, startCustomersBench, type CustomersBench } from "./support";

/**
 * customers/create|update|delete and the customer side of orders/create|paid, delivered signed to the real routes
 * after an import of the emulated shop; afterwards Kindly's counts still equal the store's.
 */

let bench: CustomersBench;
const OTHER_SHOP = "someone-else.myshopify.com";

beforeAll(async () => {
  bench = await startCustomersBench();
  await createShop(OTHER_SHOP);
  const { admin } = await unauthenticated.admin(bench.shop);
  await startCustomerImport(admin, bench.shop, bench.clock.now());
  await bench.emulator.idle();
  await runDueWorkUntilIdle({ now: bench.clock.now() });
});
afterAll(async () => {
  await bench.emulator.idle();
  bench.close();
});

const routes = {
  "customers/create": customersCreate,
  "customers/update": customersUpdate,
  "customers/delete": customersDelete,
  "orders/create": ordersCreate,
  "orders/paid": ordersPaid,
} as const;

async function deliver(
  subject: WebhookSubject & { topic: keyof typeof routes },
  options: { body?: JsonValue | string; shop?: string; eventId?: string; secret?: string } = {},
) {
  const request = webhookRequest({
    appUrl: APP_URL,
    apiSecret: options.secret ?? API_SECRET,
    topic: subject.topic,
    shop: options.shop ?? bench.shop,
    body: options.body ?? webhookPayload(bench.store, subject),
    eventId: options.eventId,
  });
  const response = await routes[subject.topic]({ request, params: {}, context: {} }).catch((error: unknown) => {
    if (error instanceof Response) return error;
    throw error;
  });
  await runDueWorkUntilIdle({ now: bench.clock.now() });
  return response;
}

const stored = (shopifyId: string, shop = bench.shop) =>
  prisma.customer.findUnique({ where: { shop_shopifyId: { shop, shopifyId } } });

describe("customers/* webhooks", () => {
  it("customers/create stores a new prospect; a redelivery changes nothing", async () => {
    const customer = bench.store.customers[0];
    const body = webhookPayload(bench.store, { topic: "customers/create", customer }) as Record<string, JsonValue>;
    const fresh = { ...body, id: 7_700_000_001, admin_graphql_api_id: "gid://shopify/Customer/7700000001" };
    const answer = await deliver({ topic: "customers/create", customer }, { body: fresh });
    expect(answer.status).toBe(200);
    const row = await stored("gid://shopify/Customer/7700000001");
    expect(row).toMatchObject({
      email: customer.email?.toLowerCase(),
      firstName: customer.firstName,
      ordersCount: 0,
      segment: "PROSPECT",
    });
    await deliver({ topic: "customers/create", customer }, { body: fresh });
    expect(await prisma.customer.count({ where: { shopifyId: "gid://shopify/Customer/7700000001" } })).toBe(1);
    expect((await stored("gid://shopify/Customer/7700000001"))!.updatedAt).toEqual(row!.updatedAt);
  });

  it("customers/update changes the profile, keeps the counts, and ignores an older payload", async () => {
    const customer = bench.store.customers[3];
    const before = await stored(customer.id);
    const body = webhookPayload(bench.store, { topic: "customers/update", customer }) as Record<string, JsonValue>;
    const newer = { ...body, first_name: "Renamed", updated_at: "2026-11-24T13:00:00+01:00", tags: "vip, Gold" };
    expect((await deliver({ topic: "customers/update", customer }, { body: newer })).status).toBe(200);
    expect(await stored(customer.id)).toMatchObject({
      firstName: "Renamed",
      tags: "vip, Gold",
      ordersCount: before!.ordersCount,
      totalSpent: before!.totalSpent,
      segment: before!.segment,
    });
    const older = { ...body, first_name: "Stale", updated_at: "2026-11-24T11:00:00+01:00" };
    await deliver({ topic: "customers/update", customer }, { body: older });
    expect((await stored(customer.id))!.firstName).toBe("Renamed");
  });

  it("customers/delete removes the customer (its orders stay, unlinked) and only in that shop", async () => {
    const customer = bench.store.customers.find((c) => bench.store.numberOfOrders(c.id) > 0)!;
    const row = await stored(customer.id);
    const other = await prisma.customer.create({ data: { shop: OTHER_SHOP, shopifyId: customer.id } });
    expect((await deliver({ topic: "customers/delete", customer })).status).toBe(200);
    expect(await stored(customer.id)).toBeNull();
    expect(await prisma.customer.findUnique({ where: { id: other.id } })).not.toBeNull();
    const orders = await prisma.order.findMany({
      where: { shop: bench.shop, shopifyId: { in: bench.store.ordersOf(customer.id).map((o) => o.id) } },
    });
    expect(orders.length).toBe(bench.store.numberOfOrders(customer.id));
    expect(orders.every((order) => order.customerId === null)).toBe(true);
    expect(row).not.toBeNull();
  });

  it("refuses an unsigned delivery and records an unusable one without queueing it", async () => {
    const customer = bench.store.customers[5];
    const forged = await deliver({ topic: "customers/update", customer }, { secret: "not-the-secret" });
    expect(forged.status).toBe(401);
    const answer = await deliver({ topic: "customers/update", customer }, { body: { note: "no id" } });
    expect(answer.status).toBe(200);
    expect(await prisma.webhookEvent.count({ where: { topic: "customers/update", status: "REJECTED" } })).toBe(1);
  });
});

describe("orders keep customers current", () => {
  it("a prospect's first order: counted once across orders/create and orders/paid, spend when paid", async () => {
    const { store } = bench;
    const prospect = store.customers.find((c) => store.numberOfOrders(c.id) === 0)!;
    expect((await stored(prospect.id))!.segment).toBe("PROSPECT");
    const order = store.placeOrder({ customerId: prospect.id, financialStatus: "PENDING" });
    await deliver({ topic: "orders/create", order });
    let row = await stored(prospect.id);
    expect(row).toMatchObject({ ordersCount: 1, segment: "FIRST_TIME" });
    expect(row!.totalSpent.toString()).toBe("0");
    // Redelivered orders/create (Shopify retries): counted once.
    await deliver({ topic: "orders/create", order });
    expect((await stored(prospect.id))!.ordersCount).toBe(1);

    order.financialStatus = "PAID";
    await deliver({ topic: "orders/paid", order });
    await deliver({ topic: "orders/paid", order }, { eventId: "another-delivery-of-paid" });
    row = await stored(prospect.id);
    expect(row!.ordersCount).toBe(store.numberOfOrders(prospect.id));
    expect(row!.totalSpent.equals(cents(store.amountSpentCents(prospect.id)))).toBe(true);
    expect(row!.lastOrderAt?.getTime()).toBe(order.processedAt.getTime());
    const changes = await prisma.segmentChange.findMany({
      where: { customerId: row!.id },
      orderBy: { changedAt: "asc" },
    });
    expect(changes.map((c) => [c.fromSegment, c.toSegment, c.reason])).toEqual([
      [null, "PROSPECT", "SYNC"],
      ["PROSPECT", "FIRST_TIME", "WEBHOOK"],
    ]);
  });

  it("a repeat buyer's new paid order adds to Shopify's figures exactly", async () => {
    const { store } = bench;
    // Not the customer the delete test removed: one Kindly still holds.
    const buyer = store.customers.filter((c) => store.numberOfOrders(c.id) >= 2)[5];
    expect(await stored(buyer.id)).not.toBeNull();
    const order = store.placeOrder({ customerId: buyer.id });
    await deliver({ topic: "orders/create", order });
    await deliver({ topic: "orders/paid", order });
    const row = await stored(buyer.id);
    expect(row!.ordersCount).toBe(store.numberOfOrders(buyer.id));
    expect(row!.totalSpent.equals(cents(store.amountSpentCents(buyer.id)))).toBe(true);
  });
});
