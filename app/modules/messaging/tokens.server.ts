import { randomBytes, timingSafeEqual } from "node:crypto";
import { getClock } from "~/clock.server";
import { signingTag } from "~/modules/shop/signing.server";

/**
 * Signed engagement tokens: what the open pixel, click redirects, unsubscribe links (and later CSAT links) carry.
 *
 * Format: `<payload>.<tag>`, both base64url, so the token drops into a URL path as is.
 * - payload: compact JSON `{ k, m, x, u?, s? }` (kind, Kindly message id, expiry in epoch seconds, click target,
 *   CSAT score). It is signed, not encrypted: it holds nothing the recipient does not already know.
 * - tag: HMAC-SHA256 over the payload text, truncated to 128 bits (as RFC 4868's HMAC-SHA-256-128: ample against
 *   forgery, half the length in every link). The key is derived from SHOPIFY_API_SECRET with HKDF and a purpose
 *   label, so these tokens can never be confused with any other signature made with the app secret (webhooks,
 *   app proxy, session tokens) and rotating the label invalidates every link at once.
 *
 * A tampered, malformed, wrong-kind or expired token verifies to null; callers never learn which, so the
 * endpoints cannot be used as an oracle.
 */

export type TokenKind = "OPEN" | "CLICK" | "UNSUBSCRIBE" | "CSAT" | "RATING";

export type TokenPayload =
  | { kind: "OPEN"; messageId: string }
  | { kind: "CLICK"; messageId: string; url: string }
  | { kind: "UNSUBSCRIBE"; messageId: string }
  | { kind: "CSAT"; messageId: string; score?: number }
  // The post-purchase check-in's one-click rating: `messageId` is the ScheduledMessage id (known before rendering).
  | { kind: "RATING"; messageId: string; score?: number };

export type VerifiedToken<K extends TokenKind> = Extract<TokenPayload, { kind: K }> & { expiresAt: Date };

const DAY_SECONDS = 86_400;

/**
 * How long a link keeps working. Opens and clicks only matter while a sequence runs (days), but a shopper may open
 * an old email weeks later, and a dead link in a helpful email looks broken: 60 days. Unsubscribe links must keep
 * working for as long as someone might find the email in their inbox: a year.
 */
export const TOKEN_TTL_SECONDS: Record<TokenKind, number> = {
  OPEN: 60 * DAY_SECONDS,
  CLICK: 60 * DAY_SECONDS,
  UNSUBSCRIBE: 365 * DAY_SECONDS,
  CSAT: 60 * DAY_SECONDS,
  RATING: 60 * DAY_SECONDS,
};

const KIND_CODES: Record<TokenKind, string> = { OPEN: "o", CLICK: "c", UNSUBSCRIBE: "u", CSAT: "s", RATING: "r" };
const KINDS_BY_CODE = new Map(Object.entries(KIND_CODES).map(([kind, code]) => [code, kind as TokenKind]));

const PURPOSE = "kindly/engagement-token/v1";

const tag = (payload: string): Buffer => signingTag(PURPOSE, payload);

interface WirePayload {
  k: string;
  m: string;
  x: number;
  u?: string;
  s?: number;
}

export function createToken(payload: TokenPayload, options: { now?: Date; ttlSeconds?: number } = {}): string {
  const now = options.now ?? getClock().now();
  const ttl = options.ttlSeconds ?? TOKEN_TTL_SECONDS[payload.kind];
  const wire: WirePayload = {
    k: KIND_CODES[payload.kind],
    m: payload.messageId,
    x: Math.floor(now.getTime() / 1000) + ttl,
  };
  if (payload.kind === "CLICK") wire.u = payload.url;
  if ((payload.kind === "CSAT" || payload.kind === "RATING") && payload.score !== undefined) wire.s = payload.score;
  const encoded = Buffer.from(JSON.stringify(wire), "utf8").toString("base64url");
  return `${encoded}.${tag(encoded).toString("base64url")}`;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The token's payload when it is authentic, of the expected kind and not expired; null otherwise. */
export function verifyToken<K extends TokenKind>(
  token: string,
  kind: K,
  now: Date = getClock().now(),
): VerifiedToken<K> | null {
  const dot = token.indexOf(".");
  if (dot <= 0 || dot !== token.lastIndexOf(".")) return null;
  const encoded = token.slice(0, dot);
  const signature = token.slice(dot + 1);
  if (!BASE64URL.test(encoded) || !BASE64URL.test(signature)) return null;
  const given = Buffer.from(signature, "base64url");
  const expected = tag(encoded);
  // The tag's length is public; only its content must be compared in constant time.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;

  let wire: unknown;
  try {
    wire = JSON.parse(Buffer.from(encoded, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (typeof wire !== "object" || wire === null) return null;
  const { k, m, x, u, s } = wire as Partial<Record<keyof WirePayload, unknown>>;
  if (typeof k !== "string" || KINDS_BY_CODE.get(k) !== kind) return null;
  if (typeof m !== "string" || m.length === 0 || typeof x !== "number" || !Number.isFinite(x)) return null;
  if (x * 1000 <= now.getTime()) return null;
  const expiresAt = new Date(x * 1000);

  switch (kind) {
    case "CLICK":
      if (typeof u !== "string" || u.length === 0) return null;
      return { kind: "CLICK", messageId: m, url: u, expiresAt } as VerifiedToken<K>;
    case "CSAT":
    case "RATING":
      return {
        kind,
        messageId: m,
        ...(typeof s === "number" && Number.isInteger(s) ? { score: s } : {}),
        expiresAt,
      } as VerifiedToken<K>;
    default:
      return { kind, messageId: m, expiresAt } as VerifiedToken<K>;
  }
}

/** The public URLs of the engagement endpoints for one message (app/routes/t.o.$token, t.c.$token, u.$token). */
export function openPixelUrl(appUrl: string, messageId: string, now?: Date): string {
  return `${trimSlash(appUrl)}/t/o/${createToken({ kind: "OPEN", messageId }, { now })}`;
}

export function clickUrl(appUrl: string, messageId: string, target: string, now?: Date): string {
  return `${trimSlash(appUrl)}/t/c/${createToken({ kind: "CLICK", messageId, url: target }, { now })}`;
}

export function unsubscribeUrl(appUrl: string, messageId: string, now?: Date): string {
  return `${trimSlash(appUrl)}/u/${createToken({ kind: "UNSUBSCRIBE", messageId }, { now })}`;
}

/** The post-purchase check-in's one-click rating link (app/routes/r.$token: GET shows, POST records). */
export function ratingUrl(appUrl: string, scheduledId: string, score: number, now?: Date): string {
  return `${trimSlash(appUrl)}/r/${createToken({ kind: "RATING", messageId: scheduledId, score }, { now })}`;
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

/**
 * A fresh Message.replyToken: 130 random bits in lowercase base32 (26 characters). It becomes the local part of
 * `reply+TOKEN@...`, and some mail systems lowercase local parts on the way, so a mixed-case token could come back
 * unrecognisable; lowercase letters and digits survive every hop.
 */
export function newReplyToken(): string {
  const bytes = randomBytes(17);
  let bits = 0;
  let value = 0;
  let token = "";
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5 && token.length < 26) {
      token += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return token;
}
