import { DEFAULT_RECOVERY_STEPS, type FlowStepDefinition } from "~/modules/recovery/default-flow";
import {
  AT_RISK_STEPS,
  DELAY_ALERT_STEPS,
  POST_PURCHASE_STEPS,
  REVIEW_STEPS,
  VIP_STEPS,
  WELCOME_STEPS,
} from "~/modules/flows/default-flows";

/**
 * The triggers of Kindly's one flow engine. Recovery is the first; the lifecycle care flows are the others. A trigger
 * says what a run is about (its subject), why a message may be sent (its consent purpose), how quiet hours apply,
 * and its default steps. Everything else (the durable schedule, the send-time rules, the frequency cap across all
 * flows, suppressions, stop on reply, holdout) is the same code for every trigger.
 *
 * Pure data: this module is bundled into the admin pages too.
 */
export const TRIGGERS = [
  "CHECKOUT_ABANDONED",
  "ORDER_DELIVERED",
  "FIRST_ORDER",
  "SEGMENT_VIP",
  "SEGMENT_AT_RISK",
  "ORDER_UNFULFILLED",
  "HAPPY_RATING",
] as const;
export type Trigger = (typeof TRIGGERS)[number];
export type LifecycleTrigger = Exclude<Trigger, "CHECKOUT_ABANDONED">;
export const LIFECYCLE_TRIGGERS = TRIGGERS.filter(
  (trigger): trigger is LifecycleTrigger => trigger !== "CHECKOUT_ABANDONED",
);

export type SubjectType = "CHECKOUT" | "ORDER" | "CUSTOMER" | "CONVERSATION";

/**
 * MARKETING: needs the channel's marketing consent (SUBSCRIBED, or the merchant's explicit non-subscriber email
 * choice). SERVICE: about an order the shopper placed (the delay alert): email goes without marketing consent, as an
 * order notification does, but never to a suppressed address; SMS still needs SMS consent.
 */
export type Purpose = "MARKETING" | "SERVICE";

export interface TriggerDefinition {
  trigger: Trigger;
  name: string;
  /** What the merchant reads on the Flows page: when the flow starts and what it does. */
  description: string;
  /** "Delays count from ...": the anchor of the steps' delays. */
  anchor: string;
  purpose: Purpose;
  /** Recovery keeps its rule (SMS only, inside the 48 h window); care flows are never urgent: every channel waits. */
  quietHours: "SMS_ONLY" | "ALL_CHANNELS";
  /** The carriers' 48 h rule for abandoned-cart SMS. */
  smsWindow: boolean;
  /** The longest delay the editor accepts for a step. */
  maxDelayDays: number;
  defaultSteps: FlowStepDefinition[];
}

