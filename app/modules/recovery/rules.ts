import { localMinutes } from "~/modules/recovery/timezones";

/**
 * The send-time rules of a recovery step, as a pure function. The worker gathers the facts; this decides.
 * Every "no" has a named reason that is recorded on the scheduled message and shown in the checkout's timeline.
 */
export type SkipReason =
  | "RUN_STOPPED"
  | "SENDING_DISABLED"
  | "FLOW_DISABLED"
  | "ORDER_PLACED"
  | "NO_CONTACT"
  | "NO_CONSENT"
  | "OPTED_OUT"
  | "ENGAGED"
  | "SMS_LIMIT"
  | "SMS_WINDOW_PASSED"
  | "FREQUENCY_CAP"
  // Care flows (app/modules/flows): the reason for the message no longer holds.
  | "ORDER_FULFILLED"
  | "ORDER_CANCELLED"
  | "SEGMENT_LEFT";

export type StepDecision =
  { action: "SEND" } | { action: "SKIP"; reason: SkipReason } | { action: "DEFER"; until: Date; reason: "QUIET_HOURS" };

export type Channel = "EMAIL" | "SMS";
export type ConsentPolicy = "SUBSCRIBED_ONLY" | "ALLOW_NON_SUBSCRIBED_EMAIL";

export interface StepFacts {
  now: Date;
  channel: Channel;
  condition: "ALWAYS" | "NOT_ENGAGED";
  runActive: boolean;
  flowEnabled: boolean;
  shopSendingEnabled: boolean;
  checkoutCompleted: boolean;
  /** The email address or phone number this step would use. */
  address: string | null;
  /** Shopify's marketing state for that address: SUBSCRIBED, NOT_SUBSCRIBED, UNSUBSCRIBED, PENDING, ... */
  marketingState: string | null;
  consentPolicy: ConsentPolicy;
  suppressed: boolean;
  /** A click, a reply or a human open on an earlier message of this run (machine opens do not count). */
  engaged: boolean;
  smsAlreadySent: boolean;
  /** Last checkout activity: delays and the 48 h SMS window count from here. */
  abandonedAt: Date;
  recipientTimeZones: string[];
  /** Minutes after local midnight: quiet from `start` (e.g. 20:00 = 1200) until `end` (e.g. 08:00 = 480). */
  quietHours: { start: number; end: number };
  /**
   * When this contact was last messaged by another run, if ever: another checkout, or any other flow. The cap is
   * shared by every flow, so a customer never gets two Kindly messages within it, whichever flows want to send.
   */
  lastMessagedForOtherCheckoutAt: Date | null;
  frequencyCapHours: number;
  /** Care flows: why the subject no longer calls for the message (order shipped, customer left the segment). */
  subjectClosed?: SkipReason | null;
  /** MARKETING (default) or SERVICE (about an order the shopper placed: email needs no marketing consent). */
  purpose?: "MARKETING" | "SERVICE";
  /** SMS_ONLY (recovery, the default) or ALL_CHANNELS (care flows: an email waits for the morning too). */
  quietHoursFor?: "SMS_ONLY" | "ALL_CHANNELS";
  /** The carriers' 48 h rule for abandoned-cart SMS (default true; care flows have no such window). */
  smsWindow?: boolean;
}

export const SMS_WINDOW_MS = 48 * 3_600_000;

export function hasConsent(
  channel: Channel,
  marketingState: string | null,
  policy: ConsentPolicy,
  purpose: "MARKETING" | "SERVICE" = "MARKETING",
): boolean {
  if (marketingState === "SUBSCRIBED") return true;
  // A service email about the shopper's own order (a delay alert) is an order notification, not marketing; a
  // suppressed address (unsubscribed from Kindly's messages) is still never written to (checked separately).
  if (purpose === "SERVICE" && channel === "EMAIL") return true;
  // A merchant may email non-subscribers where their law allows (an explicit choice, off by default); never someone
  // who unsubscribed, and never by SMS.
  return channel === "EMAIL" && policy === "ALLOW_NON_SUBSCRIBED_EMAIL" && marketingState !== "UNSUBSCRIBED";
}

