import prisma from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import { rateLift, ticketsAvoided, type RateLift } from "~/modules/flows/impact";
import { LIFECYCLE_TRIGGERS, TRIGGER_DEFINITIONS, type LifecycleTrigger } from "~/modules/flows/triggers";

/**
 * Each care flow's results over a period (runs that started in it), against its own holdout: how many customers
 * entered, how many were held out, how many were written to, and the incremental impact on what a care flow is for:
 * ordering again, satisfaction (CSAT of conversations after entering) and support load (conversations opened after
 * entering: tickets avoided). Outcomes are counted from the run's start to now, for treated and holdout alike.
 */
export interface CareFlowResults {
  trigger: LifecycleTrigger;
  name: string;
  enabled: boolean;
  holdoutPercent: number;
  entered: number;
  heldOut: number;
  contacted: number;
  messagesSent: number;
  replies: number;
  repeatPurchase: { treated: number | null; holdout: number | null; lift: RateLift | null };
  csat: {
    treated: { responses: number; mean: number | null };
    holdout: { responses: number; mean: number | null };
  };
  tickets: {
    treatedRate: number | null;
    holdoutRate: number | null;
    avoided: { value: number; interval95: [number, number] } | null;
  };
}

type Row = Record<string, unknown>;
const num = (value: unknown) => Number(value ?? 0);
// SQLite returns 0/1 for a boolean column, PostgreSQL true/false.
const truthy = (value: unknown) => value === true || Number(value) === 1;

export async function careFlowResults(shop: string, from: Date, to: Date): Promise<CareFlowResults[]> {
  const flows = await prisma.flow.findMany({
    where: { shop, trigger: { in: [...LIFECYCLE_TRIGGERS] } },
    select: { id: true, trigger: true, name: true, enabled: true, holdoutPercent: true },
  });
  const [groups, csat, messages] = await Promise.all([
    prisma.$queryRaw<Row[]>(Prisma.sql`
      SELECT "r"."flowId" AS "flowId", "r"."holdout" AS "holdout", COUNT(*) AS "runs",
             SUM(CASE WHEN EXISTS (SELECT 1 FROM "ScheduledMessage" "s"
                                    WHERE "s"."runId" = "r"."id" AND "s"."state" = 'SENT') THEN 1 ELSE 0 END) AS "contacted",
             SUM(CASE WHEN EXISTS (SELECT 1 FROM "Order" "o"
                                    WHERE "o"."shop" = "r"."shop" AND "o"."customerId" = "r"."customerId"
                                      AND "o"."processedAt" > "r"."createdAt" AND "o"."cancelledAt" IS NULL)
                      THEN 1 ELSE 0 END) AS "repurchased",
             SUM(CASE WHEN EXISTS (SELECT 1 FROM "Conversation" "c"
                                    WHERE "c"."shop" = "r"."shop" AND "c"."customerId" = "r"."customerId"
                                      AND "c"."createdAt" > "r"."createdAt") THEN 1 ELSE 0 END) AS "ticketed",
             SUM(CASE WHEN "r"."customerId" IS NULL THEN 0 ELSE 1 END) AS "withCustomer"
        FROM "FlowRun" "r"
       WHERE "r"."shop" = ${shop} AND "r"."subjectType" <> 'CHECKOUT'
         AND "r"."createdAt" >= ${from} AND "r"."createdAt" < ${to}
       GROUP BY "r"."flowId", "r"."holdout"`),
    prisma.$queryRaw<Row[]>(Prisma.sql`
      SELECT "r"."flowId" AS "flowId", "r"."holdout" AS "holdout", COUNT(*) AS "responses",
             AVG("c"."csatScore") AS "mean"
        FROM "FlowRun" "r"
        JOIN "Conversation" "c" ON "c"."shop" = "r"."shop" AND "c"."customerId" = "r"."customerId"
       WHERE "r"."shop" = ${shop} AND "r"."subjectType" <> 'CHECKOUT'
         AND "r"."createdAt" >= ${from} AND "r"."createdAt" < ${to}
         AND "c"."csatScore" IS NOT NULL AND "c"."csatRespondedAt" > "r"."createdAt"
       GROUP BY "r"."flowId", "r"."holdout"`),
    prisma.$queryRaw<Row[]>(Prisma.sql`
      SELECT "r"."flowId" AS "flowId", COUNT(*) AS "sent",
             SUM(CASE WHEN "m"."repliedAt" IS NULL THEN 0 ELSE 1 END) AS "replies"
        FROM "FlowRun" "r"
        JOIN "ScheduledMessage" "s" ON "s"."runId" = "r"."id"
        JOIN "Message" "m" ON "m"."scheduledId" = "s"."id"
       WHERE "r"."shop" = ${shop} AND "r"."subjectType" <> 'CHECKOUT'
         AND "r"."createdAt" >= ${from} AND "r"."createdAt" < ${to} AND "m"."sentAt" IS NOT NULL
       GROUP BY "r"."flowId"`),
  ]);

  const byTrigger = new Map(flows.map((flow) => [flow.trigger, flow]));
  return LIFECYCLE_TRIGGERS.map((trigger): CareFlowResults => {
    const flow = byTrigger.get(trigger);
    const side = (rows: Row[], holdout: boolean) =>
      rows.find((row) => row.flowId === flow?.id && truthy(row.holdout) === holdout) ?? {};
    const treated = side(groups, false);
    const held = side(groups, true);
    const treatedGroup = { n: num(treated.withCustomer), k: num(treated.repurchased) };
    const heldGroup = { n: num(held.withCustomer), k: num(held.repurchased) };
    const rate = (group: { n: number; k: number }) => (group.n > 0 ? group.k / group.n : null);
    const ticketsTreated = { n: treatedGroup.n, k: num(treated.ticketed) };
    const ticketsHeld = { n: heldGroup.n, k: num(held.ticketed) };
    const csatTreated = side(csat, false);
    const csatHeld = side(csat, true);
    const sent = messages.find((row) => row.flowId === flow?.id) ?? {};
    return {
      trigger,
      name: flow?.name ?? TRIGGER_DEFINITIONS[trigger].name,
      enabled: flow?.enabled ?? false,
      holdoutPercent: flow?.holdoutPercent ?? 0,
      entered: num(treated.runs),
      heldOut: num(held.runs),
      contacted: num(treated.contacted),
      messagesSent: num(sent.sent),
      replies: num(sent.replies),
      repeatPurchase: {
        treated: rate(treatedGroup),
        holdout: rate(heldGroup),
        lift: rateLift(treatedGroup, heldGroup),
      },
      csat: {
        treated: {
          responses: num(csatTreated.responses),
          mean: csatTreated.mean == null ? null : Number(csatTreated.mean),
        },
        holdout: { responses: num(csatHeld.responses), mean: csatHeld.mean == null ? null : Number(csatHeld.mean) },
      },
      tickets: {
        treatedRate: rate(ticketsTreated),
        holdoutRate: rate(ticketsHeld),
        avoided: ticketsAvoided(ticketsTreated, ticketsHeld),
      },
    };
  });
}
