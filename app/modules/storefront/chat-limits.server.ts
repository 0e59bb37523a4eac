import { createRateLimiter } from "~/modules/storefront/rate-limit.server";

/**
 * The chat's and order lookup's rate limits. Per IP (keyed with the shop) they stop a script; per visitor they
 * stop one tab from flooding the inbox. A person typing, and the widget polling every 3 s at its fastest, stay far
 * inside them.
 */
export const CHAT_RATES = {
  perIp: { requests: 120, windowMs: 60_000 },
  sendPerVisitor: { requests: 10, windowMs: 60_000 },
  pollPerVisitor: { requests: 40, windowMs: 60_000 },
  csatPerVisitor: { requests: 10, windowMs: 60_000 },
  /** An order number and an email are a guessable pair: few tries per IP. */
  orderLookupPerIp: { requests: 10, windowMs: 60_000 },
} as const;

export const chatLimiters = {
  perIp: createRateLimiter(CHAT_RATES.perIp),
  sendPerVisitor: createRateLimiter(CHAT_RATES.sendPerVisitor),
  pollPerVisitor: createRateLimiter(CHAT_RATES.pollPerVisitor),
  csatPerVisitor: createRateLimiter(CHAT_RATES.csatPerVisitor),
  orderLookupPerIp: createRateLimiter(CHAT_RATES.orderLookupPerIp),
};

/** Request bodies the widget sends are a message of at most 2,000 characters and a few fields. */
export const MAX_PROXY_BODY_BYTES = 16 * 1024;
