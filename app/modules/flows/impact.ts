/**
 * Incremental impact of a care flow against its holdout, for rates (repeat purchase, a ticket opened): the difference
 * of the two groups' proportions with a 95 % interval (normal approximation, unpooled). Each run is one observation.
 * What the dashboard's recovery lift does for revenue (recovery/lift.ts), for the care flows' outcomes.
 */
export interface RateGroup {
  /** Runs in the group. */
  n: number;
  /** Runs whose customer did the thing (ordered again, opened a ticket). */
  k: number;
}

export interface RateLift {
  treatedRate: number;
  holdoutRate: number;
  /** treatedRate - holdoutRate. */
  difference: number;
  interval95: [number, number];
}

/** Null when either group has fewer than 2 runs: nothing honest to say yet. */
export function rateLift(treated: RateGroup, holdout: RateGroup): RateLift | null {
  if (treated.n < 2 || holdout.n < 2) return null;
  const pT = treated.k / treated.n;
  const pH = holdout.k / holdout.n;
  const se = Math.sqrt((pT * (1 - pT)) / treated.n + (pH * (1 - pH)) / holdout.n);
  const difference = pT - pH;
  return {
    treatedRate: pT,
    holdoutRate: pH,
    difference,
    interval95: [difference - 1.959964 * se, difference + 1.959964 * se],
  };
}

/**
 * Tickets avoided: how many fewer conversations the treated customers opened than they would have at the holdout's
 * rate (negative: the flow brought more conversations, e.g. problems a check-in surfaced), with its interval.
 */
export function ticketsAvoided(
  treated: RateGroup,
  holdout: RateGroup,
): { value: number; interval95: [number, number] } | null {
  const lift = rateLift(treated, holdout);
  if (!lift) return null;
  return {
    value: -lift.difference * treated.n,
    interval95: [-lift.interval95[1] * treated.n, -lift.interval95[0] * treated.n],
  };
}
