/**
 * Special functions for the CLV models: log-gamma and the Gaussian hypergeometric function 2F1.
 *
 * Pure numerics, no dependencies. The BG/NBD and Gamma-Gamma likelihoods are products of gamma-function ratios that
 * overflow a double for a few hundred purchases, so everything is done with log-gamma; 2F1 appears in the BG/NBD
 * conditional expectation (Fader, Hardie & Lee 2005, eq. 10) and the unconditional one (eq. 9).
 */

// Lanczos approximation, g = 7, n = 9 (Godfrey's coefficients): relative error below 2e-15 for Re(x) > 0.5.
const LANCZOS_G = 7;
const LANCZOS_COEFFICIENTS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0. Below 0.5 the reflection formula keeps the Lanczos sum in its accurate range. */
export function lnGamma(x: number): number {
  if (!(x > 0)) return x === 0 ? Infinity : NaN;
  if (x < 0.5) {
    // Γ(x) Γ(1 - x) = π / sin(πx), and sin(πx) > 0 on (0, 0.5).
    return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  }
  const z = x - 1;
  let sum = LANCZOS_COEFFICIENTS[0];
  for (let i = 1; i < LANCZOS_COEFFICIENTS.length; i++) sum += LANCZOS_COEFFICIENTS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/**
 * Γ(x) for any real x as sign and ln|Γ(x)|: the 1 - z transformation of 2F1 needs gamma functions of negative
 * arguments. At the poles (0, -1, -2, ...) the sign is 0 and 1/Γ(x) = 0.
 */
export function signedLnGamma(x: number): { sign: -1 | 0 | 1; lnAbs: number } {
  if (x > 0) return { sign: 1, lnAbs: lnGamma(x) };
  if (Number.isInteger(x)) return { sign: 0, lnAbs: Infinity };
  // Reflection: Γ(x) = π / (sin(πx) Γ(1 - x)), with 1 - x > 1.
  const sine = Math.sin(Math.PI * x);
  return { sign: sine > 0 ? 1 : -1, lnAbs: Math.log(Math.PI / Math.abs(sine)) - lnGamma(1 - x) };
}

/** ln(e^u + e^v) without overflow or underflow. */
export function logAddExp(u: number, v: number): number {
  if (u === -Infinity) return v;
  if (v === -Infinity) return u;
  return u > v ? u + Math.log1p(Math.exp(v - u)) : v + Math.log1p(Math.exp(u - v));
}

const SERIES_TOLERANCE = 1e-17;
const MAX_SERIES_TERMS = 20_000_000;
// Below this distance of c - a - b from an integer, the 1 - z transformation loses about -log10(distance) digits
// to cancellation between its two terms, so the plain series (slow but exact) is used instead.
const INTEGER_GAP = 1e-3;

/** The defining power series Σ (a)_n (b)_n / ((c)_n n!) z^n, for |z| < 1 (or z = ±1 with terminating series). */
function hyp2f1Series(a: number, b: number, c: number, z: number): number {
  let term = 1;
  let sum = 1;
  let smallTerms = 0;
  for (let n = 0; n < MAX_SERIES_TERMS; n++) {
    if (a + n === 0 || b + n === 0) return sum; // a polynomial: the series terminates
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    sum += term;
    // Two negligible terms in a row: the tail of a series whose ratio tends to z (|z| < 1) is smaller still.
    if (Math.abs(term) <= SERIES_TOLERANCE * Math.abs(sum)) {
      if (++smallTerms >= 2) return sum;
    } else {
      smallTerms = 0;
    }
  }
  throw new Error(`hyp2f1(${a}, ${b}; ${c}; ${z}): series did not converge`);
}

/**
 * Gauss's hypergeometric function 2F1(a, b; c; z) for real z ≤ 1 (c not a non-positive integer).
 *
 * - |z| ≤ 0.5: the power series, which converges at least as fast as 2^-n.
 * - z < -0.5: Pfaff's transformation 2F1(a,b;c;z) = (1-z)^-a 2F1(a, c-b; c; z/(z-1)) maps z into (1/3, 1).
 * - 0.5 < z < 1: the 1 - z connection formula (Abramowitz & Stegun 15.3.6), whose series in 1 - z converge fast
 *   near z = 1, unless c - a - b is (nearly) an integer, where its gamma factors blow up; then the plain series.
 * - z = 1: Gauss's theorem Γ(c)Γ(c-a-b) / (Γ(c-a)Γ(c-b)), defined for c - a - b > 0.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (c <= 0 && Number.isInteger(c)) throw new Error(`hyp2f1: c = ${c} is a pole`);
  if (z > 1 || Number.isNaN(z)) throw new Error(`hyp2f1: z = ${z} is outside the supported range z <= 1`);
  if (z === 0) return 1;
  if (z === 1) {
    if (c - a - b <= 0) return Infinity;
    return gammaRatio([c, c - a - b], [c - a, c - b]);
  }
  if (z < -0.5) return Math.pow(1 - z, -a) * hyp2f1(a, c - b, c, z / (z - 1));
  if (z <= 0.5) return hyp2f1Series(a, b, c, z);
  const s = c - a - b;
  if (Math.abs(s - Math.round(s)) < INTEGER_GAP) return hyp2f1Series(a, b, c, z);
  const w = 1 - z;
  const first = gammaRatio([c, s], [c - a, c - b]) * hyp2f1Series(a, b, 1 - s, w);
  const second = Math.pow(w, s) * gammaRatio([c, -s], [a, b]) * hyp2f1Series(c - a, c - b, 1 + s, w);
  return first + second;
}

/** Π Γ(numerator) / Π Γ(denominator), through signed log-gamma so large arguments don't overflow. */
function gammaRatio(numerator: number[], denominator: number[]): number {
  let sign = 1;
  let lnAbs = 0;
  for (const x of numerator) {
    const g = signedLnGamma(x);
    if (g.sign === 0) return Infinity;
    sign *= g.sign;
    lnAbs += g.lnAbs;
  }
  for (const x of denominator) {
    const g = signedLnGamma(x);
    if (g.sign === 0) return 0; // 1/Γ at a pole is 0
    sign *= g.sign;
    lnAbs -= g.lnAbs;
  }
  return sign * Math.exp(lnAbs);
}
