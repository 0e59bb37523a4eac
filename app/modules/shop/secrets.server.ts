import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { getEnv } from "~/env.server";

/**
 * Per-shop provider secrets (SMTP URLs with passwords, Twilio auth tokens) are stored encrypted with AES-256-GCM
 * under ENCRYPTION_KEY. Format: `v1:<iv>:<tag>:<ciphertext>`, each part base64url. The version prefix leaves room
 * for key rotation (see docs/decisions/0002-secrets-at-rest.md).
 */
const VERSION = "v1";

function key(): Buffer {
  return Buffer.from(getEnv().ENCRYPTION_KEY, "base64");
}

export function encryptSecret(plaintext: string, encryptionKey: Buffer = key()): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", encryptionKey, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString("base64url"), tag.toString("base64url"), ciphertext.toString("base64url")].join(":");
}

export function decryptSecret(stored: string, encryptionKey: Buffer = key()): string {
  const [version, iv, tag, ciphertext] = stored.split(":");
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) {
    throw new Error("Stored secret is not in a format this version of Kindly can read");
  }
  const decipher = createDecipheriv("aes-256-gcm", encryptionKey, Buffer.from(iv, "base64url"));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8");
}
