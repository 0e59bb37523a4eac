import { describe, expect, it } from "vitest";
import { decideStep, hasConsent, nextSendableInstant, type StepFacts } from "~/modules/recovery/rules";
import { candidateTimeZones } from "~/modules/recovery/timezones";
import { holdoutBucket, isInHoldout } from "~/modules/recovery/holdout";

const quiet = { start: 20 * 60, end: 8 * 60 };
const base: StepFacts = {
  now: new Date("2026-11-24T15:00:00Z"),
  channel: "EMAIL",
  condition: "ALWAYS",
  runActive: true,
  flowEnabled: true,
  shopSendingEnabled: true,
  checkoutCompleted: false,
  address: "camille@example.org",
  marketingState: "SUBSCRIBED",
  consentPolicy: "SUBSCRIBED_ONLY",
  suppressed: false,
  engaged: false,
  smsAlreadySent: false,
  abandonedAt: new Date("2026-11-24T14:00:00Z"),
  recipientTimeZones: ["Europe/Paris"],
  quietHours: quiet,
  lastMessagedForOtherCheckoutAt: null,
  frequencyCapHours: 24,
};

describe("decideStep", () => {
  it("sends when every rule allows", () => {
    expect(decideStep(base)).toEqual({ action: "SEND" });
  });

  it.each([
    [{ runActive: false }, "RUN_STOPPED"],
    [{ shopSendingEnabled: false }, "SENDING_DISABLED"],
    [{ flowEnabled: false }, "FLOW_DISABLED"],
    [{ checkoutCompleted: true }, "ORDER_PLACED"],
    [{ address: null }, "NO_CONTACT"],
    [{ marketingState: "NOT_SUBSCRIBED" }, "NO_CONSENT"],
    [{ suppressed: true }, "OPTED_OUT"],
    [{ condition: "NOT_ENGAGED" as const, engaged: true }, "ENGAGED"],
    [{ lastMessagedForOtherCheckoutAt: new Date("2026-11-24T01:00:00Z") }, "FREQUENCY_CAP"],
  ])("skips %j with %s", (change, reason) => {
    expect(decideStep({ ...base, ...change })).toEqual({ action: "SKIP", reason });
  });

  it("lets a contact be messaged again once the frequency cap has passed", () => {
    expect(decideStep({ ...base, lastMessagedForOtherCheckoutAt: new Date("2026-11-23T14:59:00Z") })).toEqual({
      action: "SEND",
    });
  });

  it("defers an SMS due at 22:30 recipient time to 08:00", () => {
    // 22:30 in Paris (UTC+1 in November) is 21:30 UTC.
    const decision = decideStep({
      ...base,
      channel: "SMS",
      address: "+33612345678",
      now: new Date("2026-11-24T21:30:00Z"),
      abandonedAt: new Date("2026-11-24T17:30:00Z"),
    });
    expect(decision).toEqual({ action: "DEFER", until: new Date("2026-11-25T07:00:00Z"), reason: "QUIET_HOURS" });
  });

  it("skips an SMS whose deferral would pass the 48 h window, and one already past it", () => {
    const late = decideStep({
      ...base,
      channel: "SMS",
      now: new Date("2026-11-24T21:30:00Z"),
      abandonedAt: new Date("2026-11-22T22:00:00Z"),
    });
    expect(late).toEqual({ action: "SKIP", reason: "SMS_WINDOW_PASSED" });
    const past = decideStep({ ...base, channel: "SMS", abandonedAt: new Date("2026-11-22T14:00:00Z") });
    expect(past).toEqual({ action: "SKIP", reason: "SMS_WINDOW_PASSED" });
  });

  it("sends at most one SMS per checkout", () => {
    expect(decideStep({ ...base, channel: "SMS", smsAlreadySent: true })).toEqual({
      action: "SKIP",
      reason: "SMS_LIMIT",
    });
  });
});

describe("consent", () => {
  it("needs SUBSCRIBED by default, and never emails an unsubscribed contact or texts a non-subscriber", () => {
    expect(hasConsent("EMAIL", "SUBSCRIBED", "SUBSCRIBED_ONLY")).toBe(true);
    expect(hasConsent("EMAIL", "NOT_SUBSCRIBED", "SUBSCRIBED_ONLY")).toBe(false);
    expect(hasConsent("EMAIL", "NOT_SUBSCRIBED", "ALLOW_NON_SUBSCRIBED_EMAIL")).toBe(true);
    expect(hasConsent("EMAIL", "UNSUBSCRIBED", "ALLOW_NON_SUBSCRIBED_EMAIL")).toBe(false);
    expect(hasConsent("SMS", "NOT_SUBSCRIBED", "ALLOW_NON_SUBSCRIBED_EMAIL")).toBe(false);
    expect(hasConsent("SMS", null, "SUBSCRIBED_ONLY")).toBe(false);
  });
});

describe("quiet hours across zones", () => {
  it("uses the state's zone when known and every mainland zone when not (strictest)", () => {
    expect(candidateTimeZones({ countryCode: "US", provinceCode: "CA" }, "UTC")).toEqual(["America/Los_Angeles"]);
    expect(candidateTimeZones({ countryCode: "US" }, "UTC")).toHaveLength(5);
    expect(candidateTimeZones({ countryCode: "FR" }, "UTC")).toEqual(["Europe/Paris"]);
    expect(candidateTimeZones({}, "Europe/Brussels")).toEqual(["Europe/Brussels"]);
  });

  it("waits until 08:00 in the westernmost zone when the state is unknown", () => {
    // 13:00 UTC is 08:00 in New York but 05:00 in Los Angeles: wait for 08:00 Pacific (16:00 UTC).
    const zones = candidateTimeZones({ countryCode: "US" }, "UTC");
    expect(nextSendableInstant(new Date("2026-11-24T13:00:00Z"), zones, quiet).toISOString()).toBe(
      "2026-11-24T16:00:00.000Z",
    );
  });

  it("finds 08:00 across a daylight-saving change", () => {
    // Europe/Paris leaves summer time on 2026-10-25 at 03:00 local.
    expect(nextSendableInstant(new Date("2026-10-24T20:30:00Z"), ["Europe/Paris"], quiet).toISOString()).toBe(
      "2026-10-25T07:00:00.000Z",
    );
  });
});

describe("holdout", () => {
  it("is stable, close to the share, and nested", () => {
    expect(holdoutBucket("s.myshopify.com", "tok")).toBe(holdoutBucket("s.myshopify.com", "tok"));
    const keys = Array.from({ length: 20_000 }, (_, i) => `checkout-${i}`);
    const ten = keys.filter((key) => isInHoldout("s.myshopify.com", key, 10));
    const twenty = new Set(keys.filter((key) => isInHoldout("s.myshopify.com", key, 20)));
    expect(ten.length / keys.length).toBeGreaterThan(0.09);
    expect(ten.length / keys.length).toBeLessThan(0.11);
    expect(ten.every((key) => twenty.has(key))).toBe(true);
    expect(keys.some((key) => isInHoldout("s.myshopify.com", key, 0))).toBe(false);
  });
});
