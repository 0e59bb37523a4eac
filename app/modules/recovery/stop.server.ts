import type prisma from "~/db.server";
import type { Prisma } from "~/generated/prisma/client";
import type { Tx } from "~/modules/webhooks/receive.server";

/** Why a flow run stopped before its last step. Recorded on the run and on every message it cancels. */
export type StopReason =
  | "ORDER_PLACED"
  | "REPLIED"
  | "UNSUBSCRIBED"
  | "SMS_STOP"
  | "FLOW_DISABLED"
  | "APP_UNINSTALLED"
  | "CLICKED_THROUGH"
  | "ORDER_FULFILLED"
  | "ORDER_CANCELLED"
  | "RATED";

type Db = Tx | typeof prisma;

/** Stops the given active runs and cancels their pending messages. Returns how many runs it stopped. */
export async function stopRuns(db: Db, shop: string, runIds: string[], reason: StopReason, now: Date): Promise<number> {
  if (runIds.length === 0) return 0;
  const stopped = await db.flowRun.updateMany({
    where: { shop, id: { in: runIds }, state: "ACTIVE" },
    data: { state: "STOPPED", stopReason: reason, stoppedAt: now },
  });
  // PENDING and CLAIMED rows are cancelled (a claiming worker's compare-and-set to SENDING then fails); a row
  // already SENDING is the one message on the wire, and finishes.
  await db.scheduledMessage.updateMany({
    where: { shop, runId: { in: runIds }, state: { in: ["PENDING", "CLAIMED"] } },
    data: { state: "CANCELLED", skipReason: reason },
  });
  return stopped.count;
}

/** Stops the shop's active runs that `where` matches (and cancels their pending messages). */
export async function stopMatchingRuns(
  db: Db,
  shop: string,
  where: Prisma.FlowRunWhereInput,
  reason: StopReason,
  now: Date,
): Promise<number> {
  const runs = await db.flowRun.findMany({ where: { ...where, shop, state: "ACTIVE" }, select: { id: true } });
  return stopRuns(
    db,
    shop,
    runs.map((run) => run.id),
    reason,
    now,
  );
}

/** A shopper engaged with (replied to, unsubscribed from) one message: stop the run that sent it. */
export async function stopRunForMessage(db: Db, messageId: string, reason: StopReason, now: Date): Promise<number> {
  const message = await db.message.findUnique({
    where: { id: messageId },
    select: { shop: true, scheduled: { select: { runId: true } } },
  });
  if (!message?.scheduled) return 0;
  return stopRuns(db, message.shop, [message.scheduled.runId], reason, now);
}

/**
 * Stops every active run that would message this contact (an opt-out, a reply from a number or address that is
 * not tied to one message). Matches the runs' checkouts by email or phone.
 */
export async function stopRunsForContact(
  db: Db,
  shop: string,
  contact: { email?: string | null; phone?: string | null },
  reason: StopReason,
  now: Date,
): Promise<number> {
  const or = [
    ...(contact.email ? [{ email: contact.email }] : []),
    ...(contact.phone ? [{ phone: contact.phone }] : []),
  ];
  if (or.length === 0) return 0;
  const checkouts = await db.checkout.findMany({ where: { shop, OR: or }, select: { id: true } });
  if (checkouts.length === 0) return 0;
  const checkoutIds = checkouts.map((checkout) => checkout.id);
  return stopMatchingRuns(db, shop, { subjectType: "CHECKOUT", subjectId: { in: checkoutIds } }, reason, now);
}
