import type { Tx } from "~/modules/webhooks/receive.server";
import type prisma from "~/db.server";
import { isInHoldout } from "~/modules/recovery/holdout";
import { TRIGGER_DEFINITIONS, type SubjectType, type Trigger } from "~/modules/flows/triggers";
import { stopMatchingRuns, type StopReason } from "~/modules/recovery/stop.server";

type Db = Tx | typeof prisma;

/**
 * The engine's entry point, for every trigger: find (or create, switched off, with the default steps) the shop's flow
 * for a trigger, and put a subject into it. Every step becomes a scheduled row at once; whether it is sent is decided
 * when it comes due (app/modules/recovery/dispatch.server.ts, the one dispatcher).
 */
export async function ensureFlow(db: Db, shop: string, trigger: Trigger, options: { enabled?: boolean } = {}) {
  const existing = await db.flow.findUnique({
    where: { shop_trigger: { shop, trigger } },
    include: { steps: { orderBy: { position: "asc" } } },
  });
  if (existing) return existing;
  const definition = TRIGGER_DEFINITIONS[trigger];
  return db.flow.create({
    data: {
      shop,
      trigger,
      name: definition.name,
      enabled: options.enabled ?? false,
      steps: {
        create: definition.defaultSteps.map((step) => ({
          position: step.position,
          delayMinutes: step.delayMinutes,
          channel: step.channel,
          condition: step.condition,
          templatesJson: JSON.stringify(step.templates),
        })),
      },
    },
    include: { steps: { orderBy: { position: "asc" } } },
  });
}

export type SubjectEnrollResult =
  "ENROLLED" | "HOLDOUT" | "ALREADY_ENROLLED" | "FLOW_DISABLED" | "SENDING_DISABLED" | "NO_CUSTOMER";

export interface SubjectToEnroll {
  shop: string;
  trigger: Exclude<Trigger, "CHECKOUT_ABANDONED">;
  subjectType: SubjectType;
  subjectId: string;
  customerId: string | null;
  /** Step delays count from here. */
  anchorAt: Date;
  /**
   * What the holdout hash is computed on. Care flows use the customer (stable per customer: the same person is always
   * on the same side of a flow's holdout, whichever order or conversation started the run).
   */
  holdoutKey: string;
}

/**
 * Idempotent (one run per flow and subject, one row per run and step): a webhook delivered twice, or two triggers
 * racing, enroll once. A flow that is off enrolls nobody; switching it on applies to what happens from then on.
 */
export async function enrollSubject(db: Db, subject: SubjectToEnroll, now: Date): Promise<SubjectEnrollResult> {
  const { shop } = subject;
  const shopRow = await db.shop.findUnique({ where: { shop }, select: { sendingEnabled: true } });
  if (shopRow && !shopRow.sendingEnabled) return "SENDING_DISABLED";
  const flow = await db.flow.findUnique({
    where: { shop_trigger: { shop, trigger: subject.trigger } },
    include: { steps: { orderBy: { position: "asc" } } },
  });
  if (!flow || !flow.enabled) return "FLOW_DISABLED";
  const existing = await db.flowRun.findUnique({
    where: {
      flowId_subjectType_subjectId: { flowId: flow.id, subjectType: subject.subjectType, subjectId: subject.subjectId },
    },
    select: { id: true },
  });
  if (existing) return "ALREADY_ENROLLED";
  const holdout = isInHoldout(shop, `${subject.trigger}\n${subject.holdoutKey}`, flow.holdoutPercent);
  await startRun(db, shop, flow, { ...subject, holdout }, now);
  return holdout ? "HOLDOUT" : "ENROLLED";
}

/**
 * Creates a run of `flow` for a subject, with one scheduled row per step counted from the subject's anchor; a
 * holdout run gets none (it exists so the subject's outcome is counted against the others'). `createdAt` is the
 * injected clock, not the database's: reports select runs by when they started.
 */
export async function startRun(
  db: Db,
  shop: string,
  flow: { id: string; steps: Array<{ position: number; channel: string; delayMinutes: number }> },
  run: { subjectType: string; subjectId: string; customerId: string | null; anchorAt: Date; holdout: boolean },
  now: Date,
): Promise<void> {
  await db.flowRun.create({
    data: {
      shop,
      flowId: flow.id,
      subjectType: run.subjectType,
      subjectId: run.subjectId,
      customerId: run.customerId,
      anchorAt: run.anchorAt,
      holdout: run.holdout,
      createdAt: now,
      scheduled: run.holdout
        ? undefined
        : {
            create: flow.steps.map((step) => ({
              shop,
              stepPosition: step.position,
              channel: step.channel,
              dueAt: new Date(run.anchorAt.getTime() + step.delayMinutes * 60_000),
            })),
          },
    },
  });
}

/**
 * Moves an active run's anchor (the carrier's delivered event arrives after the fulfillment): pending steps that
 * were not deferred follow the new anchor. Returns false when there is no active run for the subject.
 */
export async function reanchorRun(
  db: Db,
  shop: string,
  trigger: Trigger,
  subject: { subjectType: SubjectType; subjectId: string },
  anchorAt: Date,
): Promise<boolean> {
  const flow = await db.flow.findUnique({
    where: { shop_trigger: { shop, trigger } },
    include: { steps: true },
  });
  if (!flow) return false;
  const run = await db.flowRun.findUnique({
    where: { flowId_subjectType_subjectId: { flowId: flow.id, ...subject } },
    select: { id: true, state: true },
  });
  if (!run || run.state !== "ACTIVE") return false;
  await db.flowRun.update({ where: { id: run.id }, data: { anchorAt } });
  for (const step of flow.steps) {
    await db.scheduledMessage.updateMany({
      where: { shop, runId: run.id, stepPosition: step.position, state: "PENDING", deferReason: null },
      data: { dueAt: new Date(anchorAt.getTime() + step.delayMinutes * 60_000) },
    });
  }
  return true;
}

/** Stops the active run of one subject in one flow (an order shipped: its delay alert has nothing left to say). */
export async function stopSubjectRun(
  db: Db,
  shop: string,
  trigger: Trigger,
  subject: { subjectType: SubjectType; subjectId: string },
  reason: StopReason,
  now: Date,
): Promise<number> {
  return stopMatchingRuns(db, shop, { flow: { trigger }, ...subject }, reason, now);
}

/**
 * The shopper wrote to the shop (an email reply, an SMS, a chat message): a person takes over, so every care flow
 * still planned for them stops. Recovery keeps its own rule (a reply stops the checkout's sequence).
 */
export async function stopCareRunsForContact(
  db: Db,
  shop: string,
  contact: { customerId?: string | null; email?: string | null; phone?: string | null },
  reason: StopReason,
  now: Date,
): Promise<number> {
  const customerIds = new Set<string>();
  if (contact.customerId) customerIds.add(contact.customerId);
  const or = [
    ...(contact.email ? [{ email: contact.email }] : []),
    ...(contact.phone ? [{ phone: contact.phone }] : []),
  ];
  if (or.length > 0) {
    const customers = await db.customer.findMany({ where: { shop, OR: or }, select: { id: true } });
    for (const customer of customers) customerIds.add(customer.id);
  }
  if (customerIds.size === 0) return 0;
  const careRuns = { customerId: { in: [...customerIds] }, subjectType: { not: "CHECKOUT" } };
  return stopMatchingRuns(db, shop, careRuns, reason, now);
}
