import { localParts, zonedTime } from "~/modules/inbox/sla";

/**
 * The dashboard's period, in the shop's time zone: "last 30 days" means 30 local calendar days ending today, from
 * local midnight to local midnight, whatever the server's zone and across DST changes.
 */

export const PRESETS = ["7", "30", "90"] as const;
export const MAX_CUSTOM_DAYS = 366;

export interface Period {
  key: "7" | "30" | "90" | "custom";
  /** Local dates, inclusive, YYYY-MM-DD. */
  firstDay: string;
  lastDay: string;
  /** UTC instants: [from, to). */
  from: Date;
  to: Date;
  /** Each local day's [start, end) in UTC, oldest first (for per-day charts). */
  days: Array<{ day: string; start: Date; end: Date }>;
  timezone: string;
}

export class PeriodError extends Error {}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDay(text: string): { year: number; month: number; day: number } | null {
  const match = DATE.exec(text);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) return null;
  return { year, month, day };
}

function formatDay(year: number, month: number, day: number): string {
  return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}

function addDays(date: { year: number; month: number; day: number }, days: number) {
  const moved = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: moved.getUTCFullYear(), month: moved.getUTCMonth() + 1, day: moved.getUTCDate() };
}

function build(
  key: Period["key"],
  first: { year: number; month: number; day: number },
  count: number,
  timezone: string,
): Period {
  const days: Period["days"] = [];
  for (let index = 0; index < count; index++) {
    const date = addDays(first, index);
    const next = addDays(first, index + 1);
    days.push({
      day: formatDay(date.year, date.month, date.day),
      start: new Date(zonedTime(date.year, date.month, date.day, 0, timezone)),
      end: new Date(zonedTime(next.year, next.month, next.day, 0, timezone)),
    });
  }
  return {
    key,
    firstDay: days[0].day,
    lastDay: days[days.length - 1].day,
    from: days[0].start,
    to: days[days.length - 1].end,
    days,
    timezone,
  };
}

/** `?period=7|30|90` (default 30) or `?period=custom&from=YYYY-MM-DD&to=YYYY-MM-DD` (local dates, inclusive). */
export function resolvePeriod(params: URLSearchParams, now: Date, timezone: string): Period {
  const key = params.get("period") ?? "30";
  const today = localParts(now, timezone);
  if ((PRESETS as readonly string[]).includes(key)) {
    const count = Number(key);
    return build(key as Period["key"], addDays(today, -(count - 1)), count, timezone);
  }
  if (key !== "custom") throw new PeriodError("Choose 7, 30 or 90 days, or a custom range.");
  const from = parseDay(params.get("from") ?? "");
  const to = parseDay(params.get("to") ?? "");
  if (!from || !to) throw new PeriodError("Give the custom range as two dates (YYYY-MM-DD).");
  const count =
    Math.round((Date.UTC(to.year, to.month - 1, to.day) - Date.UTC(from.year, from.month - 1, from.day)) / 86_400_000) +
    1;
  if (count < 1) throw new PeriodError("The range ends before it starts.");
  if (count > MAX_CUSTOM_DAYS) throw new PeriodError(`A custom range is at most ${MAX_CUSTOM_DAYS} days.`);
  return build("custom", from, count, timezone);
}
