import { describe, expect, it } from "vitest";
import { ManualClock, OffsetClock, parseIsoDuration } from "~/clock.server";

describe("parseIsoDuration", () => {
  it.each([
    ["PT1H", 3_600_000],
    ["PT30M", 1_800_000],
    ["P3D", 259_200_000],
    ["P1DT2H3M4S", 93_784_000],
    ["PT0.5S", 500],
  ])("%s is %i ms", (text, ms) => {
    expect(parseIsoDuration(text)).toBe(ms);
  });

  it.each(["", "P", "PT", "1H", "P1Y", "PT-1H", "soon"])("refuses %j", (text) => {
    expect(() => parseIsoDuration(text)).toThrow(RangeError);
  });
});

describe("clocks", () => {
  it("a manual clock moves only when told", () => {
    const clock = new ManualClock("2026-11-24T10:00:00Z");
    expect(clock.now().toISOString()).toBe("2026-11-24T10:00:00.000Z");
    expect(clock.advance(parseIsoDuration("PT1H")).toISOString()).toBe("2026-11-24T11:00:00.000Z");
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });

  it("an offset clock runs with its base plus what it was advanced", () => {
    const base = new ManualClock("2026-11-24T10:00:00Z");
    const clock = new OffsetClock(base);
    clock.advance(60_000);
    base.advance(1000);
    expect(clock.now().toISOString()).toBe("2026-11-24T10:01:01.000Z");
  });
});
