import prisma from "~/db.server";
import { recoveryReport } from "~/modules/recovery/report.server";
import { careFlowResults, type CareFlowResults } from "~/modules/flows/report.server";
import { TRIGGER_DEFINITIONS, TRIGGER_SLUGS, type Trigger } from "~/modules/flows/triggers";

/**
 * The Flows page: every flow of the shop (recovery and the care flows), its status and its results over the period.
 * Flows the merchant never opened are listed too, as off, with Kindly's defaults.
 */
export interface FlowSummary {
  trigger: Trigger;
  slug: string;
  name: string;
  description: string;
  enabled: boolean;
  holdoutPercent: number;
  activeRuns: number;
  entered: number;
  heldOut: number;
  messagesSent: number;
  replies: number;
  /** Recovery: recovered checkouts and revenue. */
  recovery: { recovered: number; revenue: number; incrementalRevenue: number | null } | null;
  /** Care flows: impact against the holdout. */
  care: Pick<CareFlowResults, "repeatPurchase" | "csat" | "tickets"> | null;
}

export async function listFlows(shop: string, from: Date, to: Date): Promise<FlowSummary[]> {
  const [flows, active, recovery, care, recoverySent] = await Promise.all([
    prisma.flow.findMany({ where: { shop }, select: { trigger: true, enabled: true, holdoutPercent: true } }),
    prisma.flowRun.groupBy({ by: ["flowId"], where: { shop, state: "ACTIVE" }, _count: { _all: true } }),
    recoveryReport(shop, from, to),
    careFlowResults(shop, from, to),
    prisma.message.count({
      where: {
        shop,
        sentAt: { not: null },
        scheduled: { run: { flow: { trigger: "CHECKOUT_ABANDONED" }, createdAt: { gte: from, lt: to } } },
      },
    }),
  ]);
  const flowIds = await prisma.flow.findMany({ where: { shop }, select: { id: true, trigger: true } });
  const activeByTrigger = new Map(
    flowIds.map((flow) => [flow.trigger, active.find((entry) => entry.flowId === flow.id)?._count._all ?? 0]),
  );
  const stored = new Map(flows.map((flow) => [flow.trigger, flow]));
  const recoveryFlow = stored.get("CHECKOUT_ABANDONED");
  const summaries: FlowSummary[] = [
    {
      trigger: "CHECKOUT_ABANDONED",
      slug: TRIGGER_SLUGS.CHECKOUT_ABANDONED,
      name: TRIGGER_DEFINITIONS.CHECKOUT_ABANDONED.name,
      description: TRIGGER_DEFINITIONS.CHECKOUT_ABANDONED.description,
      enabled: recoveryFlow?.enabled ?? false,
      holdoutPercent: recoveryFlow?.holdoutPercent ?? 0,
      activeRuns: activeByTrigger.get("CHECKOUT_ABANDONED") ?? 0,
      entered: recovery.checkoutsInFlow,
      heldOut: recovery.holdoutCheckouts,
      messagesSent: recoverySent,
      replies: 0,
      recovery: {
        recovered: recovery.recovered,
        revenue: recovery.recoveredRevenue,
        incrementalRevenue: recovery.lift?.incrementalRevenue ?? null,
      },
      care: null,
    },
  ];
  for (const result of care) {
    summaries.push({
      trigger: result.trigger,
      slug: TRIGGER_SLUGS[result.trigger],
      name: result.name,
      description: TRIGGER_DEFINITIONS[result.trigger].description,
      enabled: result.enabled,
      holdoutPercent: result.holdoutPercent,
      activeRuns: activeByTrigger.get(result.trigger) ?? 0,
      entered: result.entered,
      heldOut: result.heldOut,
      messagesSent: result.messagesSent,
      replies: result.replies,
      recovery: null,
      care: { repeatPurchase: result.repeatPurchase, csat: result.csat, tickets: result.tickets },
    });
  }
  return summaries;
}

/** What the Flows page shows: every flow over the last `days`, and the shop settings every flow shares. */
export async function flowsPage(shop: string, now: Date, days = 30) {
  const [flows, shopRow] = await Promise.all([
    listFlows(shop, new Date(now.getTime() - days * 86_400_000), now),
    prisma.shop.findUnique({ where: { shop }, select: { currencyCode: true, frequencyCapHours: true } }),
  ]);
  return { flows, currencyCode: shopRow?.currencyCode ?? "USD", frequencyCapHours: shopRow?.frequencyCapHours ?? 24 };
}
