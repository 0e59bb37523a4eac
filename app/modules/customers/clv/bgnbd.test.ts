import { describe, expect, it } from "vitest";
import {
  bgNbdLogLikelihood,
  bgNbdTotalLogLikelihood,
  conditionalExpectedPurchases,
  expectedPurchasesNewCustomer,
  fitBgNbd,
  probabilityAlive,
  type BgNbdParams,
} from "./bgnbd";
import { simulateCustomers, seededRandom } from "./simulate";
import { collapseSummaries, type CustomerSummary } from "./summary";

// The CDNOW estimates (Fader, Hardie & Lee 2005): realistic values to check formulas at.
const PAPER: BgNbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

/** Eq. 6 in product form, independent of the module's log-gamma: Γ(r+x)/Γ(r) = Π(r+k), B(a,b+x)/B(a,b) = Π(b+k)/(a+b+k). */
function likelihoodByHand({ r, alpha, a, b }: BgNbdParams, { x, t_x, T }: CustomerSummary): number {
  let rising = 1;
  let betaRatio = 1;
  for (let k = 0; k < x; k++) {
    rising *= r + k;
    betaRatio *= (b + k) / (a + b + k);
  }
  const first = betaRatio * rising * Math.pow(alpha, r) * Math.pow(alpha + T, -(r + x));
  if (x === 0) return first;
  // B(a+1, b+x−1)/B(a, b) = B(a, b+x)/B(a, b) × a/(b+x−1)
  return first + ((betaRatio * a) / (b + x - 1)) * rising * Math.pow(alpha, r) * Math.pow(alpha + t_x, -(r + x));
}

/** 2F1 by brute summation of its series (fine for the z < 0.9 used here), independent of the module's. */
function naiveHyp2f1(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  for (let n = 0; n < 5000; n++) {
    term *= ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    sum += term;
  }
  return sum;
}

/** Eq. 10 written out directly. */
function conditionalByHand({ r, alpha, a, b }: BgNbdParams, { x, t_x, T }: CustomerSummary, t: number): number {
  const numerator =
    ((a + b + x - 1) / (a - 1)) *
    (1 -
      Math.pow((alpha + T) / (alpha + T + t), r + x) * naiveHyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t)));
  const denominator = 1 + (x > 0 ? (a / (b + x - 1)) * Math.pow((alpha + T) / (alpha + t_x), r + x) : 0);
  return numerator / denominator;
}

const CUSTOMERS: CustomerSummary[] = [
  { x: 0, t_x: 0, T: 38.86 },
  { x: 2, t_x: 30.43, T: 38.86 }, // customer 1 of the CDNOW sample
  { x: 1, t_x: 1.71, T: 38.86 },
  { x: 7, t_x: 35.0, T: 36.0 },
  { x: 7, t_x: 5.0, T: 36.0 },
];

describe("BG/NBD formulas", () => {
  it.each(CUSTOMERS)("log-likelihood matches eq. 6 computed by hand for %o", (customer) => {
    expect(bgNbdLogLikelihood(PAPER, customer)).toBeCloseTo(Math.log(likelihoodByHand(PAPER, customer)), 11);
  });

  it("the collapsed total equals the sum over customers", () => {
    const many = [...CUSTOMERS, ...CUSTOMERS, CUSTOMERS[1]];
    const sum = many.reduce((s, c) => s + bgNbdLogLikelihood(PAPER, c), 0);
    expect(bgNbdTotalLogLikelihood(PAPER, collapseSummaries(many))).toBeCloseTo(sum, 9);
  });

  it("P(alive) matches eq. 13 by hand", () => {
    const { r, alpha, a, b } = PAPER;
    expect(probabilityAlive(PAPER, CUSTOMERS[0])).toBe(1);
    // x = 2, t_x = 30.43, T = 38.86
    const byHand = 1 / (1 + (a / (b + 1)) * Math.pow((alpha + 38.86) / (alpha + 30.43), r + 2));
    expect(probabilityAlive(PAPER, CUSTOMERS[1])).toBeCloseTo(byHand, 14);
    // A frequent buyer silent for 31 weeks is much less likely alive than one who bought last week.
    expect(probabilityAlive(PAPER, CUSTOMERS[4])).toBeLessThan(0.2);
    expect(probabilityAlive(PAPER, CUSTOMERS[3])).toBeGreaterThan(0.85);
  });

  it.each(CUSTOMERS)("conditional expectation (eq. 10) over 39 and 52 weeks matches by hand for %o", (customer) => {
    for (const t of [39, 52]) {
      expect(conditionalExpectedPurchases(PAPER, customer, t)).toBeCloseTo(conditionalByHand(PAPER, customer, t), 10);
    }
  });

  it("E[X(t)] (eq. 9) for a new customer is eq. 10 at x = t_x = T = 0, and grows with t", () => {
    const { r, alpha, a, b } = PAPER;
    const t = 39;
    const byHand =
      ((a + b - 1) / (a - 1)) * (1 - Math.pow(alpha / (alpha + t), r) * naiveHyp2f1(r, b, a + b - 1, t / (alpha + t)));
    expect(expectedPurchasesNewCustomer(PAPER, t)).toBeCloseTo(byHand, 10);
    expect(expectedPurchasesNewCustomer(PAPER, 78)).toBeGreaterThan(expectedPurchasesNewCustomer(PAPER, 39));
    expect(expectedPurchasesNewCustomer(PAPER, 0)).toBe(0);
  });

  it("stays finite at a = 1, where eq. 10 has a removable singularity", () => {
    const near = conditionalExpectedPurchases({ ...PAPER, a: 1 + 1e-4 }, CUSTOMERS[1], 39);
    const at = conditionalExpectedPurchases({ ...PAPER, a: 1 }, CUSTOMERS[1], 39);
    expect(Math.abs(at - near)).toBeLessThan(1e-3);
  });
});

describe("BG/NBD fit on simulated data", () => {
  const truth: BgNbdParams = { r: 0.5, alpha: 6, a: 0.8, b: 3 };
  const random = seededRandom(7);
  // 5,000 customers acquired over a year, observed for 78 weeks after the first acquisition.
  const ages = Array.from({ length: 5000 }, () => 26 + 52 * random());
  const customers = simulateCustomers(truth, ages, 20250101);

  it("recovers the parameters it was simulated with", () => {
    const fit = fitBgNbd(customers);
    expect(fit.converged).toBe(true);
    expect(fit.atBounds).toEqual([]);
    const data = collapseSummaries(customers);
    const atTruth = bgNbdTotalLogLikelihood(truth, data);
    // The maximum is at least as high as the truth, and the truth lies inside the 99 % likelihood-ratio region
    // (2 ΔLL < χ²₄(0.99) = 13.28): the principled tolerance for a finite sample.
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(atTruth);
    expect(2 * (fit.logLikelihood - atTruth)).toBeLessThan(13.28);
    // r and α are well determined with 5,000 customers; a and b trade off along a ridge, their mean a/(a+b) is not.
    expect(Math.abs(fit.params.r / truth.r - 1)).toBeLessThan(0.1);
    expect(Math.abs(fit.params.alpha / truth.alpha - 1)).toBeLessThan(0.15);
    const meanDropout = (p: BgNbdParams) => p.a / (p.a + p.b);
    expect(Math.abs(meanDropout(fit.params) / meanDropout(truth) - 1)).toBeLessThan(0.15);
  });
});
