/**
 * Predicted customer lifetime value: BG/NBD purchases × Gamma-Gamma order value, discounted month by month, and the
 * labelled fallback for shops whose data cannot identify the models (see docs/decisions/0004-clv-models.md).
 */
import { conditionalExpectedPurchases, fitBgNbd, probabilityAlive, type BgNbdFit } from "./bgnbd";
import { conditionalExpectedOrderValue, fitGammaGamma, spendSample, type GammaGammaFit } from "./gamma-gamma";
import { DAYS_PER_UNIT, type CustomerSummary, type TimeUnit } from "./summary";

/** Below these, maximum likelihood has too little information for four (three) parameters: use the fallback. */
export const MIN_CUSTOMERS = 50;
export const MIN_REPEAT_BUYERS = 10;

/** A month in days (365.25 / 12): months are the discounting period whatever the models' time unit. */
const DAYS_PER_MONTH = 365.25 / 12;

export type FallbackReason =
  | "TOO_FEW_CUSTOMERS"
  | "TOO_FEW_REPEAT_BUYERS"
  | "NO_ORDER_VALUES"
  | "PURCHASE_FIT_NOT_CONVERGED"
  | "PURCHASE_PARAMETER_AT_BOUND"
  | "SPEND_FIT_NOT_CONVERGED"
  | "SPEND_PARAMETER_AT_BOUND"
  | "SPEND_MEAN_UNBOUNDED";

/** Shop-level figures the fallback estimates from. */
export type ShopStatistics = {
  customers: number;
  repeatBuyers: number;
  /** Mean repeat-purchase value over repeat buyers (the shop's mean order value), NaN without order values. */
  meanOrderValue: number;
  /** Standard error of that mean, for the fallback's range. */
  meanOrderValueStandardError: number;
  /** Repeat purchases per unit of time over the whole base (Σx / ΣT): the prior the fallback shrinks towards. */
  baseRate: number;
  /** Median time between purchases among repeat buyers (t_x / x), or 26 weeks (182 days) without repeat buyers. */
  typicalGap: number;
};

export type ClvModel =
  | {
      method: "bgnbd-gamma-gamma";
      unit: TimeUnit;
      bgnbd: BgNbdFit;
      gammaGamma: GammaGammaFit;
      shop: ShopStatistics;
    }
  | {
      method: "fallback";
      unit: TimeUnit;
      reason: FallbackReason;
      /** Whatever fits were attempted, for diagnostics. */
      bgnbd?: BgNbdFit;
      gammaGamma?: GammaGammaFit;
      shop: ShopStatistics;
    };

export type ClvOptions = {
  /** Horizon in months. */
  months?: number;
  /** Discount rate per month (0.01 = 1 %). */
  monthlyDiscountRate?: number;
};

export type ClvPrediction = {
  method: "bgnbd-gamma-gamma" | "fallback";
  pAlive: number;
  expectedPurchases: number;
  expectedOrderValue: number;
  /** Discounted value of the expected purchases over the horizon. */
  clv: number;
  /** Only for the fallback: a rough 80 % range (see the ADR for how it is built and what it is not). */
  clvRange?: { low: number; high: number };
  reason?: FallbackReason;
};

export function shopStatistics(summaries: readonly CustomerSummary[], unit: TimeUnit): ShopStatistics {
  const spend = spendSample(summaries);
  const values = spend.map((c) => c.zbar);
  const mean = values.length > 0 ? values.reduce((s, v) => s + v, 0) / values.length : NaN;
  const variance =
    values.length > 1 ? values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1) : mean * mean;
  let sumX = 0;
  let sumT = 0;
  const gaps: number[] = [];
  for (const c of summaries) {
    sumX += c.x;
    sumT += c.T;
    if (c.x > 0 && c.t_x > 0) gaps.push(c.t_x / c.x);
  }
  gaps.sort((p, q) => p - q);
  return {
    customers: summaries.length,
    repeatBuyers: summaries.filter((c) => c.x > 0).length,
    meanOrderValue: mean,
    meanOrderValueStandardError: values.length > 0 ? Math.sqrt(variance / values.length) : NaN,
    baseRate: sumT > 0 ? sumX / sumT : 0,
    typicalGap: gaps.length > 0 ? gaps[Math.floor(gaps.length / 2)] : 182 / DAYS_PER_UNIT[unit],
  };
}

/**
 * Fit both models for a shop, or say why not. The fallback is decided before fitting when the data is too thin, and
 * after fitting when the optimiser did not converge or a parameter ran to its bound (a likelihood flat in that
 * direction: the data cannot tell e.g. "nobody churns" from "everyone churns slowly").
 */
