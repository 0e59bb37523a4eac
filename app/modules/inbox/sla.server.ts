import prisma from "~/db.server";
import { atOrBefore, hoursBetween } from "~/db-dialect.server";
import { Prisma } from "~/generated/prisma/client";
import { getLogger } from "~/logger.server";
import type { Tx } from "~/modules/webhooks/receive.server";
import {
  BusinessHoursError,
  FIRST_RESPONSE_BUCKETS,
  dueTimes,
  parseBusinessHours,
  type BusinessHours,
  type FirstResponseBucket,
  type SlaTargets,
} from "~/modules/inbox/sla";

/**
 * The SLA around the database: a shop's targets and hours, due times written on conversations, breaches recorded
 * by the worker (and lazily when a conversation is read), and the report computed with SQL aggregations.
 */

type Db = Tx | typeof prisma;

export interface ShopSla {
  targets: SlaTargets;
  hours: BusinessHours | null;
  timezone: string;
  /** Set when the stored business hours could not be read (then the clock runs 24/7 and the settings say why). */
  hoursError: string | null;
}

export async function shopSla(db: Db, shop: string): Promise<ShopSla> {
  const row = await db.shop.findUnique({
    where: { shop },
    select: {
      slaFirstResponseMinutes: true,
      slaVipFirstResponseMinutes: true,
      slaResolutionMinutes: true,
      slaGoalPercent: true,
      businessHoursJson: true,
      ianaTimezone: true,
    },
  });
  const targets: SlaTargets = {
    firstResponseMinutes: row?.slaFirstResponseMinutes ?? 240,
    vipFirstResponseMinutes: row?.slaVipFirstResponseMinutes ?? 60,
    resolutionMinutes: row?.slaResolutionMinutes ?? 1440,
    goalPercent: row?.slaGoalPercent ?? 80,
  };
  const timezone = row?.ianaTimezone ?? "UTC";
  try {
    return { targets, hours: parseBusinessHours(row?.businessHoursJson, timezone), timezone, hoursError: null };
  } catch (error) {
    if (!(error instanceof BusinessHoursError)) throw error;
    getLogger().warn({ shop, reason: error.message }, "inbox: business hours unreadable, SLA clocks run 24/7");
    return { targets, hours: null, timezone, hoursError: error.message };
  }
}

export async function slaDueTimes(db: Db, shop: string, start: Date, vip: boolean) {
  const sla = await shopSla(db, shop);
  return dueTimes(start, vip, sla.targets, sla.hours);
}

// ---------------------------------------------------------------------------------------------------------------
// Breaches

/**
 * Records every breach that has happened by `now`: the timestamp (once, it is the due time itself) and a
 * BREACHED ConversationEvent. Idempotent: the update only matches rows whose breach is not yet recorded.
 * Returns how many breaches it recorded.
 */
export async function recordSlaBreaches(
  now: Date,
  scopeTo: { shop?: string; conversationId?: string } = {},
  limit = 500,
): Promise<number> {
  const scope = {
    ...(scopeTo.shop ? { shop: scopeTo.shop } : {}),
    ...(scopeTo.conversationId ? { id: scopeTo.conversationId } : {}),
  };
  const firstResponse = await prisma.conversation.findMany({
    where: {
      ...scope,
      status: { not: "CLOSED" },
      firstResponseAt: null,
      firstResponseDueAt: { lte: now },
      firstResponseBreachedAt: null,
    },
    select: { id: true, shop: true, firstResponseDueAt: true },
    take: limit,
  });
  const resolution = await prisma.conversation.findMany({
    where: { ...scope, status: { not: "CLOSED" }, resolutionDueAt: { lte: now }, resolutionBreachedAt: null },
    select: { id: true, shop: true, resolutionDueAt: true },
    take: limit,
  });
  const breaches = [
    ...firstResponse.map((row) => ({ ...row, target: "FIRST_RESPONSE" as const, dueAt: row.firstResponseDueAt })),
    ...resolution.map((row) => ({ ...row, target: "RESOLUTION" as const, dueAt: row.resolutionDueAt })),
  ];
  let recorded = 0;
  for (const breach of breaches) {
    if (!breach.dueAt) continue;
    const dueAt = breach.dueAt;
    await prisma.$transaction(async (tx) => {
      // Compare-and-set: two workers (or a worker and a page load) record a breach once.
      const claimed =
        breach.target === "FIRST_RESPONSE"
          ? await tx.conversation.updateMany({
              where: { id: breach.id, firstResponseBreachedAt: null, firstResponseAt: null },
              data: { firstResponseBreachedAt: dueAt },
            })
          : await tx.conversation.updateMany({
              where: { id: breach.id, resolutionBreachedAt: null, status: { not: "CLOSED" } },
              data: { resolutionBreachedAt: dueAt },
            });
      if (claimed.count === 0) return;
      await tx.conversationEvent.create({
        data: {
          shop: breach.shop,
          conversationId: breach.id,
          type: "SLA_BREACHED",
          dataJson: JSON.stringify({ target: breach.target, dueAt: dueAt.toISOString() }),
          createdAt: dueAt,
        },
      });
      recorded += 1;
    });
  }
  return recorded;
}

