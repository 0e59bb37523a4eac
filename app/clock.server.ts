/**
 * All time comes from here, so tests and the demo can move it. Never call `new Date()` or `Date.now()` for
 * business rules elsewhere.
 */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that runs with real time but can be pushed forward (the demo's clock control). */
export class OffsetClock implements Clock {
  private offsetMs = 0;
  constructor(private readonly base: Clock = systemClock) {}
  now(): Date {
    return new Date(this.base.now().getTime() + this.offsetMs);
  }
  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError("The clock only moves forward");
    this.offsetMs += ms;
    return this.now();
  }
}

/** A clock that only moves when told to (tests). */
export class ManualClock implements Clock {
  private current: number;
  constructor(start: Date | string) {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(to: Date | string): void {
    this.current = new Date(to).getTime();
  }
  advance(ms: number): Date {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError("The clock only moves forward");
    this.current += ms;
    return this.now();
  }
}

declare global {
  var __kindlyClock: Clock | undefined;
}

/** The process-wide clock (shared through globalThis by the server build and the worker). */
export function getClock(): Clock {
  return globalThis.__kindlyClock ?? systemClock;
}

export function setClock(clock: Clock): void {
  globalThis.__kindlyClock = clock;
}

const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Parses the ISO-8601 durations the clock control accepts (PnDTnHnMnS, no years or months: they have no fixed length). */
export function parseIsoDuration(text: string): number {
  const match = DURATION.exec(text.trim());
  if (!match || text.trim() === "P" || text.trim().endsWith("T")) {
    throw new RangeError(`"${text}" is not an ISO-8601 duration such as PT1H, P3D or P1DT30M`);
  }
  const [, days, hours, minutes, seconds] = match;
  return (
    Number(days ?? 0) * 86_400_000 +
    Number(hours ?? 0) * 3_600_000 +
    Number(minutes ?? 0) * 60_000 +
    Math.round(Number(seconds ?? 0) * 1000)
  );
}
