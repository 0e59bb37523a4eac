import prisma from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import { getClock } from "~/clock.server";
import { getLogger } from "~/logger.server";
import { fitClvModel, predictClv, type ClvModel } from "~/modules/customers/clv/predict";
import type { CustomerSummary } from "~/modules/customers/clv/summary";
import { refreshOrderDates } from "~/modules/customers/import.server";
import { enrollSegmentEntries } from "~/modules/flows/triggers.server";
import {
  assignSegment,
  isVip,
  LAPSED_AFTER_DAYS,
  vipClvCutoff,
  type Segment,
  type VipRule,
} from "~/modules/customers/segments";

/**
 * Segments for a whole shop: CLV models fitted on every buyer's order history, a prediction per customer, the VIP
 * cut-off, then each customer's segment, with every change recorded in SegmentChange. Read and written in pages,
 * so memory holds one page of rows plus four numbers per buyer (what the fit needs).
 */

const PAGE = 500;
const DAY_MS = 86_400_000;
const WEEK_DAYS = 7;

export type SegmentReason = "SYNC" | "NIGHTLY" | "WEBHOOK" | "SETTINGS";

/** What the Customers page shows about the model (Shop.clvFitJson). */
export interface ClvFitReport {
  method: ClvModel["method"];
  reason: string | null;
  unit: ClvModel["unit"];
  customers: number;
  repeatBuyers: number;
  bgnbd: { r: number; alpha: number; a: number; b: number; logLikelihood: number; converged: boolean } | null;
  gammaGamma: { p: number; q: number; gamma: number; converged: boolean } | null;
  meanOrderValue: number | null;
  horizonMonths: number;
  monthlyDiscountRate: number;
  vipRule: VipRule;
  /** The smallest CLV in the VIP share (null when the rule is a spend threshold or nobody qualifies). */
  vipClvCutoff: number | null;
  computedAt: string;
  fitMs: number;
}

export interface SegmentRunSummary {
  customers: number;
  changes: number;
  bySegment: Partial<Record<Segment, number>>;
  report: ClvFitReport;
}

const utcDay = (date: Date) => Math.floor(date.getTime() / DAY_MS);

/**
 * A customer's (x, t_x, T, zbar) in weeks from their non-cancelled orders: same-day orders are one purchase, the
 * first is not a repeat, T runs to `now` (as in the CLV models' transaction-log summary).
 */
export function summarizeOrders(
  orders: Array<{ processedAt: Date; totalPrice: { toString(): string } }>,
  now: Date,
): CustomerSummary | null {
  if (orders.length === 0) return null;
  const byDay = new Map<number, number>();
  for (const order of orders) {
    const day = utcDay(order.processedAt);
    byDay.set(day, (byDay.get(day) ?? 0) + Number(order.totalPrice.toString()));
  }
  const days = [...byDay.keys()].sort((p, q) => p - q);
  const first = days[0];
  const last = days[days.length - 1];
  const x = days.length - 1;
  let repeatValue = 0;
  for (const day of days.slice(1)) repeatValue += byDay.get(day)!;
  return {
    x,
    t_x: (last - first) / WEEK_DAYS,
    T: Math.max(last, utcDay(now)) / WEEK_DAYS - first / WEEK_DAYS,
    zbar: x > 0 ? repeatValue / x : 0,
  };
}

async function buyerSummaries(shop: string, now: Date): Promise<{ ids: string[]; summaries: CustomerSummary[] }> {
  const ids: string[] = [];
  const summaries: CustomerSummary[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await prisma.customer.findMany({
      where: { shop, firstOrderAt: { not: null } },
      select: { id: true },
      orderBy: { id: "asc" },
      take: PAGE,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    if (page.length === 0) break;
    cursor = page[page.length - 1].id;
    const orders = await prisma.order.findMany({
      where: { shop, customerId: { in: page.map((row) => row.id) }, cancelledAt: null },
      select: { customerId: true, processedAt: true, totalPrice: true },
    });
    const byCustomer = new Map<string, typeof orders>();
    for (const order of orders) {
      const list = byCustomer.get(order.customerId!) ?? [];
      list.push(order);
      byCustomer.set(order.customerId!, list);
    }
    for (const { id } of page) {
      const summary = summarizeOrders(byCustomer.get(id) ?? [], now);
      if (!summary) continue;
      ids.push(id);
      summaries.push(summary);
    }
  }
  return { ids, summaries };
}

function fitReport(
  model: ClvModel,
  settings: { clvHorizonMonths: number; clvMonthlyDiscountRate: number; vipRule: VipRule },
  cutoff: number,
  now: Date,
  fitMs: number,
): ClvFitReport {
  const bgnbd = model.bgnbd;
  const gammaGamma = model.gammaGamma;
  return {
    method: model.method,
    reason: model.method === "fallback" ? model.reason : null,
    unit: model.unit,
    customers: model.shop.customers,
    repeatBuyers: model.shop.repeatBuyers,
    bgnbd: bgnbd ? { ...bgnbd.params, logLikelihood: bgnbd.logLikelihood, converged: bgnbd.converged } : null,
    gammaGamma: gammaGamma ? { ...gammaGamma.params, converged: gammaGamma.converged } : null,
    meanOrderValue: Number.isFinite(model.shop.meanOrderValue) ? model.shop.meanOrderValue : null,
    horizonMonths: settings.clvHorizonMonths,
    monthlyDiscountRate: settings.clvMonthlyDiscountRate,
    vipRule: settings.vipRule,
    vipClvCutoff: settings.vipRule === "CLV_TOP_SHARE" && Number.isFinite(cutoff) ? cutoff : null,
    computedAt: now.toISOString(),
    fitMs,
  };
}

const sameNumber = (a: number | null, b: number | null) =>
  a === b || (a !== null && b !== null && Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a)));

