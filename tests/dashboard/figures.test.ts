import { beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ensureRecoveryFlow } from "~/modules/recovery/flow.server";
import { loadDashboard, type DashboardData } from "~/modules/dashboard/dashboard.server";
import { resolvePeriod } from "~/modules/dashboard/period";
import { recordMessageEvent } from "~/modules/messaging/message-events.server";
import { incrementalLift } from "~/modules/recovery/lift";
import { createShop } from "../support/factories";

/**
 * The dashboard's figures equal figures computed here, independently, from the same seeded events: plain array
 * filters over what was written, with the period taken as local days in the shop's zone (Paris, UTC+1 in November).
 * Events sit on both sides of local and UTC midnight at both ends of the period, so a UTC-day mistake shows.
 */
const SHOP = "dashboard-shop.myshopify.com";
const ZONE = "Europe/Paris";
const NOW = new Date("2026-11-24T12:00:00Z");
const HOUR = 3_600_000;

// Deterministic pseudo-random numbers (LCG).
let state = 20261124;
const random = () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];

const period = resolvePeriod(new URLSearchParams("period=7"), NOW, ZONE);
const inPeriod = (at: Date) => at >= period.from && at < period.to;
const localDay = (at: Date) => new Intl.DateTimeFormat("en-CA", { timeZone: ZONE }).format(at);
// Times around the period's edges (local and UTC midnights) plus random times within +-2 days of it.
const edges = [
  new Date("2026-11-17T22:30:00Z"),
  new Date("2026-11-17T23:00:00Z"),
  new Date("2026-11-17T23:30:00Z"),
  new Date("2026-11-18T00:30:00Z"),
  new Date("2026-11-24T22:59:59Z"),
  new Date("2026-11-24T23:00:00Z"),
  new Date("2026-11-24T23:30:00Z"),
  new Date("2026-11-25T00:30:00Z"),
];
const someTime = (index: number) =>
  index < edges.length
    ? edges[index]
    : new Date(period.from.getTime() - 2 * 24 * HOUR + Math.floor(random() * (11 * 24 * HOUR)));

interface SeededRun {
  createdAt: Date;
  holdout: boolean;
  contacted: boolean;
  recovered: boolean;
  revenue: number;
}
const runs: SeededRun[] = [];
const checkouts: Date[] = [];
const messages: Array<{ channel: string; createdAt: Date; events: string[] }> = [];
const conversations: Array<{ createdAt: Date; responseMinutes: number | null; csat: number | null }> = [];
const segments: Array<{ segment: string; clv: number }> = [];
let dashboard: DashboardData;

