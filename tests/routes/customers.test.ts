import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import { resetEnvForTests } from "~/env.server";
import { runDueWorkUntilIdle } from "~/jobs/worker.server";
import { setAdminSleep } from "~/modules/shop/graphql.server";
import { createShop } from "../support/factories";
import { cents, startCustomersBench, type CustomersBench } from "../customers/support";
// Types only: the route module is imported after the environment is switched to demo mode (beforeAll).
import type * as CustomersRoute from "~/routes/app.customers";

/**
 * The Customers page's loader and actions with real Requests against the test database, in demo mode (the admin acts
 * as the demo shop through its offline session); Shopify is the emulated shop, so the import, tag sync and reward
 * really happen there.
 */

const OTHER_SHOP = "someone-else.myshopify.com";
let bench: CustomersBench;
let route: typeof CustomersRoute;

beforeAll(async () => {
  process.env.KINDLY_DEMO = "1";
  resetEnvForTests();
  bench = await startCustomersBench();
  await createShop(OTHER_SHOP, { currencyCode: "USD" });
  setAdminSleep(async (ms) => bench.passRateLimitTime(ms));
  route = await import("~/routes/app.customers");
});

afterAll(async () => {
  setAdminSleep(undefined);
  await bench.emulator.idle();
  bench.close();
  delete process.env.KINDLY_DEMO;
  resetEnvForTests();
});

const load = (query = "") =>
  route.loader({ request: new Request(`http://localhost:3000/app/customers${query}`), params: {}, context: {} });

async function post(fields: Record<string, string>) {
  const request = new Request("http://localhost:3000/app/customers", {
    method: "POST",
    body: new URLSearchParams(fields),
  });
  const result: unknown = await route.action({ request, params: {}, context: {} });
  const wrapped = result as { data: Record<string, unknown>; init: ResponseInit | null };
  return { status: wrapped.init?.status ?? 200, body: wrapped.data };
}

async function thrownBy(promise: Promise<unknown>): Promise<Response> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  throw new Error("expected a thrown Response");
}

