import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { addressHash } from "~/modules/privacy/address-hash.server";
import { isSuppressed, suppress, unsuppress } from "~/modules/messaging/suppression.server";
import { createShop } from "../../../tests/support/factories";

describe("suppressions", () => {
  it("suppresses a normalised address once, keyed by hash only, and lifts it on request", async () => {
    const { shop } = await createShop();
    expect(await isSuppressed(prisma, shop, "EMAIL", "camille@example.org")).toBe(false);

    expect(await suppress(prisma, shop, "EMAIL", "  Camille@Example.ORG ", "UNSUBSCRIBE")).toBe("SUPPRESSED");
    expect(await suppress(prisma, shop, "EMAIL", "camille@example.org", "COMPLAINT")).toBe("ALREADY_SUPPRESSED");
    expect(await isSuppressed(prisma, shop, "EMAIL", "CAMILLE@example.org")).toBe(true);
    // Per channel: an email opt-out says nothing about SMS.
    expect(await isSuppressed(prisma, shop, "SMS", "camille@example.org")).toBe(false);

    const rows = await prisma.suppression.findMany({ where: { shop } });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      channel: "EMAIL",
      reason: "UNSUBSCRIBE",
      addressHash: addressHash(shop, "camille@example.org"),
    });
    expect(JSON.stringify(rows)).not.toContain("camille");

    expect(await unsuppress(prisma, shop, "EMAIL", "camille@example.org")).toBe("UNSUPPRESSED");
    expect(await unsuppress(prisma, shop, "EMAIL", "camille@example.org")).toBe("NOT_SUPPRESSED");
    expect(await isSuppressed(prisma, shop, "EMAIL", "camille@example.org")).toBe(false);
  });

  it("treats phone spellings alike and keeps shops apart", async () => {
    const { shop } = await createShop();
    const { shop: other } = await createShop();
    await suppress(prisma, shop, "SMS", "+33 6 12 34 56 78", "STOP");
    expect(await isSuppressed(prisma, shop, "SMS", "+33612345678")).toBe(true);
    expect(await isSuppressed(prisma, shop, "SMS", "+33 (6) 12-34-56-78")).toBe(true);
    expect(await isSuppressed(prisma, other, "SMS", "+33612345678")).toBe(false);
  });

  it("survives two opt-outs racing", async () => {
    const { shop } = await createShop();
    const results = await Promise.all([
      suppress(prisma, shop, "SMS", "+15005550006", "STOP"),
      suppress(prisma, shop, "SMS", "+15005550006", "STOP"),
    ]);
    expect(results.sort()).toEqual(["ALREADY_SUPPRESSED", "SUPPRESSED"]);
    expect(await prisma.suppression.count({ where: { shop } })).toBe(1);
  });
});
