/**
 * The BG/NBD model of purchase counts (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way").
 *
 * While alive, a customer buys at Poisson rate λ ~ Gamma(r, α); after each repeat purchase they drop out with
 * probability p ~ Beta(a, b). Equation numbers refer to the paper.
 */
import { minimize, type MinimizeResult } from "./optimize";
import { hyp2f1, lnGamma, logAddExp } from "./special-functions";
import { collapseSummaries, type CollapsedSummary, type CustomerSummary } from "./summary";

export type BgNbdParams = { r: number; alpha: number; a: number; b: number };

export type FitReport = {
  logLikelihood: number;
  iterations: number;
  evaluations: number;
  converged: boolean;
  /** The gradient-free stopping rule (simplex spread and size below tolerance) was met at the optimum. */
  toleranceMet: boolean;
  /** Names of parameters within a factor e^0.5 of the search bounds: the data cannot pin them down. */
  atBounds: string[];
  ms: number;
};

export type BgNbdFit = { params: BgNbdParams } & FitReport;

/** Search bounds for every parameter, in log space: 1e-6 .. 1e6 covers days or weeks and any currency. */
export const LOG_PARAM_BOUND = Math.log(1e6);

/** The report both fits give: the optimiser's outcome on the mean negative log-likelihood of `n` customers. */
export function fitReport(result: MinimizeResult, names: string[], n: number, started: number): FitReport {
  return {
    logLikelihood: -result.value * n,
    iterations: result.iterations,
    evaluations: result.evaluations,
    converged: result.converged,
    toleranceMet: result.toleranceMet,
    atBounds: names.filter((_, i) => Math.abs(result.x[i]) > LOG_PARAM_BOUND - 0.5),
    ms: performance.now() - started,
  };
}

/**
 * ln L(r, α, a, b | x, t_x, T), eq. 6, in the log form of the paper's section 5 (also lifetimes'):
 *   ln L = A1 + A2 + ln(e^A3 + δ(x>0) e^A4)
 *   A1 = ln Γ(r+x) − ln Γ(r) + r ln α
 *   A2 = ln Γ(a+b) + ln Γ(b+x) − ln Γ(b) − ln Γ(a+b+x)           (the beta-function ratio B(a, b+x)/B(a, b))
 *   A3 = −(r+x) ln(α+T)
 *   A4 = ln a − ln(b+x−1) − (r+x) ln(α+t_x)                       (only when x > 0)
 * The x = 0 case has no second term (a customer cannot drop out before a repeat purchase).
 */
export function bgNbdLogLikelihood(params: BgNbdParams, customer: CustomerSummary): number {
  const { r, alpha, a, b } = params;
  const { x, t_x, T } = customer;
  const A1 = lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha);
  const A2 = lnGamma(a + b) + lnGamma(b + x) - lnGamma(b) - lnGamma(a + b + x);
  const A3 = -(r + x) * Math.log(alpha + T);
  if (x === 0) return A1 + A2 + A3;
  const A4 = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + t_x);
  return A1 + A2 + logAddExp(A3, A4);
}

/** Σ count × ln L over collapsed customers: the same formula, with each distinct x, t_x and T worked out once. */
export function bgNbdTotalLogLikelihood(params: BgNbdParams, data: CollapsedSummary): number {
  const { r, alpha, a, b } = params;
  const lnAlpha = Math.log(alpha);
  const lnGammaR = lnGamma(r);
  const lnGammaAB = lnGamma(a + b);
  const lnGammaB = lnGamma(b);
  const lnA = Math.log(a);
  const xCount = data.xValues.length;
  const constantByX = new Float64Array(xCount); // A1 + A2
  const lnSecondByX = new Float64Array(xCount); // ln a − ln(b + x − 1)
  for (let i = 0; i < xCount; i++) {
    const x = data.xValues[i];
    constantByX[i] =
      lnGamma(r + x) - lnGammaR + r * lnAlpha + lnGammaAB + lnGamma(b + x) - lnGammaB - lnGamma(a + b + x);
    lnSecondByX[i] = x > 0 ? lnA - Math.log(b + x - 1) : -Infinity;
  }
  const lnAlphaT = data.TValues.map((T) => Math.log(alpha + T));
  const lnAlphaTx = data.txValues.map((tx) => Math.log(alpha + tx));
  let total = 0;
  for (let g = 0; g < data.count.length; g++) {
    const xi = data.xIndex[g];
    const x = data.xValues[xi];
    const A3 = -(r + x) * lnAlphaT[data.TIndex[g]];
    let ll = constantByX[xi] + A3;
    if (x > 0) {
      const A4 = lnSecondByX[xi] - (r + x) * lnAlphaTx[data.txIndex[g]];
      // ln(e^A3 + e^A4) − A3 = ln(1 + e^(A4 − A3)); A4 ≤ A3 + ln(a/(b+x−1)) keeps the exponent modest.
      ll += A4 > A3 ? A4 - A3 + Math.log1p(Math.exp(A3 - A4)) : Math.log1p(Math.exp(A4 - A3));
    }
    total += data.count[g] * ll;
  }
  return total;
}

