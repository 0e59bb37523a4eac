import { describe, expect, it } from "vitest";
import { hyp2f1, lnGamma, logAddExp, signedLnGamma } from "./special-functions";

describe("lnGamma", () => {
  it.each([
    [0.5, 0.5 * Math.log(Math.PI)],
    [1, 0],
    [2, 0],
    [10, Math.log(362880)],
    [0.001, 6.907178885383854], // ln Γ(0.001), Γ(0.001) = 999.4237724845955
    [100, 359.1342053695754], // ln 99!
    [1e6, (1e6 - 0.5) * Math.log(1e6) - 1e6 + 0.5 * Math.log(2 * Math.PI) + 1 / 12e6], // Stirling, next term ~1e-21
  ])("ln Γ(%s)", (x, expected) => {
    expect(Math.abs(lnGamma(x) - expected)).toBeLessThanOrEqual(1e-14 * Math.max(1, Math.abs(expected)));
  });

  it("gives sign and magnitude for negative arguments, and marks poles", () => {
    // Γ(−0.5) = −2√π
    expect(signedLnGamma(-0.5).sign).toBe(-1);
    expect(signedLnGamma(-0.5).lnAbs).toBeCloseTo(Math.log(2 * Math.sqrt(Math.PI)), 14);
    expect(signedLnGamma(-2).sign).toBe(0);
  });

  it("adds in log space without overflow", () => {
    expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.log(2), 12);
    expect(logAddExp(-Infinity, 3)).toBe(3);
  });
});

describe("hyp2f1", () => {
  const close = (actual: number, expected: number, tolerance = 1e-13) =>
    expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(expected)));

  it("matches closed forms with the plain series (|z| <= 0.5)", () => {
    close(hyp2f1(1, 1, 2, 0.5), 2 * Math.log(2)); // −ln(1−z)/z
    close(hyp2f1(1, 1, 2, -0.5), Math.log(1.5) / 0.5);
    close(hyp2f1(2.5, 0.7, 0.7, 0.3), Math.pow(0.7, -2.5)); // (1−z)^−a when b = c
    close(
      hyp2f1(-3, 2, 1.5, 0.4),
      1 -
        (3 * 2 * 0.4) / 1.5 +
        (3 * 2 * 2 * 3 * 0.16) / (2 * 1.5 * 2.5) -
        (3 * 2 * 1 * 2 * 3 * 4 * 0.064) / (6 * 1.5 * 2.5 * 3.5),
    ); // terminating polynomial
  });

  it("uses the 1 − z transformation near z = 1", () => {
    close(hyp2f1(0.5, 0.5, 1.5, 0.81), Math.asin(0.9) / 0.9); // 2F1(½,½;3/2;z²) = arcsin(z)/z
    close(hyp2f1(0.5, 0.5, 1.5, 0.9999), Math.asin(Math.sqrt(0.9999)) / Math.sqrt(0.9999), 1e-12);
    close(hyp2f1(2.5, 0.7, 0.7, 0.95), Math.pow(0.05, -2.5), 1e-12);
    // Gauss's theorem at z = 1: 2F1(a,b;c;1) = Γ(c)Γ(c−a−b)/(Γ(c−a)Γ(c−b)); here Γ(3)Γ(1.5)/(Γ(2.5)Γ(2)) = 2/1.5.
    close(hyp2f1(0.5, 1, 3, 1), 2 / 1.5);
  });

  it("falls back to the series when c − a − b is an integer (the transformation's gamma factors blow up)", () => {
    close(hyp2f1(1, 1, 2, 0.9), -Math.log(0.1) / 0.9);
    close(hyp2f1(1, 1, 2, 0.999), -Math.log(0.001) / 0.999, 1e-12);
  });

  it("uses Pfaff's transformation for z < −0.5", () => {
    close(hyp2f1(1, 1, 2, -1), Math.log(2));
    close(hyp2f1(1, 1, 2, -9), Math.log(10) / 9);
  });

  it("rejects z > 1", () => {
    expect(() => hyp2f1(1, 1, 2, 1.5)).toThrow(/outside/);
  });
});
