/**
 * SLA maths, pure: business hours, due times, the clock a conversation shows, first-response buckets.
 *
 * Business hours are stored in `Shop.businessHoursJson`:
 *   {"timezone":"Europe/Paris","days":{"mon":[["09:00","17:00"]],"tue":[["09:00","12:30"],["13:30","18:00"]],...}}
 * - `timezone` (IANA) is optional; the shop's time zone is used when it is missing.
 * - `days` keys are mon..sun; a missing or empty day is closed; "24:00" ends a window at midnight.
 * - No JSON at all (null) means 24/7: SLA clocks run continuously.
 * Wall-clock windows are converted to instants day by day in the time zone, so a DST change moves them with the
 * local clock (09:00 stays 09:00) and a 17:00 deadline never drifts by an hour.
 */

export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
export type Weekday = (typeof WEEKDAYS)[number];

export interface BusinessHours {
  timezone: string;
  /** Minutes from local midnight, [start, end) windows, sorted and non-overlapping. */
  days: Record<Weekday, Array<[number, number]>>;
}

export class BusinessHoursError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BusinessHoursError";
  }
}

function parseTime(value: unknown): number {
  if (typeof value !== "string" || !/^\d{2}:\d{2}$/.test(value)) {
    throw new BusinessHoursError(`Times are "HH:MM" (got ${JSON.stringify(value)})`);
  }
  const [hours, minutes] = value.split(":").map(Number);
  if (minutes > 59 || hours > 24 || (hours === 24 && minutes !== 0)) {
    throw new BusinessHoursError(`Not a time of day: ${value}`);
  }
  return hours * 60 + minutes;
}

export function isValidTimeZone(timezone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
}

/** Parses and validates `Shop.businessHoursJson`; null (24/7) for null or an all-closed week. Throws on bad input. */
export function parseBusinessHours(json: string | null | undefined, fallbackTimezone: string): BusinessHours | null {
  if (json === null || json === undefined || json.trim() === "") return null;
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new BusinessHoursError("Business hours are not valid JSON");
  }
  if (typeof raw !== "object" || raw === null) throw new BusinessHoursError("Business hours must be an object");
  const { timezone, days } = raw as { timezone?: unknown; days?: unknown };
  const zone = typeof timezone === "string" && timezone ? timezone : fallbackTimezone;
  if (!isValidTimeZone(zone)) throw new BusinessHoursError(`Unknown time zone: ${zone}`);
  if (typeof days !== "object" || days === null) throw new BusinessHoursError('Business hours need "days"');
  const result = Object.fromEntries(WEEKDAYS.map((day) => [day, []])) as unknown as BusinessHours["days"];
  for (const [key, windows] of Object.entries(days as Record<string, unknown>)) {
    if (!(WEEKDAYS as readonly string[]).includes(key)) throw new BusinessHoursError(`Unknown day: ${key}`);
    if (!Array.isArray(windows)) throw new BusinessHoursError(`${key}: a list of ["HH:MM","HH:MM"] windows`);
    const parsed = windows.map((window: unknown) => {
      if (!Array.isArray(window) || window.length !== 2) {
        throw new BusinessHoursError(`${key}: each window is ["HH:MM","HH:MM"]`);
      }
      const start = parseTime(window[0]);
      const end = parseTime(window[1]);
      if (end <= start)
        throw new BusinessHoursError(`${key}: ${String(window[0])}-${String(window[1])} ends before it starts`);
      return [start, end] as [number, number];
    });
    parsed.sort((a, b) => a[0] - b[0]);
    for (let index = 1; index < parsed.length; index += 1) {
      if (parsed[index][0] < parsed[index - 1][1]) throw new BusinessHoursError(`${key}: windows overlap`);
    }
    result[key as Weekday] = parsed;
  }
  if (WEEKDAYS.every((day) => result[day].length === 0)) return null;
  return { timezone: zone, days: result };
}

// ---------------------------------------------------------------------------------------------------------------
// Time zones without a library: Intl gives the local wall time of an instant; the inverse is found by correction.

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let cached = formatters.get(timezone);
  if (!cached) {
    cached = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      weekday: "short",
    });
    formatters.set(timezone, cached);
  }
  return cached;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: Weekday;
}

export function localParts(instant: Date, timezone: string): LocalParts {
  const parts = Object.fromEntries(
    formatter(timezone)
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: parts.weekday.toLowerCase().slice(0, 3) as Weekday,
  };
}

