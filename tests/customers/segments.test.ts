import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { unauthenticated } from "~/shopify.server";
import { runDueWorkUntilIdle } from "~/jobs/worker.server";
import { startCustomerImport } from "~/modules/customers/import.server";
import {
  computeShopSegments,
  localHour,
  runDueSegmentWork,
  type ClvFitReport,
} from "~/modules/customers/segments.server";
import { createShop } from "../support/factories";
import { startCustomersBench, type CustomersBench } from "./support";

/**
 * Segments and CLV for a whole shop: after an import, at the shop's night (and not twice a night), and for a shop
 * too small for the models (the labelled fallback).
 */

let bench: CustomersBench;

beforeAll(async () => {
  bench = await startCustomersBench();
  const { admin } = await unauthenticated.admin(bench.shop);
  await startCustomerImport(admin, bench.shop, bench.clock.now());
  await bench.emulator.idle();
  await runDueWorkUntilIdle({ now: bench.clock.now() });
});
afterAll(async () => {
  await bench.emulator.idle();
  bench.close();
});

const report = async (shop: string) =>
  JSON.parse((await prisma.shop.findUniqueOrThrow({ where: { shop } })).clvFitJson!) as ClvFitReport;

describe("segments for the whole shop", () => {
  it("after the import: the models fitted on every buyer, CLV for buyers only, VIPs the top 10 % by CLV", async () => {
    const fit = await report(bench.shop);
    const buyers = await prisma.customer.count({ where: { shop: bench.shop, firstOrderAt: { not: null } } });
    expect(fit).toMatchObject({ method: "bgnbd-gamma-gamma", reason: null, customers: buyers, horizonMonths: 12 });
    expect(fit.bgnbd!.converged).toBe(true);
    expect(
      await prisma.customer.count({ where: { shop: bench.shop, firstOrderAt: null, predictedClv: { not: null } } }),
    ).toBe(0);
    const vips = await prisma.customer.findMany({ where: { shop: bench.shop, segment: "VIP" } });
    // CLVs travel to SQLite's REAL column as decimal text, and its parser may land one ulp away: compare to the
    // cutoff with a relative tolerance far below anything a merchant sees.
    const cutoff = fit.vipClvCutoff! * (1 - 1e-12);
    expect(vips.every((vip) => vip.predictedClv! >= cutoff)).toBe(true);
    // Top 10 % of buyers with a positive CLV, minus those who are at risk or lapsed (which outrank VIP).
    const positive = await prisma.customer.count({ where: { shop: bench.shop, predictedClv: { gt: 0 } } });
    const overCutoff = await prisma.customer.count({
      where: { shop: bench.shop, predictedClv: { gte: cutoff } },
    });
    expect(overCutoff).toBe(Math.ceil(positive * 0.1));
    expect(vips.length).toBeLessThanOrEqual(overCutoff);
    const atRisk = await prisma.customer.findMany({ where: { shop: bench.shop, segment: "AT_RISK" } });
    expect(atRisk.every((c) => c.ordersCount >= 2 && c.pAlive! < 0.3)).toBe(true);
  });

  it("recomputes at the shop's night, once, and not in the afternoon", async () => {
    const before = (await prisma.shop.findUniqueOrThrow({ where: { shop: bench.shop } })).segmentsComputedAt!;
    // 14:00 in Paris: nothing due.
    expect(await runDueSegmentWork({ now: new Date("2026-11-24T13:00:00Z") })).toBe(0);
    // 03:30 in Paris the next night.
    const night = new Date("2026-11-25T02:30:00Z");
    expect(localHour(night, "Europe/Paris")).toBe(3);
    bench.clock.set(night);
    expect(await runDueSegmentWork({ now: night })).toBe(1);
    const after = await prisma.shop.findUniqueOrThrow({ where: { shop: bench.shop } });
    expect(after.segmentsComputedAt).toEqual(night);
    expect(after.segmentsComputedAt!.getTime()).toBeGreaterThan(before.getTime());
    expect((await report(bench.shop)).computedAt).toBe(night.toISOString());
    // Later the same night: already done.
    expect(await runDueSegmentWork({ now: new Date("2026-11-25T04:00:00Z") })).toBe(0);
    // Each change of that night is recorded as NIGHTLY, none twice.
    const nightly = await prisma.segmentChange.findMany({ where: { shop: bench.shop, reason: "NIGHTLY" } });
    expect(new Set(nightly.map((c) => c.customerId)).size).toBe(nightly.length);
  });

  it("a shop too small for the models gets the labelled fallback, with finite estimates", async () => {
    const shop = "tiny-shop.myshopify.com";
    await createShop(shop, { ianaTimezone: "America/New_York" });
    const now = new Date("2026-11-26T12:00:00Z");
    for (let i = 0; i < 6; i++) {
      const customer = await prisma.customer.create({
        data: {
          shop,
          shopifyId: `gid://shopify/Customer/${900 + i}`,
          ordersCount: i % 3,
          totalSpent: String(40 * (i % 3)),
        },
      });
      for (let k = 0; k < i % 3; k++) {
        await prisma.order.create({
          data: {
            shop,
            shopifyId: `gid://shopify/Order/${9000 + i * 10 + k}`,
            customerId: customer.id,
            totalPrice: "40.00",
            processedAt: new Date(now.getTime() - (30 + 60 * k + i) * 86_400_000),
          },
        });
      }
    }
    const run = await computeShopSegments(shop, { now, reason: "SYNC" });
    expect(run.report).toMatchObject({ method: "fallback", reason: "TOO_FEW_CUSTOMERS", customers: 4 });
    expect(run.bySegment).toMatchObject({ PROSPECT: 2 });
    const rows = await prisma.customer.findMany({ where: { shop, firstOrderAt: { not: null } } });
    expect(rows).toHaveLength(4);
    for (const row of rows) {
      expect(Number.isFinite(row.predictedClv)).toBe(true);
      expect(row.pAlive).toBeGreaterThan(0);
    }
    // The other shop was not touched.
    expect(await prisma.customer.count({ where: { shop: bench.shop, clvComputedAt: now } })).toBe(0);
  });
});
