/**
 * Sliding-window rate limits for the storefront's app-proxy endpoints (FAQ search, chat, order lookup). In memory
 * per app instance: limits of this size (tens of requests a minute) do not need shared state to stop a script,
 * and a shopper who happens to hit two instances only gets a little more room.
 */

export interface RateLimit {
  requests: number;
  windowMs: number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export interface RateLimiter {
  readonly limit: RateLimit;
  /** Counts one request for `key` and says whether it may proceed. */
  check(key: string, now?: number): RateDecision;
  reset(): void;
}

const limiters = new Set<RateLimiter>();

export function createRateLimiter(limit: RateLimit): RateLimiter {
  const windows = new Map<string, number[]>();
  const limiter: RateLimiter = {
    limit,
    check(key, now = Date.now()) {
      const since = now - limit.windowMs;
      const recent = (windows.get(key) ?? []).filter((time) => time > since);
      if (recent.length >= limit.requests) {
        windows.set(key, recent);
        return {
          allowed: false,
          retryAfterSeconds: Math.max(1, Math.ceil((recent[0] + limit.windowMs - now) / 1000)),
        };
      }
      recent.push(now);
      windows.set(key, recent);
      // Forget idle clients so the map does not grow with every IP ever seen.
      if (windows.size > 10_000) {
        for (const [other, times] of windows) if (times.every((time) => time <= since)) windows.delete(other);
      }
      return { allowed: true };
    },
    reset() {
      windows.clear();
    },
  };
  limiters.add(limiter);
  return limiter;
}

/**
 * Checks several limits for one request (per IP, per visitor, ...); the first refusal wins. Each limit counts the
 * request only when every earlier one allowed it, so a refused request does not eat the visitor's own budget.
 */
export function checkRates(checks: Array<[RateLimiter, string]>, now = Date.now()): RateDecision {
  for (const [limiter, key] of checks) {
    const decision = limiter.check(key, now);
    if (!decision.allowed) return decision;
  }
  return { allowed: true };
}

/** For tests: every limiter starts empty. */
export function resetRateLimits(): void {
  for (const limiter of limiters) limiter.reset();
}

/**
 * The shopper's IP as Shopify's app proxy forwards it (`X-Forwarded-For`, first entry). Behind the proxy every
 * request comes from Shopify, so the socket address would put all shoppers in one bucket.
 */
export function clientIp(request: Request): string {
  const forwarded = request.headers.get("x-forwarded-for")?.split(",")[0]?.trim();
  return forwarded || request.headers.get("x-real-ip") || "unknown";
}
