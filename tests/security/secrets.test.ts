import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { EnvError, loadEnv, resetEnvForTests } from "~/env.server";
import { isSuppressed, suppress } from "~/modules/messaging/suppression.server";
import { decryptSecret, encryptSecret, openSecret, rotateStoredSecrets } from "~/modules/shop/secrets.server";
import { createShop } from "../support/factories";
import { ROOT } from "../support/paths";
import { adminRequest, call, installSession, routeModule, sessionToken } from "./support";
import { tally } from "./tally";

/**
 * Per-shop provider secrets at rest: saved through the real Settings action, the database file never holds them in
 * clear; any change to a stored value fails GCM authentication; and ENCRYPTION_KEY rotates (old values readable
 * under ENCRYPTION_KEY_PREVIOUS, `npm run secrets:rotate` re-encrypts them, opt-outs keep working).
 */

const SHOP = "secrets-atelier.myshopify.com";
const SMTP_PASSWORD = "Sm7p-pa55w0rd-Zq83-never-in-clear";
const SMTP_URL = `smtp://lea:${SMTP_PASSWORD}@127.0.0.1:2525`;
const TWILIO_TOKEN = "f00dfeedcafe0123456789abcdefbe01";
const KEY_1 = randomBytes(32).toString("base64");
const KEY_2 = randomBytes(32).toString("base64");
const dbFile = (process.env.DATABASE_URL ?? "").replace(/^file:/, "");

function setKeys(keys: { current: string; previous?: string; suppression?: string }) {
  process.env.ENCRYPTION_KEY = keys.current;
  if (keys.previous) process.env.ENCRYPTION_KEY_PREVIOUS = keys.previous;
  else delete process.env.ENCRYPTION_KEY_PREVIOUS;
  if (keys.suppression) process.env.SUPPRESSION_HASH_KEY = keys.suppression;
  else delete process.env.SUPPRESSION_HASH_KEY;
  resetEnvForTests();
}

beforeAll(async () => {
  setKeys({ current: KEY_1 });
  await createShop(SHOP, { name: "Secrets Atelier" });
  await installSession(SHOP);
});

afterAll(() => {
  delete process.env.ENCRYPTION_KEY;
  delete process.env.ENCRYPTION_KEY_PREVIOUS;
  delete process.env.SUPPRESSION_HASH_KEY;
  resetEnvForTests();
});

const shopRow = () => prisma.shop.findUniqueOrThrow({ where: { shop: SHOP } });

async function saveSettings(section: string, values: Record<string, unknown>) {
  const request = adminRequest("/app/settings", sessionToken(SHOP), { json: { intent: "save", section, values } });
  return call(await routeModule("app.settings"), "action", request);
}

/**
 * Every byte the database keeps for this test: on SQLite the file, and its WAL and journal when present; on
 * PostgreSQL (whose files belong to the server) every row of the test database, dumped by pg_dump.
 */
async function databaseBytes(): Promise<Buffer> {
  const url = process.env.DATABASE_URL ?? "";
  if (/^postgres(ql)?:/.test(url)) {
    const { stdout } = await promisify(execFile)("pg_dump", ["--data-only", "--no-owner", url], {
      encoding: "buffer",
      maxBuffer: 256 * 1024 * 1024,
    });
    return stdout;
  }
  return Buffer.concat(
    [dbFile, `${dbFile}-wal`, `${dbFile}-journal`]
      .filter((file) => fs.existsSync(file))
      .map((file) => fs.readFileSync(file)),
  );
}

describe("secrets at rest", () => {
  it("saved through Settings, the SMTP password and the Twilio token never reach the database file in clear", async () => {
    const sender = { senderName: "Léa", senderEmail: "lea@secrets.example", replyDomain: "", smtpUrl: SMTP_URL };
    expect((await saveSettings("sender", sender)).status).toBe(200);
    const sms = {
      twilioAccountSid: `AC${"0123456789abcdef".repeat(2)}`,
      twilioAuthToken: TWILIO_TOKEN,
      twilioFromNumber: "+15005550006",
    };
    expect((await saveSettings("sms", sms)).status).toBe(200);

    const row = await shopRow();
    expect(row.smtpUrlEncrypted).toMatch(/^v1:/);
    expect(decryptSecret(row.smtpUrlEncrypted!)).toBe(SMTP_URL);
    expect(decryptSecret(row.twilioAuthTokenEncrypted!)).toBe(TWILIO_TOKEN);

    const bytes = await databaseBytes();
    expect(bytes.length).toBeGreaterThan(4096);
    for (const secret of [SMTP_PASSWORD, TWILIO_TOKEN, encodeURIComponent(SMTP_PASSWORD)]) {
      for (const encoding of ["utf8", "utf16le"] as const) {
        expect(bytes.includes(Buffer.from(secret, encoding)), `${secret} (${encoding}) in the database file`).toBe(
          false,
        );
      }
      expect(bytes.includes(Buffer.from(Buffer.from(secret).toString("base64")))).toBe(false);
    }
    // The ciphertexts themselves are there: the scan reads the right file.
    expect(bytes.includes(Buffer.from(row.smtpUrlEncrypted!))).toBe(true);
  });

  it("two encryptions of one secret differ (fresh IV each time)", () => {
    expect(encryptSecret(TWILIO_TOKEN)).not.toBe(encryptSecret(TWILIO_TOKEN));
  });

  it("any change to a stored value fails authentication", async () => {
    const stored = (await shopRow()).twilioAuthTokenEncrypted!;
    const [version, iv, tag, ciphertext] = stored.split(":");
    const flip = (part: string, at = 0) => {
      const bytes = Buffer.from(part, "base64url");
      bytes[at] ^= 0x01;
      return bytes.toString("base64url");
    };
    const other = encryptSecret("another-secret").split(":");
    const tampered = [
      [version, flip(iv), tag, ciphertext],
      [version, iv, flip(tag), ciphertext],
      [version, iv, tag, flip(ciphertext)],
      [version, iv, tag, flip(ciphertext, Buffer.from(ciphertext, "base64url").length - 1)],
      [version, iv, Buffer.from(tag, "base64url").subarray(0, 12).toString("base64url"), ciphertext],
      [version, iv, tag, Buffer.from(ciphertext, "base64url").subarray(1).toString("base64url")],
      [version, other[1], tag, ciphertext],
      [version, iv, other[2], ciphertext],
      [version, iv, tag, other[3]],
      [version, iv, tag, ciphertext, "extra"],
      ["v0", iv, tag, ciphertext],
      [version, iv, tag],
    ].map((parts) => parts.join(":"));
    for (const value of tampered) {
      expect(() => decryptSecret(value), value).toThrow();
      tally("tampered ciphertexts");
    }
    // Under a key that is not the shop's.
    expect(() => decryptSecret(stored, randomBytes(32))).toThrow();
    tally("tampered ciphertexts");
  });
});

