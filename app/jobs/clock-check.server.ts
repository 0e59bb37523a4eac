import prisma, { currentDatabaseKind } from "~/db.server";
import { getClock, systemClock } from "~/clock.server";
import { MAX_CLOCK_SKEW_MS } from "~/jobs/scheduler.server";

/**
 * How far this process's clock is from the database's, in milliseconds (positive: ahead), or null when there is
 * nothing to compare: on SQLite every process shares the host's clock, and an injected clock (tests, the demo's
 * clock control) is not the system's. The database's `now()` is read in the middle of the round trip.
 */
export async function databaseClockSkewMs(): Promise<number | null> {
  if (currentDatabaseKind() !== "postgres" || getClock() !== systemClock) return null;
  const before = Date.now();
  const rows = await prisma.$queryRaw<Array<{ now: Date }>>`SELECT now() AS "now"`;
  const after = Date.now();
  return (before + after) / 2 - new Date(rows[0].now).getTime();
}

/**
 * Leases are judged with each process's own clock and outlast MAX_CLOCK_SKEW_MS between any two processes. A process
 * more than half of it from the database's clock (the one clock they all can see) could be that far from another
 * process on the other side, so its worker stops claiming until the clock is right again.
 */
export function skewBeyondTolerance(skewMs: number | null): boolean {
  return skewMs !== null && Math.abs(skewMs) > MAX_CLOCK_SKEW_MS / 2;
}