/**
 * P(alive | x, t_x, T), eq. 13: 1 / (1 + δ(x>0) a/(b+x−1) ((α+T)/(α+t_x))^(r+x)).
 * A customer with no repeat purchase is alive for sure: in the BG/NBD, dropout happens only after a repeat purchase.
 */
export function probabilityAlive(params: BgNbdParams, customer: CustomerSummary): number {
  const { r, alpha, a, b } = params;
  const { x, t_x, T } = customer;
  if (x === 0) return 1;
  const lnOdds = Math.log(a) - Math.log(b + x - 1) + (r + x) * (Math.log(alpha + T) - Math.log(alpha + t_x));
  return 1 / (1 + Math.exp(lnOdds));
}

/**
 * E[X(t)], eq. 9: expected purchases in (0, t] for a new customer (excluding the first purchase at time 0):
 *   (a+b−1)/(a−1) × [1 − (α/(α+t))^r 2F1(r, b; a+b−1; t/(α+t))].
 */
export function expectedPurchasesNewCustomer(params: BgNbdParams, t: number): number {
  return conditionalExpectedPurchases(params, { x: 0, t_x: 0, T: 0 }, t);
}

/**
 * E[Y(t) | x, t_x, T], eq. 10: expected purchases in (T, T + t] for a customer with history (x, t_x, T):
 *   (a+b+x−1)/(a−1) × [1 − ((α+T)/(α+T+t))^(r+x) 2F1(r+x, b+x; a+b+x−1; t/(α+T+t))]
 *   / (1 + δ(x>0) a/(b+x−1) ((α+T)/(α+t_x))^(r+x)).
 * The denominator is 1/P(alive). With x = t_x = T = 0 this is eq. 9.
 * The formula has a removable singularity at a = 1 (both factors vanish); a is nudged off it.
 */
export function conditionalExpectedPurchases(params: BgNbdParams, customer: CustomerSummary, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, b } = params;
  const a = Math.abs(params.a - 1) < 1e-9 ? 1 + 1e-9 : params.a;
  const { x, T } = customer;
  const lnRatio = (r + x) * (Math.log(alpha + T) - Math.log(alpha + T + t));
  const bracket = 1 - Math.exp(lnRatio) * hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t));
  return ((a + b + x - 1) / (a - 1)) * bracket * probabilityAlive({ ...params, a }, customer);
}

/**
 * Maximum-likelihood fit on log-parameters (so the search is unconstrained and scale-free), from several starts.
 * The objective is the mean negative log-likelihood per customer, so tolerances mean the same for any shop size.
 */
export function fitBgNbd(summaries: readonly CustomerSummary[] | CollapsedSummary): BgNbdFit {
  const started = performance.now();
  const data = "count" in summaries ? summaries : collapseSummaries(summaries);
  const n = data.customers;
  let meanT = 0;
  for (let g = 0; g < data.count.length; g++) meanT += (data.count[g] * data.TValues[data.TIndex[g]]) / n;
  const toParams = (v: number[]): BgNbdParams => ({
    r: Math.exp(v[0]),
    alpha: Math.exp(v[1]),
    a: Math.exp(v[2]),
    b: Math.exp(v[3]),
  });
  const objective = (v: number[]) => {
    if (v.some((value) => Math.abs(value) > LOG_PARAM_BOUND)) return Infinity;
    return -bgNbdTotalLogLikelihood(toParams(v), data) / n;
  };
  // Starts: lifetimes' all-ones, and two in the time scale of the data (α is a time, so it scales with T).
  const lnMeanT = Math.log(Math.max(meanT, 1e-3));
  const result = minimize(objective, {
    starts: [
      [0, 0, 0, 0],
      [Math.log(0.5), lnMeanT - 2, Math.log(0.5), Math.log(2)],
      [Math.log(2), lnMeanT, Math.log(2), Math.log(10)],
    ],
  });
  return { params: toParams(result.x), ...fitReport(result, ["r", "alpha", "a", "b"], n, started) };
}
