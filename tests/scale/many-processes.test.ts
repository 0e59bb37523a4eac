import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import prisma from "~/db.server";
import { createEmulator, createShopStore } from "../support/emulator";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink";
import { startFakeTwilio, type FakeTwilio } from "../support/fake-twilio";
import { startShopifyGateway, type ShopifyGateway } from "../support/cluster/gateway";
import { deliverWebhooks, runUntil, startCluster, waitForQuiet, type Cluster } from "../support/cluster";
import { seedRecoveryShop } from "../support/cluster/shop";
import { reconcile } from "../support/cluster/ledger";
import { checkoutDeliveries, orderDeliveries, population, type Shopper } from "./population";

/**
 * Issue 8, part 2: two web instances (`KINDLY_WORKER=0 npm start`) and three worker processes (`npm run worker`),
 * real child processes on one PostgreSQL database, fed signed webhooks round-robin for a few hundred checkouts with
 * recovery on, while a shared clock walks through the whole sequence (+1 h email, +4 h SMS, +24 h, +3 d).
 * Every due message must leave exactly once (counted at the SMTP sink and the fake Twilio, per run and step), in
 * its window, none for checkouts that converted, nothing left CLAIMED or SENDING.
 */
const postgres = inject("postgresUrl");
const SKIP = "needs PostgreSQL: runs in the PostgreSQL pass of CI (TEST_DATABASE_URL)";

const T0 = new Date("2026-11-24T09:00:00Z");
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const STEP_MS = 5 * MINUTE;
const CHECKOUTS = 300;

const store = createShopStore({ seed: 42, shop: "scale-shop.myshopify.com", now: T0 });
const emulator = createEmulator({ shops: [store] });
let gateway: ShopifyGateway;
let smtp: SmtpSink;
let twilio: FakeTwilio;
let cluster: Cluster;
let shoppers: Shopper[];

