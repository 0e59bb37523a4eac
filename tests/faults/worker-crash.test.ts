import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { LEASE_MS } from "~/jobs/scheduler.server";
import { DISPATCH_BATCH, PIPELINE } from "~/modules/recovery/dispatch.server";
import { createEmulator, createShopStore } from "../support/emulator";
import { startShopifyGateway, type ShopifyGateway } from "../support/cluster/gateway";
import { checkoutDeliveries, population } from "../scale/population";
import { HOUR, MINUTE, NEEDS_POSTGRES, T0, postgres, startFaultBench, states, type FaultBench } from "./bench";

/**
 * Fault (a): `kill -9` of a worker process in the middle of a batch, while it holds rows it claimed (stalled on a
 * consent lookup at Shopify) and rows it is sending (stalled in the SMTP conversation). Nothing of its work may be
 * lost or done twice: after the lease expires, its CLAIMED rows go back to PENDING and are sent once by the other
 * workers; its SENDING rows (delivery unknown) go to REVIEW with the reason, and are never resent blindly.
 */
const store = createShopStore({ seed: 42, shop: "crash-shop.myshopify.com", now: T0 });
const emulator = createEmulator({ shops: [store] });
let gateway: ShopifyGateway;
let bench: FaultBench;

describe.skipIf(!postgres)(postgres ? "a worker killed with SIGKILL mid-batch" : NEEDS_POSTGRES, () => {
  beforeAll(async () => {
    gateway = await startShopifyGateway(emulator);
    bench = await startFaultBench({ processes: "none", shop: store.domain, shopifyGateway: gateway.url });
    await bench.cluster.start("web");
  });
  afterAll(async () => {
    await bench?.close();
    await gateway?.close();
  });

  it("its claimed rows are sent once by the others after the lease; its in-flight sends go to REVIEW, never resent", async () => {
    // The worker claims all first emails at once and works them in batches of DISPATCH_BATCH, in due order: the
    // first batch's shoppers have their consent in the payloads (straight to SMTP), the second includes Shopify
    // customers whose consent must be asked for (a consent lookup per batch).
    expect(PIPELINE).toBeGreaterThanOrEqual(2);
    const straightToSmtp = population({ count: DISPATCH_BATCH, start: T0, salt: "crash", customers: [] });
    const withLookups = population({
      count: DISPATCH_BATCH,
      offset: DISPATCH_BATCH,
      start: T0,
      salt: "crash",
      customers: store.customers.filter(
        (customer) => customer.emailMarketingState === "SUBSCRIBED" && customer.email && customer.phone,
      ),
    });
    expect(straightToSmtp.some((shopper) => shopper.group === "CONSENT_FROM_SHOPIFY")).toBe(false);
    expect(withLookups.some((shopper) => shopper.group === "CONSENT_FROM_SHOPIFY")).toBe(true);
    const shoppers = [...straightToSmtp, ...withLookups];
    bench.cluster.clock.set(new Date(T0.getTime() + 20 * MINUTE));
    expect(new Set(await bench.deliver(checkoutDeliveries(shoppers).creates, 12))).toEqual(new Set([200]));
    const victim = await bench.cluster.start("worker", { name: "victim" });
    await bench.settle();

    // +1 h: the victim claims the first emails. Shopify goes quiet (the first batch waits on a consent lookup,
    // CLAIMED) and so does the SMTP relay (the second batch waits for its greeting, SENDING).
    gateway.hold();
    bench.smtp().hold();
    bench.cluster.clock.set(new Date(T0.getTime() + HOUR + 20 * MINUTE));
    let atKill: Record<string, number> = {};
    const deadline = performance.now() + 15_000;
    while (performance.now() < deadline) {
      atKill = await states(bench.shop);
      if ((atKill.CLAIMED ?? 0) > 0 && (atKill.SENDING ?? 0) > 0 && gateway.held() > 0 && bench.smtp().held() > 0)
        break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(atKill.CLAIMED ?? 0, JSON.stringify(atKill)).toBeGreaterThan(0);
    expect(atKill.SENDING ?? 0, JSON.stringify(atKill)).toBeGreaterThan(0);
    const claimedIds = (await prisma.scheduledMessage.findMany({ where: { shop: bench.shop, state: "CLAIMED" } })).map(
      (row) => row.id,
    );
    const sendingIds = (await prisma.scheduledMessage.findMany({ where: { shop: bench.shop, state: "SENDING" } })).map(
      (row) => row.id,
    );
    await victim.kill("SIGKILL");
    const killedAt = performance.now();
    expect(victim.alive()).toBe(false);
    gateway.release();
    bench.smtp().release();

    // Two other workers take over. Before the lease expires they leave the dead worker's rows alone.
    await Promise.all([bench.cluster.start("worker"), bench.cluster.start("worker")]);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await prisma.scheduledMessage.count({ where: { id: { in: claimedIds }, state: "CLAIMED" } })).toBe(
      claimedIds.length,
    );
    // The lease expires.
    bench.cluster.clock.advance(LEASE_MS + 1_000);
    await bench.settle();
    const recoveredSeconds = (performance.now() - killedAt) / 1000;

    const afterLease = await prisma.scheduledMessage.findMany({
      where: { id: { in: [...claimedIds, ...sendingIds] } },
    });
    const byId = new Map(afterLease.map((row) => [row.id, row]));
    expect(claimedIds.map((id) => byId.get(id)!.state)).toEqual(claimedIds.map(() => "SENT"));
    expect(sendingIds.map((id) => byId.get(id)!.state)).toEqual(sendingIds.map(() => "REVIEW"));
    expect(sendingIds.every((id) => /delivery unknown/.test(byId.get(id)!.lastError ?? ""))).toBe(true);

    // The rest of the sequence runs as usual.
    await bench.runUntil(new Date(T0.getTime() + 4 * 24 * HOUR), 5 * MINUTE);
    const ledger = await bench.ledger();
    const review = new Set(sendingIds);
    expect(ledger.steps.filter((step) => review.has(step.scheduledId)).every((step) => step.delivered === 0)).toBe(
      true,
    );
    // Every step of every shopper (nobody orders here) was sent once, or set aside for REVIEW; nothing else.
    const expected = new Set(
      shoppers.flatMap((shopper) =>
        (shopper.smsConsent ? [0, 1, 2, 3] : [0, 2, 3]).map((step) => `${shopper.token}#${step}`),
      ),
    );
    const done = new Map(
      ledger.steps
        .filter((step) => step.state === "SENT" || step.state === "REVIEW")
        .map((step) => [`${step.token}#${step.stepPosition}`, step]),
    );
    expect([...expected].filter((key) => !done.has(key))).toEqual([]);
    expect([...done.keys()].filter((key) => !expected.has(key))).toEqual([]);
    expect([...done.values()].filter((step) => step.state === "SENT" && step.delivered !== 1)).toEqual([]);
    expect(ledger.duplicates).toBe(0);
    expect(ledger.strays).toBe(0);
    expect(ledger.byState.REVIEW).toBe(sendingIds.length);
    expect(bench.cluster.processes.filter((child) => child.alive())).toHaveLength(3);

    console.info(
      `[faults/kill-9] worker killed holding ${claimedIds.length} CLAIMED and ${sendingIds.length} SENDING rows: ` +
        `the ${claimedIds.length} claimed sent once by the others after the ${LEASE_MS / MINUTE} min lease ` +
        `(${recoveredSeconds.toFixed(1)} s wall), ${sendingIds.length} in-flight set aside for REVIEW (not resent); ` +
        `${ledger.byState.SENT} messages sent in all, duplicates 0, lost 0`,
    );
  }, 120_000);
});
