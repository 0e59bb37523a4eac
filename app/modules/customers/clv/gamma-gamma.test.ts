import { describe, expect, it } from "vitest";
import {
  conditionalExpectedOrderValue,
  fitGammaGamma,
  gammaGammaLogLikelihood,
  spendSample,
  type GammaGammaParams,
} from "./gamma-gamma";
import { simulateCustomers, seededRandom } from "./simulate";

const PAPER: GammaGammaParams = { p: 6.25, q: 3.74, gamma: 15.44 };

describe("Gamma-Gamma formulas", () => {
  it("the log-density of zbar for x = 1 is the Gamma(p, ν)–Gamma(q, γ) mixture, a scaled beta-prime density", () => {
    // For x = 1: f(z) = z^(p−1) γ^q / (B(p, q) (γ + z)^(p+q)); integer p and q keep the beta function exact:
    // B(2, 3) = 1/12, so f(7) = 7 × 10³ × 12 / 17⁵ with γ = 10.
    const params = { p: 2, q: 3, gamma: 10 };
    const z = 7;
    const byHand = (z * 1000 * 12) / Math.pow(17, 5);
    expect(gammaGammaLogLikelihood(params, 1, z)).toBeCloseTo(Math.log(byHand), 12);
  });

  it("the conditional expected order value weighs the customer's own mean by px / (px + q − 1)", () => {
    const { p, q, gamma } = PAPER;
    const population = (p * gamma) / (q - 1);
    expect(conditionalExpectedOrderValue(PAPER, 0, 0)).toBeCloseTo(population, 12);
    const weight = (p * 3) / (p * 3 + q - 1);
    expect(conditionalExpectedOrderValue(PAPER, 3, 50)).toBeCloseTo((1 - weight) * population + weight * 50, 12);
    expect(conditionalExpectedOrderValue({ ...PAPER, q: 0.9 }, 3, 50)).toBe(Infinity);
  });
});

describe("Gamma-Gamma fit on simulated data", () => {
  it("recovers the parameters it was simulated with", () => {
    const random = seededRandom(11);
    const ages = Array.from({ length: 4000 }, () => 39 + 39 * random());
    const customers = simulateCustomers({ r: 0.8, alpha: 5, a: 0.5, b: 3 }, ages, 99, PAPER);
    const fit = fitGammaGamma(customers);
    expect(fit.converged).toBe(true);
    expect(fit.customers).toBeGreaterThan(2000);
    // The truth lies inside the 99 % likelihood-ratio region (2 ΔLL < χ²₃(0.99) = 11.34) and below the maximum.
    const atTruth = spendSample(customers).reduce((s, c) => s + gammaGammaLogLikelihood(PAPER, c.x, c.zbar), 0);
    expect(fit.logLikelihood).toBeGreaterThanOrEqual(atTruth);
    expect(2 * (fit.logLikelihood - atTruth)).toBeLessThan(11.34);
    // The implied mean order value pγ/(q−1) is tightly determined; p, q and γ individually less so (they trade off).
    expect(Math.abs(fit.params.p / PAPER.p - 1)).toBeLessThan(0.2);
    const mean = (g: GammaGammaParams) => (g.p * g.gamma) / (g.q - 1);
    expect(Math.abs(mean(fit.params) / mean(PAPER) - 1)).toBeLessThan(0.05);
    expect(Math.abs(fit.params.q / PAPER.q - 1)).toBeLessThan(0.2);
  });
});
