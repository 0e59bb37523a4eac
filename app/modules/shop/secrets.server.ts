import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { getEnv } from "~/env.server";
import type prisma from "~/db.server";

/**
 * Per-shop provider secrets (SMTP URLs with passwords, Twilio auth tokens) are stored encrypted with AES-256-GCM
 * under ENCRYPTION_KEY. Format: `v1:<iv>:<tag>:<ciphertext>`, each part base64url.
 *
 * Key rotation (docs/decisions/0002-secrets-at-rest.md): with the new key as ENCRYPTION_KEY and the old one as
 * ENCRYPTION_KEY_PREVIOUS, every value decrypts under either key (the GCM tag tells which one it was made with);
 * new values are encrypted under the new key; `npm run secrets:rotate` re-encrypts the old ones, after which the
 * previous key can be removed.
 */
const VERSION = "v1";
const TAG_BYTES = 16;

function currentKey(): Buffer {
  return Buffer.from(getEnv().ENCRYPTION_KEY, "base64");
}

/** The keys a stored value may have been encrypted under, the current one first. */
function readableKeys(): Buffer[] {
  const { ENCRYPTION_KEY, ENCRYPTION_KEY_PREVIOUS } = getEnv();
  return [ENCRYPTION_KEY, ENCRYPTION_KEY_PREVIOUS]
    .filter((value): value is string => Boolean(value))
    .map((value) => Buffer.from(value, "base64"));
}

export function encryptSecret(plaintext: string, encryptionKey: Buffer = currentKey()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", encryptionKey, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(":");
}

function decryptWith(stored: string, encryptionKey: Buffer): string {
  const [version, iv, tag, ciphertext, extra] = stored.split(":");
  if (version !== VERSION || !iv || !tag || ciphertext === undefined || extra !== undefined) {
    throw new Error("Stored secret is not in a format this version of Kindly can read");
  }
  // The full 128-bit tag, always: without authTagLength Node accepts a tag cut down to 4 bytes, and a truncated tag
  // is a forgery made 2^96 times easier.
  const decipher = createDecipheriv("aes-256-gcm", encryptionKey, Buffer.from(iv, "base64url"), {
    authTagLength: TAG_BYTES,
  });
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
}

export type DecryptedSecret = { plaintext: string; underPreviousKey: boolean };

/**
 * Decrypts under the current key, else the previous one while a rotation is under way. A value altered in any way
 * (iv, tag, ciphertext) or made under an unknown key fails GCM's authentication and throws.
 */
export function openSecret(stored: string): DecryptedSecret {
  const keys = readableKeys();
  let failure: unknown;
  for (const [index, key] of keys.entries()) {
    try {
      return { plaintext: decryptWith(stored, key), underPreviousKey: index > 0 };
    } catch (error) {
      failure = error;
    }
  }
  throw failure instanceof Error ? failure : new Error("Stored secret cannot be decrypted");
}

/** The plaintext of a stored secret (under an explicit key, or under ENCRYPTION_KEY / ENCRYPTION_KEY_PREVIOUS). */
export function decryptSecret(stored: string, encryptionKey?: Buffer): string {
  return encryptionKey ? decryptWith(stored, encryptionKey) : openSecret(stored).plaintext;
}

/** The encrypted columns: every one holds a `v1:` value or null. */
const SECRET_COLUMNS = ["smtpUrlEncrypted", "twilioAuthTokenEncrypted"] as const;

export interface RotationReport {
  /** Encrypted values seen. */
  checked: number;
  /** Values that were under the previous key and are now under the current one. */
  reencrypted: number;
  /** Values neither key opens (tampered, or from a key already retired): left untouched and listed by shop. */
  unreadable: Array<{ shop: string; column: (typeof SECRET_COLUMNS)[number] }>;
}

/**
 * Re-encrypts, under ENCRYPTION_KEY, every stored secret still under ENCRYPTION_KEY_PREVIOUS. Each update is a
 * compare-and-set on the old ciphertext, so a merchant saving new settings meanwhile is never overwritten, and the
 * run can be repeated safely (a second run finds nothing to do).
 */
export async function rotateStoredSecrets(db: typeof prisma): Promise<RotationReport> {
  const report: RotationReport = { checked: 0, reencrypted: 0, unreadable: [] };
  const shops = await db.shop.findMany({
    where: { OR: SECRET_COLUMNS.map((column) => ({ [column]: { not: null } })) },
    select: { shop: true, smtpUrlEncrypted: true, twilioAuthTokenEncrypted: true },
  });
  for (const row of shops) {
    for (const column of SECRET_COLUMNS) {
      const stored = row[column];
      if (!stored) continue;
      report.checked += 1;
      let opened: DecryptedSecret;
      try {
        opened = openSecret(stored);
      } catch {
        report.unreadable.push({ shop: row.shop, column });
        continue;
      }
      if (!opened.underPreviousKey) continue;
      const updated = await db.shop.updateMany({
        where: { shop: row.shop, [column]: stored },
        data: { [column]: encryptSecret(opened.plaintext) },
      });
      report.reencrypted += updated.count;
    }
  }
  return report;
}