export function fitClvModel(summaries: readonly CustomerSummary[], options: { unit?: TimeUnit } = {}): ClvModel {
  const unit = options.unit ?? "weeks";
  const shop = shopStatistics(summaries, unit);
  const fallback = (reason: FallbackReason, fits: { bgnbd?: BgNbdFit; gammaGamma?: GammaGammaFit } = {}) =>
    ({ method: "fallback", unit, reason, shop, ...fits }) as const;
  if (shop.customers < MIN_CUSTOMERS) return fallback("TOO_FEW_CUSTOMERS");
  if (shop.repeatBuyers < MIN_REPEAT_BUYERS) return fallback("TOO_FEW_REPEAT_BUYERS");
  const bgnbd = fitBgNbd(summaries);
  if (!bgnbd.converged) return fallback("PURCHASE_FIT_NOT_CONVERGED", { bgnbd });
  if (bgnbd.atBounds.length > 0) return fallback("PURCHASE_PARAMETER_AT_BOUND", { bgnbd });
  if (spendSample(summaries).length < MIN_REPEAT_BUYERS) return fallback("NO_ORDER_VALUES", { bgnbd });
  const gammaGamma = fitGammaGamma(summaries);
  if (!gammaGamma.converged) return fallback("SPEND_FIT_NOT_CONVERGED", { bgnbd, gammaGamma });
  if (gammaGamma.atBounds.length > 0) return fallback("SPEND_PARAMETER_AT_BOUND", { bgnbd, gammaGamma });
  if (gammaGamma.params.q <= 1) return fallback("SPEND_MEAN_UNBOUNDED", { bgnbd, gammaGamma });
  return { method: "bgnbd-gamma-gamma", unit, bgnbd, gammaGamma, shop };
}

/**
 * Predicted CLV of one customer over `months` months: Σ_m (E[Y(m·M)] − E[Y((m−1)·M)]) / (1 + d)^m × E[order value],
 * with E[Y(t)] the BG/NBD conditional expectation (eq. 10), M a month in the model's time unit, and purchases in
 * month m discounted to the end of that month.
 */
export function predictClv(model: ClvModel, customer: CustomerSummary, options: ClvOptions = {}): ClvPrediction {
  const months = options.months ?? 12;
  const discount = options.monthlyDiscountRate ?? 0.01;
  const month = DAYS_PER_MONTH / DAYS_PER_UNIT[model.unit];
  if (model.method === "fallback") return fallbackPrediction(model, customer, months, discount, month);

  const params = model.bgnbd.params;
  let previous = 0;
  let discountedPurchases = 0;
  for (let m = 1; m <= months; m++) {
    const cumulative = conditionalExpectedPurchases(params, customer, m * month);
    discountedPurchases += (cumulative - previous) / Math.pow(1 + discount, m);
    previous = cumulative;
  }
  const expectedOrderValue = conditionalExpectedOrderValue(model.gammaGamma.params, customer.x, customer.zbar ?? 0);
  return {
    method: model.method,
    pAlive: probabilityAlive(params, customer),
    expectedPurchases: previous,
    expectedOrderValue,
    clv: discountedPurchases * expectedOrderValue,
  };
}

/**
 * The small-shop estimate (ADR 0004): the customer's purchase rate shrunk towards the shop's (one "average customer"
 * of prior weight), times a recency rule for P(alive), times the shop's mean order value. Honest rather than clever:
 * its range says how little a handful of purchases tells.
 */
function fallbackPrediction(
  model: Extract<ClvModel, { method: "fallback" }>,
  customer: CustomerSummary,
  months: number,
  discount: number,
  month: number,
): ClvPrediction {
  const { shop } = model;
  // Gamma-Poisson shrinkage with the prior worth one average customer's exposure (mean T): rate = (x + k) / (T + k/λ₀).
  const priorExposure = shop.customers > 0 && shop.baseRate > 0 ? 1 / shop.baseRate : 0;
  const priorPurchases = priorExposure > 0 ? 1 : 0;
  const exposure = customer.T + priorExposure;
  const rate = exposure > 0 ? (customer.x + priorPurchases) / exposure : 0;
  const rateError = exposure > 0 ? Math.sqrt(customer.x + priorPurchases) / exposure : 0;
  // Recency rule: alive until one typical gap has passed without a purchase, then decaying by e per further gap.
  const silence = customer.T - customer.t_x;
  const pAlive = Math.exp(-Math.max(0, silence - shop.typicalGap) / shop.typicalGap);
  let discountFactor = 0;
  for (let m = 1; m <= months; m++) discountFactor += month / Math.pow(1 + discount, m);
  const orderValue = Number.isFinite(shop.meanOrderValue) ? shop.meanOrderValue : 0;
  const valueError = Number.isFinite(shop.meanOrderValueStandardError) ? shop.meanOrderValueStandardError : 0;
  const z = 1.2816; // the 90th percentile of the standard normal: an 80 % two-sided range
  // Low: the recency rule's P(alive), rate and order value at their lower ends. High: alive for sure, upper ends.
  const low = pAlive * Math.max(0, rate - z * rateError) * discountFactor * Math.max(0, orderValue - z * valueError);
  const high = (rate + z * rateError) * discountFactor * (orderValue + z * valueError);
  return {
    method: "fallback",
    reason: model.reason,
    pAlive,
    expectedPurchases: pAlive * rate * months * month,
    expectedOrderValue: orderValue,
    clv: pAlive * rate * discountFactor * orderValue,
    clvRange: { low, high },
  };
}
