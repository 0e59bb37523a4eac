import type { SkipReason } from "~/modules/recovery/rules";
import type { StopReason } from "~/modules/recovery/stop.server";

/**
 * Every reason Kindly records for not sending, said in plain words for the merchant. The maps are typed as
 * `Record<Reason, ...>`, so a reason added to rules.ts or stop.server.ts without a sentence here fails the build.
 */

/** Reasons recorded outside rules.ts: by the worker (the checkout disappeared) and by the editor (steps changed). */
export type OtherSkipReason = "SUBJECT_GONE" | "FLOW_CHANGED" | "STEP_REMOVED";

type Channel = "EMAIL" | "SMS";

const SKIP_SENTENCES: Record<SkipReason | OtherSkipReason, (channel: Channel) => string> = {
  RUN_STOPPED: () => "The sequence had already stopped for this checkout.",
  SENDING_DISABLED: () => "Sending was stopped for the whole store (Kindly was uninstalled).",
  FLOW_DISABLED: () => "Recovery was switched off.",
  ORDER_PLACED: () => "The shopper had already placed their order.",
  NO_CONTACT: (channel) =>
    channel === "SMS" ? "The checkout has no phone number." : "The checkout has no email address.",
  NO_CONSENT: (channel) =>
    channel === "SMS"
      ? "The shopper has not subscribed to SMS marketing, and a recovery SMS always needs that."
      : "The shopper has not subscribed to email marketing, and your consent policy only emails subscribers.",
  OPTED_OUT: (channel) =>
    channel === "SMS"
      ? "This number opted out (it texted STOP or unsubscribed)."
      : "This address unsubscribed from your emails.",
  ENGAGED: () =>
    "The shopper had already engaged with an earlier message (clicked, replied or opened it themselves), so this “only if not engaged” step was not needed.",
  SMS_LIMIT: () => "An SMS had already been sent for this checkout: Kindly sends at most one per checkout.",
  SMS_WINDOW_PASSED: () =>
    "More than 48 hours had passed since the checkout (or quiet hours would have pushed it past 48 hours): carriers do not allow a recovery SMS after that.",
  FREQUENCY_CAP: () =>
    "This contact had already received another Kindly message recently (the frequency cap, shared by every flow).",
  ORDER_FULFILLED: () => "The order had shipped by then, so the delay alert was not needed.",
  ORDER_CANCELLED: () => "The order was cancelled.",
  SEGMENT_LEFT: () => "The customer was no longer in the segment when the message came due.",
  SUBJECT_GONE: () => "The checkout no longer exists (it was deleted or its data erased at the shopper's request).",
  FLOW_CHANGED: () =>
    "The recovery steps were reordered while this checkout was in the flow; to never send a step twice or out of order, its sequence ended.",
  STEP_REMOVED: () => "This step was removed from the flow before it was due.",
};

const STOP_SENTENCES: Record<StopReason | "FLOW_CHANGED", string> = {
  ORDER_PLACED: "The shopper placed their order.",
  REPLIED: "The shopper replied: the conversation went to the inbox, where a person takes over.",
  UNSUBSCRIBED: "The shopper unsubscribed.",
  SMS_STOP: "The shopper texted STOP.",
  FLOW_DISABLED: "Recovery was switched off.",
  APP_UNINSTALLED: "Kindly was uninstalled from the store.",
  CLICKED_THROUGH: "The shopper clicked through to their checkout.",
  ORDER_FULFILLED: "The order shipped.",
  ORDER_CANCELLED: "The order was cancelled.",
  RATED: "The shopper rated their order.",
  FLOW_CHANGED:
    "The recovery steps were reordered while this checkout was in the flow, so its remaining steps were cancelled.",
};

const DEFER_SENTENCES: Record<string, string> = {
  QUIET_HOURS:
    "Quiet hours in the shopper's time zone: SMS is only sent in the daytime, so it waited for the window to open.",
};

function isKnown<K extends string>(map: Record<K, unknown>, key: string): key is K {
  return Object.prototype.hasOwnProperty.call(map, key);
}

export function skipSentence(reason: string, channel: Channel): string {
  return isKnown(SKIP_SENTENCES, reason)
    ? SKIP_SENTENCES[reason](channel)
    : isKnown(STOP_SENTENCES, reason)
      ? STOP_SENTENCES[reason]
      : `Not sent (${reason}).`;
}

export function stopSentence(reason: string): string {
  return isKnown(STOP_SENTENCES, reason) ? STOP_SENTENCES[reason] : `Stopped (${reason}).`;
}

export function deferSentence(reason: string): string {
  return DEFER_SENTENCES[reason] ?? `Moved later (${reason}).`;
}

/** Short labels for the checkouts list. */
export function stopLabel(reason: string | null): string {
  switch (reason) {
    case "ORDER_PLACED":
      return "Ordered";
    case "REPLIED":
      return "Replied";
    case "UNSUBSCRIBED":
    case "SMS_STOP":
      return "Opted out";
    case "FLOW_DISABLED":
      return "Recovery switched off";
    case "APP_UNINSTALLED":
      return "Uninstalled";
    case "CLICKED_THROUGH":
      return "Clicked through";
    case "FLOW_CHANGED":
      return "Steps changed";
    default:
      return "Stopped";
  }
}

export const SKIP_REASONS = Object.keys(SKIP_SENTENCES) as Array<SkipReason | OtherSkipReason>;
export const STOP_REASONS = Object.keys(STOP_SENTENCES) as Array<StopReason | "FLOW_CHANGED">;