beforeAll(async () => {
  await createShop(SHOP, { ianaTimezone: ZONE, currencyCode: "EUR" });
  await ensureRecoveryFlow(prisma, SHOP, { enabled: true });
  const flowId = (await prisma.flow.findFirstOrThrow({ where: { shop: SHOP } })).id;

  for (let index = 0; index < 60; index++) {
    const createdAt = someTime(index % 20 === 0 ? index / 20 : index);
    checkouts.push(createdAt);
    await prisma.checkout.create({ data: { shop: SHOP, token: `tok-${index}`, createdAt } });

    const holdout = random() < 0.2;
    const contacted = !holdout && random() < 0.8;
    const recovered = random() < 0.35 && (holdout || contacted);
    const revenue = recovered ? Math.round(random() * 20_000) / 100 : 0;
    runs.push({ createdAt, holdout, contacted, recovered: recovered && !holdout, revenue });
    const run = await prisma.flowRun.create({
      data: {
        shop: SHOP,
        flowId,
        subjectType: "CHECKOUT",
        subjectId: `tok-${index}`,
        holdout,
        anchorAt: createdAt,
        createdAt,
        // A holdout conversion is revenue without recovery: it feeds the lift, never "recovered".
        recovered: recovered && !holdout,
        convertedRevenue: recovered ? revenue : null,
        convertedAt: recovered ? new Date(createdAt.getTime() + 5 * HOUR) : null,
        attributedStep: recovered && !holdout ? 1 : null,
        attributedChannel: recovered && !holdout ? "EMAIL" : null,
      },
    });
    if (contacted) {
      await prisma.scheduledMessage.create({
        data: { shop: SHOP, runId: run.id, stepPosition: 1, channel: "EMAIL", dueAt: createdAt, state: "SENT" },
      });
    }
  }

  for (let index = 0; index < 80; index++) {
    const createdAt = someTime(index);
    const channel = pick(["EMAIL", "EMAIL", "SMS"]);
    const events = ["OPEN", "MACHINE_OPEN", "CLICK", "REPLY", "UNSUBSCRIBE", "BOUNCE", "OPEN"].filter(
      () => random() < 0.3,
    );
    messages.push({ channel, createdAt, events });
    const message = await prisma.message.create({
      data: {
        shop: SHOP,
        channel,
        toAddress: `shopper-${index}@example.org`,
        replyToken: `reply-${index}`,
        status: "SENT",
        sentAt: createdAt,
        createdAt,
      },
    });
    for (const type of events) {
      await recordMessageEvent(prisma, {
        shop: SHOP,
        messageId: message.id,
        type,
        at: new Date(createdAt.getTime() + HOUR),
      });
    }
  }

  for (let index = 0; index < 50; index++) {
    const createdAt = someTime(index);
    const answered = random() < 0.8;
    const responseMinutes = answered ? Math.round(random() * 40 * 60) : null;
    const csat = random() < 0.5 ? 1 + Math.floor(random() * 5) : null;
    conversations.push({ createdAt, responseMinutes, csat });
    await prisma.conversation.create({
      data: {
        shop: SHOP,
        channel: "EMAIL",
        status: csat ? "CLOSED" : "OPEN",
        lastMessageAt: createdAt,
        createdAt,
        firstResponseAt: responseMinutes === null ? null : new Date(createdAt.getTime() + responseMinutes * 60_000),
        csatScore: csat,
      },
    });
  }

  for (let index = 0; index < 40; index++) {
    const segment = pick(["FIRST_TIME", "REPEAT", "VIP", "AT_RISK", "LAPSED", "PROSPECT"]);
    const clv = Math.round(random() * 50_000) / 100;
    segments.push({ segment, clv });
    await prisma.customer.create({ data: { shop: SHOP, email: `c${index}@example.org`, segment, predictedClv: clv } });
  }
  // Another shop's data must not count.
  await createShop("other-dashboard.myshopify.com", { ianaTimezone: ZONE });
  await prisma.checkout.create({ data: { shop: "other-dashboard.myshopify.com", token: "x", createdAt: NOW } });
  await prisma.customer.create({ data: { shop: "other-dashboard.myshopify.com", segment: "VIP", predictedClv: 999 } });

  dashboard = (await loadDashboard(SHOP, period))!;
  // The figures are not trivially empty.
  expect(dashboard.recovery.recovered).toBeGreaterThan(2);
  expect(dashboard.messages.length).toBe(2);
  expect(dashboard.support.answered).toBeGreaterThan(5);
});

const round2 = (value: number) => Math.round(value * 100) / 100;

