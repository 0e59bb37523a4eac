import { describe, expect, it } from "vitest";
import {
  assignSegment,
  DEFAULT_SEGMENT_TAGS,
  isVip,
  LAPSED_AFTER_DAYS,
  segmentTags,
  vipClvCutoff,
  type SegmentInput,
} from "~/modules/customers/segments";

const thresholds = { atRiskPAlive: 0.3, lapsedAfterDays: LAPSED_AFTER_DAYS };
const customer = (overrides: Partial<SegmentInput>): SegmentInput => ({
  ordersCount: 1,
  daysSinceLastOrder: 10,
  pAlive: 0.9,
  vip: false,
  ...overrides,
});

describe("assignSegment", () => {
  it("PROSPECT without an order, or with only cancelled ones (no last order date)", () => {
    expect(assignSegment(customer({ ordersCount: 0, daysSinceLastOrder: null }), thresholds)).toBe("PROSPECT");
    expect(assignSegment(customer({ ordersCount: 2, daysSinceLastOrder: null }), thresholds)).toBe("PROSPECT");
  });

  it("FIRST_TIME with one order, REPEAT with two or more", () => {
    expect(assignSegment(customer({ ordersCount: 1 }), thresholds)).toBe("FIRST_TIME");
    expect(assignSegment(customer({ ordersCount: 2 }), thresholds)).toBe("REPEAT");
    expect(assignSegment(customer({ ordersCount: 7, pAlive: null }), thresholds)).toBe("REPEAT");
  });

  it("VIP by the shop's rule, for one-time and repeat buyers alike", () => {
    expect(assignSegment(customer({ ordersCount: 1, vip: true }), thresholds)).toBe("VIP");
    expect(assignSegment(customer({ ordersCount: 5, vip: true }), thresholds)).toBe("VIP");
  });

  it("AT_RISK: a repeat buyer whose P(alive) fell below the threshold, even a VIP; never a one-time buyer", () => {
    expect(assignSegment(customer({ ordersCount: 3, pAlive: 0.29 }), thresholds)).toBe("AT_RISK");
    expect(assignSegment(customer({ ordersCount: 3, pAlive: 0.29, vip: true }), thresholds)).toBe("AT_RISK");
    expect(assignSegment(customer({ ordersCount: 3, pAlive: 0.3 }), thresholds)).toBe("REPEAT");
    expect(assignSegment(customer({ ordersCount: 1, pAlive: 0.1 }), thresholds)).toBe("FIRST_TIME");
  });

  it("LAPSED: a year without an order and either one order or P(alive) below the threshold", () => {
    expect(assignSegment(customer({ ordersCount: 1, daysSinceLastOrder: 365 }), thresholds)).toBe("LAPSED");
    expect(assignSegment(customer({ ordersCount: 1, daysSinceLastOrder: 364.9 }), thresholds)).toBe("FIRST_TIME");
    expect(assignSegment(customer({ ordersCount: 4, daysSinceLastOrder: 400, pAlive: 0.05 }), thresholds)).toBe(
      "LAPSED",
    );
    // A loyal customer with a long cycle whom the model still believes in is not lapsed.
    expect(assignSegment(customer({ ordersCount: 4, daysSinceLastOrder: 400, pAlive: 0.8 }), thresholds)).toBe(
      "REPEAT",
    );
  });

  it("follows the merchant's at-risk threshold", () => {
    const strict = { ...thresholds, atRiskPAlive: 0.6 };
    expect(assignSegment(customer({ ordersCount: 2, pAlive: 0.5 }), strict)).toBe("AT_RISK");
    expect(assignSegment(customer({ ordersCount: 2, pAlive: 0.5 }), thresholds)).toBe("REPEAT");
  });
});

describe("VIP", () => {
  it("cut-off: the smallest CLV inside the top share, ties included, zeros never", () => {
    const values = [0, 0, 5, 10, 20, 30, 40, 50, 60, 70, 80, 90];
    expect(vipClvCutoff(values, 10)).toBe(90); // 10 positive values: the top one
    expect(vipClvCutoff(values, 25)).toBe(70); // ceil(2.5) = 3
    expect(vipClvCutoff(values, 100)).toBe(5);
    expect(vipClvCutoff([0, 0], 10)).toBe(Infinity);
    expect(vipClvCutoff([], 10)).toBe(Infinity);
    expect(vipClvCutoff([1, 1, 1, 2], 25)).toBe(2);
  });

  it("by CLV share or by spend threshold, as the merchant chose", () => {
    const limits = { clvCutoff: 100, spendThreshold: 500 };
    expect(isVip("CLV_TOP_SHARE", { predictedClv: 100, totalSpent: 0 }, limits)).toBe(true);
    expect(isVip("CLV_TOP_SHARE", { predictedClv: 99.99, totalSpent: 10_000 }, limits)).toBe(false);
    expect(isVip("CLV_TOP_SHARE", { predictedClv: null, totalSpent: 10_000 }, limits)).toBe(false);
    expect(isVip("SPEND_THRESHOLD", { predictedClv: 1000, totalSpent: 499.99 }, limits)).toBe(false);
    expect(isVip("SPEND_THRESHOLD", { predictedClv: 0, totalSpent: 500 }, limits)).toBe(true);
    expect(isVip("SPEND_THRESHOLD", { predictedClv: 0, totalSpent: 500 }, { ...limits, spendThreshold: null })).toBe(
      false,
    );
  });
});

describe("segmentTags", () => {
  it("the merchant's names over the defaults; blank or corrupt values fall back", () => {
    expect(segmentTags(null)).toEqual(DEFAULT_SEGMENT_TAGS);
    expect(segmentTags('{"VIP":" Gold ","AT_RISK":"","NOPE":"x"}')).toEqual({ ...DEFAULT_SEGMENT_TAGS, VIP: "Gold" });
    expect(segmentTags("{not json")).toEqual(DEFAULT_SEGMENT_TAGS);
  });
});
