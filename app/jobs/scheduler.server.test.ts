import { beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import {
  backoffMs,
  claimDueMessages,
  markDeferred,
  markExpiredLeasesForReview,
  markFailedAttempt,
  markSending,
  markSent,
  LEASE_MS,
  MAX_CLOCK_SKEW_MS,
  MAX_ATTEMPTS,
} from "~/jobs/scheduler.server";
import { WEBHOOK_LEASE_MS } from "~/modules/webhooks/queue.server";
import { IMPORT_LEASE_MS } from "~/modules/customers/import.server";
import { createShop } from "../../tests/support/factories";

async function seedDue(shop: string, count: number, dueAt: Date) {
  const flow = await prisma.flow.create({ data: { shop, trigger: `T-${shop}`, name: "test", enabled: true } });
  const run = await prisma.flowRun.create({
    data: { shop, flowId: flow.id, subjectType: "CHECKOUT", subjectId: `c-${shop}`, anchorAt: dueAt },
  });
  await prisma.scheduledMessage.createMany({
    data: Array.from({ length: count }, (_, position) => ({
      shop,
      runId: run.id,
      stepPosition: position,
      channel: "EMAIL",
      dueAt: new Date(dueAt.getTime() + position),
    })),
  });
  return run;
}

const now = new Date("2026-11-24T12:00:00Z");

// Claims are global (workers serve every shop), so each test starts from an empty schedule.
beforeEach(async () => {
  await prisma.scheduledMessage.deleteMany();
});

describe("leases and skewed clocks", () => {
  it("every lease outlasts the clock skew tolerated between processes by at least a minute of work", () => {
    for (const lease of [LEASE_MS, WEBHOOK_LEASE_MS, IMPORT_LEASE_MS]) {
      expect(lease - MAX_CLOCK_SKEW_MS).toBeGreaterThanOrEqual(60_000);
    }
  });
});

describe("claimDueMessages", () => {
  it("claims only due PENDING rows, oldest first, under one lease", async () => {
    const shop = (await createShop()).shop;
    await seedDue(shop, 5, new Date(now.getTime() - 10_000));
    await seedDue(`${shop}-later`, 3, new Date(now.getTime() + 60_000));
    const claimed = await claimDueMessages({ now, workerId: "w1", limit: 3 });
    expect(claimed.map((row) => row.stepPosition)).toEqual([0, 1, 2]);
    expect(new Set(claimed.map((row) => row.leaseOwner)).size).toBe(1);
    expect(claimed.every((row) => row.state === "CLAIMED" && row.attempts === 1)).toBe(true);
    expect(claimed[0].leaseUntil?.getTime()).toBe(now.getTime() + LEASE_MS);
    const rest = await claimDueMessages({ now, workerId: "w2", limit: 10 });
    expect(rest.map((row) => row.stepPosition)).toEqual([3, 4]);
    expect(await claimDueMessages({ now, workerId: "w3", limit: 10 })).toEqual([]);
  });

  it("four workers racing over 1,000 due messages claim each exactly once, never more than their limit", async () => {
    const shop = (await createShop()).shop;
    await seedDue(shop, 1000, new Date(now.getTime() - 60_000));
    const claimedBy = new Map<string, string>();
    const duplicates: string[] = [];
    const worker = async (workerId: string) => {
      for (;;) {
        const batch = await claimDueMessages({ now, workerId, limit: 25 });
        if (batch.length === 0) return;
        // On PostgreSQL a locking subquery inside IN (...) can be rescanned and claim past its LIMIT: not this one.
        expect(batch.length).toBeLessThanOrEqual(25);
        for (const row of batch) {
          if (claimedBy.has(row.id)) duplicates.push(row.id);
          claimedBy.set(row.id, workerId);
          expect(await markSending(row)).toBe(true);
          await markSent(row);
        }
      }
    };
    await Promise.all([worker("a"), worker("b"), worker("c"), worker("d")]);
    expect(duplicates).toEqual([]);
    expect(claimedBy.size).toBe(1000);
    expect(new Set(claimedBy.values())).toEqual(new Set(["a", "b", "c", "d"]));
    expect(await prisma.scheduledMessage.count({ where: { shop, state: "SENT" } })).toBe(1000);
  });
});

describe("transitions", () => {
  it("a worker dying mid-batch: the row it was sending goes to REVIEW, the ones it never tried are sent later", async () => {
    const shop = (await createShop()).shop;
    await seedDue(shop, 3, new Date(now.getTime() - 10_000));
    const batch = await claimDueMessages({ now, workerId: "dies", limit: 3 });
    expect(batch).toHaveLength(3);
    expect(await markSending(batch[0])).toBe(true);
    expect(await markSent(batch[0])).toBe(true);
    expect(await markSending(batch[1])).toBe(true);
    // ...and the worker is killed here: batch[1] was on the wire, batch[2] never started.
    expect(await markExpiredLeasesForReview(new Date(now.getTime() + LEASE_MS - 1))).toBe(0);
    expect(await markExpiredLeasesForReview(new Date(now.getTime() + LEASE_MS + 1))).toBe(2);
    const states = await prisma.scheduledMessage.findMany({ where: { shop }, orderBy: { stepPosition: "asc" } });
    expect(states.map((row) => [row.state, row.attempts])).toEqual([
      ["SENT", 1],
      ["REVIEW", 1],
      ["PENDING", 0],
    ]);
    // The dead worker waking up cannot overwrite either state.
    expect(await markSent(batch[1])).toBe(false);
    expect(await markSending(batch[2])).toBe(false);
    // Another worker picks up the untried row, once.
    const later = await claimDueMessages({ now: new Date(now.getTime() + LEASE_MS + 2), workerId: "w2", limit: 10 });
    expect(later.map((row) => row.id)).toEqual([batch[2].id]);
  });

  it("retries with backoff, then fails visibly; permanent errors fail at once", async () => {
    const shop = (await createShop()).shop;
    await seedDue(shop, 1, now);
    let clock = now;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const [row] = await claimDueMessages({ now: clock, workerId: "w", limit: 1 });
      expect(row.attempts).toBe(attempt);
      await markSending(row);
      const outcome = await markFailedAttempt(row, clock, { message: "connection refused", retryable: true });
      expect(outcome).toBe(attempt < MAX_ATTEMPTS ? "RETRY" : "FAILED");
      if (outcome === "RETRY") {
        const stored = await prisma.scheduledMessage.findUniqueOrThrow({ where: { id: row.id } });
        expect(stored.dueAt.getTime() - clock.getTime()).toBe(backoffMs(attempt));
        clock = stored.dueAt;
      }
    }
    await seedDue(`${shop}-permanent`, 1, clock);
    const [second] = await claimDueMessages({ now: clock, workerId: "w", limit: 1 });
    expect(await markFailedAttempt(second, clock, { message: "550 no such user", retryable: false })).toBe("FAILED");
    expect(await prisma.scheduledMessage.count({ where: { state: "FAILED", lastError: { not: null } } })).toBe(2);
  });

  it("a provider's Retry-After beyond the backoff is honoured; a shorter one does not shorten the backoff", async () => {
    const shop = (await createShop()).shop;
    await seedDue(shop, 2, now);
    const [first, second] = await claimDueMessages({ now: new Date(now.getTime() + 1), workerId: "w", limit: 2 });
    await markFailedAttempt(first, now, { message: "Twilio 429", retryable: true, retryAfterMs: 10 * 60_000 });
    await markFailedAttempt(second, now, { message: "Twilio 429", retryable: true, retryAfterMs: 1_000 });
    const stored = await prisma.scheduledMessage.findMany({ where: { shop }, orderBy: { stepPosition: "asc" } });
    expect(stored.map((row) => [row.state, row.dueAt.getTime() - now.getTime()])).toEqual([
      ["PENDING", 10 * 60_000],
      ["PENDING", backoffMs(1)],
    ]);
  });

  it("a deferral moves the due time without counting an attempt", async () => {
    const shop = (await createShop()).shop;
    await seedDue(shop, 1, now);
    const [row] = await claimDueMessages({ now, workerId: "w", limit: 1 });
    const until = new Date("2026-11-25T07:00:00Z");
    expect(await markDeferred(row, until, "QUIET_HOURS")).toBe(true);
    expect(await prisma.scheduledMessage.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({
      state: "PENDING",
      dueAt: until,
      originalDueAt: row.dueAt,
      deferReason: "QUIET_HOURS",
      attempts: 0,
    });
  });
});
