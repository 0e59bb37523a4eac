import { describe, expect, it } from "vitest";
import { decideStep, type StepFacts } from "~/modules/recovery/rules";
import { careContact, careSubjectClosed, type CareCustomer, type CareOrder } from "~/modules/flows/subject";
import { parseFlowOptions, triggerFromSlug, TRIGGER_SLUGS, TRIGGERS } from "~/modules/flows/triggers";

/** The send-time rules as the care flows use them: the same decideStep, with the trigger's purpose and quiet hours. */
const care: StepFacts = {
  now: new Date("2026-11-24T15:00:00Z"),
  channel: "EMAIL",
  condition: "ALWAYS",
  runActive: true,
  flowEnabled: true,
  shopSendingEnabled: true,
  checkoutCompleted: false,
  subjectClosed: null,
  address: "camille@example.org",
  marketingState: "SUBSCRIBED",
  consentPolicy: "SUBSCRIBED_ONLY",
  purpose: "MARKETING",
  quietHoursFor: "ALL_CHANNELS",
  smsWindow: false,
  suppressed: false,
  engaged: false,
  smsAlreadySent: false,
  abandonedAt: new Date("2026-11-01T14:00:00Z"),
  recipientTimeZones: ["Europe/Paris"],
  quietHours: { start: 20 * 60, end: 8 * 60 },
  lastMessagedForOtherCheckoutAt: null,
  frequencyCapHours: 24,
};

describe("care flow rules", () => {
  it("defers an email due in quiet hours to the morning (recovery's emails are not deferred)", () => {
    const night = new Date("2026-11-24T21:30:00Z"); // 22:30 in Paris
    expect(decideStep({ ...care, now: night })).toEqual({
      action: "DEFER",
      until: new Date("2026-11-25T07:00:00Z"),
      reason: "QUIET_HOURS",
    });
    expect(decideStep({ ...care, now: night, quietHoursFor: "SMS_ONLY" })).toEqual({ action: "SEND" });
  });

  it("has no 48 h window for an SMS weeks after the trigger, and still one SMS per run", () => {
    expect(decideStep({ ...care, channel: "SMS", address: "+33612345678" })).toEqual({ action: "SEND" });
    expect(decideStep({ ...care, channel: "SMS", address: "+33612345678", smsAlreadySent: true })).toEqual({
      action: "SKIP",
      reason: "SMS_LIMIT",
    });
    // Recovery's rule is unchanged when the window applies.
    expect(decideStep({ ...care, channel: "SMS", address: "+33612345678", smsWindow: true })).toEqual({
      action: "SKIP",
      reason: "SMS_WINDOW_PASSED",
    });
  });

  it("a service email about the shopper's order needs no marketing consent, but an opt-out still wins", () => {
    const service = { ...care, purpose: "SERVICE" as const, marketingState: "NOT_SUBSCRIBED" };
    expect(decideStep(service)).toEqual({ action: "SEND" });
    expect(decideStep({ ...service, suppressed: true })).toEqual({ action: "SKIP", reason: "OPTED_OUT" });
    expect(decideStep({ ...service, channel: "SMS", address: "+33612345678" })).toEqual({
      action: "SKIP",
      reason: "NO_CONSENT",
    });
    expect(decideStep({ ...care, marketingState: "NOT_SUBSCRIBED" })).toEqual({ action: "SKIP", reason: "NO_CONSENT" });
  });

  it("skips when the reason for the message no longer holds", () => {
    expect(decideStep({ ...care, subjectClosed: "ORDER_FULFILLED" })).toEqual({
      action: "SKIP",
      reason: "ORDER_FULFILLED",
    });
  });
});

describe("care subjects", () => {
  const customer: CareCustomer = {
    id: "c1",
    email: "camille@example.org",
    phone: null,
    firstName: "Camille",
    locale: "fr",
    timezone: null,
    countryCode: "FR",
    segment: "VIP",
  };
  const order: CareOrder = {
    id: "o1",
    customerId: "c1",
    email: "old@example.org",
    phone: "+33612345678",
    fulfillmentStatus: null,
    cancelledAt: null,
  };

  it("writes to the customer's own details first, then the order's", () => {
    expect(careContact(customer, order, null)).toMatchObject({
      email: "camille@example.org",
      phone: "+33612345678",
      customerId: "c1",
      locale: "fr",
    });
    expect(careContact(null, order, null)).toMatchObject({ email: "old@example.org", customerId: "c1" });
  });

  it("knows when a message has become pointless", () => {
    expect(careSubjectClosed("ORDER_UNFULFILLED", { customer, order })).toBeNull();
    expect(
      careSubjectClosed("ORDER_UNFULFILLED", { customer, order: { ...order, fulfillmentStatus: "fulfilled" } }),
    ).toBe("ORDER_FULFILLED");
    expect(careSubjectClosed("ORDER_DELIVERED", { customer, order: { ...order, cancelledAt: new Date() } })).toBe(
      "ORDER_CANCELLED",
    );
    expect(careSubjectClosed("SEGMENT_VIP", { customer, order: null })).toBeNull();
    expect(careSubjectClosed("SEGMENT_AT_RISK", { customer, order: null })).toBe("SEGMENT_LEFT");
    expect(careSubjectClosed("HAPPY_RATING", { customer: null, order: null })).toBeNull();
  });
});

describe("triggers", () => {
  it("every trigger has a page slug, and slugs lead back to their trigger", () => {
    for (const trigger of TRIGGERS) expect(triggerFromSlug(TRIGGER_SLUGS[trigger])).toBe(trigger);
    expect(triggerFromSlug("nope")).toBeNull();
  });

  it("reads flow options defensively", () => {
    expect(parseFlowOptions(null)).toEqual({ perk: null, reviewUrl: null });
    expect(parseFlowOptions("not json")).toEqual({ perk: null, reviewUrl: null });
    expect(parseFlowOptions(JSON.stringify({ perk: { kind: "BOGUS" } }))).toEqual({ perk: null, reviewUrl: null });
    expect(
      parseFlowOptions(
        JSON.stringify({ perk: { kind: "FREE_SHIPPING", value: null }, reviewUrl: "https://x.example" }),
      ),
    ).toEqual({
      perk: { kind: "FREE_SHIPPING", value: null, expiresInDays: 60 },
      reviewUrl: "https://x.example",
    });
  });
});
