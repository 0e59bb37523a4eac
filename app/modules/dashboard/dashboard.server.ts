import prisma from "~/db.server";
import { minutesBetween } from "~/db-dialect.server";
import { Prisma } from "~/generated/prisma/client";
import { recoveryReport, type RecoveryReport } from "~/modules/recovery/report.server";
import { RECOVERY_TRIGGER } from "~/modules/recovery/flow.server";
import { slaReport, type SlaReport } from "~/modules/inbox/sla.server";
import { SEGMENTS, SEGMENT_LABELS } from "~/modules/customers/segments";
import type { Period } from "./period";

/**
 * The KPI dashboard for a period: every figure is an aggregate query (COUNT/SUM/GROUP BY in the database), never
 * rows loaded into memory. Recovery counts runs that started in the period; messages, those sent in it (with their
 * engagement whenever it happened); support, conversations opened in it; customers are the current segments.
 */

export interface MessageFigures {
  channel: string;
  sent: number;
  /** Accepted by the provider (SMTP / Twilio) and not bounced since. */
  delivered: number;
  /** Opens by a person: machine opens (privacy proxies, scanners) are kept apart and not counted. */
  humanOpens: number;
  clicks: number;
  replies: number;
  unsubscribes: number;
}

export interface DashboardData {
  period: { key: string; firstDay: string; lastDay: string; timezone: string; from: string; to: string };
  currencyCode: string;
  recovery: RecoveryReport & {
    checkoutsCreated: number;
    perDay: Array<{ day: string; recovered: number; revenue: number }>;
  };
  messages: MessageFigures[];
  support: Omit<SlaReport, "from" | "to"> & {
    firstResponseMedianMinutes: number | null;
    csatDistribution: Record<"1" | "2" | "3" | "4" | "5", number>;
  };
  customers: {
    total: number;
    segments: Array<{ segment: string; label: string; count: number; predictedClv: number }>;
    atRisk: number;
    predictedClv: number;
  };
}

const num = (value: unknown) => Number(value ?? 0);

export async function recoveryPerDay(shop: string, period: Period) {
  const flow = await prisma.flow.findUnique({
    where: { shop_trigger: { shop, trigger: RECOVERY_TRIGGER } },
    select: { id: true },
  });
  if (!flow) return period.days.map(({ day }) => ({ day, recovered: 0, revenue: 0 }));
  // One range scan of the period's runs (index flowId, createdAt); each run lands on its local day by comparing
  // with the days' UTC boundaries, so DST days have their 23 or 25 hours.
  const dayOf = Prisma.join(
    period.days.map(({ day, end }) => Prisma.sql`WHEN "createdAt" < ${end} THEN ${day}`),
    " ",
  );
  const rows = await prisma.$queryRaw<Array<{ day: string; recovered: unknown; revenue: unknown }>>(Prisma.sql`
    SELECT CASE ${dayOf} END AS "day", COUNT(*) AS "recovered", COALESCE(SUM("convertedRevenue"), 0) AS "revenue"
      FROM "FlowRun"
     WHERE "flowId" = ${flow.id} AND "shop" = ${shop} AND "recovered" = true
       AND "createdAt" >= ${period.from} AND "createdAt" < ${period.to}
     GROUP BY 1`);
  const byDay = new Map(rows.map((row) => [row.day, row]));
  return period.days.map(({ day }) => ({
    day,
    recovered: num(byDay.get(day)?.recovered),
    revenue: num(byDay.get(day)?.revenue),
  }));
}