describe.skipIf(!postgres)(postgres ? "2 web instances and 3 workers on one PostgreSQL database" : SKIP, () => {
  beforeAll(async () => {
    let clockNow = () => T0;
    smtp = await startSmtpSink({ now: () => clockNow(), maxMessages: 10_000 });
    twilio = await startFakeTwilio({ now: () => clockNow(), maxMessages: 10_000 });
    gateway = await startShopifyGateway(emulator);
    await seedRecoveryShop(store.domain, smtp, twilio);
    cluster = await startCluster({ start: T0, shopifyGateway: gateway.url });
    clockNow = () => cluster.clock.now();
    await Promise.all([
      cluster.start("web"),
      cluster.start("web"),
      cluster.start("worker"),
      cluster.start("worker"),
      cluster.start("worker"),
    ]);
    shoppers = population({
      count: CHECKOUTS,
      start: T0,
      salt: "scale",
      customers: store.customers.filter(
        (customer) => customer.emailMarketingState === "SUBSCRIBED" && customer.email && customer.phone,
      ),
    });
  });

  afterAll(async () => {
    await cluster?.stop();
    await Promise.all([smtp?.close(), twilio?.close(), gateway?.close()]);
  });

  it("sends every due message exactly once, in its window, none after an order, nothing left claimed", async () => {
    const startedAt = performance.now();
    const webUrls = cluster.webUrls();
    expect(webUrls).toHaveLength(2);
    const { creates, updates } = checkoutDeliveries(shoppers);

    // Shoppers abandon over 25 minutes; some come back 3 minutes later; some order before the first email.
    cluster.clock.set(new Date(T0.getTime() + 26 * MINUTE));
    const createStatuses = await deliverWebhooks(webUrls, store.domain, creates, { concurrency: 12 });
    const updateStatuses = await deliverWebhooks(webUrls, store.domain, updates, { concurrency: 12 });
    cluster.clock.set(new Date(T0.getTime() + 40 * MINUTE));
    const early = orderDeliveries(shoppers, "ORDERED_EARLY", cluster.clock.now());
    const earlyStatuses = await deliverWebhooks(webUrls, store.domain, early, { concurrency: 12 });
    await waitForQuiet(cluster);
    const ingestSeconds = (performance.now() - startedAt) / 1000;

    // The first emails go out; then some shoppers order (their later steps must never leave).
    let stops = await runUntil(cluster, new Date(T0.getTime() + 2 * HOUR), STEP_MS);
    const late = orderDeliveries(shoppers, "ORDERED_AFTER_FIRST_EMAIL", cluster.clock.now());
    const lateStatuses = await deliverWebhooks(webUrls, store.domain, late, { concurrency: 12 });
    stops += await runUntil(cluster, new Date(T0.getTime() + 4 * 24 * HOUR), STEP_MS);
    const wallSeconds = (performance.now() - startedAt) / 1000;

    // Every webhook answered 200 by whichever instance got it, and was processed once.
    for (const statuses of [createStatuses, updateStatuses, earlyStatuses, lateStatuses])
      expect(new Set(statuses)).toEqual(new Set([200]));
    const deliveries = creates.length + updates.length + early.length + late.length;
    const events = await prisma.webhookEvent.groupBy({ by: ["status"], where: { shop: store.domain }, _count: true });
    expect(events.map((row) => [row.status, row._count])).toEqual([["PROCESSED", deliveries]]);

    const ledger = await reconcile(store.domain, smtp.messages(), twilio.messages());
    const expected = new Set(
      shoppers.flatMap((shopper) => shopper.expectedSteps.map((step) => `${shopper.token}#${step}`)),
    );
    const sent = ledger.steps.filter((step) => step.state === "SENT");
    const sentKeys = new Set(sent.map((step) => `${step.token}#${step.stepPosition}`));
    const lost = [...expected].filter((key) => !sentKeys.has(key));
    const unexpected = [...sentKeys].filter((key) => !expected.has(key));
    const context = `${JSON.stringify({ byState: ledger.byState, lost: lost.slice(0, 5), unexpected: unexpected.slice(0, 5) })}`;

    expect(lost, context).toEqual([]);
    expect(unexpected, context).toEqual([]);
    expect(ledger.duplicates).toBe(0);
    expect(ledger.strays).toBe(0);
    expect(ledger.sentButNotDelivered).toBe(0);
    expect(sent.every((step) => step.delivered === 1)).toBe(true);
    expect(ledger.byState.CLAIMED ?? 0).toBe(0);
    expect(ledger.byState.SENDING ?? 0).toBe(0);
    expect(ledger.byState.REVIEW ?? 0).toBe(0);
    expect(ledger.byState.FAILED ?? 0).toBe(0);
    expect(ledger.byState.PENDING ?? 0).toBe(0);
    // Converted checkouts: the order stopped what was left, with its reason.
    const cancelled = ledger.steps.filter((step) => step.state === "CANCELLED");
    expect(cancelled.length).toBeGreaterThan(0);

    // In its window: never before the due time, at most one clock step after it (the clock moved in 5-minute
    // steps at most past anything due), by the database's sentAt and by the sinks' own receipt time.
    const beforeDue = sent.filter((step) => step.sentAt!.getTime() < step.dueAt.getTime());
    const pastWindow = sent.filter((step) => step.sentAt!.getTime() - step.dueAt.getTime() > STEP_MS);
    expect(beforeDue.map((step) => step.scheduledId)).toEqual([]);
    expect(pastWindow.map((step) => step.scheduledId)).toEqual([]);
    expect(sent.filter((step) => step.deliveredAt!.getTime() < step.dueAt.getTime())).toEqual([]);

    // The workers really asked the (emulated) Admin API for the consent the payloads did not carry.
    expect(gateway.requests().some((request) => request.includes("/admin/api/"))).toBe(true);
    // And every process is still up.
    expect(cluster.processes.every((child) => child.alive())).toBe(true);

    const lateness = sent.map((step) => step.sentAt!.getTime() - step.dueAt.getTime());
    console.info(
      `[scale] ${CHECKOUTS} checkouts, ${deliveries} webhooks over 2 web instances, 3 workers: ` +
        `${smtp.messages().length} emails + ${twilio.messages().length} SMS sent (expected ${expected.size}), ` +
        `duplicates 0, lost 0, cancelled ${cancelled.length}, max lateness ${Math.max(...lateness) / MINUTE} min ` +
        `(clock step ${STEP_MS / MINUTE} min, ${stops} stops); ingest ${ingestSeconds.toFixed(1)} s, ` +
        `whole run ${wallSeconds.toFixed(1)} s`,
    );
  }, 150_000);
});
