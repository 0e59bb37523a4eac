import prisma from "~/db.server";
import { RECOVERY_TRIGGER } from "~/modules/recovery/flow.server";

/**
 * One checkout's story, for the merchant: what happened, in time order, with every "no" carrying its recorded
 * reason. Built only from rows of the merchant's own shop; another shop's checkout id is simply not found.
 *
 * Times: Kindly's own decisions are stamped with the clock the worker used (a skip or failure is decided when the
 * step comes due, so it is shown at its due time); rows' `createdAt` is only used for entering the flow.
 */

type Channel = "EMAIL" | "SMS";

interface StepRef {
  /** 0-based position in the flow; the page shows it as "Step n + 1". */
  step: number;
  channel: Channel;
}

export type TimelineEvent =
  | { kind: "CHECKOUT_CREATED"; at: string; total: string; currencyCode: string; itemCount: number }
  | { kind: "CHECKOUT_UPDATED"; at: string }
  | { kind: "ENTERED_FLOW"; at: string; holdout: boolean }
  | ({ kind: "STEP_SCHEDULED"; at: string; dueAt: string } & StepRef)
  | ({ kind: "STEP_DEFERRED"; at: string; from: string; to: string; reason: string } & StepRef)
  | ({ kind: "STEP_SKIPPED"; at: string; reason: string } & StepRef)
  | ({ kind: "STEP_SENDING"; at: string } & StepRef)
  | ({ kind: "MESSAGE_SENT"; at: string; to: string; subject: string | null; messageId: string } & StepRef)
  | ({ kind: "MESSAGE_FAILED"; at: string; error: string | null; attempts: number } & StepRef)
  | ({ kind: "MESSAGE_IN_REVIEW"; at: string; error: string | null } & StepRef)
  | ({ kind: "DELIVERED"; at: string } & StepRef)
  | ({ kind: "OPENED"; at: string } & StepRef)
  | ({ kind: "MACHINE_OPENED"; at: string; agent: string | null; reason: string | null } & StepRef)
  | ({ kind: "CLICKED"; at: string } & StepRef)
  | ({ kind: "MACHINE_CLICKED"; at: string; agent: string | null } & StepRef)
  | ({ kind: "REPLIED"; at: string } & StepRef)
  | ({ kind: "UNSUBSCRIBED"; at: string } & StepRef)
  | ({ kind: "BOUNCED"; at: string; detail: string | null } & StepRef)
  | { kind: "RUN_STOPPED"; at: string; reason: string; cancelledSteps: number[] }
  | {
      kind: "ORDER_PLACED";
      at: string;
      orderName: string | null;
      revenue: string | null;
      currencyCode: string;
      recovered: boolean;
      attributed: StepRef | null;
    };

export type TimelineEventKind = TimelineEvent["kind"];

export interface CheckoutTimeline {
  checkout: {
    id: string;
    /** What the merchant recognises the checkout by: the shopper's first name, else their contact, else its token. */
    label: string;
    email: string | null;
    phone: string | null;
    status: string;
    total: string;
    currencyCode: string;
    locale: string | null;
    recoveryUrl: string | null;
  };
  run: { state: string; stopReason: string | null; holdout: boolean; recovered: boolean } | null;
  /** Steps still planned (pending), earliest first: the part of the story that has not happened yet. */
  upcoming: Array<StepRef & { dueAt: string; deferred: boolean }>;
  events: TimelineEvent[];
  timeZone: string;
}

// Events at the same instant keep a readable order: cause before effect.
const ORDER: Record<TimelineEventKind, number> = {
  CHECKOUT_CREATED: 0,
  CHECKOUT_UPDATED: 1,
  ENTERED_FLOW: 2,
  STEP_SCHEDULED: 3,
  STEP_DEFERRED: 4,
  STEP_SKIPPED: 5,
  STEP_SENDING: 6,
  MESSAGE_SENT: 7,
  MESSAGE_FAILED: 8,
  MESSAGE_IN_REVIEW: 9,
  DELIVERED: 10,
  MACHINE_OPENED: 11,
  OPENED: 12,
  MACHINE_CLICKED: 13,
  CLICKED: 14,
  REPLIED: 15,
  UNSUBSCRIBED: 16,
  BOUNCED: 17,
  ORDER_PLACED: 18,
  RUN_STOPPED: 19,
};