/** Recomputes CLV and segments for every customer of the shop. */
export async function computeShopSegments(
  shop: string,
  options: { now?: Date; reason: SegmentReason },
): Promise<SegmentRunSummary> {
  const now = options.now ?? getClock().now();
  const settings = await prisma.shop.findUniqueOrThrow({ where: { shop } });
  const vipRule: VipRule = settings.vipRule === "SPEND_THRESHOLD" ? "SPEND_THRESHOLD" : "CLV_TOP_SHARE";
  await refreshOrderDates(prisma, shop);

  const { ids, summaries } = await buyerSummaries(shop, now);
  const started = performance.now();
  const model = fitClvModel(summaries, { unit: "weeks" });
  const fitMs = performance.now() - started;
  const index = new Map<string, number>();
  const pAlive = new Float64Array(ids.length);
  const expected = new Float64Array(ids.length);
  const clv = new Float64Array(ids.length);
  ids.forEach((id, i) => {
    index.set(id, i);
    const prediction = predictClv(model, summaries[i], {
      months: settings.clvHorizonMonths,
      monthlyDiscountRate: settings.clvMonthlyDiscountRate,
    });
    pAlive[i] = prediction.pAlive;
    expected[i] = prediction.expectedPurchases;
    clv[i] = prediction.clv;
  });
  const cutoff = vipClvCutoff(clv, settings.vipTopPercent);
  const spendThreshold = settings.vipSpendThreshold === null ? null : Number(settings.vipSpendThreshold.toString());
  const thresholds = { atRiskPAlive: settings.atRiskPAlive, lapsedAfterDays: LAPSED_AFTER_DAYS };

  const bySegment: Partial<Record<Segment, number>> = {};
  let changes = 0;
  let customers = 0;
  let cursor: string | undefined;
  for (;;) {
    const page = await prisma.customer.findMany({
      where: { shop },
      select: {
        id: true,
        ordersCount: true,
        totalSpent: true,
        lastOrderAt: true,
        segment: true,
        pAlive: true,
        expectedPurchases: true,
        predictedClv: true,
      },
      orderBy: { id: "asc" },
      take: PAGE,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    if (page.length === 0) break;
    cursor = page[page.length - 1].id;
    customers += page.length;
    const updates: Prisma.Sql[] = [];
    const changed: Array<{ customerId: string; fromSegment: string | null; toSegment: Segment }> = [];
    for (const customer of page) {
      const i = index.get(customer.id);
      const predicted =
        i === undefined ? null : { pAlive: pAlive[i], expectedPurchases: expected[i], predictedClv: clv[i] };
      const segment = assignSegment(
        {
          ordersCount: customer.ordersCount,
          daysSinceLastOrder: customer.lastOrderAt
            ? Math.max(0, (now.getTime() - customer.lastOrderAt.getTime()) / DAY_MS)
            : null,
          pAlive: predicted?.pAlive ?? null,
          vip: isVip(
            vipRule,
            { predictedClv: predicted?.predictedClv ?? null, totalSpent: Number(customer.totalSpent.toString()) },
            { clvCutoff: cutoff, spendThreshold },
          ),
        },
        thresholds,
      );
      bySegment[segment] = (bySegment[segment] ?? 0) + 1;
      const segmentChanged = customer.segment !== segment;
      const valuesChanged =
        !sameNumber(customer.pAlive, predicted?.pAlive ?? null) ||
        !sameNumber(customer.expectedPurchases, predicted?.expectedPurchases ?? null) ||
        !sameNumber(customer.predictedClv, predicted?.predictedClv ?? null);
      if (!segmentChanged && !valuesChanged) continue;
      updates.push(
        // Typed values: PostgreSQL reads untyped VALUES parameters as text. The same casts are valid SQLite.
        Prisma.sql`(CAST(${customer.id} AS TEXT), CAST(${segment} AS TEXT), CAST(${segmentChanged ? 1 : 0} AS INTEGER),
          CAST(${predicted?.pAlive ?? null} AS DOUBLE PRECISION),
          CAST(${predicted?.expectedPurchases ?? null} AS DOUBLE PRECISION),
          CAST(${predicted?.predictedClv ?? null} AS DOUBLE PRECISION))`,
      );
      if (segmentChanged) changed.push({ customerId: customer.id, fromSegment: customer.segment, toSegment: segment });
    }
    if (updates.length === 0) continue;
    changes += changed.length;
    // One statement per page (a CTE of the new values), not one round trip per customer.
    await prisma.$transaction([
      prisma.$executeRaw`
        WITH v ("id", "segment", "moved", "pAlive", "expectedPurchases", "predictedClv") AS (VALUES ${Prisma.join(updates)})
        UPDATE "Customer" SET
          "segment" = (SELECT v."segment" FROM v WHERE v."id" = "Customer"."id"),
          "segmentChangedAt" = CASE WHEN (SELECT v."moved" FROM v WHERE v."id" = "Customer"."id") = 1
                                    THEN ${now} ELSE "segmentChangedAt" END,
          "pAlive" = (SELECT v."pAlive" FROM v WHERE v."id" = "Customer"."id"),
          "expectedPurchases" = (SELECT v."expectedPurchases" FROM v WHERE v."id" = "Customer"."id"),
          "predictedClv" = (SELECT v."predictedClv" FROM v WHERE v."id" = "Customer"."id"),
          "clvComputedAt" = ${now}
        WHERE "shop" = ${shop} AND "id" IN (SELECT v."id" FROM v)`,
      prisma.segmentChange.createMany({
        data: changed.map((change) => ({ shop, ...change, changedAt: now, reason: options.reason })),
      }),
    ]);
    // Entering VIP or at risk starts those care flows (when they are on); app/modules/flows decides which moves count.
    await enrollSegmentEntries(prisma, shop, changed, options.reason, now);
  }
  const report = fitReport(model, { ...settings, vipRule }, cutoff, now, fitMs);
  await prisma.shop.update({
    where: { shop },
    data: { clvFitJson: JSON.stringify(report), segmentsComputedAt: now },
  });
  getLogger().info({ shop, customers, changes, method: report.method, reason: options.reason }, "segments computed");
  return { customers, changes, bySegment, report };
}

/** The shop's local hour (0-23) at `now`, in its IANA time zone (UTC when the zone is unknown). */
export function localHour(now: Date, timeZone: string): number {
  try {
    const hour = new Intl.DateTimeFormat("en-GB", { timeZone, hour: "numeric", hourCycle: "h23" }).format(now);
    return Number(hour);
  } catch {
    return now.getUTCHours();
  }
}

/** Nightly recomputation runs between 02:00 and 05:59 shop time, at most once per night. */
export const NIGHT_START_HOUR = 2;
export const NIGHT_END_HOUR = 6;
const NIGHTLY_MIN_GAP_MS = 12 * 3_600_000;

/**
 * Due work: the segments of one shop whose customers changed since the last computation (after an import) or whose
 * night has come. Claimed by compare-and-set on segmentsComputedAt, so two workers never compute the same shop;
 * a failed computation gives the claim back so the next pass retries.
 */
export async function runDueSegmentWork(context: { now: Date }): Promise<number> {
  const { now } = context;
  const shops = await prisma.shop.findMany({
    where: { uninstalledAt: null, customersSyncedAt: { not: null } },
    select: { shop: true, ianaTimezone: true, customersSyncedAt: true, segmentsComputedAt: true },
    orderBy: { shop: "asc" },
  });
  for (const shop of shops) {
    const computed = shop.segmentsComputedAt;
    let reason: SegmentReason | null = null;
    if (!computed || computed.getTime() < shop.customersSyncedAt!.getTime()) reason = "SYNC";
    else {
      const hour = localHour(now, shop.ianaTimezone);
      if (
        hour >= NIGHT_START_HOUR &&
        hour < NIGHT_END_HOUR &&
        now.getTime() - computed.getTime() >= NIGHTLY_MIN_GAP_MS
      ) {
        reason = "NIGHTLY";
      }
    }
    if (!reason) continue;
    const claim = await prisma.shop.updateMany({
      where: { shop: shop.shop, segmentsComputedAt: computed },
      data: { segmentsComputedAt: now },
    });
    if (claim.count !== 1) continue;
    try {
      await computeShopSegments(shop.shop, { now, reason });
    } catch (error) {
      await prisma.shop.updateMany({
        where: { shop: shop.shop, segmentsComputedAt: now },
        data: { segmentsComputedAt: computed },
      });
      getLogger().warn({ shop: shop.shop, err: (error as Error).message }, "segment computation failed");
      continue;
    }
    return 1;
  }
  return 0;
}
