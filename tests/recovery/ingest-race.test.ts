import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { ingestCheckout, ingestOrder } from "~/modules/recovery/ingest.server";
import { parseCheckoutPayload, parseOrderPayload } from "~/modules/recovery/payloads";
import { checkoutBody, orderBody, startBench, T0, type Bench } from "./harness";

/**
 * A checkout and its order processed at the same moment by two workers (two transactions). On PostgreSQL under READ
 * COMMITTED neither sees the other's uncommitted rows, so without serialisation the order completes nothing and the
 * checkout enters the flow its order already ended (seen in the multi-process test: a shopper who had ordered got the
 * whole sequence). Here the interleaving is forced: the checkout's transaction stays open while the order is ingested.
 */
let bench: Bench;
beforeAll(async () => {
  bench = await startBench();
});
afterAll(async () => {
  await bench.close();
});

function parsed(token: string, email: string) {
  const checkout = parseCheckoutPayload(checkoutBody({ token, email, updatedAt: T0 }));
  const order = parseOrderPayload(
    orderBody({ checkoutToken: token, email, processedAt: new Date(T0.getTime() + 2 * 60_000) }),
  );
  if ("error" in checkout || "error" in order) throw new Error("bad fixture");
  return { checkout, order };
}

async function ingestInterleaved(first: "checkout" | "order", token: string, email: string) {
  const { checkout, order } = parsed(token, email);
  const now = new Date(T0.getTime() + 5 * 60_000);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => (entered = resolve));
  const ingest =
    (which: "checkout" | "order") =>
    async (tx: Parameters<typeof ingestCheckout>[0]): Promise<unknown> =>
      which === "checkout" ? ingestCheckout(tx, bench.shop, checkout, now) : ingestOrder(tx, bench.shop, order, now);

  const held = prisma.$transaction(
    async (tx) => {
      const result = await ingest(first)(tx);
      entered();
      await gate; // still uncommitted
      return result;
    },
    { timeout: 20_000, maxWait: 20_000 },
  );
  await inside;
  const other = prisma.$transaction((tx) => ingest(first === "checkout" ? "order" : "checkout")(tx), {
    timeout: 20_000,
    maxWait: 20_000,
  });
  // Let the second transaction run as far as it can (to its lock, or, unserialised, to its end) before the first commits.
  await new Promise((resolve) => setTimeout(resolve, 300));
  release();
  await Promise.all([held, other]);

  const stored = await prisma.checkout.findUniqueOrThrow({ where: { shop_token: { shop: bench.shop, token } } });
  const runs = await prisma.flowRun.findMany({ where: { shop: bench.shop, subjectId: stored.id } });
  const pending = await prisma.scheduledMessage.count({
    where: { runId: { in: runs.map((run) => run.id) }, state: { in: ["PENDING", "CLAIMED", "SENDING"] } },
  });
  return {
    status: stored.status,
    orderId: stored.orderId,
    activeRuns: runs.filter((r) => r.state === "ACTIVE"),
    pending,
  };
}

describe("a checkout and its order ingested at the same moment", () => {
  it("the order waits for the checkout's open transaction and completes it: no sequence starts", async () => {
    const result = await ingestInterleaved("checkout", "race00000000000000000000000001", "race1@example.org");
    expect(result.status).toBe("COMPLETED");
    expect(result.orderId).not.toBeNull();
    expect(result.activeRuns).toEqual([]);
    expect(result.pending).toBe(0);
  });

  it("the checkout waits for the order's open transaction and is stored as completed", async () => {
    const result = await ingestInterleaved("order", "race00000000000000000000000002", "race2@example.org");
    expect(result.status).toBe("COMPLETED");
    expect(result.orderId).not.toBeNull();
    expect(result.activeRuns).toEqual([]);
    expect(result.pending).toBe(0);
  });
});
