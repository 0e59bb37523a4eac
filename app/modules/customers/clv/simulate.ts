/**
 * Seeded simulation of customer bases from the BG/NBD and Gamma-Gamma generative stories, for tests (parameter
 * recovery) and for anyone checking what the models imply. Deterministic for a given seed.
 */
import { type BgNbdParams } from "./bgnbd";
import { type GammaGammaParams } from "./gamma-gamma";
import { type CustomerSummary } from "./summary";

/** mulberry32: a small, fast 32-bit PRNG; plenty for simulation, not for anything secret. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function standardNormal(random: () => number): number {
  // Box-Muller; 1 − u keeps the logarithm finite.
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Gamma(shape, rate) by Marsaglia & Tsang (2000), with the shape < 1 boost U^(1/shape). */
export function sampleGamma(random: () => number, shape: number, rate: number): number {
  if (shape < 1) return sampleGamma(random, shape + 1, rate) * Math.pow(1 - random(), 1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = standardNormal(random);
    const v = (1 + c * z) ** 3;
    if (v <= 0) continue;
    const u = 1 - random();
    if (Math.log(u) < 0.5 * z * z + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

/**
 * One customer per T in `ages`: λ ~ Gamma(r, α), p ~ Beta(a, b); Poisson purchases at rate λ from time 0 (the first
 * purchase), and after each repeat purchase the customer drops out with probability p. With `spend`, each repeat
 * purchase's value is Gamma(p, ν) with ν ~ Gamma(q, γ), and zbar is their mean.
 */
export function simulateCustomers(
  params: BgNbdParams,
  ages: readonly number[],
  seed: number,
  spend?: GammaGammaParams,
): CustomerSummary[] {
  const random = seededRandom(seed);
  return ages.map((T) => {
    const lambda = sampleGamma(random, params.r, params.alpha);
    const g1 = sampleGamma(random, params.a, 1);
    const dropout = g1 / (g1 + sampleGamma(random, params.b, 1));
    const nu = spend ? sampleGamma(random, spend.q, spend.gamma) : 0;
    let time = 0;
    let x = 0;
    let t_x = 0;
    let total = 0;
    for (;;) {
      time += -Math.log(1 - random()) / lambda;
      if (time > T) break;
      x++;
      t_x = time;
      if (spend) total += sampleGamma(random, spend.p, nu);
      if (random() < dropout) break;
    }
    return spend ? { x, t_x, T, zbar: x > 0 ? total / x : 0 } : { x, t_x, T };
  });
}
