import type { Prng } from "./prng";

/**
 * Shopify ids in the emulator are 18-digit numbers, like those in Shopify's own webhook samples, so they exceed
 * Number.MAX_SAFE_INTEGER (2^53 - 1, 16 digits): any code path that turns one into a JavaScript number loses
 * digits and fails the tests instead of failing in production. Arithmetic is done in BigInt only.
 */
export type GidType =
  | "Shop"
  | "Domain"
  | "ShopPolicy"
  | "AppInstallation"
  | "Product"
  | "ProductVariant"
  | "Customer"
  | "MailingAddress"
  | "Order"
  | "LineItem"
  | "Fulfillment"
  | "Checkout"
  | "Metafield"
  | "DiscountCodeNode"
  | "DiscountRedeemCode"
  | "BulkOperation";

/** Distinct starting points per type keep ids of different resources visibly apart when debugging. */
const BASES: Record<GidType, bigint> = {
  Shop: 548_380_009_000_000_000n,
  Domain: 551_000_000_000_000_000n,
  ShopPolicy: 552_000_000_000_000_000n,
  AppInstallation: 553_000_000_000_000_000n,
  Product: 788_032_119_000_000_000n,
  ProductVariant: 808_950_810_000_000_000n,
  Customer: 706_405_506_000_000_000n,
  MailingAddress: 715_243_470_000_000_000n,
  Order: 820_982_911_000_000_000n,
  LineItem: 487_817_672_000_000_000n,
  Fulfillment: 255_858_046_000_000_000n,
  Checkout: 901_414_060_000_000_000n,
  Metafield: 611_870_435_000_000_000n,
  DiscountCodeNode: 612_000_000_000_000_000n,
  DiscountRedeemCode: 613_000_000_000_000_000n,
  BulkOperation: 614_000_000_000_000_000n,
};

/** Room between consecutive ids for a random jitter, so ids look like Shopify's rather than a counter. */
const STRIDE = 1_000_000_007n;

export function gid(type: GidType, legacyId: string): string {
  return `gid://shopify/${type}/${legacyId}`;
}

/** Splits `gid://shopify/Customer/123` into its type and numeric part; null for anything else. */
export function parseGid(value: string): { type: string; legacyId: string } | null {
  const match = /^gid:\/\/shopify\/([A-Za-z]+)\/(\d+)(?:\?.*)?$/.exec(value);
  return match ? { type: match[1], legacyId: match[2] } : null;
}

/** Issues increasing ids per type: later records get larger ids, as Shopify's do, so ID order is creation order. */
export class IdAllocator {
  private readonly counters = new Map<GidType, bigint>();

  constructor(private readonly prng: Prng) {}

  next(type: GidType): { id: string; legacyId: string } {
    const count = this.counters.get(type) ?? 0n;
    this.counters.set(type, count + 1n);
    const jitter = BigInt(this.prng.int(0, 999_999_999));
    const legacyId = (BASES[type] + count * STRIDE + jitter).toString();
    return { id: gid(type, legacyId), legacyId };
  }
}
