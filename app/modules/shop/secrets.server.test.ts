import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret } from "~/modules/shop/secrets.server";

describe("secrets at rest", () => {
  it("round-trips and never stores the plaintext", () => {
    const stored = encryptSecret("smtp://user:hunter2@mail.example.com:587");
    expect(stored).not.toContain("hunter2");
    expect(stored.startsWith("v1:")).toBe(true);
    expect(decryptSecret(stored)).toBe("smtp://user:hunter2@mail.example.com:587");
  });

  it("uses a fresh IV each time", () => {
    expect(encryptSecret("same")).not.toBe(encryptSecret("same"));
  });

  it("refuses tampered ciphertext and the wrong key", () => {
    const stored = encryptSecret("token");
    const parts = stored.split(":");
    const flipped = Buffer.from(parts[3], "base64url");
    flipped[0] ^= 1;
    expect(() => decryptSecret([...parts.slice(0, 3), flipped.toString("base64url")].join(":"))).toThrow();
    expect(() => decryptSecret(stored, Buffer.alloc(32, 1))).toThrow();
    expect(() => decryptSecret("garbage")).toThrow(/format/);
  });
});
