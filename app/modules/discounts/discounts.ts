import { randomInt } from "node:crypto";

/**
 * Personal discount codes: pure rules (validation, codes, the Shopify input). Kindly creates them for one customer
 * at a time — a reward from the Customers page, an apology after a low CSAT score, a VIP perk — never a public code.
 */

export type DiscountPurpose = "REWARD" | "APOLOGY" | "VIP_PERK";
export type DiscountKind = "PERCENTAGE" | "FIXED_AMOUNT" | "FREE_SHIPPING";

export const DISCOUNT_PURPOSES: readonly DiscountPurpose[] = ["REWARD", "APOLOGY", "VIP_PERK"];
export const DISCOUNT_KINDS: readonly DiscountKind[] = ["PERCENTAGE", "FIXED_AMOUNT", "FREE_SHIPPING"];

/** A code a shopper can read aloud on the phone: no 0/O, 1/I/L. */
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
const CODE_PREFIX: Record<DiscountPurpose, string> = { REWARD: "THANKS", APOLOGY: "SORRY", VIP_PERK: "VIP" };
const PURPOSE_LABEL: Record<DiscountPurpose, string> = { REWARD: "reward", APOLOGY: "apology", VIP_PERK: "VIP perk" };

export const MAX_PERCENTAGE = 100;
export const MAX_FIXED_AMOUNT = 10_000;
export const MAX_VALIDITY_DAYS = 365;
const DAY_MS = 86_400_000;

export class DiscountInputError extends Error {
  constructor(
    message: string,
    readonly field: "kind" | "value" | "expiresAt" | "purpose" | "customer",
  ) {
    super(message);
    this.name = "DiscountInputError";
  }
}

export interface DiscountTerms {
  kind: DiscountKind;
  /** PERCENTAGE: 1–100 (per cent). FIXED_AMOUNT: in the shop's currency. FREE_SHIPPING: none. */
  value: string | number | null | undefined;
  expiresAt: Date;
  now: Date;
}

export interface ValidTerms {
  kind: DiscountKind;
  /** Percent (e.g. 10 for 10 %) or amount with two decimals; null for free shipping. */
  value: string | null;
  expiresAt: Date;
}

/** Checks what the merchant chose; every refusal names the field and says what would be accepted. */
export function validateTerms(terms: DiscountTerms): ValidTerms {
  if (!DISCOUNT_KINDS.includes(terms.kind)) {
    throw new DiscountInputError("Choose a percentage, a fixed amount or free shipping.", "kind");
  }
  if (!(terms.expiresAt instanceof Date) || Number.isNaN(terms.expiresAt.getTime())) {
    throw new DiscountInputError("Give the code an expiry date.", "expiresAt");
  }
  if (terms.expiresAt.getTime() <= terms.now.getTime()) {
    throw new DiscountInputError("The expiry date must be in the future.", "expiresAt");
  }
  if (terms.expiresAt.getTime() - terms.now.getTime() > MAX_VALIDITY_DAYS * DAY_MS) {
    throw new DiscountInputError(`A personal code can last at most ${MAX_VALIDITY_DAYS} days.`, "expiresAt");
  }
  if (terms.kind === "FREE_SHIPPING") {
    if (terms.value !== null && terms.value !== undefined && String(terms.value).trim() !== "") {
      throw new DiscountInputError("Free shipping takes no amount.", "value");
    }
    return { kind: terms.kind, value: null, expiresAt: terms.expiresAt };
  }
  const text = String(terms.value ?? "").trim();
  if (!/^\d+(\.\d{1,2})?$/.test(text)) {
    throw new DiscountInputError(
      terms.kind === "PERCENTAGE"
        ? "Enter the percentage as a number, for example 10."
        : "Enter the amount as a number with at most two decimals, for example 5 or 7.50.",
      "value",
    );
  }
  const amount = Number(text);
  if (terms.kind === "PERCENTAGE" && (amount < 1 || amount > MAX_PERCENTAGE)) {
    throw new DiscountInputError(`A percentage is between 1 and ${MAX_PERCENTAGE}.`, "value");
  }
  if (terms.kind === "FIXED_AMOUNT" && (amount <= 0 || amount > MAX_FIXED_AMOUNT)) {
    throw new DiscountInputError(`An amount is more than 0 and at most ${MAX_FIXED_AMOUNT}.`, "value");
  }
  return {
    kind: terms.kind,
    value: terms.kind === "PERCENTAGE" ? String(amount) : amount.toFixed(2),
    expiresAt: terms.expiresAt,
  };
}

/** e.g. SORRY-7KQ2M9XD: the purpose first, so the merchant recognises it in Shopify's discount list. */
export function newDiscountCode(purpose: DiscountPurpose, random: (max: number) => number = randomInt): string {
  let suffix = "";
  for (let index = 0; index < 8; index++) suffix += CODE_ALPHABET[random(CODE_ALPHABET.length)];
  return `${CODE_PREFIX[purpose]}-${suffix}`;
}

/** The title merchants see in Shopify's discount list; no personal data beyond the customer's numeric id. */
export function discountTitle(purpose: DiscountPurpose, customerGid: string): string {
  return `Kindly ${PURPOSE_LABEL[purpose]} · customer ${customerGid.split("/").pop()}`;
}

/** The shared part of both Shopify inputs: one customer, one use, from now until the expiry. */
function personalContext(code: string, title: string, customerGid: string, terms: ValidTerms, now: Date) {
  return {
    title,
    code,
    startsAt: now.toISOString(),
    endsAt: terms.expiresAt.toISOString(),
    usageLimit: 1,
    appliesOncePerCustomer: true,
    context: { customers: { add: [customerGid] } },
  };
}

/** `DiscountCodeBasicInput` for a percentage or an amount off the whole order. */
export function basicDiscountInput(code: string, title: string, customerGid: string, terms: ValidTerms, now: Date) {
  if (terms.kind === "FREE_SHIPPING" || terms.value === null) throw new Error("Free shipping is not a basic discount");
  return {
    ...personalContext(code, title, customerGid, terms, now),
    customerGets: {
      value:
        terms.kind === "PERCENTAGE"
          ? { percentage: Number(terms.value) / 100 }
          : { discountAmount: { amount: terms.value, appliesOnEachItem: false } },
      items: { all: true },
    },
    // It may still be used with free shipping; it does not stack on other order or product discounts.
    combinesWith: { productDiscounts: false, orderDiscounts: false, shippingDiscounts: true },
  };
}

/** `DiscountCodeFreeShippingInput`: free shipping to every destination, any rate. */
export function freeShippingInput(code: string, title: string, customerGid: string, terms: ValidTerms, now: Date) {
  return {
    ...personalContext(code, title, customerGid, terms, now),
    destination: { all: true },
    combinesWith: { productDiscounts: true, orderDiscounts: true, shippingDiscounts: false },
  };
}

/** How the code reads to a person: "10 % off", "€5.00 off", "free shipping". */
export function describeDiscount(
  kind: DiscountKind,
  value: string | number | null,
  currencyCode: string,
  locale = "en",
) {
  if (kind === "FREE_SHIPPING") return locale.startsWith("fr") ? "livraison offerte" : "free shipping";
  const amount = Number(value);
  const off = locale.startsWith("fr") ? "de réduction" : "off";
  if (kind === "PERCENTAGE") {
    return `${new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(amount)} % ${off}`;
  }
  return `${new Intl.NumberFormat(locale, { style: "currency", currency: currencyCode }).format(amount)} ${off}`;
}
