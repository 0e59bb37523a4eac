import { createHmac, hkdfSync } from "node:crypto";
import { getEnv } from "~/env.server";

/**
 * Short HMAC tags for Kindly's signed tokens (engagement links, storefront visitors, ...). Each purpose signs with
 * its own key derived from the app secret by HKDF, so a token made for one purpose never verifies for another.
 * Keys are cached per purpose; HKDF is cheap but not free, and the secret only changes when tests reset the
 * environment.
 */
const TAG_BYTES = 16;
const keys = new Map<string, { secret: string; key: Buffer }>();

function keyFor(purpose: string): Buffer {
  const secret = getEnv().SHOPIFY_API_SECRET;
  const cached = keys.get(purpose);
  if (cached?.secret === secret) return cached.key;
  const key = Buffer.from(hkdfSync("sha256", secret, "", purpose, 32));
  keys.set(purpose, { secret, key });
  return key;
}

/** The first 16 bytes of HMAC-SHA256 over `payload` under the purpose's key. */
export function signingTag(purpose: string, payload: string): Buffer {
  return createHmac("sha256", keyFor(purpose)).update(payload).digest().subarray(0, TAG_BYTES);
}
