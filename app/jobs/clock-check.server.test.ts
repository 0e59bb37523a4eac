import { afterEach, describe, expect, inject, it } from "vitest";
import { ManualClock, setClock, systemClock } from "~/clock.server";
import { databaseClockSkewMs, skewBeyondTolerance } from "~/jobs/clock-check.server";
import { MAX_CLOCK_SKEW_MS } from "~/jobs/scheduler.server";
import { registerDueWork, startWorker } from "~/jobs/worker.server";

const postgres = inject("postgresUrl");
const MINUTE = 60_000;

afterEach(() => {
  setClock(systemClock);
});

describe("a worker's clock against the database's", () => {
  it("is beyond tolerance past half the skew leases allow between two processes, either way", () => {
    expect(MAX_CLOCK_SKEW_MS / 2).toBe(MINUTE);
    expect(skewBeyondTolerance(null)).toBe(false);
    expect(skewBeyondTolerance(0)).toBe(false);
    expect(skewBeyondTolerance(MINUTE)).toBe(false);
    expect(skewBeyondTolerance(-MINUTE)).toBe(false);
    expect(skewBeyondTolerance(MINUTE + 1)).toBe(true);
    expect(skewBeyondTolerance(-MINUTE - 1)).toBe(true);
  });

  it("has nothing to compare under an injected clock (tests, the demo's clock control)", async () => {
    setClock(new ManualClock("2026-11-24T09:00:00Z"));
    expect(await databaseClockSkewMs()).toBeNull();
  });

  it.skipIf(!postgres)(
    postgres
      ? "on PostgreSQL, reads the server's now(): the same host, so within a second"
      : "on PostgreSQL, reads the server's now() (skipped: runs in the PostgreSQL pass)",
    async () => {
      const skew = await databaseClockSkewMs();
      expect(skew).not.toBeNull();
      expect(Math.abs(skew!)).toBeLessThan(1000);
    },
  );

  it("a worker whose clock is too far off claims nothing, says so, and resumes once the clock is right", async () => {
    let calls = 0;
    registerDueWork("clock-check-probe", async () => {
      calls++;
      return 0;
    });
    let skewMs = 5 * MINUTE;
    let checks = 0;
    const worker = startWorker({
      workerId: "skewed",
      pollIntervalMs: 5,
      clockCheckIntervalMs: 0,
      clockSkew: async () => {
        checks++;
        return skewMs;
      },
    });
    try {
      const until = async (condition: () => boolean) => {
        for (let i = 0; i < 400 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 5));
        expect(condition()).toBe(true);
      };
      await until(() => checks >= 5);
      expect(calls).toBe(0);
      skewMs = 2_000;
      await until(() => calls > 0);
    } finally {
      await worker.stop();
    }
  });
});
