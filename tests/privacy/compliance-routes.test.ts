import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { action as uninstalled } from "~/routes/webhooks.app.uninstalled";
import { action as customersRedact } from "~/routes/webhooks.customers.redact";
import { action as shopRedact } from "~/routes/webhooks.shop.redact";
import { action as dataRequest } from "~/routes/webhooks.customers.data_request";
import { loader as exportLoader } from "~/routes/app.privacy.$id";
import { createCustomerFootprint, createSession, createShop, person } from "../support/factories";
import { findInEveryTable, rowsForShop } from "../support/db-scan";
import { webhookRequest } from "../support/webhooks";

/** The compliance and uninstall webhooks through their real routes, with signed requests as Shopify sends them. */
const APP_URL = "https://kindly.test";
const SECRET = "test-api-secret";

type Action = (args: {
  request: Request;
  params: Record<string, string>;
  context: Record<string, unknown>;
}) => Promise<Response>;

async function call(action: Action, request: Request): Promise<number> {
  try {
    return (await action({ request, params: {}, context: {} })).status;
  } catch (thrown) {
    if (thrown instanceof Response) return thrown.status;
    throw thrown;
  }
}

const signed = (topic: string, shop: string, body: object | string, eventId?: string, secret = SECRET) =>
  webhookRequest({
    appUrl: APP_URL,
    apiSecret: secret,
    topic,
    shop,
    body: typeof body === "string" ? body : JSON.stringify(body),
    eventId,
  });

describe("app/uninstalled", () => {
  it("succeeds twice in a row, removing sessions and stopping all sending", async () => {
    const shop = (await createShop()).shop;
    await createSession(shop);
    await createCustomerFootprint(shop, person());
    expect(
      await call(
        uninstalled,
        signed("app/uninstalled", shop, { id: 1, domain: shop, myshopify_domain: shop }, "uninstall-1"),
      ),
    ).toBe(200);
    expect(
      await call(
        uninstalled,
        signed("app/uninstalled", shop, { id: 1, domain: shop, myshopify_domain: shop }, "uninstall-2"),
      ),
    ).toBe(200);
    expect(
      await call(
        uninstalled,
        signed("app/uninstalled", shop, { id: 1, domain: shop, myshopify_domain: shop }, "uninstall-2"),
      ),
    ).toBe(200);
    expect(await prisma.session.count({ where: { shop } })).toBe(0);
    expect(await prisma.shop.findUniqueOrThrow({ where: { shop } })).toMatchObject({ sendingEnabled: false });
    expect(await prisma.scheduledMessage.count({ where: { shop, state: { in: ["PENDING", "CLAIMED"] } } })).toBe(0);
  });
});

describe("customers/redact", () => {
  it("leaves no row holding the customer's personal data", async () => {
    const shop = (await createShop()).shop;
    const who = person();
    const footprint = await createCustomerFootprint(shop, who);
    const payload = `{"shop_id":954889,"shop_domain":"${shop}","customer":{"id":${who.shopifyId.split("/").pop()},"email":"${who.email}","phone":"${who.phone}"},"orders_to_redact":[${footprint.orderGid.split("/").pop()}]}`;
    expect(await call(customersRedact, signed("customers/redact", shop, payload))).toBe(200);
    expect(
      await findInEveryTable([who.email, who.phone, who.firstName, who.lastName, who.shopifyId.split("/").pop()!]),
    ).toEqual([]);
  });

  it("a tampered body gets 401 and changes nothing", async () => {
    const shop = (await createShop()).shop;
    const who = person();
    await createCustomerFootprint(shop, who);
    const request = signed("customers/redact", shop, { customer: { email: who.email } });
    const tampered = new Request(request.url, {
      method: "POST",
      headers: request.headers,
      body: JSON.stringify({ customer: { email: "someone-else@example.org" } }),
    });
    expect(await call(customersRedact, tampered)).toBe(401);
    expect(
      await call(
        customersRedact,
        signed("customers/redact", shop, { customer: { email: who.email } }, undefined, "wrong-secret"),
      ),
    ).toBe(401);
    expect(await prisma.webhookEvent.count({ where: { shop, topic: "customers/redact" } })).toBe(0);
    expect(await prisma.customer.count({ where: { shop, email: who.email } })).toBe(1);
  });
});

describe("customers/data_request", () => {
  it("records the request and makes the export available to that shop only", async () => {
    const shop = (await createShop()).shop;
    const who = person();
    await createCustomerFootprint(shop, who);
    const payload = `{"shop_id":954889,"shop_domain":"${shop}","orders_requested":[],"customer":{"id":${who.shopifyId.split("/").pop()},"email":"${who.email}","phone":null},"data_request":{"id":9999}}`;
    expect(await call(dataRequest, signed("customers/data_request", shop, payload))).toBe(200);
    const row = await prisma.dataRequest.findFirstOrThrow({ where: { shop } });
    expect(row.requestId).toBe("9999");
    expect(row.shopifyCustomerId).toBe(who.shopifyId);
    expect(JSON.parse(row.exportJson).customers[0].email).toBe(who.email);

    // The demo's admin acts as kindly-demo.myshopify.com: another shop's export is a 404, never its data.
    process.env.KINDLY_DEMO = "1";
    const { resetEnvForTests } = await import("~/env.server");
    resetEnvForTests();
    await createShop("kindly-demo.myshopify.com").catch(() => undefined);
    await createSession("kindly-demo.myshopify.com").catch(() => undefined);
    try {
      const outcome = await exportLoader({
        request: new Request(`${APP_URL}/app/privacy/${row.id}`),
        params: { id: row.id },
        context: {},
      }).catch((thrown: unknown) => thrown);
      expect(outcome).toBeInstanceOf(Response);
      expect((outcome as Response).status).toBe(404);
    } finally {
      delete process.env.KINDLY_DEMO;
      resetEnvForTests();
    }
  });
});

describe("shop/redact", () => {
  it("erases everything of the shop", async () => {
    const shop = (await createShop()).shop;
    await createSession(shop);
    await createCustomerFootprint(shop, person());
    expect(await call(shopRedact, signed("shop/redact", shop, { shop_id: 954889, shop_domain: shop }))).toBe(200);
    expect(Object.entries(await rowsForShop(shop)).filter(([, count]) => count > 0)).toEqual([]);
  });
});