function asChannel(value: string): Channel {
  return value === "SMS" ? "SMS" : "EMAIL";
}

function detailOf(json: string | null): Record<string, unknown> {
  if (!json) return {};
  try {
    const parsed: unknown = JSON.parse(json);
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const text = (value: unknown): string | null => (typeof value === "string" && value ? value : null);

function itemCount(lineItemsJson: string | null): number {
  try {
    const items: unknown = JSON.parse(lineItemsJson ?? "[]");
    if (!Array.isArray(items)) return 0;
    return items.reduce((sum: number, item: unknown) => {
      const quantity = item && typeof item === "object" ? Number((item as { quantity?: unknown }).quantity) : 0;
      return sum + (Number.isFinite(quantity) ? quantity : 0);
    }, 0);
  } catch {
    return 0;
  }
}

/** Null when the checkout does not exist *for this shop*: the caller answers 404 without saying more. */
export async function checkoutTimeline(shop: string, checkoutId: string): Promise<CheckoutTimeline | null> {
  const checkout = await prisma.checkout.findFirst({ where: { id: checkoutId, shop } });
  if (!checkout) return null;
  const [shopRow, run, order] = await Promise.all([
    prisma.shop.findUnique({ where: { shop }, select: { ianaTimezone: true } }),
    prisma.flowRun.findFirst({
      where: { shop, subjectType: "CHECKOUT", subjectId: checkout.id, flow: { trigger: RECOVERY_TRIGGER } },
      include: {
        scheduled: {
          orderBy: { stepPosition: "asc" },
          include: { message: { include: { events: { orderBy: { at: "asc" } } } } },
        },
      },
    }),
    checkout.orderId ? prisma.order.findFirst({ where: { id: checkout.orderId, shop } }) : Promise.resolve(null),
  ]);

  const events: TimelineEvent[] = [];
  const created = checkout.shopifyCreatedAt ?? checkout.createdAt;
  events.push({
    kind: "CHECKOUT_CREATED",
    at: created.toISOString(),
    total: checkout.totalPrice.toString(),
    currencyCode: checkout.currencyCode,
    itemCount: itemCount(checkout.lineItemsJson),
  });
  if (checkout.shopifyUpdatedAt && checkout.shopifyUpdatedAt.getTime() > created.getTime()) {
    events.push({ kind: "CHECKOUT_UPDATED", at: checkout.shopifyUpdatedAt.toISOString() });
  }

  const upcoming: CheckoutTimeline["upcoming"] = [];
  if (run) {
    // The run row is written when the checkout enters the flow; holdout runs are recorded the same way.
    const enteredAt = run.createdAt.toISOString();
    events.push({ kind: "ENTERED_FLOW", at: enteredAt, holdout: run.holdout });
    const cancelled: number[] = [];
    for (const row of run.scheduled) {
      const ref: StepRef = { step: row.stepPosition, channel: asChannel(row.channel) };
      const plannedFor = row.originalDueAt ?? row.dueAt;
      events.push({ kind: "STEP_SCHEDULED", at: enteredAt, dueAt: plannedFor.toISOString(), ...ref });
      if (row.originalDueAt && row.deferReason) {
        events.push({
          kind: "STEP_DEFERRED",
          at: row.originalDueAt.toISOString(),
          from: row.originalDueAt.toISOString(),
          to: row.dueAt.toISOString(),
          reason: row.deferReason,
          ...ref,
        });
      }
      switch (row.state) {
        case "PENDING":
          upcoming.push({ ...ref, dueAt: row.dueAt.toISOString(), deferred: row.deferReason !== null });
          break;
        // CLAIMED: a worker is checking the rules for it right now; SENDING: the provider is being called.
        case "CLAIMED":
        case "SENDING":
          events.push({ kind: "STEP_SENDING", at: row.dueAt.toISOString(), ...ref });
          break;
        case "SKIPPED":
          events.push({
            kind: "STEP_SKIPPED",
            at: row.dueAt.toISOString(),
            reason: row.skipReason ?? "UNKNOWN",
            ...ref,
          });
          break;
        case "CANCELLED":
          // A stopped run cancels its pending rows with the stop reason; shown once, on the stop itself.
          if (run.state === "STOPPED" && row.skipReason === run.stopReason) cancelled.push(row.stepPosition);
          else
            events.push({
              kind: "STEP_SKIPPED",
              at: (run.stoppedAt ?? row.dueAt).toISOString(),
              reason: row.skipReason ?? "UNKNOWN",
              ...ref,
            });
          break;
        case "FAILED":
          events.push({
            kind: "MESSAGE_FAILED",
            at: row.dueAt.toISOString(),
            error: row.lastError,
            attempts: row.attempts,
            ...ref,
          });
          break;
        case "REVIEW":
          events.push({ kind: "MESSAGE_IN_REVIEW", at: row.dueAt.toISOString(), error: row.lastError, ...ref });
          break;
      }
      const message = row.message;
      if (!message) continue;
      if (message.sentAt) {
        events.push({
          kind: "MESSAGE_SENT",
          at: message.sentAt.toISOString(),
          to: message.toAddress,
          subject: message.subject,
          messageId: message.id,
          ...ref,
        });
      }
      for (const event of message.events) {
        const at = event.at.toISOString();
        const detail = detailOf(event.detailJson);
        switch (event.type) {
          case "DELIVERED":
            events.push({ kind: "DELIVERED", at, ...ref });
            break;
          case "OPEN":
            events.push({ kind: "OPENED", at, ...ref });
            break;
          case "MACHINE_OPEN":
            events.push({ kind: "MACHINE_OPENED", at, agent: text(detail.agent), reason: text(detail.reason), ...ref });
            break;
          case "CLICK":
            events.push({ kind: "CLICKED", at, ...ref });
            break;
          case "MACHINE_CLICK":
            events.push({ kind: "MACHINE_CLICKED", at, agent: text(detail.agent), ...ref });
            break;
          case "REPLY":
            events.push({ kind: "REPLIED", at, ...ref });
            break;
          case "UNSUBSCRIBE":
            events.push({ kind: "UNSUBSCRIBED", at, ...ref });
            break;
          case "BOUNCE":
            events.push({
              kind: "BOUNCED",
              at,
              detail: text(detail.error) ?? text(detail.reason) ?? text(detail.message),
              ...ref,
            });
            break;
        }
      }
    }
    if (run.state === "STOPPED" && run.stopReason && run.stoppedAt) {
      events.push({
        kind: "RUN_STOPPED",
        at: run.stoppedAt.toISOString(),
        reason: run.stopReason,
        cancelledSteps: cancelled,
      });
    }
  }

  const convertedAt =
    run?.convertedAt ?? (checkout.status === "COMPLETED" ? (checkout.completedAt ?? order?.processedAt ?? null) : null);
  if (convertedAt) {
    const revenue = run?.convertedRevenue ?? order?.totalPrice ?? null;
    events.push({
      kind: "ORDER_PLACED",
      at: convertedAt.toISOString(),
      orderName: order?.name ?? null,
      revenue: revenue === null ? null : revenue.toString(),
      currencyCode: order?.currencyCode ?? checkout.currencyCode,
      recovered: run?.recovered ?? false,
      attributed:
        run?.recovered && run.attributedStep !== null && run.attributedChannel
          ? { step: run.attributedStep, channel: asChannel(run.attributedChannel) }
          : null,
    });
  }

  events.sort((a, b) => a.at.localeCompare(b.at) || ORDER[a.kind] - ORDER[b.kind] || stepOf(a) - stepOf(b));
  upcoming.sort((a, b) => a.dueAt.localeCompare(b.dueAt));

  return {
    checkout: {
      id: checkout.id,
      label: checkout.firstName ?? checkout.email ?? checkout.phone ?? `Checkout ${checkout.token.slice(0, 8)}`,
      email: checkout.email,
      phone: checkout.phone,
      status: checkout.status,
      total: checkout.totalPrice.toString(),
      currencyCode: checkout.currencyCode,
      locale: checkout.locale,
      recoveryUrl: checkout.recoveryUrl,
    },
    run: run ? { state: run.state, stopReason: run.stopReason, holdout: run.holdout, recovered: run.recovered } : null,
    upcoming,
    events,
    timeZone: shopRow?.ianaTimezone ?? "UTC",
  };
}

function stepOf(event: TimelineEvent): number {
  return "step" in event ? event.step : -1;
}

// ---------------------------------------------------------------------------------------------------------------
// The list of checkouts in the flow

export const CHECKOUTS_PAGE_SIZE = 25;

export interface RecoveryCheckoutRow {
  checkoutId: string;
  label: string;
  contact: string | null;
  enteredAt: string;
  /** ACTIVE, STOPPED, COMPLETED (the run's state), with the stop reason when stopped. */
  state: string;
  stopReason: string | null;
  holdout: boolean;
  messagesSent: number;
  recovered: boolean;
  revenue: string | null;
  currencyCode: string;
}

export interface RecoveryCheckoutPage {
  rows: RecoveryCheckoutRow[];
  page: number;
  hasPrevious: boolean;
  hasNext: boolean;
  total: number;
  pageCount: number;
}

/** Checkouts in the shop's recovery flow, newest first, 25 a page (page numbers start at 1). */
export async function listRecoveryCheckouts(shop: string, page = 1): Promise<RecoveryCheckoutPage> {
  const current = Number.isInteger(page) && page >= 1 ? page : 1;
  const where = { shop, subjectType: "CHECKOUT", flow: { trigger: RECOVERY_TRIGGER } };
  const [total, runs] = await Promise.all([
    prisma.flowRun.count({ where }),
    prisma.flowRun.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (current - 1) * CHECKOUTS_PAGE_SIZE,
      take: CHECKOUTS_PAGE_SIZE,
      include: { _count: { select: { scheduled: { where: { state: "SENT" } } } } },
    }),
  ]);
  const checkouts = await prisma.checkout.findMany({
    where: { shop, id: { in: runs.map((run) => run.subjectId) } },
    select: { id: true, firstName: true, email: true, phone: true, token: true, currencyCode: true },
  });
  const byId = new Map(checkouts.map((checkout) => [checkout.id, checkout]));
  const rows = runs.flatMap((run): RecoveryCheckoutRow[] => {
    const checkout = byId.get(run.subjectId);
    // A checkout redacted since (customers/redact) leaves its run behind; there is no timeline to link to.
    if (!checkout) return [];
    return [
      {
        checkoutId: checkout.id,
        label: checkout.firstName ?? checkout.email ?? checkout.phone ?? `Checkout ${checkout.token.slice(0, 8)}`,
        contact: checkout.email ?? checkout.phone,
        enteredAt: run.createdAt.toISOString(),
        state: run.state,
        stopReason: run.stopReason,
        holdout: run.holdout,
        messagesSent: run._count.scheduled,
        recovered: run.recovered,
        revenue: run.convertedRevenue?.toString() ?? null,
        currencyCode: checkout.currencyCode,
      },
    ];
  });
  return {
    rows,
    page: current,
    hasPrevious: current > 1,
    hasNext: current * CHECKOUTS_PAGE_SIZE < total,
    total,
    pageCount: Math.max(1, Math.ceil(total / CHECKOUTS_PAGE_SIZE)),
  };
}