export const TRIGGER_DEFINITIONS: Record<Trigger, TriggerDefinition> = {
  CHECKOUT_ABANDONED: {
    trigger: "CHECKOUT_ABANDONED",
    name: "Abandoned checkout: helpful follow-up",
    description: "A checkout with a contact and no order: troubleshooting tips and an invitation to reply.",
    anchor: "the shopper's last activity on their checkout",
    purpose: "MARKETING",
    quietHours: "SMS_ONLY",
    smsWindow: true,
    maxDelayDays: 30,
    defaultSteps: DEFAULT_RECOVERY_STEPS,
  },
  ORDER_DELIVERED: {
    trigger: "ORDER_DELIVERED",
    name: "Post-purchase check-in",
    description:
      "Days after delivery: how is it going, with a one-click 1-5 rating. A low rating opens a conversation in the inbox at once; a happy one can lead to the review invitation.",
    anchor: "delivery (the carrier's delivered event, else the fulfillment plus 3 days)",
    purpose: "MARKETING",
    quietHours: "ALL_CHANNELS",
    smsWindow: false,
    maxDelayDays: 60,
    defaultSteps: POST_PURCHASE_STEPS,
  },
  FIRST_ORDER: {
    trigger: "FIRST_ORDER",
    name: "First-time buyer welcome",
    description: "After a customer's first order: thanks, care and usage tips for what they bought, how to reach you.",
    anchor: "the first order",
    purpose: "MARKETING",
    quietHours: "ALL_CHANNELS",
    smsWindow: false,
    maxDelayDays: 60,
    defaultSteps: WELCOME_STEPS,
  },
  SEGMENT_VIP: {
    trigger: "SEGMENT_VIP",
    name: "VIP thank-you",
    description:
      "When a customer enters the VIP segment: a personal note, the priority support that comes with it (the inbox answers VIPs first), and optionally a personal code.",
    anchor: "entering the VIP segment",
    purpose: "MARKETING",
    quietHours: "ALL_CHANNELS",
    smsWindow: false,
    maxDelayDays: 60,
    defaultSteps: VIP_STEPS,
  },
  SEGMENT_AT_RISK: {
    trigger: "SEGMENT_AT_RISK",
    name: "At-risk check-in",
    description:
      "When a repeat customer's probability of still being active drops below your threshold: a helpful question, no discount.",
    anchor: "entering the at-risk segment",
    purpose: "MARKETING",
    quietHours: "ALL_CHANNELS",
    smsWindow: false,
    maxDelayDays: 60,
    defaultSteps: AT_RISK_STEPS,
  },
  ORDER_UNFULFILLED: {
    trigger: "ORDER_UNFULFILLED",
    name: "Proactive delay alert",
    description:
      "A paid order still unfulfilled past your promise: an apology and an honest status before the shopper has to ask. Stops as soon as the order ships.",
    anchor: "payment of the order (set the first delay to your dispatch promise)",
    purpose: "SERVICE",
    quietHours: "ALL_CHANNELS",
    smsWindow: false,
    maxDelayDays: 60,
    defaultSteps: DELAY_ALERT_STEPS,
  },
  HAPPY_RATING: {
    trigger: "HAPPY_RATING",
    name: "Review or referral invitation",
    description:
      "After a happy rating (4 or 5 on the post-purchase check-in, or CSAT 4 or 5 when a conversation closes), never after a low one: an invitation to leave a review or tell a friend.",
    anchor: "the happy rating",
    purpose: "MARKETING",
    quietHours: "ALL_CHANNELS",
    smsWindow: false,
    maxDelayDays: 60,
    defaultSteps: REVIEW_STEPS,
  },
};

export function isTrigger(value: unknown): value is Trigger {
  return typeof value === "string" && (TRIGGERS as readonly string[]).includes(value);
}

/** URL slugs of the Flows pages. */
export const TRIGGER_SLUGS: Record<Trigger, string> = {
  CHECKOUT_ABANDONED: "recovery",
  ORDER_DELIVERED: "post-purchase",
  FIRST_ORDER: "welcome",
  SEGMENT_VIP: "vip",
  SEGMENT_AT_RISK: "at-risk",
  ORDER_UNFULFILLED: "delay-alert",
  HAPPY_RATING: "review",
};

export function triggerFromSlug(slug: string | undefined): Trigger | null {
  const found = Object.entries(TRIGGER_SLUGS).find(([, value]) => value === slug);
  return found ? (found[0] as Trigger) : null;
}

/** Ratings at or above this are happy (review invitation); at or below LOW_RATING open a conversation. */
export const HAPPY_RATING = 4;
export const LOW_RATING = 2;

/** Without a delivered event, the check-in counts from the fulfillment plus this (a typical transit time). */
export const ASSUMED_TRANSIT_DAYS = 3;

/** The VIP perk, when the merchant offers one (Flow.settingsJson). */
export interface FlowOptions {
  perk: { kind: "PERCENTAGE" | "FIXED_AMOUNT" | "FREE_SHIPPING"; value: number | null; expiresInDays: number } | null;
  reviewUrl: string | null;
}

export function parseFlowOptions(json: string | null | undefined): FlowOptions {
  const empty: FlowOptions = { perk: null, reviewUrl: null };
  if (!json) return empty;
  try {
    const parsed = JSON.parse(json) as Partial<FlowOptions>;
    const perk = parsed.perk;
    return {
      perk:
        perk && ["PERCENTAGE", "FIXED_AMOUNT", "FREE_SHIPPING"].includes(perk.kind)
          ? {
              kind: perk.kind,
              value: typeof perk.value === "number" ? perk.value : null,
              expiresInDays: typeof perk.expiresInDays === "number" ? perk.expiresInDays : 60,
            }
          : null,
      reviewUrl: typeof parsed.reviewUrl === "string" && parsed.reviewUrl ? parsed.reviewUrl : null,
    };
  } catch {
    return empty;
  }
}