export function isWithinQuietHours(instant: Date, timeZone: string, quiet: { start: number; end: number }): boolean {
  const minutes = localMinutes(instant, timeZone);
  return quiet.start > quiet.end
    ? minutes >= quiet.start || minutes < quiet.end
    : minutes >= quiet.start && minutes < quiet.end;
}

/** The first minute at or after `from` that is outside quiet hours in every candidate zone. */
export function nextSendableInstant(from: Date, timeZones: string[], quiet: { start: number; end: number }): Date {
  let candidate = new Date(from.getTime());
  for (let guard = 0; guard < 20; guard++) {
    let jump = 0;
    for (const zone of timeZones) {
      if (!isWithinQuietHours(candidate, zone, quiet)) continue;
      const local = localMinutes(candidate, zone);
      const wait = local < quiet.end ? quiet.end - local : 1440 - local + quiet.end;
      jump = Math.max(jump, wait);
    }
    if (jump === 0) return candidate;
    // Land on the exact minute the window opens.
    candidate = new Date(Math.floor(candidate.getTime() / 60_000) * 60_000 + jump * 60_000);
  }
  throw new Error(`No sendable time found for zones ${timeZones.join(", ")}: quiet hours cover the whole day`);
}

export function decideStep(facts: StepFacts): StepDecision {
  const skip = (reason: SkipReason): StepDecision => ({ action: "SKIP", reason });
  if (!facts.runActive) return skip("RUN_STOPPED");
  if (!facts.shopSendingEnabled) return skip("SENDING_DISABLED");
  if (!facts.flowEnabled) return skip("FLOW_DISABLED");
  if (facts.checkoutCompleted) return skip("ORDER_PLACED");
  if (facts.subjectClosed) return skip(facts.subjectClosed);
  if (!facts.address) return skip("NO_CONTACT");
  if (!hasConsent(facts.channel, facts.marketingState, facts.consentPolicy, facts.purpose)) return skip("NO_CONSENT");
  if (facts.suppressed) return skip("OPTED_OUT");
  if (facts.condition === "NOT_ENGAGED" && facts.engaged) return skip("ENGAGED");
  if (
    facts.lastMessagedForOtherCheckoutAt &&
    facts.now.getTime() - facts.lastMessagedForOtherCheckoutAt.getTime() < facts.frequencyCapHours * 3_600_000
  ) {
    return skip("FREQUENCY_CAP");
  }
  if (facts.channel === "SMS" && facts.smsWindow !== false) {
    if (facts.smsAlreadySent) return skip("SMS_LIMIT");
    const windowEnds = facts.abandonedAt.getTime() + SMS_WINDOW_MS;
    if (facts.now.getTime() >= windowEnds) return skip("SMS_WINDOW_PASSED");
    const sendable = nextSendableInstant(facts.now, facts.recipientTimeZones, facts.quietHours);
    if (sendable.getTime() > facts.now.getTime()) {
      // Deferred into the window, never sent late: past 48 h it is skipped with its reason instead.
      return sendable.getTime() >= windowEnds
        ? skip("SMS_WINDOW_PASSED")
        : { action: "DEFER", until: sendable, reason: "QUIET_HOURS" };
    }
    return { action: "SEND" };
  }
  if (facts.channel === "SMS" && facts.smsAlreadySent) return skip("SMS_LIMIT");
  if (facts.channel === "SMS" || facts.quietHoursFor === "ALL_CHANNELS") {
    // Care flows are never urgent: deferred to the morning, never dropped.
    const sendable = nextSendableInstant(facts.now, facts.recipientTimeZones, facts.quietHours);
    if (sendable.getTime() > facts.now.getTime()) return { action: "DEFER", until: sendable, reason: "QUIET_HOURS" };
  }
  return { action: "SEND" };
}
