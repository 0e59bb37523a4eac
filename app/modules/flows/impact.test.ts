import { describe, expect, it } from "vitest";
import { rateLift, ticketsAvoided } from "~/modules/flows/impact";

describe("care flow impact against the holdout", () => {
  it("computes the rate difference with a 95 % interval", () => {
    const lift = rateLift({ n: 400, k: 120 }, { n: 100, k: 20 });
    expect(lift?.treatedRate).toBeCloseTo(0.3, 12);
    expect(lift?.holdoutRate).toBeCloseTo(0.2, 12);
    expect(lift?.difference).toBeCloseTo(0.1, 12);
    const se = Math.sqrt((0.3 * 0.7) / 400 + (0.2 * 0.8) / 100);
    expect(lift?.interval95[0]).toBeCloseTo(0.1 - 1.959964 * se, 12);
    expect(lift?.interval95[1]).toBeCloseTo(0.1 + 1.959964 * se, 12);
  });

  it("says nothing with fewer than two runs on either side", () => {
    expect(rateLift({ n: 1, k: 1 }, { n: 50, k: 5 })).toBeNull();
    expect(rateLift({ n: 50, k: 5 }, { n: 0, k: 0 })).toBeNull();
  });

  it("counts tickets avoided as fewer conversations than the holdout's rate predicts", () => {
    const avoided = ticketsAvoided({ n: 200, k: 10 }, { n: 50, k: 5 });
    // Holdout rate 10 %, treated 5 %: 200 treated customers opened 10 fewer conversations.
    expect(avoided?.value).toBeCloseTo(10, 9);
    expect(avoided!.interval95[0]).toBeLessThan(10);
    expect(avoided!.interval95[1]).toBeGreaterThan(10);
  });
});