function offsetMs(instant: number, timezone: string): number {
  const parts = localParts(new Date(instant), timezone);
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute, parts.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** The instant when the local clock in `timezone` shows this wall time (a time inside a DST gap moves forward). */
export function zonedTime(year: number, month: number, day: number, minutesOfDay: number, timezone: string): number {
  const wall = Date.UTC(year, month - 1, day, 0, minutesOfDay);
  const first = wall - offsetMs(wall, timezone);
  const second = wall - offsetMs(first, timezone);
  return second;
}

/** Open windows as UTC [start, end) instants, day by day from the local day containing `from`. */
function* windowsFrom(from: number, hours: BusinessHours): Generator<[number, number]> {
  const start = localParts(new Date(from), hours.timezone);
  // Calendar arithmetic on a UTC date avoids any local-time ambiguity.
  const cursor = new Date(Date.UTC(start.year, start.month - 1, start.day));
  cursor.setUTCDate(cursor.getUTCDate() - 1);
  for (let index = 0; index < 800; index += 1) {
    const weekday = WEEKDAYS[cursor.getUTCDay()];
    for (const [open, close] of hours.days[weekday]) {
      const year = cursor.getUTCFullYear();
      const month = cursor.getUTCMonth() + 1;
      const day = cursor.getUTCDate();
      yield [zonedTime(year, month, day, open, hours.timezone), zonedTime(year, month, day, close, hours.timezone)];
    }
    cursor.setUTCDate(cursor.getUTCDate() + 1);
  }
}

/** The instant `minutes` of business time after `start` (plain minutes when 24/7). */
export function addBusinessMinutes(start: Date, minutes: number, hours: BusinessHours | null): Date {
  if (!hours) return new Date(start.getTime() + minutes * 60_000);
  let remaining = minutes * 60_000;
  const from = start.getTime();
  for (const [open, close] of windowsFrom(from, hours)) {
    if (close <= from) continue;
    const begin = Math.max(open, from);
    if (remaining <= close - begin) return new Date(begin + remaining);
    remaining -= close - begin;
  }
  throw new BusinessHoursError("No business hours found within two years");
}

/** Business time between two instants, in minutes (0 when `end` is before `start`). */
export function businessMinutesBetween(start: Date, end: Date, hours: BusinessHours | null): number {
  const from = start.getTime();
  const to = end.getTime();
  if (to <= from) return 0;
  if (!hours) return (to - from) / 60_000;
  let total = 0;
  for (const [open, close] of windowsFrom(from, hours)) {
    if (open >= to) break;
    if (close <= from) continue;
    total += Math.min(close, to) - Math.max(open, from);
  }
  return total / 60_000;
}

// ---------------------------------------------------------------------------------------------------------------
// Targets and clocks

export interface SlaTargets {
  firstResponseMinutes: number;
  vipFirstResponseMinutes: number;
  resolutionMinutes: number;
  goalPercent: number;
}

/** Due times for a conversation whose clock starts at `start` (the shopper's first message, or a reopening). */
export function dueTimes(
  start: Date,
  vip: boolean,
  targets: SlaTargets,
  hours: BusinessHours | null,
): { firstResponseDueAt: Date; resolutionDueAt: Date } {
  const firstResponseMinutes = vip
    ? Math.min(targets.vipFirstResponseMinutes, targets.firstResponseMinutes)
    : targets.firstResponseMinutes;
  return {
    firstResponseDueAt: addBusinessMinutes(start, firstResponseMinutes, hours),
    resolutionDueAt: addBusinessMinutes(start, targets.resolutionMinutes, hours),
  };
}

export interface ClockInput {
  status: string;
  firstResponseAt: Date | null;
  firstResponseDueAt: Date | null;
  resolutionDueAt: Date | null;
  closedAt: Date | null;
}

export type SlaClock =
  | { kind: "FIRST_RESPONSE" | "RESOLUTION"; dueAt: Date; overdue: boolean; remainingMinutes: number }
  | { kind: "DONE" }
  | { kind: "NONE" };

/** Which target is running now and how far it is: first response until someone answers, then resolution. */
export function slaClock(conversation: ClockInput, now: Date): SlaClock {
  if (conversation.status === "CLOSED") return { kind: "DONE" };
  const running: { kind: "FIRST_RESPONSE" | "RESOLUTION"; dueAt: Date | null } = conversation.firstResponseAt
    ? { kind: "RESOLUTION", dueAt: conversation.resolutionDueAt }
    : { kind: "FIRST_RESPONSE", dueAt: conversation.firstResponseDueAt };
  if (!running.dueAt) return { kind: "NONE" };
  const remainingMinutes = Math.round((running.dueAt.getTime() - now.getTime()) / 60_000);
  return { kind: running.kind, dueAt: running.dueAt, overdue: remainingMinutes < 0, remainingMinutes };
}

export function describeClock(clock: SlaClock): string {
  if (clock.kind === "DONE") return "Closed";
  if (clock.kind === "NONE") return "No target";
  const label = clock.kind === "FIRST_RESPONSE" ? "First response" : "Resolution";
  const span = formatDuration(Math.abs(clock.remainingMinutes));
  return clock.overdue ? `${label} overdue by ${span}` : `${label} due in ${span}`;
}

export function formatDuration(minutes: number): string {
  if (minutes < 60) return `${Math.max(0, Math.round(minutes))} min`;
  if (minutes < 48 * 60) {
    const hours = Math.floor(minutes / 60);
    const rest = Math.round(minutes % 60);
    return rest ? `${hours} h ${rest} min` : `${hours} h`;
  }
  return `${Math.round(minutes / (24 * 60))} days`;
}

export const FIRST_RESPONSE_BUCKETS = ["0-1 h", "1-4 h", "4-8 h", "8-24 h", "24 h+"] as const;
export type FirstResponseBucket = (typeof FIRST_RESPONSE_BUCKETS)[number];

/** The bucket of a first-response time in elapsed (wall-clock) minutes; bounds belong to the lower bucket. */
export function firstResponseBucket(minutes: number): FirstResponseBucket {
  if (minutes <= 60) return "0-1 h";
  if (minutes <= 240) return "1-4 h";
  if (minutes <= 480) return "4-8 h";
  if (minutes <= 1440) return "8-24 h";
  return "24 h+";
}

/** Sort key for the inbox: VIP first, then the most urgent clock, then the latest message. */
export function compareForInbox(
  a: { vip: boolean; dueAt: Date | null; lastMessageAt: Date },
  b: { vip: boolean; dueAt: Date | null; lastMessageAt: Date },
): number {
  if (a.vip !== b.vip) return a.vip ? -1 : 1;
  const aDue = a.dueAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const bDue = b.dueAt?.getTime() ?? Number.POSITIVE_INFINITY;
  if (aDue !== bDue) return aDue - bDue;
  return b.lastMessageAt.getTime() - a.lastMessageAt.getTime();
}