// ---------------------------------------------------------------------------------------------------------------
// Reporting

export interface SlaReport {
  from: Date;
  to: Date;
  /** Conversations opened in the period. */
  conversations: number;
  answered: number;
  buckets: Record<FirstResponseBucket, number>;
  /** Share of answered conversations whose first response met its (business-hours) target, 0-100; null if none. */
  firstResponseAttainment: number | null;
  /** Share of closed conversations closed before their resolution due time. */
  resolutionAttainment: number | null;
  goalPercent: number;
  csat: { responses: number; average: number | null; satisfied: number };
}

interface ReportRow {
  conversations: number | bigint;
  answered: number | bigint;
  b1: number | bigint | null;
  b4: number | bigint | null;
  b8: number | bigint | null;
  b24: number | bigint | null;
  bmore: number | bigint | null;
  frMet: number | bigint | null;
  closed: number | bigint | null;
  resMet: number | bigint | null;
  csatResponses: number | bigint | null;
  csatAverage: number | null;
  csatSatisfied: number | bigint | null;
}

const n = (value: number | bigint | null | undefined) => Number(value ?? 0);

/**
 * One aggregate query over the conversations opened in [from, to): bucket counts, attainment and CSAT.
 * Elapsed hours and deadline checks are written per database (app/db-dialect.server.ts); the period is a plain
 * range on "createdAt", so the (shop, createdAt) index serves it on both.
 */
export async function slaReport(shop: string, from: Date, to: Date): Promise<SlaReport> {
  const sla = await shopSla(prisma, shop);
  const hours = hoursBetween(`"firstResponseAt"`, `"createdAt"`);
  const answeredWithin = (low: number | null, high: number | null) =>
    Prisma.sql`SUM(CASE WHEN "firstResponseAt" IS NOT NULL${low === null ? Prisma.empty : Prisma.sql` AND ${hours} > ${low}`}${
      high === null ? Prisma.empty : Prisma.sql` AND ${hours} <= ${high}`
    } THEN 1 ELSE 0 END)`;
  const [row] = await prisma.$queryRaw<ReportRow[]>(Prisma.sql`
    SELECT
      COUNT(*) AS "conversations",
      COUNT("firstResponseAt") AS "answered",
      ${answeredWithin(null, 1)} AS "b1",
      ${answeredWithin(1, 4)} AS "b4",
      ${answeredWithin(4, 8)} AS "b8",
      ${answeredWithin(8, 24)} AS "b24",
      ${answeredWithin(24, null)} AS "bmore",
      SUM(CASE WHEN "firstResponseAt" IS NOT NULL AND "firstResponseDueAt" IS NOT NULL
               AND ${atOrBefore(`"firstResponseAt"`, `"firstResponseDueAt"`)} THEN 1 ELSE 0 END) AS "frMet",
      SUM(CASE WHEN "status" = 'CLOSED' THEN 1 ELSE 0 END) AS "closed",
      SUM(CASE WHEN "status" = 'CLOSED' AND "resolutionDueAt" IS NOT NULL
               AND ${atOrBefore(`"closedAt"`, `"resolutionDueAt"`)} THEN 1 ELSE 0 END) AS "resMet",
      COUNT("csatScore") AS "csatResponses",
      AVG("csatScore") AS "csatAverage",
      SUM(CASE WHEN "csatScore" >= 4 THEN 1 ELSE 0 END) AS "csatSatisfied"
    FROM "Conversation"
    WHERE "shop" = ${shop} AND "createdAt" >= ${from} AND "createdAt" < ${to}`);
  const answered = n(row?.answered);
  const closed = n(row?.closed);
  const counts = [n(row?.b1), n(row?.b4), n(row?.b8), n(row?.b24), n(row?.bmore)];
  return {
    from,
    to,
    conversations: n(row?.conversations),
    answered,
    buckets: Object.fromEntries(FIRST_RESPONSE_BUCKETS.map((bucket, index) => [bucket, counts[index]])) as Record<
      FirstResponseBucket,
      number
    >,
    firstResponseAttainment: answered ? Math.round((n(row?.frMet) / answered) * 1000) / 10 : null,
    resolutionAttainment: closed ? Math.round((n(row?.resMet) / closed) * 1000) / 10 : null,
    goalPercent: sla.targets.goalPercent,
    csat: {
      responses: n(row?.csatResponses),
      average: row?.csatAverage === null || row?.csatAverage === undefined ? null : Number(row.csatAverage),
      satisfied: n(row?.csatSatisfied),
    },
  };
}
