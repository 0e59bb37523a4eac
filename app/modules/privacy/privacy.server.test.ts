import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { redactCustomer, redactShop } from "~/modules/privacy/redact.server";
import { recordDataRequest } from "~/modules/privacy/data-request.server";
import { stopShopOnUninstall } from "~/modules/shop/uninstall.server";
import { createCustomerFootprint, createSession, createShop, person } from "../../../tests/support/factories";
import { findInEveryTable, rowsForShop } from "../../../tests/support/db-scan";

const needlesOf = (who: ReturnType<typeof person>) => [
  who.email,
  who.phone,
  who.firstName,
  who.lastName,
  who.shopifyId,
  who.shopifyId.split("/").pop()!,
];

describe("customers/redact", () => {
  it("erases the customer's personal data from every table and leaves other customers alone", async () => {
    const shop = (await createShop()).shop;
    const target = person();
    const bystander = person();
    const footprint = await createCustomerFootprint(shop, target);
    await createCustomerFootprint(shop, bystander);
    expect((await findInEveryTable(needlesOf(target))).length).toBeGreaterThan(5);

    const summary = await prisma.$transaction((tx) =>
      redactCustomer(tx, shop, { shopifyCustomerId: target.shopifyId, email: target.email, phone: target.phone }, [
        footprint.orderGid,
      ]),
    );

    expect(await findInEveryTable(needlesOf(target))).toEqual([]);
    expect(summary).toMatchObject({
      customers: 1,
      checkouts: 1,
      ordersAnonymised: 1,
      messages: 1,
      conversations: 1,
      webhookPayloads: 1,
    });
    // The order stays for revenue figures, with nothing personal on it.
    const order = await prisma.order.findFirstOrThrow({ where: { shop, shopifyId: footprint.orderGid } });
    expect(order).toMatchObject({ email: null, phone: null, customerId: null });
    // Their opt-out is still honoured: suppressions hold only a keyed hash.
    expect(await prisma.suppression.count({ where: { shop } })).toBe(2);
    // The bystander keeps everything.
    expect((await findInEveryTable([bystander.email])).length).toBeGreaterThan(5);
  });

  it("matches by contact when the customer is only known by email (a guest checkout)", async () => {
    const shop = (await createShop()).shop;
    const guest = person();
    await createCustomerFootprint(shop, guest);
    await prisma.$transaction((tx) =>
      redactCustomer(tx, shop, { shopifyCustomerId: null, email: guest.email, phone: null }, []),
    );
    expect(await findInEveryTable([guest.email, guest.phone, guest.firstName, guest.lastName])).toEqual([]);
  });
});

describe("customers/data_request", () => {
  it("exports what Kindly holds on the customer, and a later redaction removes the export too", async () => {
    const shop = (await createShop()).shop;
    const who = person();
    const footprint = await createCustomerFootprint(shop, who);
    const id = await prisma.$transaction((tx) =>
      recordDataRequest(
        tx,
        shop,
        { shopifyCustomerId: who.shopifyId, email: who.email, phone: null },
        {
          requestId: "9999",
          ordersRequested: [footprint.orderGid],
          requestedAt: new Date("2026-11-21T09:00:00Z"),
        },
      ),
    );
    const stored = await prisma.dataRequest.findUniqueOrThrow({ where: { id } });
    const exported = JSON.parse(stored.exportJson);
    expect(exported.customers).toHaveLength(1);
    expect(exported.customers[0].email).toBe(who.email);
    expect(exported.orders).toHaveLength(1);
    expect(exported.abandonedCheckouts).toHaveLength(1);
    expect(exported.messagesSent[0].events).toEqual([{ type: "OPEN", at: expect.any(String) }]);
    expect(exported.messagesSent[0]).not.toHaveProperty("replyToken");
    expect(exported.conversations[0].messages).toHaveLength(1);
    expect(exported.optOuts).toEqual([
      { channel: "SMS", address: who.phone, reason: "STOP", since: expect.any(String) },
    ]);

    await prisma.$transaction((tx) =>
      redactCustomer(tx, shop, { shopifyCustomerId: who.shopifyId, email: who.email, phone: who.phone }, []),
    );
    expect(await prisma.dataRequest.count({ where: { shop } })).toBe(0);
  });
});

describe("shop/redact", () => {
  it("erases everything of the shop and nothing of another shop", async () => {
    const shop = (await createShop()).shop;
    const other = (await createShop()).shop;
    await createSession(shop);
    await createSession(other);
    await createCustomerFootprint(shop, person());
    await createCustomerFootprint(other, person());
    await prisma.faqEntry.create({ data: { shop, topic: "Shipping", question: "When?", answer: "Soon" } });
    const stepsBefore = await prisma.flowStep.count();

    await prisma.$transaction((tx) => redactShop(tx, shop));

    const left = await rowsForShop(shop);
    expect(Object.entries(left).filter(([, count]) => count > 0)).toEqual([]);
    // Flow steps have no shop column: they must go with their flow (foreign keys enforced).
    expect(await prisma.flowStep.count()).toBe(stepsBefore - 1);
    const otherRows = await rowsForShop(other);
    expect(otherRows.Customer).toBe(1);
    expect(otherRows.Session).toBe(1);
  });
});

describe("app/uninstalled", () => {
  it("removes sessions and stops all sending, and is idempotent", async () => {
    const shop = (await createShop()).shop;
    await createSession(shop);
    const { run } = await createCustomerFootprint(shop, person());
    const now = new Date("2026-11-24T12:00:00Z");
    for (let attempt = 0; attempt < 2; attempt++) {
      await prisma.$transaction((tx) => stopShopOnUninstall(tx, shop, now));
      expect(await prisma.session.count({ where: { shop } })).toBe(0);
      expect(await prisma.shop.findUniqueOrThrow({ where: { shop } })).toMatchObject({
        sendingEnabled: false,
        uninstalledAt: now,
      });
      expect(await prisma.scheduledMessage.count({ where: { shop, state: "PENDING" } })).toBe(0);
      expect(
        await prisma.scheduledMessage.count({ where: { shop, state: "CANCELLED", skipReason: "APP_UNINSTALLED" } }),
      ).toBe(1);
      expect(await prisma.flowRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
        state: "STOPPED",
        stopReason: "APP_UNINSTALLED",
      });
    }
  });

  it("is harmless for a shop Kindly never recorded", async () => {
    await prisma.$transaction((tx) => stopShopOnUninstall(tx, "never-installed.myshopify.com", new Date()));
    expect(await prisma.shop.count({ where: { shop: "never-installed.myshopify.com" } })).toBe(0);
  });
});
