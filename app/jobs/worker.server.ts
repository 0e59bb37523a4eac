import { randomUUID } from "node:crypto";
import { getClock } from "~/clock.server";
import { getLogger } from "~/logger.server";
import { databaseClockSkewMs, skewBeyondTolerance } from "~/jobs/clock-check.server";

/**
 * The worker loop. Each kind of durable background work registers a `DueWork` function that claims and processes
 * whatever is due at `now` (rows in the database, claimed with a lease), and returns how many items it handled.
 * The loop runs them until nothing is due, then sleeps until the next poll or a `wakeWorkers()` call (the demo
 * clock calls it after moving time, so due work runs within a poll's time instead of waiting for it).
 */
export type DueWork = (context: { now: Date; workerId: string }) => Promise<number>;

export interface WorkerHandle {
  readonly id: string;
  wake(): void;
  stop(): Promise<void>;
  /** Resolves after the next full pass that found nothing due (tests and the demo use it to wait for quiet). */
  idle(): Promise<void>;
}

interface WorkerRegistry {
  work: Map<string, DueWork>;
  workers: Set<WorkerHandle>;
}

declare global {
  var __kindlyWorkerRegistry: WorkerRegistry | undefined;
}

function registry(): WorkerRegistry {
  globalThis.__kindlyWorkerRegistry ??= { work: new Map(), workers: new Set() };
  return globalThis.__kindlyWorkerRegistry;
}

export function registerDueWork(name: string, work: DueWork): void {
  registry().work.set(name, work);
}

export function registeredDueWork(): string[] {
  return [...registry().work.keys()];
}

/**
 * Runs every registered kind of work until none has anything due at `now`: what a worker does between sleeps,
 * without the loop. Tests and the demo's clock use it to make "due work runs" deterministic.
 */
export async function runDueWorkUntilIdle(
  context: { now: Date; workerId?: string },
  maxPasses = 1000,
): Promise<number> {
  let total = 0;
  for (let pass = 0; pass < maxPasses; pass++) {
    let handled = 0;
    for (const work of registry().work.values()) {
      handled += await work({ now: context.now, workerId: context.workerId ?? "inline" });
    }
    total += handled;
    if (handled === 0) return total;
  }
  throw new Error(`Due work still busy after ${maxPasses} passes`);
}

/** Wakes every worker in this process. */
export function wakeWorkers(): void {
  for (const worker of registry().workers) worker.wake();
}

export function startWorker(
  options: {
    workerId?: string;
    pollIntervalMs?: number;
    /** This process's clock against the database's (ms ahead), or null: see app/jobs/clock-check.server.ts. */
    clockSkew?: () => Promise<number | null>;
    clockCheckIntervalMs?: number;
  } = {},
): WorkerHandle {
  const id = options.workerId ?? `worker-${randomUUID().slice(0, 8)}`;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const clockSkew = options.clockSkew ?? databaseClockSkewMs;
  const clockCheckIntervalMs = options.clockCheckIntervalMs ?? 60_000;
  let nextClockCheck = 0;
  let paused = false;

  /** False while this process's clock is beyond the skew leases tolerate: claiming then could take live work. */
  const clockTrusted = async (): Promise<boolean> => {
    if (performance.now() < nextClockCheck) return !paused;
    nextClockCheck = performance.now() + clockCheckIntervalMs;
    let skewMs: number | null;
    try {
      skewMs = await clockSkew();
    } catch (error) {
      log.warn({ err: error }, "could not compare the clock with the database's");
      return !paused;
    }
    const beyond = skewBeyondTolerance(skewMs);
    if (beyond) {
      log.error(
        { skewMs },
        "this process's clock is too far from the database's: not claiming work until it is corrected (NTP)",
      );
    } else if (paused) {
      log.warn({ skewMs }, "clock back within tolerance: claiming work again");
    }
    paused = beyond;
    return !paused;
  };
  const log = getLogger().child({ worker: id });
  let stopped = false;
  let wakeUp: (() => void) | undefined;
  let idleWaiters: Array<() => void> = [];

  const sleep = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, pollIntervalMs);
      wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const loop = (async () => {
    while (!stopped) {
      if (!(await clockTrusted())) {
        await sleep();
        continue;
      }
      let handled = 0;
      for (const [name, work] of registry().work) {
        if (stopped) break;
        try {
          handled += await work({ now: getClock().now(), workerId: id });
        } catch (error) {
          // One failing kind of work must not starve the others; it is retried on the next pass.
          log.error({ err: error, work: name }, "due work failed");
        }
      }
      if (handled === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const resolve of waiters) resolve();
        if (!stopped) await sleep();
      }
    }
  })();

  const handle: WorkerHandle = {
    id,
    wake: () => wakeUp?.(),
    idle: () => new Promise<void>((resolve) => idleWaiters.push(resolve)),
    stop: async () => {
      stopped = true;
      wakeUp?.();
      await loop;
      registry().workers.delete(handle);
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    },
  };
  registry().workers.add(handle);
  log.info({ work: registeredDueWork() }, "worker started");
  return handle;
}