describe("ENCRYPTION_KEY rotation", () => {
  it("refuses a rotation that would orphan the opt-outs, or a previous key equal to the current one", () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadEnv(env);
        return [];
      } catch (error) {
        return error instanceof EnvError ? error.problems : [String(error)];
      }
    };
    expect(problems({ ENCRYPTION_KEY: KEY_2, ENCRYPTION_KEY_PREVIOUS: KEY_1 })[0]).toMatch(/^SUPPRESSION_HASH_KEY:/);
    expect(problems({ ENCRYPTION_KEY: KEY_1, ENCRYPTION_KEY_PREVIOUS: KEY_1, SUPPRESSION_HASH_KEY: KEY_1 })[0]).toMatch(
      /^ENCRYPTION_KEY_PREVIOUS:/,
    );
    expect(problems({ ENCRYPTION_KEY: KEY_2, ENCRYPTION_KEY_PREVIOUS: KEY_1, SUPPRESSION_HASH_KEY: KEY_1 })).toEqual(
      [],
    );
  });

  it("old values read under the previous key, secrets:rotate re-encrypts them, opt-outs survive", async () => {
    // Before: an opt-out and the secrets saved above, all under KEY_1.
    await suppress(prisma, SHOP, "EMAIL", "Opted.Out@Example.org", "UNSUBSCRIBE");
    const before = await shopRow();

    // Deploy with the new key, the old one as previous, opt-outs pinned to the key they were hashed with.
    setKeys({ current: KEY_2, previous: KEY_1, suppression: KEY_1 });
    expect(openSecret(before.smtpUrlEncrypted!)).toEqual({ plaintext: SMTP_URL, underPreviousKey: true });
    expect(await isSuppressed(prisma, SHOP, "EMAIL", "opted.out@example.org")).toBe(true);
    // A value saved now is under the new key.
    expect(openSecret(encryptSecret("fresh")).underPreviousKey).toBe(false);

    // The script, as an operator runs it, against this test's database.
    const { stdout } = await promisify(execFile)("npx", ["tsx", "scripts/rotate-secrets.ts"], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: "silent" },
    });
    expect(stdout).toContain("2 stored secret(s) checked, 2 re-encrypted under ENCRYPTION_KEY, 0 unreadable");
    for (const secret of [SMTP_PASSWORD, TWILIO_TOKEN, KEY_1, KEY_2]) expect(stdout).not.toContain(secret);

    const after = await shopRow();
    expect(after.smtpUrlEncrypted).not.toBe(before.smtpUrlEncrypted);
    expect(await rotateStoredSecrets(prisma)).toEqual({ checked: 2, reencrypted: 0, unreadable: [] });

    // The previous key retired: everything reads under the new key alone; the old ciphertexts no longer open.
    setKeys({ current: KEY_2, suppression: KEY_1 });
    expect(decryptSecret(after.smtpUrlEncrypted!)).toBe(SMTP_URL);
    expect(decryptSecret(after.twilioAuthTokenEncrypted!)).toBe(TWILIO_TOKEN);
    expect(() => decryptSecret(before.smtpUrlEncrypted!)).toThrow();
    expect(await isSuppressed(prisma, SHOP, "EMAIL", "opted.out@example.org")).toBe(true);
    // The database still holds no secret in clear.
    const bytes = await databaseBytes();
    for (const secret of [SMTP_PASSWORD, TWILIO_TOKEN]) expect(bytes.includes(Buffer.from(secret))).toBe(false);
  });

  it("a value neither key opens is reported, left untouched, and the script says so with exit code 1", async () => {
    const foreign = encryptSecret("x", randomBytes(32));
    await prisma.shop.update({ where: { shop: SHOP }, data: { twilioAuthTokenEncrypted: foreign } });
    const report = await rotateStoredSecrets(prisma);
    expect(report.unreadable).toEqual([{ shop: SHOP, column: "twilioAuthTokenEncrypted" }]);
    expect((await shopRow()).twilioAuthTokenEncrypted).toBe(foreign);
    const run = await promisify(execFile)("npx", ["tsx", "scripts/rotate-secrets.ts"], {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: "test", LOG_LEVEL: "silent" },
    }).catch((error: { code?: number; stdout?: string }) => error);
    expect((run as { code?: number }).code).toBe(1);
    expect((run as { stdout?: string }).stdout).toContain(`unreadable: ${SHOP} twilioAuthTokenEncrypted`);
  });
});
