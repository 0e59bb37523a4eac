import { z } from "zod";
import { getClock, parseIsoDuration, type Clock } from "~/clock.server";
import { wakeWorkers } from "~/jobs/worker.server";

/**
 * The demo's clock control: move the process clock forward so scheduled work (the +1 h email, the +4 h SMS, ...)
 * becomes due now instead of in hours, then wake the workers so it runs within a poll instead of waiting for one.
 */

/** The longest single jump: enough for any flow's last step, small enough that a typo (P3000D) is caught. */
const MAX_ADVANCE_MS = 366 * 86_400_000;

export const AdvanceClockSchema = z.object({
  advance: z.string({ required_error: "advance is required", invalid_type_error: "advance must be a string" }),
});

export type AdvanceClockResult =
  | { status: "MOVED"; now: Date; advancedMs: number }
  | { status: "INVALID"; error: string }
  | { status: "FIXED_CLOCK"; error: string };

interface MovableClock extends Clock {
  advance(ms: number): Date;
}

/**
 * The process clock if it can be moved. Duck-typed rather than `instanceof OffsetClock`: the launcher's copy of
 * clock.server.ts and the Remix build's copy are different module instances, so their classes are not the same.
 */
function movableClock(): MovableClock | null {
  const clock = getClock() as Clock & { advance?: unknown };
  return typeof clock.advance === "function" ? (clock as MovableClock) : null;
}

export function readDemoClock(): { now: Date; offsetMs: number; movable: boolean } {
  const now = getClock().now();
  // The offset from wall time is what the demo has added so far (rounded: the two readings are not simultaneous).
  const offsetMs = Math.max(0, Math.round((now.getTime() - Date.now()) / 1000) * 1000);
  return { now, offsetMs, movable: movableClock() !== null };
}

/** Moves the demo clock forward by an ISO-8601 duration (`PT1H`, `P3D`, `P1DT30M`) and wakes the workers. */
export function advanceDemoClock(input: unknown): AdvanceClockResult {
  const parsed = AdvanceClockSchema.safeParse(input);
  if (!parsed.success) {
    return { status: "INVALID", error: parsed.error.issues.map((issue) => issue.message).join("; ") };
  }
  let advancedMs: number;
  try {
    advancedMs = parseIsoDuration(parsed.data.advance);
  } catch (error) {
    return { status: "INVALID", error: (error as Error).message };
  }
  if (advancedMs <= 0) return { status: "INVALID", error: "advance must be a positive duration, such as PT1H" };
  if (advancedMs > MAX_ADVANCE_MS) return { status: "INVALID", error: "advance is limited to P366D at a time" };

  const clock = movableClock();
  if (!clock) {
    return {
      status: "FIXED_CLOCK",
      error: "This process runs on the system clock, which cannot be moved. Start the demo with `npm run demo`.",
    };
  }
  const now = clock.advance(advancedMs);
  wakeWorkers();
  return { status: "MOVED", now, advancedMs };
}

/** "3 days 4 h" for a page; the API speaks ISO-8601. */
export function formatDuration(ms: number): string {
  if (ms <= 0) return "0 h";
  const days = Math.floor(ms / 86_400_000);
  const hours = Math.floor((ms % 86_400_000) / 3_600_000);
  const minutes = Math.floor((ms % 3_600_000) / 60_000);
  const parts = [
    days ? `${days} day${days === 1 ? "" : "s"}` : "",
    hours ? `${hours} h` : "",
    minutes ? `${minutes} min` : "",
  ];
  return parts.filter(Boolean).join(" ") || "less than a minute";
}
