import { describe, expect, it } from "vitest";
import { normalizeEmail, normalizePhone, parseShopifyJson, toGid } from "~/modules/webhooks/payload.server";

describe("parseShopifyJson", () => {
  it("keeps ids beyond 2^53 exact, as strings", () => {
    const parsed = parseShopifyJson(
      '{"id":820982911946154508,"total":12.5,"count":3,"ids":[1,9007199254740993]}',
    ) as Record<string, unknown>;
    expect(parsed.id).toBe("820982911946154508");
    expect(parsed.total).toBe(12.5);
    expect(parsed.count).toBe(3);
    expect(parsed.ids).toEqual([1, "9007199254740993"]);
  });

  it("throws on malformed JSON", () => {
    expect(() => parseShopifyJson("{nope")).toThrow(SyntaxError);
  });
});

describe("identifiers", () => {
  it("turns numeric ids into GIDs and leaves GIDs alone", () => {
    expect(toGid("Customer", 207119551)).toBe("gid://shopify/Customer/207119551");
    expect(toGid("Customer", "820982911946154508")).toBe("gid://shopify/Customer/820982911946154508");
    expect(toGid("Order", "gid://shopify/Order/1")).toBe("gid://shopify/Order/1");
    expect(toGid("Order", 1.5)).toBeNull();
    expect(toGid("Order", undefined)).toBeNull();
  });

  it("normalises contacts", () => {
    expect(normalizeEmail("  Jane.Doe@Example.COM ")).toBe("jane.doe@example.com");
    expect(normalizeEmail("not-an-email")).toBeNull();
    expect(normalizePhone("+1 (555) 010-0199")).toBe("+15550100199");
    expect(normalizePhone("call me")).toBeNull();
  });
});
