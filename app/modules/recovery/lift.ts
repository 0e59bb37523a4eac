/**
 * Incremental revenue against a holdout group, with a 95 % interval. Each checkout in the flow is one observation:
 * its revenue if it converted, 0 otherwise. The lift per checkout is the difference of the two groups' means
 * (Welch: unequal variances, normal approximation); incremental revenue is that lift times the treated checkouts.
 * Last-touch attribution counts every recovered order as Kindly's; this counts only what Kindly added.
 */
export interface GroupMoments {
  count: number;
  sum: number;
  sumOfSquares: number;
}

export interface Lift {
  treatedCheckouts: number;
  holdoutCheckouts: number;
  revenuePerCheckoutTreated: number;
  revenuePerCheckoutHoldout: number;
  incrementalRevenue: number;
  interval95: [number, number];
}

function meanAndVariance({ count, sum, sumOfSquares }: GroupMoments): { mean: number; variance: number } {
  const mean = sum / count;
  // Sample variance; clamp tiny negative values from floating-point cancellation.
  const variance = count > 1 ? Math.max(0, (sumOfSquares - count * mean * mean) / (count - 1)) : 0;
  return { mean, variance };
}

/** Null when either group is too small to say anything (fewer than 2 checkouts). */
export function incrementalLift(treated: GroupMoments, holdout: GroupMoments): Lift | null {
  if (treated.count < 2 || holdout.count < 2) return null;
  const t = meanAndVariance(treated);
  const h = meanAndVariance(holdout);
  const difference = t.mean - h.mean;
  const standardError = Math.sqrt(t.variance / treated.count + h.variance / holdout.count);
  const half = 1.959964 * standardError * treated.count;
  const incremental = difference * treated.count;
  return {
    treatedCheckouts: treated.count,
    holdoutCheckouts: holdout.count,
    revenuePerCheckoutTreated: t.mean,
    revenuePerCheckoutHoldout: h.mean,
    incrementalRevenue: incremental,
    interval95: [incremental - half, incremental + half],
  };
}
