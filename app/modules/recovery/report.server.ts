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
  const [treated, holdout, contacted, recoveredAgg, byStep, moments] = await Promise.all([
    prisma.flowRun.count({ where: { ...inPeriod, holdout: false } }),
    prisma.flowRun.count({ where: { ...inPeriod, holdout: true } }),
    prisma.flowRun.count({ where: { ...inPeriod, holdout: false, scheduled: { some: { state: "SENT" } } } }),
    prisma.flowRun.aggregate({
      where: { ...inPeriod, recovered: true },
      _count: { _all: true },
      _sum: { convertedRevenue: true },
    }),
    prisma.flowRun.groupBy({
      by: ["attributedStep", "attributedChannel"],
      where: { ...inPeriod, recovered: true },
      _count: { _all: true },
      _sum: { convertedRevenue: true },
      orderBy: { attributedStep: "asc" },
    }),
    prisma.$queryRaw<Array<{ holdout: unknown; n: unknown; s: unknown; ss: unknown }>>(Prisma.sql`
      SELECT "holdout" AS holdout, COUNT(*) AS n,
             COALESCE(SUM(COALESCE("convertedRevenue", 0)), 0) AS s,
             COALESCE(SUM(COALESCE("convertedRevenue", 0) * COALESCE("convertedRevenue", 0)), 0) AS ss
        FROM "FlowRun"
       WHERE "shop" = ${shop} AND "flowId" = ${flow.id} AND "createdAt" >= ${from} AND "createdAt" < ${to}
       GROUP BY "holdout"`),
  ]);
  const group = (isHoldout: boolean): GroupMoments => {
    const row = moments.find((entry) => Boolean(Number(entry.holdout)) === isHoldout || entry.holdout === isHoldout);
    return { count: Number(row?.n ?? 0), sum: Number(row?.s ?? 0), sumOfSquares: Number(row?.ss ?? 0) };
  };
  const recovered = recoveredAgg._count._all;
  return {
    ...empty,
    checkoutsInFlow: treated,
    holdoutCheckouts: holdout,
    contacted,
    recovered,
    recoveredRevenue: Number(recoveredAgg._sum.convertedRevenue ?? 0),
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
