import { describe, expect, it } from "vitest";
import { incrementalLift, type GroupMoments } from "~/modules/recovery/lift";

function moments(values: number[]): GroupMoments {
  return {
    count: values.length,
    sum: values.reduce((a, b) => a + b, 0),
    sumOfSquares: values.reduce((a, b) => a + b * b, 0),
  };
}

describe("incrementalLift", () => {
  it("matches a hand computation", () => {
    // Treated: 4 checkouts, 2 converted at 100 and 50. Holdout: 4 checkouts, 1 converted at 100.
    const lift = incrementalLift(moments([100, 50, 0, 0]), moments([100, 0, 0, 0]))!;
    expect(lift.revenuePerCheckoutTreated).toBe(37.5);
    expect(lift.revenuePerCheckoutHoldout).toBe(25);
    expect(lift.incrementalRevenue).toBe(50);
    // var_t = (12500 - 4*37.5^2)/3 = 2291.67, var_h = (10000 - 4*25^2)/3 = 2500; se = sqrt(2291.67/4 + 2500/4) = 34.61
    const half = 1.959964 * Math.sqrt(2291.6666666 / 4 + 2500 / 4) * 4;
    expect(lift.interval95[0]).toBeCloseTo(50 - half, 6);
    expect(lift.interval95[1]).toBeCloseTo(50 + half, 6);
  });

  it("says nothing for groups too small", () => {
    expect(incrementalLift(moments([10]), moments([0, 0]))).toBeNull();
  });
});
