import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { backoffMs, MAX_ATTEMPTS } from "~/jobs/scheduler.server";
import { checkoutDeliveries, population } from "../scale/population";
import { startSmtpSink } from "../support/smtp-sink";
import { deliverWebhooks } from "../support/cluster";
import { seedRecoveryShop } from "../support/cluster/shop";
import { HOUR, MINUTE, T0, startFaultBench, states, type FaultBench } from "./bench";

/**
 * Fault (b): the SMTP relay goes away for a while, then comes back. The due emails are retried with backoff
 * (1, 2, 4 min...) while it is down, each failure recorded on its row, and delivered exactly once when it is back.
 * A relay that never comes back ends FAILED, visibly, after the last attempt: nothing is dropped silently.
 */
let bench: FaultBench;
beforeAll(async () => {
  bench = await startFaultBench();
});
afterAll(async () => {
  await bench?.close();
});

describe("SMTP relay down for a while", () => {
  it("retries with backoff while it is down, delivers each email once when it is back, fails visibly if it never is", async () => {
    // Nobody orders here: every shopper's first email falls due during the outage.
    const shoppers = population({ count: 30, start: T0, salt: "smtp", customers: [] });
    const { creates } = checkoutDeliveries(shoppers);
    bench.cluster.clock.set(new Date(T0.getTime() + 26 * MINUTE));
    expect(new Set(await bench.deliver(creates))).toEqual(new Set([200]));
    await bench.settle();

    // A second shop whose relay never comes back (a port nothing listens on any more).
    const deadShop = `dead-${bench.shop}`;
    const deadRelay = await startSmtpSink();
    await deadRelay.close();
    await seedRecoveryShop(deadShop, deadRelay, bench.twilio);
    const deadCheckouts = population({ count: 3, start: T0, salt: "dead", customers: [] });
    await deliverWebhooks(bench.cluster.webUrls(), deadShop, checkoutDeliveries(deadCheckouts).creates);
    await bench.settle();

    const outageStartedAt = performance.now();
    await bench.stopSmtp();
    // +1 h: the first emails fall due; three attempts fail (at +0, +1, +3 min of backoff).
    const firstDue = new Date(T0.getTime() + HOUR + 3 * MINUTE);
    await bench.runUntil(new Date(firstDue.getTime() + backoffMs(1) + backoffMs(2)), MINUTE);
    const waiting = await prisma.scheduledMessage.findMany({ where: { shop: bench.shop, stepPosition: 0 } });
    expect(waiting).toHaveLength(30);
    expect(waiting.every((row) => row.state === "PENDING" && row.attempts >= 2)).toBe(true);
    expect(waiting.every((row) => /ECONNREFUSED|connect/i.test(row.lastError ?? ""))).toBe(true);
    // Backing off: the next try is in the future, a few minutes apart, never hammering the relay.
    const now = bench.cluster.clock.now().getTime();
    expect(waiting.every((row) => row.dueAt.getTime() > now)).toBe(true);
    expect(await prisma.message.count({ where: { shop: bench.shop, status: "SENT" } })).toBe(0);

    await bench.restartSmtp();
    const backAt = bench.cluster.clock.now();
    await bench.runUntil(new Date(backAt.getTime() + 30 * MINUTE), MINUTE);
    const recoveredSeconds = (performance.now() - outageStartedAt) / 1000;

    const ledger = await bench.ledger();
    const step0 = ledger.steps.filter((step) => step.stepPosition === 0);
    expect(step0.map((step) => [step.state, step.delivered])).toEqual(step0.map(() => ["SENT", 1]));
    expect(ledger.duplicates).toBe(0);
    expect(ledger.strays).toBe(0);
    const lastSend = Math.max(...step0.map((step) => step.sentAt!.getTime()));
    const clockToRecover = lastSend - backAt.getTime();
    // Each was sent on its first retry after the relay came back: within one backoff period (8 min at most).
    expect(clockToRecover).toBeLessThanOrEqual(backoffMs(4));
    expect(Math.max(...step0.map((step) => step.attempts))).toBeLessThanOrEqual(MAX_ATTEMPTS);

    // The shop whose relay never came back: FAILED after the last attempt, with the reason, on row and message.
    const dead = await prisma.scheduledMessage.findMany({
      where: { shop: deadShop, stepPosition: 0 },
      include: { message: true },
    });
    expect(dead.map((row) => [row.state, row.attempts, row.message?.status])).toEqual(
      dead.map(() => ["FAILED", MAX_ATTEMPTS, "FAILED"]),
    );
    expect(dead.every((row) => /ECONNREFUSED|connect/i.test(row.lastError ?? ""))).toBe(true);
    expect(await states(bench.shop)).not.toHaveProperty("CLAIMED");
    expect(await states(bench.shop)).not.toHaveProperty("SENDING");

    console.info(
      `[faults/smtp] 30 emails due during a relay outage: ${step0.length} delivered, duplicates 0, lost 0, ` +
        `attempts up to ${Math.max(...step0.map((step) => step.attempts))}; recovered ${clockToRecover / MINUTE} min ` +
        `(clock) after the relay came back, ${recoveredSeconds.toFixed(1)} s wall; never-back relay: ` +
        `${dead.length} FAILED after ${MAX_ATTEMPTS} attempts`,
    );
  }, 120_000);
});
