import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import { unauthenticated } from "~/shopify.server";
import { runDueWorkUntilIdle } from "~/jobs/worker.server";
import {
  advanceCustomerImports,
  defaultImportDependencies,
  IMPORT_LEASE_MS,
  IMPORT_RETRY_MS,
  readImportErrors,
  startCustomerImport,
} from "~/modules/customers/import.server";
import { clearCustomers, customerSnapshot, startCustomersBench, cents, type CustomersBench } from "./support";

/**
 * The customers-and-orders import against the emulated shop: a real bulk operation (BulkCustomersImport), its
 * bulk_operations/finish webhook through the signed route, the JSONL downloaded and streamed in batches.
 */

let bench: CustomersBench;
/** Small batches, so the emulated shop's ~3,500 lines make several and a crash can fall between them. */
const BATCH = 500;

beforeAll(async () => {
  bench = await startCustomersBench();
});
afterAll(async () => {
  await bench.emulator.idle();
  bench.close();
});
beforeEach(async () => {
  await clearCustomers(bench.shop);
});

async function admin() {
  return (await unauthenticated.admin(bench.shop)).admin;
}

/** Starts an import and lets Shopify (the emulator) finish it; its finish webhook is queued by the route. */
async function startAndFinish() {
  const started = await startCustomerImport(await admin(), bench.shop, bench.clock.now());
  expect(started.result).toBe("STARTED");
  await bench.emulator.idle();
  return started.jobId;
}

