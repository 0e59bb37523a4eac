import prisma from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import { RECOVERY_TRIGGER } from "~/modules/recovery/flow.server";
import { incrementalLift, type GroupMoments, type Lift } from "~/modules/recovery/lift";

export interface RecoveryReport {
  from: string;
  to: string;
  checkoutsInFlow: number;
  holdoutCheckouts: number;
  contacted: number;
  recovered: number;
  recoveredRevenue: number;
  /** Recovered / contacted. */
  recoveryRate: number | null;
  byStep: Array<{ step: number; channel: string; recovered: number; revenue: number }>;
  lift: Lift | null;
}

/**
 * Recovery figures for a period (runs that started in it), computed in the database. Recovered = converted after
 * at least one message; revenue is attributed to the last message's step and channel.
 */
export async function recoveryReport(shop: string, from: Date, to: Date): Promise<RecoveryReport> {
  const flow = await prisma.flow.findUnique({
    where: { shop_trigger: { shop, trigger: RECOVERY_TRIGGER } },
    select: { id: true },
  });
  const empty: RecoveryReport = {
    from: from.toISOString(),
    to: to.toISOString(),
    checkoutsInFlow: 0,
    holdoutCheckouts: 0,
    contacted: 0,
    recovered: 0,
    recoveredRevenue: 0,
    recoveryRate: null,
    byStep: [],
    lift: null,
  };
  if (!flow) return empty;
  const inPeriod = { shop, flowId: flow.id, createdAt: { gte: from, lt: to } };
  // One pass over the period's runs (index flowId, createdAt) for every count and the lift's moments; the
  // breakdown by step reads only the recovered ones.
  const [totals, byStep] = await Promise.all([
    prisma.$queryRaw<Array<Record<string, unknown>>>(Prisma.sql`
      SELECT SUM(CASE WHEN "holdout" THEN 0 ELSE 1 END) AS "treated",
             SUM(CASE WHEN "holdout" THEN 1 ELSE 0 END) AS "holdout",
             SUM(CASE WHEN NOT "holdout" AND EXISTS (
                   SELECT 1 FROM "ScheduledMessage" "s" WHERE "s"."runId" = "r"."id" AND "s"."state" = 'SENT'
                 ) THEN 1 ELSE 0 END) AS "contacted",
             SUM(CASE WHEN "recovered" THEN 1 ELSE 0 END) AS "recovered",
             COALESCE(SUM(CASE WHEN "recovered" THEN "convertedRevenue" END), 0) AS "recoveredRevenue",
             COALESCE(SUM(CASE WHEN "holdout" THEN 0 ELSE COALESCE("convertedRevenue", 0) END), 0) AS "treatedSum",
             COALESCE(SUM(CASE WHEN "holdout" THEN 0
                               ELSE COALESCE("convertedRevenue", 0) * COALESCE("convertedRevenue", 0) END), 0) AS "treatedSs",
             COALESCE(SUM(CASE WHEN "holdout" THEN COALESCE("convertedRevenue", 0) ELSE 0 END), 0) AS "holdoutSum",
             COALESCE(SUM(CASE WHEN "holdout"
                               THEN COALESCE("convertedRevenue", 0) * COALESCE("convertedRevenue", 0) ELSE 0 END), 0) AS "holdoutSs"
        FROM "FlowRun" "r"
       WHERE "r"."flowId" = ${flow.id} AND "r"."shop" = ${shop}
         AND "r"."createdAt" >= ${from} AND "r"."createdAt" < ${to}`),
    prisma.flowRun.groupBy({
      by: ["attributedStep", "attributedChannel"],
      where: { ...inPeriod, recovered: true },
      _count: { _all: true },
      _sum: { convertedRevenue: true },
      orderBy: { attributedStep: "asc" },
    }),
  ]);
  const row = totals[0] ?? {};
  const value = (key: string) => Number(row[key] ?? 0);
  const treated = value("treated");
  const holdout = value("holdout");
  const contacted = value("contacted");
  const recovered = value("recovered");
  const group = (isHoldout: boolean): GroupMoments =>
    isHoldout
      ? { count: holdout, sum: value("holdoutSum"), sumOfSquares: value("holdoutSs") }
      : { count: treated, sum: value("treatedSum"), sumOfSquares: value("treatedSs") };
  return {
    ...empty,
    checkoutsInFlow: treated,
    holdoutCheckouts: holdout,
    contacted,
    recovered,
    recoveredRevenue: value("recoveredRevenue"),
    recoveryRate: contacted > 0 ? recovered / contacted : null,
    byStep: byStep.map((entry) => ({
      step: entry.attributedStep ?? -1,
      channel: entry.attributedChannel ?? "UNKNOWN",
      recovered: entry._count._all,
      revenue: Number(entry._sum.convertedRevenue ?? 0),
    })),
    lift: holdout > 0 ? incrementalLift(group(false), group(true)) : null,
  };
}
