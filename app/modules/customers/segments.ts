/**
 * Lifecycle segments, as pure rules (thresholds and their reasons in app/modules/customers/README.md). The database
 * step that feeds them (CLV per customer, the VIP cut-off) is segments.server.ts.
 */

export const SEGMENTS = ["PROSPECT", "FIRST_TIME", "REPEAT", "VIP", "AT_RISK", "LAPSED"] as const;
export type Segment = (typeof SEGMENTS)[number];

export const SEGMENT_LABELS: Record<Segment, string> = {
  PROSPECT: "Prospects",
  FIRST_TIME: "First-time buyers",
  REPEAT: "Repeat customers",
  VIP: "VIPs",
  AT_RISK: "At risk",
  LAPSED: "Lapsed",
};

/** The Shopify customer tag for each segment until the merchant renames it (Shop.segmentTagsJson). */
export const DEFAULT_SEGMENT_TAGS: Record<Segment, string> = {
  PROSPECT: "Prospect",
  FIRST_TIME: "First-time buyer",
  REPEAT: "Repeat customer",
  VIP: "VIP",
  AT_RISK: "At risk",
  LAPSED: "Lapsed",
};

/** A year without an order: beyond most shops' purchase cycle (seasonal buyers included). */
export const LAPSED_AFTER_DAYS = 365;

export type VipRule = "CLV_TOP_SHARE" | "SPEND_THRESHOLD";

export interface SegmentThresholds {
  /** P(alive) below which a repeat buyer is at risk (Shop.atRiskPAlive, default 0.3). */
  atRiskPAlive: number;
  lapsedAfterDays: number;
}

export interface SegmentInput {
  /** Orders Shopify counts for the customer. */
  ordersCount: number;
  /** Days since the last (not cancelled) order; null without one. */
  daysSinceLastOrder: number | null;
  /** The CLV model's P(alive); null when not computed yet (treated as alive). */
  pAlive: number | null;
  /** Decided by the shop's VIP rule (see isVip). */
  vip: boolean;
}

/**
 * One segment per customer, first match wins: PROSPECT (no order) > LAPSED (no order for `lapsedAfterDays` and
 * either a one-time buyer or P(alive) below the at-risk threshold) > AT_RISK (a repeat buyer whose P(alive) fell below
 * the threshold) > VIP > REPEAT (2+ orders) > FIRST_TIME. Losing a customer outranks their value: an at-risk VIP is
 * shown at risk, where the merchant can still act.
 */
export function assignSegment(input: SegmentInput, thresholds: SegmentThresholds): Segment {
  if (input.ordersCount <= 0 || input.daysSinceLastOrder === null) return "PROSPECT";
  const alive = input.pAlive ?? 1;
  const repeat = input.ordersCount >= 2;
  if (input.daysSinceLastOrder >= thresholds.lapsedAfterDays && (!repeat || alive < thresholds.atRiskPAlive)) {
    return "LAPSED";
  }
  if (repeat && alive < thresholds.atRiskPAlive) return "AT_RISK";
  if (input.vip) return "VIP";
  return repeat ? "REPEAT" : "FIRST_TIME";
}

/**
 * The smallest predicted CLV inside the top `topPercent` % of buyers (ties at the cut-off are in), or Infinity when
 * nobody qualifies. Only positive values count: a customer the model expects nothing from is nobody's VIP.
 */
export function vipClvCutoff(values: ArrayLike<number>, topPercent: number): number {
  const positive = Float64Array.from(Array.from(values).filter((value) => Number.isFinite(value) && value > 0));
  const take = Math.ceil((positive.length * Math.min(100, Math.max(0, topPercent))) / 100);
  if (take === 0) return Infinity;
  positive.sort();
  return positive[positive.length - take];
}

export function isVip(
  rule: VipRule,
  customer: { predictedClv: number | null; totalSpent: number },
  limits: { clvCutoff: number; spendThreshold: number | null },
): boolean {
  if (rule === "SPEND_THRESHOLD") return limits.spendThreshold !== null && customer.totalSpent >= limits.spendThreshold;
  return customer.predictedClv !== null && customer.predictedClv > 0 && customer.predictedClv >= limits.clvCutoff;
}

export function isSegment(value: unknown): value is Segment {
  return typeof value === "string" && (SEGMENTS as readonly string[]).includes(value);
}

/** The merchant's tag names over the defaults; blank names fall back to the default. */
export function segmentTags(json: string | null): Record<Segment, string> {
  const tags = { ...DEFAULT_SEGMENT_TAGS };
  if (!json) return tags;
  try {
    const stored = JSON.parse(json) as Record<string, unknown>;
    for (const segment of SEGMENTS) {
      const name = stored[segment];
      if (typeof name === "string" && name.trim() !== "") tags[segment] = name.trim();
    }
  } catch {
    // A corrupt value is ignored: the defaults are always a valid set of tags.
  }
  return tags;
}

/** The fallback's reasons, in the merchant's words (ADR 0004). */
export const FALLBACK_EXPLANATIONS: Record<string, string> = {
  TOO_FEW_CUSTOMERS: "fewer than 50 customers with an order",
  TOO_FEW_REPEAT_BUYERS: "fewer than 10 customers have ordered twice",
  NO_ORDER_VALUES: "too few repeat orders with a value",
  PURCHASE_FIT_NOT_CONVERGED: "the purchase model did not settle on an answer",
  PURCHASE_PARAMETER_AT_BOUND: "the order history cannot tell how often customers stop buying",
  SPEND_FIT_NOT_CONVERGED: "the spend model did not settle on an answer",
  SPEND_PARAMETER_AT_BOUND: "order values vary in a way the spend model cannot pin down",
  SPEND_MEAN_UNBOUNDED: "order values are too spread out for the spend model",
};
