import prisma from "~/db.server";
import type { CapturedEmail } from "../smtp-sink";
import type { CapturedSms } from "../fake-twilio";

/**
 * What actually left, reconciled with what the database says was sent: each email the SMTP sink received is tied
 * to its Message row by its Message-ID header, each SMS the fake Twilio accepted by its SID, and each Message row
 * to its scheduled (run, step) row. Duplicates and losses are counted per (run, step), never assumed.
 */
export interface Step {
  scheduledId: string;
  runId: string;
  stepPosition: number;
  channel: string;
  state: string;
  dueAt: Date;
  originalDueAt: Date | null;
  attempts: number;
  lastError: string | null;
  skipReason: string | null;
  /** The checkout's token (recovery runs). */
  token: string | null;
  messageStatus: string | null;
  sentAt: Date | null;
  /** Deliveries the sinks received for this step. */
  delivered: number;
  /** When the first one arrived (the sink's clock, the shared test clock). */
  deliveredAt: Date | null;
}

export interface Ledger {
  steps: Step[];
  /** Deliveries beyond the first, summed over steps. */
  duplicates: number;
  /** Sink deliveries that match no Message row of the shop. */
  strays: number;
  /** Steps the database marks SENT that no sink received. */
  sentButNotDelivered: number;
  byState: Record<string, number>;
}

export async function reconcile(shop: string, emails: CapturedEmail[], texts: CapturedSms[]): Promise<Ledger> {
  const rows = await prisma.scheduledMessage.findMany({
    where: { shop },
    include: {
      message: { select: { id: true, status: true, sentAt: true, emailMessageId: true, providerMessageId: true } },
    },
  });
  const runs = await prisma.flowRun.findMany({ where: { shop }, select: { id: true, subjectId: true } });
  const checkouts = await prisma.checkout.findMany({ where: { shop }, select: { id: true, token: true } });
  const tokenByCheckout = new Map(checkouts.map((checkout) => [checkout.id, checkout.token]));
  const tokenByRun = new Map(runs.map((run) => [run.id, tokenByCheckout.get(run.subjectId) ?? null]));

  const byEmailId = new Map<string, string>();
  const bySid = new Map<string, string>();
  for (const row of rows) {
    if (row.message?.emailMessageId) byEmailId.set(row.message.emailMessageId, row.id);
    if (row.channel === "SMS" && row.message?.providerMessageId) bySid.set(row.message.providerMessageId, row.id);
  }
  const deliveries = new Map<string, Date[]>();
  let strays = 0;
  const count = (scheduledId: string | undefined, at: Date) => {
    if (!scheduledId) {
      strays += 1;
      return;
    }
    deliveries.set(scheduledId, [...(deliveries.get(scheduledId) ?? []), at]);
  };
  for (const email of emails) count(email.messageId ? byEmailId.get(email.messageId) : undefined, email.receivedAt);
  for (const text of texts) count(bySid.get(text.sid), text.dateCreated);

  const steps: Step[] = rows.map((row) => {
    const received = (deliveries.get(row.id) ?? []).sort((a, b) => a.getTime() - b.getTime());
    return {
      scheduledId: row.id,
      runId: row.runId,
      stepPosition: row.stepPosition,
      channel: row.channel,
      state: row.state,
      dueAt: row.dueAt,
      originalDueAt: row.originalDueAt,
      attempts: row.attempts,
      lastError: row.lastError,
      skipReason: row.skipReason,
      token: tokenByRun.get(row.runId) ?? null,
      messageStatus: row.message?.status ?? null,
      sentAt: row.message?.sentAt ?? null,
      delivered: received.length,
      deliveredAt: received[0] ?? null,
    };
  });
  const byState: Record<string, number> = {};
  for (const step of steps) byState[step.state] = (byState[step.state] ?? 0) + 1;
  return {
    steps,
    duplicates: steps.reduce((sum, step) => sum + Math.max(0, step.delivered - 1), 0),
    strays,
    sentButNotDelivered: steps.filter((step) => step.state === "SENT" && step.delivered === 0).length,
    byState,
  };
}