describe("dashboard figures over local days (Europe/Paris)", () => {
  it("recovery: checkouts, eligible, held out, contacted, recovered, revenue, rate and revenue per local day", () => {
    const inside = runs.filter((run) => inPeriod(run.createdAt));
    const recovered = inside.filter((run) => run.recovered);
    const contacted = inside.filter((run) => run.contacted).length;
    expect(dashboard.recovery.checkoutsCreated).toBe(checkouts.filter(inPeriod).length);
    expect(dashboard.recovery.checkoutsInFlow).toBe(inside.filter((run) => !run.holdout).length);
    expect(dashboard.recovery.holdoutCheckouts).toBe(inside.filter((run) => run.holdout).length);
    expect(dashboard.recovery.contacted).toBe(contacted);
    expect(dashboard.recovery.recovered).toBe(recovered.length);
    expect(round2(dashboard.recovery.recoveredRevenue)).toBe(
      round2(recovered.reduce((sum, run) => sum + run.revenue, 0)),
    );
    expect(dashboard.recovery.recoveryRate).toBeCloseTo(recovered.length / contacted, 10);
    const perDay = period.days.map(({ day }) => {
      const onDay = recovered.filter((run) => localDay(run.createdAt) === day);
      return { day, recovered: onDay.length, revenue: round2(onDay.reduce((sum, run) => sum + run.revenue, 0)) };
    });
    expect(dashboard.recovery.perDay.map((row) => ({ ...row, revenue: round2(row.revenue) }))).toEqual(perDay);
    // Incremental revenue against the holdout, from the same per-group moments computed here.
    const moments = (group: SeededRun[]) => ({
      count: group.length,
      sum: group.reduce((sum, run) => sum + run.revenue, 0),
      sumOfSquares: group.reduce((sum, run) => sum + run.revenue * run.revenue, 0),
    });
    const lift = incrementalLift(
      moments(inside.filter((run) => !run.holdout)),
      moments(inside.filter((run) => run.holdout)),
    );
    expect(dashboard.recovery.lift?.incrementalRevenue).toBeCloseTo(lift!.incrementalRevenue, 6);
    expect(dashboard.recovery.lift?.interval95[0]).toBeCloseTo(lift!.interval95[0], 6);
    // The edges really are on both sides: some seeded runs fall outside by local time but inside by UTC date.
    expect(runs.some((run) => !inPeriod(run.createdAt) && run.createdAt.toISOString().startsWith("2026-11-24"))).toBe(
      true,
    );
  });

  it("messages by channel: sent, delivered, human opens, clicks, replies, unsubscribes", () => {
    const expected = ["EMAIL", "SMS"]
      .map((channel) => {
        const sent = messages.filter((message) => message.channel === channel && inPeriod(message.createdAt));
        const having = (type: string) => sent.filter((message) => message.events.includes(type)).length;
        return {
          channel,
          sent: sent.length,
          delivered: sent.length - having("BOUNCE"),
          humanOpens: having("OPEN"),
          clicks: having("CLICK"),
          replies: having("REPLY"),
          unsubscribes: having("UNSUBSCRIBE"),
        };
      })
      .filter((row) => row.sent > 0);
    expect(dashboard.messages).toEqual(expected);
  });

  it("support: conversations, answered, median first response, buckets and CSAT distribution", () => {
    const inside = conversations.filter((conversation) => inPeriod(conversation.createdAt));
    const minutes = inside
      .map((conversation) => conversation.responseMinutes)
      .filter((value): value is number => value !== null)
      .sort((a, b) => a - b);
    const middle = Math.floor((minutes.length - 1) / 2);
    const median = minutes.length % 2 ? minutes[middle] : (minutes[middle] + minutes[middle + 1]) / 2;
    expect(dashboard.support.conversations).toBe(inside.length);
    expect(dashboard.support.answered).toBe(minutes.length);
    expect(dashboard.support.firstResponseMedianMinutes).toBeCloseTo(median, 0);
    const hours = minutes.map((value) => value / 60);
    expect(dashboard.support.buckets).toEqual({
      "0-1 h": hours.filter((h) => h <= 1).length,
      "1-4 h": hours.filter((h) => h > 1 && h <= 4).length,
      "4-8 h": hours.filter((h) => h > 4 && h <= 8).length,
      "8-24 h": hours.filter((h) => h > 8 && h <= 24).length,
      "24 h+": hours.filter((h) => h > 24).length,
    });
    const scores = inside.map((conversation) => conversation.csat).filter((value): value is number => value !== null);
    expect(dashboard.support.csat.responses).toBe(scores.length);
    expect(dashboard.support.csat.average).toBeCloseTo(scores.reduce((a, b) => a + b, 0) / scores.length, 10);
    expect(dashboard.support.csatDistribution).toEqual(
      Object.fromEntries([1, 2, 3, 4, 5].map((score) => [String(score), scores.filter((s) => s === score).length])),
    );
  });

  it("customers: segment sizes, predicted CLV, at risk; this shop only", () => {
    expect(dashboard.customers.total).toBe(segments.length);
    for (const row of dashboard.customers.segments) {
      const mine = segments.filter((customer) => customer.segment === row.segment);
      expect(row.count, row.segment).toBe(mine.length);
      expect(round2(row.predictedClv), row.segment).toBe(round2(mine.reduce((sum, customer) => sum + customer.clv, 0)));
    }
    expect(dashboard.customers.atRisk).toBe(segments.filter((customer) => customer.segment === "AT_RISK").length);
  });
});
