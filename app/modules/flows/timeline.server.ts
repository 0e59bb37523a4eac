import prisma from "~/db.server";
import { TRIGGER_DEFINITIONS, isTrigger, type Trigger } from "~/modules/flows/triggers";

/**
 * One customer's story with Kindly, for the merchant: every flow they entered (recovery's checkouts and the care
 * flows), why (the trigger and its subject: which order, which segment, which rating), and every message planned for
 * them with what happened to it: sent (with its subject and what the shopper did with it), or not, with the recorded
 * reason. Scoped by shop: another shop's customer id is simply not found.
 */

export interface TimelineStep {
  position: number;
  channel: string;
  state: string;
  /** A skip, cancel or deferral reason, when there is one. */
  reason: string | null;
  dueAt: string;
  sentAt: string | null;
  subject: string | null;
  toAddress: string | null;
  /** OPEN, CLICK, REPLY, UNSUBSCRIBE, RATING... in time order (machine opens and clicks left out). */
  engagement: Array<{ type: string; at: string; score?: number }>;
}

export interface TimelineRun {
  runId: string;
  trigger: Trigger | string;
  flowName: string;
  /** Why this customer entered: "Order #1042 was delivered", "Entered the VIP segment"... */
  why: string;
  enteredAt: string;
  holdout: boolean;
  state: string;
  stopReason: string | null;
  stoppedAt: string | null;
  steps: TimelineStep[];
}

export interface CustomerTimeline {
  customer: {
    id: string;
    name: string;
    email: string | null;
    phone: string | null;
    segment: string | null;
    emailMarketingState: string | null;
    smsMarketingState: string | null;
  };
  runs: TimelineRun[];
  messagesSent: number;
  timeZone: string;
}

function detail(json: string | null): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(json ?? "{}");
    return parsed && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function why(trigger: string, subjectLabel: string | null): string {
  switch (trigger) {
    case "CHECKOUT_ABANDONED":
      return "Left a checkout without ordering";
    case "ORDER_DELIVERED":
      return `Order ${subjectLabel ?? ""} was delivered`.replace(/\s+/g, " ");
    case "FIRST_ORDER":
      return `Placed their first order ${subjectLabel ?? ""}`.trim();
    case "SEGMENT_VIP":
      return "Entered the VIP segment";
    case "SEGMENT_AT_RISK":
      return "Entered the at-risk segment (probability of still being active below your threshold)";
    case "ORDER_UNFULFILLED":
      return `Order ${subjectLabel ?? ""} was paid and not yet shipped`.replace(/\s+/g, " ");
    case "HAPPY_RATING":
      return subjectLabel ? `Gave a happy rating (${subjectLabel})` : "Gave a happy rating";
    default:
      return trigger;
  }
}

/** Null when the customer does not exist for this shop. */
export async function customerTimeline(shop: string, customerId: string): Promise<CustomerTimeline | null> {
  const customer = await prisma.customer.findFirst({ where: { id: customerId, shop } });
  if (!customer) return null;
  const shopRow = await prisma.shop.findUnique({ where: { shop }, select: { ianaTimezone: true } });
  // Their checkouts (by customer, or by the same email or phone as a guest) bring recovery's runs in too.
  const contacts = [
    { customerId: customer.id },
    ...(customer.email ? [{ email: customer.email }] : []),
    ...(customer.phone ? [{ phone: customer.phone }] : []),
  ];
  const checkouts = await prisma.checkout.findMany({ where: { shop, OR: contacts }, select: { id: true } });
  const runs = await prisma.flowRun.findMany({
    where: {
      shop,
      OR: [
        { customerId: customer.id },
        ...(checkouts.length ? [{ subjectType: "CHECKOUT", subjectId: { in: checkouts.map((c) => c.id) } }] : []),
      ],
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    include: {
      flow: { select: { trigger: true, name: true } },
      scheduled: {
        orderBy: { stepPosition: "asc" },
        include: {
          message: {
            select: {
              sentAt: true,
              subject: true,
              toAddress: true,
              events: { orderBy: { at: "asc" }, select: { type: true, at: true, detailJson: true } },
            },
          },
        },
      },
    },
  });
  const orderIds = runs.filter((run) => run.subjectType === "ORDER").map((run) => run.subjectId);
  const conversationIds = runs.filter((run) => run.subjectType === "CONVERSATION").map((run) => run.subjectId);
  const [orders, conversations] = await Promise.all([
    orderIds.length
      ? prisma.order.findMany({ where: { shop, id: { in: orderIds } }, select: { id: true, name: true } })
      : Promise.resolve([]),
    conversationIds.length
      ? prisma.conversation.findMany({
          where: { shop, id: { in: conversationIds } },
          select: { id: true, csatScore: true },
        })
      : Promise.resolve([]),
  ]);
  const orderName = new Map(orders.map((order) => [order.id, order.name]));
  const csatOf = new Map(conversations.map((conversation) => [conversation.id, conversation.csatScore]));

  let messagesSent = 0;
  const timeline: TimelineRun[] = runs.map((run) => {
    const trigger = run.flow.trigger;
    const label =
      run.subjectType === "ORDER"
        ? (orderName.get(run.subjectId) ?? null)
        : run.subjectType === "CONVERSATION"
          ? csatOf.get(run.subjectId)
            ? `CSAT ${csatOf.get(run.subjectId)}/5 on a conversation`
            : "on a conversation"
          : null;
    const reviewLabel =
      trigger === "HAPPY_RATING" && run.subjectType === "ORDER" ? `order ${label ?? ""}`.trim() : label;
    const steps = run.scheduled.map((row): TimelineStep => {
      if (row.message?.sentAt) messagesSent++;
      return {
        position: row.stepPosition,
        channel: row.channel,
        state: row.state,
        reason: row.skipReason ?? row.deferReason ?? null,
        dueAt: row.dueAt.toISOString(),
        sentAt: row.message?.sentAt?.toISOString() ?? null,
        subject: row.message?.subject ?? null,
        toAddress: row.message?.toAddress ?? null,
        engagement: (row.message?.events ?? [])
          .filter((event) => !event.type.startsWith("MACHINE_"))
          .map((event) => {
            const score = detail(event.detailJson).score;
            return {
              type: event.type,
              at: event.at.toISOString(),
              ...(typeof score === "number" ? { score } : {}),
            };
          }),
      };
    });
    return {
      runId: run.id,
      trigger,
      flowName: isTrigger(trigger) ? TRIGGER_DEFINITIONS[trigger].name : run.flow.name,
      why: why(trigger, reviewLabel),
      enteredAt: run.createdAt.toISOString(),
      holdout: run.holdout,
      state: run.state,
      stopReason: run.stopReason,
      stoppedAt: run.stoppedAt?.toISOString() ?? null,
      steps,
    };
  });
  const name = [customer.firstName, customer.lastName].filter(Boolean).join(" ");
  return {
    customer: {
      id: customer.id,
      name: name || customer.email || customer.phone || "Customer",
      email: customer.email,
      phone: customer.phone,
      segment: customer.segment,
      emailMarketingState: customer.emailMarketingState,
      smsMarketingState: customer.smsMarketingState,
    },
    runs: timeline,
    messagesSent,
    timeZone: shopRow?.ianaTimezone ?? "UTC",
  };
}
