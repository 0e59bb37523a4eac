import { describe, expect, it } from "vitest";
import {
  DiscountInputError,
  basicDiscountInput,
  describeDiscount,
  discountTitle,
  freeShippingInput,
  newDiscountCode,
  validateTerms,
} from "./discounts";

const now = new Date("2026-11-24T12:00:00Z");
const inAMonth = new Date("2026-12-24T12:00:00Z");
const customer = "gid://shopify/Customer/7001002003004";

function refusal(terms: Parameters<typeof validateTerms>[0]): string {
  try {
    validateTerms(terms);
  } catch (error) {
    expect(error).toBeInstanceOf(DiscountInputError);
    return (error as DiscountInputError).field;
  }
  throw new Error("accepted");
}

describe("validateTerms", () => {
  it("normalises percentages and amounts", () => {
    expect(validateTerms({ kind: "PERCENTAGE", value: "10", expiresAt: inAMonth, now }).value).toBe("10");
    expect(validateTerms({ kind: "PERCENTAGE", value: 12.5, expiresAt: inAMonth, now }).value).toBe("12.5");
    expect(validateTerms({ kind: "FIXED_AMOUNT", value: "7.5", expiresAt: inAMonth, now }).value).toBe("7.50");
    expect(validateTerms({ kind: "FREE_SHIPPING", value: "", expiresAt: inAMonth, now }).value).toBeNull();
  });

  it("refuses what Shopify or the shopper could not use, naming the field", () => {
    expect(refusal({ kind: "PERCENTAGE", value: "0", expiresAt: inAMonth, now })).toBe("value");
    expect(refusal({ kind: "PERCENTAGE", value: "101", expiresAt: inAMonth, now })).toBe("value");
    expect(refusal({ kind: "PERCENTAGE", value: "ten", expiresAt: inAMonth, now })).toBe("value");
    expect(refusal({ kind: "FIXED_AMOUNT", value: "-5", expiresAt: inAMonth, now })).toBe("value");
    expect(refusal({ kind: "FIXED_AMOUNT", value: "5.001", expiresAt: inAMonth, now })).toBe("value");
    expect(refusal({ kind: "FIXED_AMOUNT", value: "10001", expiresAt: inAMonth, now })).toBe("value");
    expect(refusal({ kind: "FREE_SHIPPING", value: "5", expiresAt: inAMonth, now })).toBe("value");
    expect(refusal({ kind: "PERCENTAGE", value: "10", expiresAt: now, now })).toBe("expiresAt");
    expect(refusal({ kind: "PERCENTAGE", value: "10", expiresAt: new Date("invalid"), now })).toBe("expiresAt");
    expect(refusal({ kind: "PERCENTAGE", value: "10", expiresAt: new Date("2028-01-01T00:00:00Z"), now })).toBe(
      "expiresAt",
    );
    expect(refusal({ kind: "BOGO" as never, value: "10", expiresAt: inAMonth, now })).toBe("kind");
  });
});

describe("codes and Shopify inputs", () => {
  it("makes readable codes prefixed by purpose, from an unambiguous alphabet", () => {
    let next = 0;
    expect(newDiscountCode("APOLOGY", () => next++ % 31)).toBe("SORRY-ABCDEFGH");
    expect(newDiscountCode("VIP_PERK")).toMatch(/^VIP-[A-HJKMNP-Z2-9]{8}$/);
    expect(newDiscountCode("REWARD")).toMatch(/^THANKS-/);
  });

  it("limits a basic code to one customer, one use, until the expiry", () => {
    const terms = validateTerms({ kind: "PERCENTAGE", value: "15", expiresAt: inAMonth, now });
    const input = basicDiscountInput("SORRY-ABCDEFGH", discountTitle("APOLOGY", customer), customer, terms, now);
    expect(input).toMatchObject({
      title: "Kindly apology · customer 7001002003004",
      code: "SORRY-ABCDEFGH",
      startsAt: now.toISOString(),
      endsAt: inAMonth.toISOString(),
      usageLimit: 1,
      appliesOncePerCustomer: true,
      context: { customers: { add: [customer] } },
      customerGets: { value: { percentage: 0.15 }, items: { all: true } },
    });
    const fixed = validateTerms({ kind: "FIXED_AMOUNT", value: "5", expiresAt: inAMonth, now });
    expect(basicDiscountInput("X", "t", customer, fixed, now).customerGets.value).toEqual({
      discountAmount: { amount: "5.00", appliesOnEachItem: false },
    });
    const free = validateTerms({ kind: "FREE_SHIPPING", value: null, expiresAt: inAMonth, now });
    expect(() => basicDiscountInput("X", "t", customer, free, now)).toThrow();
    expect(freeShippingInput("X", "t", customer, free, now)).toMatchObject({
      destination: { all: true },
      context: { customers: { add: [customer] } },
      usageLimit: 1,
    });
  });

  it("describes the code in the shopper's language", () => {
    expect(describeDiscount("PERCENTAGE", "10", "EUR", "en")).toBe("10 % off");
    expect(describeDiscount("FIXED_AMOUNT", "5.00", "EUR", "en")).toBe("€5.00 off");
    expect(describeDiscount("FIXED_AMOUNT", "5.00", "EUR", "fr")).toMatch(/^5,00\s€ de réduction$/);
    expect(describeDiscount("FREE_SHIPPING", null, "EUR", "fr")).toBe("livraison offerte");
  });
});
