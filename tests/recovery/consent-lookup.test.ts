import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { redactShop } from "~/modules/privacy/redact.server";
import { createEmulator, createShopStore, startEmulatorServer, type EmulatorServer } from "../support/emulator";
import { HOUR, checkoutBody, startBench, type Bench } from "./harness";

/**
 * When a checkout payload says nothing about consent, Kindly asks the Admin API (CustomerConsent) before the first
 * send, through the shop's offline session, and stores the answer. Here the "Admin API" is the shop emulator.
 */
const store = createShopStore({ seed: 42, shop: "consent-shop.myshopify.com" });
const emulator = createEmulator({ shops: [store] });
let server: EmulatorServer;
let bench: Bench;

beforeAll(() => {
  server = startEmulatorServer(emulator);
});
afterAll(() => server.close());
beforeEach(async () => {
  bench = await startBench(store.domain);
  await prisma.session.create({
    data: {
      id: `offline_${store.domain}`,
      shop: store.domain,
      state: "",
      isOnline: false,
      accessToken: "shpat_emulated",
      scope: "read_customers,read_orders",
    },
  });
});
afterEach(async () => {
  await bench.close();
  await prisma.$transaction((tx) => redactShop(tx, store.domain));
});

function withoutConsent(customer: (typeof store.customers)[number]) {
  const body = checkoutBody({ email: customer.email, phone: customer.phone });
  const { buyer_accepts_marketing: _email, buyer_accepts_sms_marketing: _sms, ...rest } = body;
  return {
    ...rest,
    customer: {
      id: customer.id.split("/").pop(),
      admin_graphql_api_id: customer.id,
      email: customer.email,
      first_name: customer.firstName,
    },
  };
}

describe("consent from the Admin API", () => {
  it("emails a customer Shopify has as SUBSCRIBED, and stores the answer", async () => {
    const customer = store.customers.find(
      (candidate) => candidate.emailMarketingState === "SUBSCRIBED" && candidate.email,
    )!;
    await bench.deliver("checkouts/create", withoutConsent(customer));
    await bench.advance(HOUR);
    expect(bench.smtp.messages()).toHaveLength(1);
    const checkout = await prisma.checkout.findFirstOrThrow({ where: { shop: bench.shop } });
    expect(checkout.emailMarketingState).toBe("SUBSCRIBED");
  });

  it("does not email a customer Shopify has as not subscribed", async () => {
    const customer = store.customers.find(
      (candidate) => candidate.emailMarketingState !== "SUBSCRIBED" && candidate.email,
    )!;
    await bench.deliver("checkouts/create", withoutConsent(customer));
    await bench.advance(HOUR);
    expect(bench.smtp.messages()).toHaveLength(0);
    expect(
      await prisma.scheduledMessage.findFirstOrThrow({ where: { shop: bench.shop, stepPosition: 0 } }),
    ).toMatchObject({
      state: "SKIPPED",
      skipReason: "NO_CONSENT",
    });
  });
});
