import { createHmac } from "node:crypto";
import { getEnv } from "~/env.server";

/**
 * The keyed hash under which an opted-out address is remembered. Keyed with the app's encryption key and scoped by
 * shop, so the table cannot be reversed with a dictionary of known emails, and the same person at two shops is not
 * linkable. Addresses are normalised (lowercased email, compact E.164) by the caller.
 */
export function addressHash(shop: string, address: string): string {
  // SUPPRESSION_HASH_KEY defaults to ENCRYPTION_KEY and stays put when that key rotates: an opt-out hashed under
  // one key is invisible under another, and the address needed to re-hash it is, by design, not kept.
  return createHmac("sha256", Buffer.from(getEnv().SUPPRESSION_HASH_KEY, "base64"))
    .update(`${shop}\n${address}`)
    .digest("base64url");
}
