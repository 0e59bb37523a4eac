import { randomBytes, timingSafeEqual } from "node:crypto";
import { getClock } from "~/clock.server";
import { signingTag } from "~/modules/shop/signing.server";

/**
 * The storefront chat's visitor token. Shopify's app proxy strips cookies, so the widget keeps this token in
 * localStorage and sends it with every chat request; it is what makes "this browser" the owner of a conversation
 * across pages and visits.
 *
 * Format: `<payload>.<tag>`, base64url. payload = compact JSON `{ v, s, x }` (visitor id, shop, expiry in epoch
 * seconds); tag = HMAC-SHA256 over the payload, 128 bits, with a key derived from SHOPIFY_API_SECRET by HKDF under
 * its own purpose label (so no other signature made with the app secret can pass for a visitor token).
 *
 * Bound to the shop: a token minted on one store is refused on another. Expiring: 30 days after the last use (each
 * answer carries a refreshed token). A forged, malformed, expired or other-shop token verifies to null, and callers
 * answer 401 without saying which.
 */

export const VISITOR_TOKEN_TTL_SECONDS = 30 * 86_400;
const PURPOSE = "kindly/visitor-token/v1";
/** Long enough to be unguessable, short enough to stay a readable id in the inbox (22 characters). */
const VISITOR_ID_BYTES = 16;

const tag = (payload: string): Buffer => signingTag(PURPOSE, payload);

export interface VisitorIdentity {
  visitorId: string;
  shop: string;
  expiresAt: Date;
}

export function newVisitorId(): string {
  return randomBytes(VISITOR_ID_BYTES).toString("base64url");
}

export function createVisitorToken(
  input: { visitorId: string; shop: string },
  options: { now?: Date; ttlSeconds?: number } = {},
): string {
  const now = options.now ?? getClock().now();
  const expiry = Math.floor(now.getTime() / 1000) + (options.ttlSeconds ?? VISITOR_TOKEN_TTL_SECONDS);
  const payload = Buffer.from(JSON.stringify({ v: input.visitorId, s: input.shop, x: expiry })).toString("base64url");
  return `${payload}.${tag(payload).toString("base64url")}`;
}

/** The visitor a token names, or null when it is forged, malformed, expired or was minted for another shop. */
export function verifyVisitorToken(
  token: string | null | undefined,
  shop: string,
  now: Date = getClock().now(),
): VisitorIdentity | null {
  if (!token || token.length > 512) return null;
  const [payload, signature, extra] = token.split(".");
  if (!payload || !signature || extra !== undefined) return null;
  const expected = tag(payload);
  const given = Buffer.from(signature, "base64url");
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let wire: unknown;
  try {
    wire = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (!wire || typeof wire !== "object") return null;
  const { v, s, x } = wire as { v?: unknown; s?: unknown; x?: unknown };
  if (typeof v !== "string" || !/^[A-Za-z0-9_-]{16,64}$/.test(v)) return null;
  if (typeof s !== "string" || s !== shop) return null;
  if (typeof x !== "number" || !Number.isFinite(x) || x * 1000 <= now.getTime()) return null;
  return { visitorId: v, shop: s, expiresAt: new Date(x * 1000) };
}
