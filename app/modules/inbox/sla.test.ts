import { describe, expect, it } from "vitest";
import {
  BusinessHoursError,
  addBusinessMinutes,
  businessMinutesBetween,
  compareForInbox,
  dueTimes,
  firstResponseBucket,
  parseBusinessHours,
  slaClock,
  zonedTime,
} from "~/modules/inbox/sla";

const WEEKDAYS_9_TO_5 = JSON.stringify({
  timezone: "Europe/Paris",
  days: {
    mon: [["09:00", "17:00"]],
    tue: [["09:00", "17:00"]],
    wed: [["09:00", "17:00"]],
    thu: [["09:00", "17:00"]],
    fri: [["09:00", "17:00"]],
  },
});
const hours = parseBusinessHours(WEEKDAYS_9_TO_5, "UTC");
const targets = { firstResponseMinutes: 240, vipFirstResponseMinutes: 60, resolutionMinutes: 1440, goalPercent: 80 };

describe("business hours", () => {
  it("parses the documented format and refuses bad input with a reason", () => {
    expect(hours?.timezone).toBe("Europe/Paris");
    expect(hours?.days.mon).toEqual([[540, 1020]]);
    expect(hours?.days.sat).toEqual([]);
    expect(parseBusinessHours(null, "UTC")).toBeNull();
    expect(parseBusinessHours(JSON.stringify({ days: {} }), "UTC")).toBeNull();
    expect(
      parseBusinessHours(JSON.stringify({ days: { mon: [["08:00", "12:00"]] } }), "America/New_York")?.timezone,
    ).toBe("America/New_York");
    expect(() => parseBusinessHours("{", "UTC")).toThrow(BusinessHoursError);
    expect(() => parseBusinessHours(JSON.stringify({ days: { mon: [["17:00", "09:00"]] } }), "UTC")).toThrow(
      /ends before/,
    );
    expect(() => parseBusinessHours(JSON.stringify({ days: { funday: [] } }), "UTC")).toThrow(/Unknown day/);
    expect(() => parseBusinessHours(JSON.stringify({ timezone: "Mars/Olympus", days: {} }), "UTC")).toThrow(
      /time zone/,
    );
    expect(() =>
      parseBusinessHours(
        JSON.stringify({
          days: {
            mon: [
              ["09:00", "12:00"],
              ["11:00", "13:00"],
            ],
          },
        }),
        "UTC",
      ),
    ).toThrow(/overlap/);
  });

  it("converts wall times to instants on both sides of a DST change", () => {
    // Paris: UTC+2 in summer, UTC+1 after the last Sunday of October (2026-10-25).
    expect(new Date(zonedTime(2026, 10, 23, 9 * 60, "Europe/Paris")).toISOString()).toBe("2026-10-23T07:00:00.000Z");
    expect(new Date(zonedTime(2026, 10, 26, 9 * 60, "Europe/Paris")).toISOString()).toBe("2026-10-26T08:00:00.000Z");
    // Spring forward (2026-03-29): 02:30 does not exist locally; it lands after the gap.
    expect(new Date(zonedTime(2026, 3, 29, 150, "Europe/Paris")).toISOString()).toBe("2026-03-29T01:30:00.000Z");
  });

  it("24/7 when there are no business hours", () => {
    const start = new Date("2026-11-21T22:00:00Z"); // a Saturday night
    expect(addBusinessMinutes(start, 240, null).toISOString()).toBe("2026-11-22T02:00:00.000Z");
    expect(businessMinutesBetween(start, new Date("2026-11-22T02:00:00Z"), null)).toBe(240);
  });

  it("a Friday 16:00 message with a 4 h target is due Monday 12:00 (the weekend does not count)", () => {
    // 2026-11-20 is a Friday; Paris is UTC+1 in November.
    const friday4pm = new Date("2026-11-20T15:00:00Z");
    const due = addBusinessMinutes(friday4pm, 240, hours);
    expect(due.toISOString()).toBe("2026-11-23T11:00:00.000Z"); // Monday 12:00 Paris
    expect(businessMinutesBetween(friday4pm, due, hours)).toBe(240);
  });

  it("a message sent on Saturday starts the clock on Monday at opening", () => {
    const saturday = new Date("2026-11-21T10:00:00Z");
    expect(addBusinessMinutes(saturday, 60, hours).toISOString()).toBe("2026-11-23T09:00:00.000Z"); // Mon 10:00 Paris
    expect(businessMinutesBetween(saturday, new Date("2026-11-23T08:30:00Z"), hours)).toBe(30);
  });

  it("across the autumn DST weekend the deadline stays on local business time", () => {
    // Friday 2026-10-23 15:00 Paris (13:00Z, UTC+2); the clocks go back on Sunday the 25th.
    const friday = new Date("2026-10-23T13:00:00Z");
    const due = addBusinessMinutes(friday, 240, hours);
    // 2 h on Friday (15-17), 2 h on Monday (09-11 Paris = 08:00-10:00Z, now UTC+1).
    expect(due.toISOString()).toBe("2026-10-26T10:00:00.000Z");
    expect(businessMinutesBetween(friday, due, hours)).toBe(240);
    // The weekend has 49 wall-clock hours (one repeated), none of them business hours.
    expect(businessMinutesBetween(new Date("2026-10-23T15:00:00Z"), new Date("2026-10-26T08:00:00Z"), hours)).toBe(0);
  });

  it("across the spring DST change too", () => {
    // Friday 2026-03-27 16:00 Paris (15:00Z, UTC+1); Monday 30 is UTC+2.
    const due = addBusinessMinutes(new Date("2026-03-27T15:00:00Z"), 120, hours);
    expect(due.toISOString()).toBe("2026-03-30T08:00:00.000Z"); // Monday 10:00 Paris
  });
});

