/**
 * The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee 2005, "RFM and CLV: Using Iso-Value Curves
 * for Customer Base Analysis", and Fader & Hardie's note "The Gamma-Gamma Model of Monetary Value", 2013).
 *
 * A customer's transaction values are Gamma(p, ν); across customers ν ~ Gamma(q, γ). The model assumes spend is
 * independent of purchase frequency, and is fitted on repeat buyers only (x ≥ 1) with zbar, the mean of their x
 * repeat-purchase values.
 */
import { LOG_PARAM_BOUND, fitReport, type FitReport } from "./bgnbd";
import { minimize } from "./optimize";
import { lnGamma } from "./special-functions";
import { type CustomerSummary } from "./summary";

export type GammaGammaParams = { p: number; q: number; gamma: number };
export type GammaGammaFit = { params: GammaGammaParams; customers: number } & FitReport;

/**
 * ln f(zbar | p, q, γ; x) for the mean of x transaction values (the note's eq. 5):
 *   f = Γ(px+q) / (Γ(px) Γ(q)) × γ^q zbar^(px−1) x^(px) / (γ + x zbar)^(px+q).
 */
export function gammaGammaLogLikelihood(params: GammaGammaParams, x: number, zbar: number): number {
  const { p, q, gamma } = params;
  const px = p * x;
  return (
    lnGamma(px + q) -
    lnGamma(px) -
    lnGamma(q) +
    q * Math.log(gamma) +
    (px - 1) * Math.log(zbar) +
    px * Math.log(x) -
    (px + q) * Math.log(gamma + x * zbar)
  );
}

/**
 * E[M | p, q, γ, zbar, x] (the note's eq. 7): a weighted mean of the population mean pγ/(q−1) and the customer's own
 * zbar, with weight px/(px+q−1) on zbar. With x = 0 it is the population mean. Infinite for q ≤ 1.
 */
export function conditionalExpectedOrderValue(params: GammaGammaParams, x: number, zbar: number): number {
  const { p, q, gamma } = params;
  if (q <= 1) return Infinity;
  return (p * (gamma + x * (x > 0 ? zbar : 0))) / (p * x + q - 1);
}

/** The customers the spend model is fitted on: repeat buyers with a positive mean repeat-purchase value. */
export function spendSample(summaries: readonly CustomerSummary[]): { x: number; zbar: number }[] {
  return summaries
    .filter((c) => c.x >= 1 && c.zbar !== undefined && c.zbar > 0)
    .map((c) => ({ x: c.x, zbar: c.zbar as number }));
}

/** Maximum-likelihood fit on log-parameters, several starts, over repeat buyers (x ≥ 1, zbar > 0). */
export function fitGammaGamma(summaries: readonly CustomerSummary[]): GammaGammaFit {
  const started = performance.now();
  const sample = spendSample(summaries);
  const n = sample.length;
  if (n === 0) throw new Error("fitGammaGamma: no repeat buyers with a positive zbar");
  // Per-customer constants, and log-gammas per distinct x (the only place x enters the gamma functions).
  const lnZbar = sample.map((c) => Math.log(c.zbar));
  const lnX = sample.map((c) => Math.log(c.x));
  const xValues = [...new Set(sample.map((c) => c.x))];
  const xIndex = sample.map((c) => xValues.indexOf(c.x));
  const toParams = (v: number[]): GammaGammaParams => ({ p: Math.exp(v[0]), q: Math.exp(v[1]), gamma: Math.exp(v[2]) });
  const objective = (v: number[]) => {
    if (v.some((value) => Math.abs(value) > LOG_PARAM_BOUND)) return Infinity;
    const { p, q, gamma } = toParams(v);
    const lnGammaQ = lnGamma(q);
    const lnG = Math.log(gamma);
    const gammaTerms = xValues.map((x) => lnGamma(p * x + q) - lnGamma(p * x));
    let total = 0;
    for (let i = 0; i < n; i++) {
      const { x, zbar } = sample[i];
      const px = p * x;
      total +=
        gammaTerms[xIndex[i]] -
        lnGammaQ +
        q * lnG +
        (px - 1) * lnZbar[i] +
        px * lnX[i] -
        (px + q) * Math.log(gamma + x * zbar);
    }
    return -total / n;
  };
  let meanZbar = 0;
  for (const c of sample) meanZbar += c.zbar / n;
  // Starts: all ones, and two whose implied mean order value pγ/(q−1) matches the data's (γ is in currency units).
  const lnMean = Math.log(meanZbar);
  const result = minimize(objective, {
    starts: [
      [0, 0, 0],
      [Math.log(2), Math.log(3), lnMean],
      [Math.log(10), Math.log(5), lnMean + Math.log(0.4)],
    ],
  });
  return { params: toParams(result.x), customers: n, ...fitReport(result, ["p", "q", "gamma"], n, started) };
}
