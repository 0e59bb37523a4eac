import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { resetEnvForTests } from "~/env.server";
import { unauthenticated } from "~/shopify.server";
import { createPersonalDiscount, DiscountRejectedError } from "~/modules/discounts/discounts.server";
import { DiscountInputError } from "~/modules/discounts/discounts";
import { createEmulator, createShopStore, startEmulatorServer, type EmulatorServer } from "../support/emulator";
import { createSession, createShop } from "../support/factories";

/**
 * Personal discount codes through the real Admin client against the shop emulator: the code exists in the shop,
 * limited to the one customer, once, until the expiry; Kindly records what it created, and leaves nothing behind
 * when Shopify refuses.
 */
const store = createShopStore({ seed: 42, shop: "discount-shop.myshopify.com" });
const emulator = createEmulator({ shops: [store] });
const now = store.now();
const expiresAt = new Date(now.getTime() + 30 * 86_400_000);
let server: EmulatorServer;
let customerId: string;
let shopifyCustomerId: string;
let noAccountId: string;

beforeAll(async () => {
  resetEnvForTests();
  server = startEmulatorServer(emulator);
  await createShop(store.domain, { currencyCode: store.shop.currencyCode });
  await createSession(store.domain);
  shopifyCustomerId = store.customers[3].id;
  customerId = (
    await prisma.customer.create({ data: { shop: store.domain, shopifyId: shopifyCustomerId, email: "a@example.com" } })
  ).id;
  noAccountId = (await prisma.customer.create({ data: { shop: store.domain, email: "guest@example.com" } })).id;
});
afterAll(() => server.close());

const admin = async () => (await unauthenticated.admin(store.domain)).admin;

describe("createPersonalDiscount", () => {
  it("creates a percentage code only that customer can use once, and records it", async () => {
    const result = await createPersonalDiscount(await admin(), {
      shop: store.domain,
      customerId,
      purpose: "APOLOGY",
      kind: "PERCENTAGE",
      value: "15",
      expiresAt,
      conversationId: "conversation-1",
      now,
    });
    expect(result.code).toMatch(/^SORRY-[A-Z2-9]{8}$/);
    const created = store.discountCodes.find((discount) => discount.code === result.code)!;
    expect(created).toMatchObject({
      kind: "BASIC",
      percentage: 0.15,
      usageLimit: 1,
      appliesOncePerCustomer: true,
      customerIds: [shopifyCustomerId],
      endsAt: expiresAt,
    });
    const grant = await prisma.discountGrant.findUniqueOrThrow({ where: { id: result.grantId } });
    expect(grant).toMatchObject({
      shop: store.domain,
      customerId,
      conversationId: "conversation-1",
      purpose: "APOLOGY",
      kind: "PERCENTAGE",
      shopifyDiscountId: created.id,
    });
    expect(Number(grant.value)).toBe(15);
  });

  it("creates free shipping with its own mutation", async () => {
    const result = await createPersonalDiscount(await admin(), {
      shop: store.domain,
      customerId,
      purpose: "VIP_PERK",
      kind: "FREE_SHIPPING",
      expiresAt,
      now,
    });
    expect(store.discountCodes.find((discount) => discount.code === result.code)).toMatchObject({
      kind: "FREE_SHIPPING",
      percentage: null,
      amountCents: null,
      customerIds: [shopifyCustomerId],
    });
  });

  it("tries another code when Shopify already has one, and gives up with Shopify's words on other refusals", async () => {
    const taken = store.discountCodes[0].code;
    const codes = [taken, "THANKS-FRESH222"];
    const result = await createPersonalDiscount(await admin(), {
      shop: store.domain,
      customerId,
      purpose: "REWARD",
      kind: "FIXED_AMOUNT",
      value: "5",
      expiresAt,
      now,
      newCode: () => codes.shift()!,
    });
    expect(result.code).toBe("THANKS-FRESH222");
    expect(store.discountCodes.find((discount) => discount.code === "THANKS-FRESH222")?.amountCents).toBe(500);

    const before = await prisma.discountGrant.count({ where: { shop: store.domain } });
    const tooLong = `THANKS-${"X".repeat(300)}`;
    await expect(
      createPersonalDiscount(await admin(), {
        shop: store.domain,
        customerId,
        purpose: "REWARD",
        kind: "PERCENTAGE",
        value: "10",
        expiresAt,
        now,
        newCode: () => tooLong,
      }),
    ).rejects.toThrow(DiscountRejectedError);
    expect(await prisma.discountGrant.count({ where: { shop: store.domain } })).toBe(before);
  });

  it("refuses bad terms, another shop's customer and a customer without a Shopify account before calling Shopify", async () => {
    const count = store.discountCodes.length;
    const base = { shop: store.domain, purpose: "REWARD" as const, kind: "PERCENTAGE" as const, expiresAt, now };
    await expect(createPersonalDiscount(await admin(), { ...base, customerId, value: "150" })).rejects.toThrow(
      DiscountInputError,
    );
    await expect(
      createPersonalDiscount(await admin(), { ...base, shop: "other.myshopify.com", customerId, value: "10" }),
    ).rejects.toThrow(/No such customer/);
    await expect(
      createPersonalDiscount(await admin(), { ...base, customerId: noAccountId, value: "10" }),
    ).rejects.toThrow(/no Shopify customer account/);
    expect(store.discountCodes.length).toBe(count);
  });
});
