import type { Tx } from "~/modules/webhooks/receive.server";
import type prisma from "~/db.server";
import { ensureFlow, startRun } from "~/modules/flows/enroll.server";
import { isInHoldout } from "~/modules/recovery/holdout";

export const RECOVERY_TRIGGER = "CHECKOUT_ABANDONED" as const;

type Db = Tx | typeof prisma;

/**
 * The shop's recovery flow, created with the default sequence the first time it is needed. A new flow starts
 * disabled: nothing is sent on a merchant's behalf before they have looked at the messages and switched it on.
 * Recovery is one trigger of the flow engine (app/modules/flows); this is its flow.
 */
export async function ensureRecoveryFlow(db: Db, shop: string, options: { enabled?: boolean } = {}) {
  return ensureFlow(db, shop, RECOVERY_TRIGGER, options);
}

export type EnrollResult =
  "ENROLLED" | "RESCHEDULED" | "HOLDOUT" | "FLOW_DISABLED" | "SENDING_DISABLED" | "ALREADY_STOPPED";

/**
 * Puts a checkout into the recovery flow, or, when it is already in it, moves its pending steps to count from the
 * new last activity. Every step becomes a scheduled row now; whether it is actually sent is decided at send time.
 * Idempotent: the run is unique per (flow, checkout) and each step per (run, position).
 */
export async function enrollCheckout(
  db: Db,
  shop: string,
  checkout: { id: string; token: string; customerId: string | null },
  lastActivityAt: Date,
  now: Date,
): Promise<EnrollResult> {
  const shopRow = await db.shop.findUnique({ where: { shop }, select: { sendingEnabled: true } });
  if (shopRow && !shopRow.sendingEnabled) return "SENDING_DISABLED";
  const flow = await ensureRecoveryFlow(db, shop);
  const existing = await db.flowRun.findUnique({
    where: { flowId_subjectType_subjectId: { flowId: flow.id, subjectType: "CHECKOUT", subjectId: checkout.id } },
  });
  if (existing) {
    if (existing.state !== "ACTIVE") return "ALREADY_STOPPED";
    if (existing.holdout) return "HOLDOUT";
    if (lastActivityAt.getTime() <= existing.anchorAt.getTime()) return "RESCHEDULED";
    await db.flowRun.update({ where: { id: existing.id }, data: { anchorAt: lastActivityAt } });
    // Delays count from the last activity: a shopper still editing their checkout is not abandoning it yet.
    for (const step of flow.steps) {
      await db.scheduledMessage.updateMany({
        where: { runId: existing.id, stepPosition: step.position, state: "PENDING", deferReason: null },
        data: { dueAt: new Date(lastActivityAt.getTime() + step.delayMinutes * 60_000) },
      });
    }
    return "RESCHEDULED";
  }
  if (!flow.enabled) return "FLOW_DISABLED";
  const holdout = isInHoldout(shop, checkout.token, flow.holdoutPercent);
  // A holdout checkout receives nothing; its run exists so its conversions are counted against the others'.
  const run = { subjectType: "CHECKOUT", subjectId: checkout.id, customerId: checkout.customerId, holdout };
  await startRun(db, shop, flow, { ...run, anchorAt: lastActivityAt }, now);
  return holdout ? "HOLDOUT" : "ENROLLED";
}
