import { describe, expect, it } from "vitest";
import { PeriodError, resolvePeriod } from "./period";

const params = (query: string) => new URLSearchParams(query);

describe("resolvePeriod", () => {
  it("counts local calendar days in the shop's zone, midnight to midnight", () => {
    const now = new Date("2026-11-24T23:30:00Z"); // already 25 November in Paris
    const period = resolvePeriod(params("period=7"), now, "Europe/Paris");
    expect(period).toMatchObject({ key: "7", firstDay: "2026-11-19", lastDay: "2026-11-25" });
    expect(period.from.toISOString()).toBe("2026-11-18T23:00:00.000Z");
    expect(period.to.toISOString()).toBe("2026-11-25T23:00:00.000Z");
    expect(resolvePeriod(params(""), now, "UTC")).toMatchObject({
      key: "30",
      firstDay: "2026-10-26",
      lastDay: "2026-11-24",
    });
  });

  it("gives the day of a DST change its 25 hours", () => {
    const period = resolvePeriod(params("period=7"), new Date("2026-10-28T10:00:00Z"), "Europe/Paris");
    const change = period.days.find((day) => day.day === "2026-10-25")!;
    expect(change.end.getTime() - change.start.getTime()).toBe(25 * 3_600_000);
    expect(period.days).toHaveLength(7);
    for (let index = 1; index < period.days.length; index++) {
      expect(period.days[index].start.getTime()).toBe(period.days[index - 1].end.getTime());
    }
  });

  it("takes a custom range of local dates, inclusive, and refuses bad ones", () => {
    const period = resolvePeriod(params("period=custom&from=2026-03-01&to=2026-03-31"), new Date(), "America/New_York");
    expect(period.days).toHaveLength(31);
    expect(period.from.toISOString()).toBe("2026-03-01T05:00:00.000Z");
    expect(period.to.toISOString()).toBe("2026-04-01T04:00:00.000Z");
    expect(() => resolvePeriod(params("period=custom&from=2026-03-31&to=2026-03-01"), new Date(), "UTC")).toThrow(
      PeriodError,
    );
    expect(() => resolvePeriod(params("period=custom&from=2026-02-30&to=2026-03-01"), new Date(), "UTC")).toThrow(
      PeriodError,
    );
    expect(() => resolvePeriod(params("period=custom&from=2020-01-01&to=2026-03-01"), new Date(), "UTC")).toThrow(
      /at most/,
    );
    expect(() => resolvePeriod(params("period=365"), new Date(), "UTC")).toThrow(PeriodError);
  });
});
