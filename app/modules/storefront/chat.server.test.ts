import { describe, expect, it } from "vitest";
import { createShop } from "../../../tests/support/factories";
import { chatStatus, decodeCursor, encodeCursor, ONLINE_WINDOW_MS } from "~/modules/storefront/chat.server";

describe("chat cursor", () => {
  it("round-trips (createdAt, id) and refuses anything else", () => {
    const message = { createdAt: new Date("2026-11-24T12:00:00.123Z"), id: "cm3abc_12-x" };
    expect(decodeCursor(encodeCursor(message))).toEqual(message);
    for (const bad of ["", "abc", "12_", "_id", "1_a b", "1_a'--", null, undefined])
      expect(decodeCursor(bad)).toBeNull();
  });
});

describe("chat status", () => {
  it("is online for five minutes after staff were last seen, with the merchant's greeting", async () => {
    const seen = new Date("2026-11-24T12:00:00Z");
    const { shop } = await createShop(undefined, { staffLastSeenAt: seen, chatGreeting: "  Hi! Need a hand?  " });
    expect(await chatStatus(shop, seen)).toMatchObject({ online: true, greeting: "Hi! Need a hand?" });
    expect((await chatStatus(shop, new Date(seen.getTime() + ONLINE_WINDOW_MS)))?.online).toBe(true);
    expect((await chatStatus(shop, new Date(seen.getTime() + ONLINE_WINDOW_MS + 1)))?.online).toBe(false);
    const { shop: quiet } = await createShop();
    expect(await chatStatus(quiet, seen)).toEqual({ online: false, greeting: null, greetingDelaySeconds: null });
    const { shop: gone } = await createShop(undefined, { uninstalledAt: seen });
    expect(await chatStatus(gone, seen)).toBeNull();
    expect(await chatStatus("nobody.myshopify.com", seen)).toBeNull();
  });
});
