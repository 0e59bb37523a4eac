import { describe, expect, it } from "vitest";
import { composeSms, countSmsSegments, isGsm7, measureSms, normalizeForGsm } from "~/modules/messaging/gsm";

describe("GSM-7 or UCS-2", () => {
  it("recognises the GSM-7 alphabet, including French letters it has", () => {
    expect(isGsm7("Hello Camille, your cart is waiting @ 12€ [ok] {x} ~ ^ | \\")).toBe(true);
    expect(isGsm7("Répondez STOP, à bientôt")).toBe(false); // ô is not in the alphabet
    expect(isGsm7("Répondez STOP, à très vite")).toBe(true); // é, à, è are
    expect(isGsm7("ça")).toBe(false); // only capital Ç is in the basic table
    expect(isGsm7("It’s here")).toBe(false); // curly apostrophe
    expect(isGsm7("Thanks 🙂")).toBe(false);
  });

  it("counts GSM-7 segments at 160 / 153, extension characters costing two septets", () => {
    expect(measureSms("")).toEqual({ encoding: "GSM-7", units: 0, segments: 0 });
    expect(measureSms("a".repeat(160))).toEqual({ encoding: "GSM-7", units: 160, segments: 1 });
    expect(measureSms("a".repeat(161))).toEqual({ encoding: "GSM-7", units: 161, segments: 2 });
    expect(countSmsSegments("a".repeat(306))).toBe(2);
    expect(countSmsSegments("a".repeat(307))).toBe(3);
    // 80 euro signs are 160 septets: still one SMS; one more character and it splits.
    expect(measureSms("€".repeat(80))).toEqual({ encoding: "GSM-7", units: 160, segments: 1 });
    expect(countSmsSegments("€".repeat(80) + "a")).toBe(2);
    // An escape pair is never split: 152 plain septets then "€" does not fit in part one's 153.
    expect(countSmsSegments("a".repeat(152) + "€" + "a".repeat(152))).toBe(3);
    expect(countSmsSegments("a".repeat(151) + "€" + "a".repeat(153))).toBe(2);
  });

  it("counts UCS-2 segments at 70 / 67 UTF-16 units, keeping surrogate pairs whole", () => {
    expect(measureSms("ç".repeat(70))).toEqual({ encoding: "UCS-2", units: 70, segments: 1 });
    expect(measureSms("ç".repeat(71))).toEqual({ encoding: "UCS-2", units: 71, segments: 2 });
    expect(countSmsSegments("ç".repeat(134))).toBe(2);
    expect(countSmsSegments("ç".repeat(135))).toBe(3);
    // 66 units then an emoji (2 units) does not fit in a 67-unit part.
    expect(countSmsSegments("ç".repeat(66) + "🙂" + "ç".repeat(5))).toBe(2);
    expect(countSmsSegments("ç".repeat(66) + "🙂" + "ç".repeat(65))).toBe(2); // part two: 2 + 65 = 67 units
    expect(countSmsSegments("ç".repeat(66) + "🙂" + "ç".repeat(66))).toBe(3);
  });

  it("turns typographic punctuation into GSM-7 twins without touching letters", () => {
    expect(normalizeForGsm("It’s “ready” – see you… «ok»\u00a0now")).toBe(`It's "ready" - see you... "ok" now`);
    expect(normalizeForGsm("François, ça va")).toBe("François, ça va");
  });
});

describe("composeSms", () => {
  it("signs with the shop name and adds the opt-out notice in the shopper's language", () => {
    const en = composeSms("Hi Camille, did something go wrong at checkout? Just reply.", {
      shopName: "Linen & Co",
      locale: "en",
    });
    expect(en.body).toBe(
      "Hi Camille, did something go wrong at checkout? Just reply.\n- Linen & Co\nReply STOP to opt out",
    );
    expect(en).toMatchObject({ truncated: false, length: { encoding: "GSM-7", segments: 1 } });

    const fr = composeSms("Bonjour Camille, un souci au paiement ? Répondez simplement.", {
      shopName: "Linen & Co",
      locale: "fr-FR",
    });
    expect(fr.body.endsWith("\n- Linen & Co\nRépondez STOP pour vous désabonner")).toBe(true);
    expect(fr.length.encoding).toBe("GSM-7");
  });

  it("does not repeat what the text already says", () => {
    const sms = composeSms("Linen & Co here: your cart is saved. Reply STOP to opt out.", { shopName: "Linen & Co" });
    expect(sms.body).toBe("Linen & Co here: your cart is saved. Reply STOP to opt out.");
  });

  it("keeps GSM-7 when a template brought curly quotes", () => {
    expect(composeSms("It’s saved", { shopName: "Shop" }).length.encoding).toBe("GSM-7");
  });

  it("fits within the allowed parts by dropping words, never the link, the name or the notice", () => {
    const link = "https://shop-1.myshopify.com/checkouts/recover/abcdef0123456789";
    const text = `Hi Camille, ${"your basket is still here and ".repeat(8)}here it is: ${link} ${"and a long goodbye ".repeat(6)}`;
    const sms = composeSms(text, { shopName: "Linen & Co", maxSegments: 2 });
    expect(sms.truncated).toBe(true);
    expect(sms.length.segments).toBeLessThanOrEqual(2);
    expect(sms.body).toContain(link);
    expect(sms.body).toContain("...");
    expect(sms.body.endsWith("\n- Linen & Co\nReply STOP to opt out")).toBe(true);
    expect(sms.body.startsWith("Hi Camille, your basket")).toBe(true);

    const single = composeSms(text, { shopName: "Linen & Co", maxSegments: 1 });
    expect(single.length.segments).toBe(1);
    expect(single.body).toContain(link);
  });

  it("refuses when even the link and notice cannot fit", () => {
    expect(() => composeSms(`https://example.com/${"x".repeat(200)}`, { shopName: "Shop", maxSegments: 1 })).toThrow(
      RangeError,
    );
  });
});