describe("customer import", () => {
  it("imports every customer and order: counts and totals equal the store's, then segments are computed", async () => {
    const jobId = await startAndFinish();
    const finish = bench.emulator.webhookDeliveries.filter((d) => d.topic === "bulk_operations/finish").at(-1);
    expect(finish?.status).toBe(200);
    // The finish webhook makes the job due at once: no poll interval to wait for.
    await runDueWorkUntilIdle({ now: bench.clock.now() });

    const job = await prisma.importJob.findUniqueOrThrow({ where: { id: jobId } });
    const { store } = bench;
    const storeOrders = store.orders.filter((order) => order.customerId !== null);
    expect(job).toMatchObject({
      status: "COMPLETED",
      malformedLines: 0,
      customersUpserted: store.customers.length,
      ordersUpserted: storeOrders.length,
      linesProcessed: store.customers.length + storeOrders.length,
      objectCount: store.customers.length + storeOrders.length,
    });
    expect(job.linesProcessed).toBeGreaterThan(3 * BATCH);

    const customers = await prisma.customer.findMany({ where: { shop: bench.shop } });
    expect(customers).toHaveLength(store.customers.length);
    const byId = new Map(customers.map((c) => [c.shopifyId, c]));
    let spentInStore = new Prisma.Decimal(0);
    for (const expected of store.customers) {
      const got = byId.get(expected.id);
      expect(got, expected.id).toBeDefined();
      expect(got!.ordersCount).toBe(store.numberOfOrders(expected.id));
      expect(got!.totalSpent.equals(cents(store.amountSpentCents(expected.id))), expected.id).toBe(true);
      expect(got!.email).toBe(expected.email?.toLowerCase() ?? null);
      spentInStore = spentInStore.plus(cents(store.amountSpentCents(expected.id)));
      const kept = store.ordersOf(expected.id).filter((order) => !order.cancelledAt);
      expect(got!.lastOrderAt?.getTime() ?? null).toBe(
        // Shopify's DateTime has whole seconds.
        kept.length ? Math.floor(Math.max(...kept.map((order) => order.processedAt.getTime())) / 1000) * 1000 : null,
      );
    }
    const spent = await prisma.customer.aggregate({ where: { shop: bench.shop }, _sum: { totalSpent: true } });
    expect(spent._sum.totalSpent!.equals(spentInStore)).toBe(true);

    const orders = await prisma.order.aggregate({
      where: { shop: bench.shop },
      _count: true,
      _sum: { totalPrice: true },
    });
    expect(orders._count).toBe(storeOrders.length);
    expect(orders._sum.totalPrice!.equals(cents(storeOrders.reduce((sum, order) => sum + order.totalCents, 0)))).toBe(
      true,
    );
    // Shopify's ids stay strings, exactly.
    const order = await prisma.order.findFirstOrThrow({ where: { shop: bench.shop, shopifyId: storeOrders[0].id } });
    expect(order.shopifyId).toBe(storeOrders[0].id);

    // The sync made segments due: every customer has one, each change recorded with reason SYNC.
    const shop = await prisma.shop.findUniqueOrThrow({ where: { shop: bench.shop } });
    expect(shop.customersSyncedAt).toEqual(bench.clock.now());
    expect(shop.segmentsComputedAt).toEqual(bench.clock.now());
    expect(await prisma.customer.count({ where: { shop: bench.shop, segment: null } })).toBe(0);
    expect(await prisma.segmentChange.count({ where: { shop: bench.shop, reason: "SYNC" } })).toBe(
      store.customers.length,
    );
    // Prospects: no order, or only cancelled ones.
    const prospects = store.customers.filter((c) => store.ordersOf(c.id).every((order) => order.cancelledAt)).length;
    expect(await prisma.customer.count({ where: { shop: bench.shop, segment: "PROSPECT" } })).toBe(prospects);
  });

  it("resumes after a crash half-way with the same result as an import that never crashed", async () => {
    await startAndFinish();
    await runDueWorkUntilIdle({ now: bench.clock.now() });
    const clean = await customerSnapshot(bench.shop);
    await clearCustomers(bench.shop);

    const jobId = await startAndFinish();
    // Process the queued finish webhook only (the import step is driven by hand below).
    const { processQueuedWebhooks } = await import("~/modules/webhooks/queue.server");
    await processQueuedWebhooks({ now: bench.clock.now(), workerId: "test" });
    const crashing = {
      ...defaultImportDependencies,
      batchLines: BATCH,
      afterBatch: (batch: number) => {
        if (batch === 3) throw new Error("worker crashed after batch 3");
      },
    };
    expect(await advanceCustomerImports({ now: bench.clock.now(), workerId: "w1" }, crashing)).toBe(1);
    let job = await prisma.importJob.findUniqueOrThrow({ where: { id: jobId } });
    expect(job).toMatchObject({ status: "DOWNLOADING", linesProcessed: 3 * BATCH, leaseOwner: null });
    expect(job.lastError).toMatch(/crashed after batch 3/);
    expect(await prisma.customer.count({ where: { shop: bench.shop } })).toBeGreaterThan(0);

    // A second crash that leaves the lease held (the process died): nobody touches the job until the lease expires.
    bench.clock.advance(IMPORT_RETRY_MS);
    // Other batch sizes on each attempt: resuming must skip exactly the committed lines, mid-batch too.
    const dying = {
      ...defaultImportDependencies,
      batchLines: 700,
      afterBatch: () => new Promise<void>(() => undefined),
    };
    void advanceCustomerImports({ now: bench.clock.now(), workerId: "w2" }, dying);
    await expect
      .poll(async () => (await prisma.importJob.findUnique({ where: { id: jobId } }))?.linesProcessed)
      .toBe(2100);
    expect(await advanceCustomerImports({ now: bench.clock.now(), workerId: "w3" })).toBe(0);

    bench.clock.advance(IMPORT_LEASE_MS + 1);
    expect(await advanceCustomerImports({ now: bench.clock.now(), workerId: "w3" })).toBe(1);
    job = await prisma.importJob.findUniqueOrThrow({ where: { id: jobId } });
    const { store } = bench;
    const storeOrders = store.orders.filter((order) => order.customerId !== null).length;
    // Every line applied exactly once over the three attempts.
    expect(job).toMatchObject({
      status: "COMPLETED",
      customersUpserted: store.customers.length,
      ordersUpserted: storeOrders,
      linesProcessed: store.customers.length + storeOrders,
    });
    expect(readImportErrors(job.errorsJson).failures).toBe(1);

    // Segments are computed at a later "now" here; compare the imported data, and segments separately.
    await runDueWorkUntilIdle({ now: bench.clock.now() });
    const resumed = await customerSnapshot(bench.shop);
    const withoutModel = (rows: typeof clean) =>
      rows.map(
        ({
          segment: _s,
          segmentChangedAt: _sc,
          pAlive: _p,
          expectedPurchases: _e,
          predictedClv: _v,
          clvComputedAt: _t,
          ...row
        }) => row,
      );
    expect(withoutModel(resumed)).toEqual(withoutModel(clean));
    expect(resumed.filter((row) => row.segment === null)).toEqual([]);
  });

  it("reports malformed lines without failing the import", async () => {
    await startAndFinish();
    const { processQueuedWebhooks } = await import("~/modules/webhooks/queue.server");
    await processQueuedWebhooks({ now: bench.clock.now(), workerId: "test" });
    // The real file, with two broken lines slipped in, served in small chunks (lines and UTF-8 split across them).
    const withBrokenLines = {
      ...defaultImportDependencies,
      fetch: async (url: string) => {
        const text = await (await fetch(url)).text();
        const lines = text.split("\n");
        lines.splice(5, 0, '{"id": "gid://shopify/Customer/1", "firstName": ');
        lines.splice(700, 0, '{"id":"gid://shopify/Order/9","__parentId":"gid://shopify/Customer/1","name":"#1"}');
        const bytes = new TextEncoder().encode(lines.join("\n"));
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            for (let i = 0; i < bytes.length; i += 997) controller.enqueue(bytes.slice(i, i + 997));
            controller.close();
          },
        });
        return new Response(stream);
      },
    };
    await advanceCustomerImports({ now: bench.clock.now(), workerId: "w" }, withBrokenLines);
    const job = await prisma.importJob.findFirstOrThrow({ where: { shop: bench.shop } });
    expect(job.status).toBe("COMPLETED");
    expect(job.malformedLines).toBe(2);
    expect(readImportErrors(job.errorsJson).malformed).toEqual([
      { line: 6, reason: "not valid JSON" },
      { line: 701, reason: "order processedAt is not a date" },
    ]);
    const { store } = bench;
    expect(await prisma.customer.count({ where: { shop: bench.shop } })).toBe(store.customers.length);
    expect(await prisma.order.count({ where: { shop: bench.shop } })).toBe(
      store.orders.filter((order) => order.customerId !== null).length,
    );
  });

  it("does not start a second import while one runs, and records Shopify's refusal", async () => {
    const first = await startCustomerImport(await admin(), bench.shop, bench.clock.now());
    const second = await startCustomerImport(await admin(), bench.shop, bench.clock.now());
    expect(second).toEqual({ result: "ALREADY_RUNNING", jobId: first.jobId });
    await bench.emulator.idle();
    await runDueWorkUntilIdle({ now: bench.clock.now() });

    bench.store.failNextBulkOperation("ACCESS_DENIED");
    const failing = await startCustomerImport(await admin(), bench.shop, bench.clock.now());
    await bench.emulator.idle();
    await runDueWorkUntilIdle({ now: bench.clock.now() });
    const job = await prisma.importJob.findUniqueOrThrow({ where: { id: failing.jobId } });
    expect(job.status).toBe("FAILED");
    expect(job.lastError).toMatch(/FAILED \(ACCESS_DENIED\)/);
  });
});
