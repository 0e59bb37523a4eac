import { describe, expect, it } from "vitest";
import { checkRates, clientIp, createRateLimiter } from "~/modules/storefront/rate-limit.server";

describe("rate limits", () => {
  it("allows `requests` per sliding window, then says when to retry", () => {
    const limiter = createRateLimiter({ requests: 3, windowMs: 60_000 });
    const t0 = 1_000_000;
    for (let i = 0; i < 3; i++) expect(limiter.check("a", t0 + i * 1000)).toEqual({ allowed: true });
    expect(limiter.check("a", t0 + 10_000)).toEqual({ allowed: false, retryAfterSeconds: 50 });
    expect(limiter.check("b", t0 + 10_000)).toEqual({ allowed: true });
    // The first request leaves the window: one more is allowed.
    expect(limiter.check("a", t0 + 60_001)).toEqual({ allowed: true });
  });

  it("checkRates stops at the first refusal without counting the later limits", () => {
    const perIp = createRateLimiter({ requests: 1, windowMs: 60_000 });
    const perVisitor = createRateLimiter({ requests: 5, windowMs: 60_000 });
    expect(
      checkRates(
        [
          [perIp, "ip"],
          [perVisitor, "v"],
        ],
        0,
      ).allowed,
    ).toBe(true);
    expect(
      checkRates(
        [
          [perIp, "ip"],
          [perVisitor, "v"],
        ],
        1,
      ).allowed,
    ).toBe(false);
    for (let i = 0; i < 4; i++) expect(perVisitor.check("v", 2).allowed).toBe(true);
    expect(perVisitor.check("v", 3).allowed).toBe(false);
  });

  it("takes the shopper's IP from the proxy's X-Forwarded-For", () => {
    const request = new Request("https://x.test", { headers: { "X-Forwarded-For": "203.0.113.9, 10.0.0.1" } });
    expect(clientIp(request)).toBe("203.0.113.9");
    expect(clientIp(new Request("https://x.test"))).toBe("unknown");
  });
});