describe("targets, clocks, buckets, ordering", () => {
  it("VIP conversations get the tighter first-response target, resolution is the same", () => {
    const monday10 = new Date("2026-11-23T09:00:00Z");
    const normal = dueTimes(monday10, false, targets, hours);
    const vip = dueTimes(monday10, true, targets, hours);
    expect(normal.firstResponseDueAt.toISOString()).toBe("2026-11-23T13:00:00.000Z");
    expect(vip.firstResponseDueAt.toISOString()).toBe("2026-11-23T10:00:00.000Z");
    // 24 business hours = three 8-hour days: Wednesday 10:00 Paris... then Thursday 10:00 (Mon 7 h, Tue 8, Wed 8, Thu 1).
    expect(vip.resolutionDueAt.toISOString()).toBe("2026-11-26T09:00:00.000Z");
  });

  it("the clock runs on the first response, then on resolution; overdue is negative remaining time", () => {
    const base = {
      status: "OPEN",
      firstResponseAt: null,
      firstResponseDueAt: new Date("2026-11-23T13:00:00Z"),
      resolutionDueAt: new Date("2026-11-24T13:00:00Z"),
      closedAt: null,
    };
    expect(slaClock(base, new Date("2026-11-23T12:00:00Z"))).toMatchObject({
      kind: "FIRST_RESPONSE",
      overdue: false,
      remainingMinutes: 60,
    });
    expect(slaClock(base, new Date("2026-11-23T13:30:00Z"))).toMatchObject({ overdue: true, remainingMinutes: -30 });
    expect(
      slaClock({ ...base, firstResponseAt: new Date("2026-11-23T12:00:00Z") }, new Date("2026-11-23T13:30:00Z")),
    ).toMatchObject({ kind: "RESOLUTION", overdue: false });
    expect(slaClock({ ...base, status: "CLOSED" }, new Date())).toEqual({ kind: "DONE" });
  });

  it("buckets first-response times, bounds in the lower bucket", () => {
    expect([0, 60, 61, 240, 241, 480, 481, 1440, 1441].map(firstResponseBucket)).toEqual([
      "0-1 h",
      "0-1 h",
      "1-4 h",
      "1-4 h",
      "4-8 h",
      "4-8 h",
      "8-24 h",
      "8-24 h",
      "24 h+",
    ]);
  });

  it("VIP first, then the most urgent due time, then the latest message", () => {
    const at = (iso: string) => new Date(iso);
    const rows = [
      { id: "late", vip: false, dueAt: at("2026-11-23T15:00:00Z"), lastMessageAt: at("2026-11-23T09:00:00Z") },
      { id: "vip-late", vip: true, dueAt: at("2026-11-23T16:00:00Z"), lastMessageAt: at("2026-11-23T09:00:00Z") },
      { id: "urgent", vip: false, dueAt: at("2026-11-23T10:00:00Z"), lastMessageAt: at("2026-11-23T08:00:00Z") },
      { id: "vip-urgent", vip: true, dueAt: at("2026-11-23T11:00:00Z"), lastMessageAt: at("2026-11-23T08:00:00Z") },
      { id: "no-clock", vip: false, dueAt: null, lastMessageAt: at("2026-11-23T12:00:00Z") },
    ];
    expect(rows.sort(compareForInbox).map((row) => row.id)).toEqual([
      "vip-urgent",
      "vip-late",
      "urgent",
      "late",
      "no-clock",
    ]);
  });
});