describe("Customers page", () => {
  it("starts empty and honest: no customers, no import, no model", async () => {
    const page = await load();
    expect(page).toMatchObject({ totalCustomers: 0, importJob: null, fit: null, customersSyncedAt: null });
    expect(page.segments.every((segment) => segment.customers === 0)).toBe(true);
  });

  it("imports from Shopify on the button, then shows segment sizes, revenue and CLV from the database", async () => {
    // Another shop's customers must never show up here.
    await prisma.customer.create({
      data: {
        shop: OTHER_SHOP,
        shopifyId: "gid://shopify/Customer/1",
        segment: "VIP",
        totalSpent: "99999",
        ordersCount: 9,
      },
    });
    const started = await post({ intent: "import" });
    expect(started).toEqual({ status: 200, body: { ok: true, message: "Import started." } });
    expect((await post({ intent: "import" })).body.message).toBe("An import is already running.");
    await bench.emulator.idle();
    await runDueWorkUntilIdle({ now: bench.clock.now() });

    const page = await load();
    const { store } = bench;
    expect(page.totalCustomers).toBe(store.customers.length);
    expect(page.unsegmented).toBe(0);
    expect(page.segments.reduce((sum, s) => sum + s.customers, 0)).toBe(store.customers.length);
    const revenue = page.segments.reduce((sum, s) => sum.plus(s.revenue), new Prisma.Decimal(0));
    const spent = store.customers.reduce(
      (sum, c) => sum.plus(cents(store.amountSpentCents(c.id))),
      new Prisma.Decimal(0),
    );
    expect(revenue.equals(spent)).toBe(true);
    expect(page.importJob).toMatchObject({ status: "COMPLETED", active: false, malformedLines: 0 });
    expect(page.importJob!.linesProcessed).toBe(page.importJob!.objectCount);
    expect(page.fit).toMatchObject({ horizonMonths: 12, vipRule: "CLV_TOP_SHARE" });
    expect(["bgnbd-gamma-gamma", "fallback"]).toContain(page.fit!.method);
    expect(page.recentChanges).toHaveLength(10);

    // VIPs (the default list): the top 10 % of buyers by predicted CLV, highest first, 25 a page.
    const vip = page.segments.find((s) => s.segment === "VIP")!;
    expect(vip.customers).toBeGreaterThan(25);
    expect(page.list.rows).toHaveLength(25);
    const clvs = page.list.rows.map((row) => row.predictedClv!);
    expect([...clvs].sort((a, b) => b - a)).toEqual(clvs);
    expect(page.list.rows.every((row) => row.pAlive !== null && row.expectedPurchases !== null)).toBe(true);
    const second = await load("?segment=VIP&page=2");
    expect(second.list.page).toBe(2);
    expect(second.list.rows[0].predictedClv!).toBeLessThanOrEqual(clvs[24]);
    expect(second.list.rows.map((r) => r.id)).not.toContain(page.list.rows[0].id);

    const prospects = await load("?segment=PROSPECT");
    expect(prospects.list.rows.every((row) => row.predictedClv === null && row.ordersCount >= 0)).toBe(true);
  });

  it("refuses a bad segment, page or intent with a 400 and a message", async () => {
    const bad = await thrownBy(load("?segment=EVERYONE"));
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/Unknown segment/);
    expect((await thrownBy(load("?page=0"))).status).toBe(400);
    const answer = await post({ intent: "deleteEverything" });
    expect(answer.status).toBe(400);
    expect(answer.body.ok).toBe(false);
  });

  it("saves segment settings (validated) and recomputes the segments with them", async () => {
    const tags = { tag_PROSPECT: "Prospect", tag_FIRST_TIME: "First-time buyer", tag_REPEAT: "Repeat customer" };
    const moreTags = { tag_VIP: "VIP", tag_AT_RISK: "At risk", tag_LAPSED: "Lapsed" };
    const invalid = await post({
      intent: "saveSettings",
      vipRule: "SPEND_THRESHOLD",
      vipTopPercent: "10",
      vipSpendThreshold: "",
      atRiskPAlive: "1.5",
      ...tags,
      ...moreTags,
      tag_VIP: " ",
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.fieldErrors).toMatchObject({
      atRiskPAlive: "Between 0.01 and 0.99",
      tag_VIP: "A tag name is required",
    });
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop: bench.shop } })).vipRule).toBe("CLV_TOP_SHARE");

    const saved = await post({
      intent: "saveSettings",
      vipRule: "SPEND_THRESHOLD",
      vipTopPercent: "10",
      vipSpendThreshold: "400",
      atRiskPAlive: "0.3",
      ...tags,
      ...moreTags,
      tag_VIP: "Gold",
    });
    expect(saved).toMatchObject({ status: 200, body: { ok: true } });
    const page = await load("?segment=VIP");
    expect(page.settings).toMatchObject({ vipRule: "SPEND_THRESHOLD", vipSpendThreshold: "400" });
    expect(page.settings.tags.VIP).toBe("Gold");
    expect(page.list.rows.length).toBeGreaterThan(0);
    expect(page.list.rows.every((row) => Number(row.totalSpent) >= 400)).toBe(true);
    expect(await prisma.segmentChange.count({ where: { shop: bench.shop, reason: "SETTINGS" } })).toBeGreaterThan(0);
  });

  it("syncs a segment to Shopify tags", async () => {
    const answer = await post({ intent: "syncTags", segment: "LAPSED" });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ ok: true });
    expect(answer.body.message).toMatch(/^"Lapsed": added to \d+, removed from 0/);
    const lapsed = await prisma.customer.findMany({ where: { shop: bench.shop, segment: "LAPSED" } });
    expect(lapsed.length).toBeGreaterThan(0);
    for (const customer of lapsed) expect(bench.store.getCustomer(customer.shopifyId!)!.tags).toContain("Lapsed");
    expect((await post({ intent: "syncTags", segment: "LAPSED" })).body.message).toMatch(/added to 0, removed from 0/);
  });

  it("creates a personal reward code for one customer of this shop only", async () => {
    const customer = await prisma.customer.findFirstOrThrow({ where: { shop: bench.shop, segment: "REPEAT" } });
    const answer = await post({
      intent: "reward",
      customerId: customer.id,
      kind: "PERCENTAGE",
      value: "15",
      expiresInDays: "30",
    });
    expect(answer.status).toBe(200);
    const code = answer.body.code as string;
    expect(code).toMatch(/^THANKS-/);
    const created = bench.store.discountCodes.find((discount) => discount.code === code);
    expect(created).toMatchObject({ customerIds: [customer.shopifyId], percentage: 0.15 });
    expect(await prisma.discountGrant.count({ where: { shop: bench.shop, customerId: customer.id, code } })).toBe(1);

    const freeShipping = await post({
      intent: "reward",
      customerId: customer.id,
      kind: "FREE_SHIPPING",
      expiresInDays: "7",
    });
    expect(freeShipping.status).toBe(200);

    const badValue = await post({
      intent: "reward",
      customerId: customer.id,
      kind: "PERCENTAGE",
      value: "250",
      expiresInDays: "30",
    });
    expect(badValue.status).toBe(400);
    expect(badValue.body.fieldErrors).toHaveProperty("value");

    const foreign = await prisma.customer.findFirstOrThrow({ where: { shop: OTHER_SHOP } });
    const notOurs = await post({
      intent: "reward",
      customerId: foreign.id,
      kind: "PERCENTAGE",
      value: "10",
      expiresInDays: "30",
    });
    expect(notOurs.status).toBe(404);
    expect(await prisma.discountGrant.count({ where: { customerId: foreign.id } })).toBe(0);
  });
});
