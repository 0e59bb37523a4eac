import { afterEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { action as ordersFulfilled } from "~/routes/webhooks.orders.fulfilled";
import { action as fulfillmentEventsCreate } from "~/routes/webhooks.fulfillment_events.create";
import { webhookPayload, webhookRequest } from "../support/webhooks";
import { API_SECRET, APP_URL, DAY, careStates, startCareBench, type CareBench } from "./harness";

/**
 * The care flows' own webhook topics (orders/fulfilled, fulfillment_events/create): signed, queued, idempotent,
 * order-tolerant, as every Kindly webhook.
 */

let bench: CareBench | null = null;
afterEach(async () => {
  await bench?.close();
  bench = null;
});

describe("orders/fulfilled and fulfillment_events/create", () => {
  it("refuse a forged signature (401, nothing stored) and record an unusable payload as rejected (200)", async () => {
    bench = await startCareBench();
    const customer = bench.prospect();
    const order = await bench.order(customer);
    bench.store.fulfillOrder(order.id);
    for (const [topic, route, body] of [
      ["orders/fulfilled", ordersFulfilled, webhookPayload(bench.store, { topic: "orders/fulfilled", order })],
      [
        "fulfillment_events/create",
        fulfillmentEventsCreate,
        webhookPayload(bench.store, {
          topic: "fulfillment_events/create",
          order,
          fulfillment: order.fulfillments[0],
        }),
      ],
    ] as const) {
      const forged = webhookRequest({ appUrl: APP_URL, apiSecret: "not-the-secret", topic, shop: bench.shop, body });
      // authenticate.webhook throws its 401 as a Response, which Remix sends as is.
      const refused = await route({ request: forged, params: {}, context: {} }).catch((thrown: unknown) => thrown);
      expect((refused as Response).status).toBe(401);
      expect(await prisma.webhookEvent.count({ where: { shop: bench.shop, topic } })).toBe(0);
      const unusable = webhookRequest({
        appUrl: APP_URL,
        apiSecret: API_SECRET,
        topic,
        shop: bench.shop,
        body: { note: "no order id" },
      });
      expect((await route({ request: unusable, params: {}, context: {} })).status).toBe(200);
      expect(await prisma.webhookEvent.findFirst({ where: { shop: bench.shop, topic } })).toMatchObject({
        status: "REJECTED",
      });
    }
  });

  it("the same delivery three times, and the shipment before the order's own webhook: one check-in, no delay alert", async () => {
    bench = await startCareBench();
    await bench.enable("ORDER_DELIVERED");
    await bench.enable("ORDER_UNFULFILLED");
    const customer = bench.prospect();
    const order = bench.store.placeOrder({
      customerId: customer.id,
      lines: [
        { productId: bench.store.products[0].id, variantId: bench.store.products[0].variants[0].id, quantity: 1 },
      ],
    });
    const createdBody = webhookPayload(bench.store, { topic: "orders/create", order });
    bench.store.fulfillOrder(order.id);
    bench.store.markDelivered(order.id);
    for (let i = 0; i < 3; i++) await bench.deliver({ topic: "orders/fulfilled", order });
    const delivered = { topic: "fulfillment_events/create" as const, order, fulfillment: order.fulfillments[0] };
    for (let i = 0; i < 3; i++) await bench.deliver(delivered);
    // orders/create arrives last (Shopify does not promise an order), saying nothing about the shipment.
    expect((await bench.deliverBody("orders/create", createdBody)).status).toBe(200);
    expect(await prisma.webhookEvent.count({ where: { shop: bench.shop, status: "PROCESSED" } })).toBe(3);
    await bench.advance(10 * DAY);
    expect(bench.emailsTo(customer.email)).toHaveLength(1);
    expect(bench.emailsTo(customer.email)[0].subject).toContain("How is it going");
    expect(await careStates(bench.shop, "ORDER_DELIVERED")).toEqual([[0, "SENT", null]]);
    expect(await careStates(bench.shop, "ORDER_UNFULFILLED")).toEqual([]);
  });

  it("a carrier event other than delivered changes nothing", async () => {
    bench = await startCareBench();
    await bench.enable("ORDER_DELIVERED");
    const customer = bench.prospect();
    const order = await bench.order(customer);
    await bench.ship(order);
    const planned = await prisma.scheduledMessage.findFirstOrThrow({ where: { shop: bench.shop } });
    await bench.advance(DAY);
    await bench.deliver({
      topic: "fulfillment_events/create",
      order,
      fulfillment: order.fulfillments[0],
      status: "out_for_delivery",
    });
    const after = await prisma.scheduledMessage.findFirstOrThrow({ where: { shop: bench.shop } });
    expect(after.dueAt).toEqual(planned.dueAt);
  });
});
