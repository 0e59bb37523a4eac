import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_CLOCK_SKEW_MS } from "~/jobs/scheduler.server";
import { checkoutDeliveries, population } from "../scale/population";
import { HOUR, MINUTE, T0, postgres, startFaultBench, states, type FaultBench } from "./bench";

/**
 * Fault (f): clocks that disagree, as far apart as Kindly tolerates (MAX_CLOCK_SKEW_MS, 2 minutes between any two
 * processes: leases are judged with each process's own clock and outlast that skew). On PostgreSQL a web instance
 * and three workers, one on time, one a minute ahead and one a minute behind; on SQLite one `npm start` process the
 * whole skew ahead of the test's clock. Then time jumps back an hour (an NTP correction, a VM restored) and forward
 * again. Nothing may leave earlier than the skew allows, nothing twice, and no lease may be misjudged into a double
 * send or a live send set aside.
 */
const SKEW_MS = MAX_CLOCK_SKEW_MS;
const STEP_MS = MINUTE;
let bench: FaultBench;
beforeAll(async () => {
  if (postgres) {
    bench = await startFaultBench({ processes: "none" });
    await Promise.all([
      bench.cluster.start("web"),
      bench.cluster.start("worker", { name: "worker-on-time" }),
      bench.cluster.start("worker", { name: "worker-ahead", skewMs: SKEW_MS / 2 }),
      bench.cluster.start("worker", { name: "worker-behind", skewMs: -SKEW_MS / 2 }),
    ]);
  } else {
    bench = await startFaultBench({ processOptions: { skewMs: SKEW_MS } });
  }
});
afterAll(async () => {
  await bench?.close();
});

describe("skewed clocks", () => {
  it("no send earlier than the skew, none twice, leases safe, and a clock jumping back resends nothing", async () => {
    const shoppers = population({ count: 40, start: T0, salt: "skew", customers: [] });
    const expected = new Map(shoppers.map((shopper) => [shopper.token, shopper.smsConsent ? [0, 1, 2, 3] : [0, 2, 3]]));
    bench.cluster.clock.set(new Date(T0.getTime() + 5 * MINUTE));
    expect(new Set(await bench.deliver(checkoutDeliveries(shoppers).creates))).toEqual(new Set([200]));

    await bench.runUntil(new Date(T0.getTime() + 2 * HOUR), STEP_MS);
    const firstEmails = bench.emails().length;
    expect(firstEmails).toBe(40);
    // The clock jumps back an hour, past every first email's due time, and stays there a while.
    bench.cluster.clock.set(new Date(T0.getTime() + HOUR));
    await bench.settle();
    bench.cluster.clock.advance(30 * MINUTE);
    await bench.settle();
    expect(bench.emails()).toHaveLength(firstEmails);
    await bench.runUntil(new Date(T0.getTime() + 4 * 24 * HOUR), STEP_MS);

    const ledger = await bench.ledger();
    const sent = ledger.steps.filter((step) => step.state === "SENT");
    const actual = new Map<string, number[]>();
    for (const step of sent) actual.set(step.token!, [...(actual.get(step.token!) ?? []), step.stepPosition].sort());
    expect(Object.fromEntries(actual)).toEqual(Object.fromEntries(expected));
    expect(ledger.duplicates).toBe(0);
    expect(ledger.strays).toBe(0);
    // By the test's clock (the sinks stamp receipt with it): never earlier than the skew allows, never late.
    const earliness = sent.map((step) => step.dueAt.getTime() - step.deliveredAt!.getTime());
    expect(Math.max(...earliness)).toBeLessThanOrEqual(SKEW_MS);
    expect(Math.min(...earliness)).toBeGreaterThanOrEqual(-(STEP_MS + SKEW_MS));
    // Leases judged by a clock up to the skew ahead never set a live worker's rows aside or released them twice.
    const left = await states(bench.shop);
    expect(left).not.toHaveProperty("REVIEW");
    expect(left).not.toHaveProperty("CLAIMED");
    expect(left).not.toHaveProperty("SENDING");
    expect(left).not.toHaveProperty("PENDING");

    console.info(
      `[faults/skew] ${postgres ? "workers at -1, 0, +1 min" : "one process at +2 min"}, clock jumping back 1 h: ` +
        `${sent.length} messages sent once, duplicates 0, lost 0, earliest ${Math.max(...earliness) / MINUTE} min ` +
        `before due (skew ${SKEW_MS / MINUTE} min), REVIEW 0`,
    );
  }, 120_000);
});