export async function messageFigures(shop: string, period: Period): Promise<MessageFigures[]> {
  // One range of the covering index (shop, createdAt, channel, status, sentAt, first-engagement times): messages
  // sent in the period, with their engagement whenever it happened (recorded on the message by
  // recordMessageEvent), without reading rows or joining events.
  const rows = await prisma.$queryRaw<Array<Record<string, unknown>>>(Prisma.sql`
    SELECT "channel" AS "channel",
           COUNT(*) AS "sent",
           SUM(CASE WHEN "status" IN ('SENT', 'DELIVERED') AND "bouncedAt" IS NULL THEN 1 ELSE 0 END) AS "delivered",
           COUNT("openedAt") AS "humanOpens",
           COUNT("clickedAt") AS "clicks",
           COUNT("repliedAt") AS "replies",
           COUNT("unsubscribedAt") AS "unsubscribes"
      FROM "Message"
     WHERE "shop" = ${shop} AND "createdAt" >= ${period.from} AND "createdAt" < ${period.to}
       AND "sentAt" IS NOT NULL
     GROUP BY "channel"
     ORDER BY "channel"`);
  return rows.map((row) => ({
    channel: String(row.channel),
    sent: num(row.sent),
    delivered: num(row.delivered),
    humanOpens: num(row.humanOpens),
    clicks: num(row.clicks),
    replies: num(row.replies),
    unsubscribes: num(row.unsubscribes),
  }));
}

/** The median minutes to first response over answered conversations opened in the period (the middle one or two). */
export async function firstResponseMedian(shop: string, period: Period, answered: number): Promise<number | null> {
  if (answered === 0) return null;
  const minutes = minutesBetween(`"firstResponseAt"`, `"createdAt"`);
  const rows = await prisma.$queryRaw<Array<{ minutes: unknown }>>(Prisma.sql`
    SELECT ${minutes} AS "minutes"
      FROM "Conversation"
     WHERE "shop" = ${shop} AND "firstResponseAt" IS NOT NULL
       AND "createdAt" >= ${period.from} AND "createdAt" < ${period.to}
     ORDER BY 1
     LIMIT ${answered % 2 === 0 ? 2 : 1} OFFSET ${Math.floor((answered - 1) / 2)}`);
  if (rows.length === 0) return null;
  return Math.round((rows.reduce((sum, row) => sum + num(row.minutes), 0) / rows.length) * 10) / 10;
}

export async function loadDashboard(shop: string, period: Period): Promise<DashboardData | null> {
  const record = await prisma.shop.findUnique({ where: { shop }, select: { currencyCode: true } });
  if (!record) return null;
  const inPeriod = { gte: period.from, lt: period.to };
  const [recovery, checkoutsCreated, perDay, messages, sla, csat, segments] = await Promise.all([
    recoveryReport(shop, period.from, period.to),
    prisma.checkout.count({ where: { shop, createdAt: inPeriod } }),
    recoveryPerDay(shop, period),
    messageFigures(shop, period),
    slaReport(shop, period.from, period.to),
    prisma.conversation.groupBy({
      by: ["csatScore"],
      where: { shop, createdAt: inPeriod, csatScore: { not: null } },
      _count: { _all: true },
    }),
    prisma.customer.groupBy({ by: ["segment"], where: { shop }, _count: { _all: true }, _sum: { predictedClv: true } }),
  ]);
  const firstResponseMedianMinutes = await firstResponseMedian(shop, period, sla.answered);
  const distribution = { "1": 0, "2": 0, "3": 0, "4": 0, "5": 0 };
  for (const row of csat) {
    const key = String(row.csatScore) as keyof typeof distribution;
    if (key in distribution) distribution[key] = row._count._all;
  }
  const bySegment = new Map(segments.map((row) => [row.segment, row]));
  const segmentRows = SEGMENTS.map((segment) => ({
    segment,
    label: SEGMENT_LABELS[segment],
    count: bySegment.get(segment)?._count._all ?? 0,
    predictedClv: num(bySegment.get(segment)?._sum.predictedClv),
  }));
  const { from: _from, to: _to, ...support } = sla;
  return {
    period: {
      key: period.key,
      firstDay: period.firstDay,
      lastDay: period.lastDay,
      timezone: period.timezone,
      from: period.from.toISOString(),
      to: period.to.toISOString(),
    },
    currencyCode: record.currencyCode,
    recovery: { ...recovery, checkoutsCreated, perDay },
    messages,
    support: { ...support, firstResponseMedianMinutes, csatDistribution: distribution },
    customers: {
      total: segments.reduce((sum, row) => sum + row._count._all, 0),
      segments: segmentRows,
      atRisk: bySegment.get("AT_RISK")?._count._all ?? 0,
      predictedClv: segmentRows.reduce((sum, row) => sum + row.predictedClv, 0),
    },
  };
}
