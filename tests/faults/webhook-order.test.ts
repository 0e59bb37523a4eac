import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import type { Delivery } from "../support/cluster";
import { checkoutBody, orderBody } from "../recovery/harness";
import { HOUR, MINUTE, T0, startFaultBench, states, type FaultBench } from "./bench";

/**
 * Fault (e): Shopify delivers the same event several times (same X-Shopify-Event-Id, to whichever instance), out of
 * order (an update before its create, an order before its checkout, an order and its checkout at the same moment),
 * and again long after it was processed. One sequence per checkout, each step sent once, none for a checkout whose
 * order arrived, whatever the order of arrival.
 */
let bench: FaultBench;
beforeAll(async () => {
  bench = await startFaultBench();
});
afterAll(async () => {
  await bench?.close();
});

type Group = "DUPLICATED" | "UPDATE_FIRST" | "ORDER_FIRST" | "ORDER_TOGETHER" | "REDELIVERED_LATER";
const GROUPS: Group[] = ["DUPLICATED", "UPDATE_FIRST", "ORDER_FIRST", "ORDER_TOGETHER", "REDELIVERED_LATER"];
const PER_GROUP = 10;

function shopper(group: Group, index: number) {
  const n = GROUPS.indexOf(group) * 100 + index;
  const token = `order${String(n).padStart(27, "0")}`;
  const email = `${group.toLowerCase()}${index}@example.org`;
  const phone = `+336${String(30_000_000 + n)}`;
  const create = checkoutBody({ token, email, phone, updatedAt: T0 });
  const update = { ...create, updated_at: new Date(T0.getTime() + 10 * MINUTE).toISOString() };
  const order = orderBody({
    id: String(830_000_000_000_000_000n + BigInt(n)),
    checkoutToken: token,
    email,
    processedAt: new Date(T0.getTime() + 2 * MINUTE),
  });
  return { group, token, create, update, order };
}

describe("duplicated and reordered webhooks", () => {
  it("one sequence per checkout, each step once, nothing for checkouts whose order arrived first or alongside", async () => {
    const shoppers = GROUPS.flatMap((group) => Array.from({ length: PER_GROUP }, (_, index) => shopper(group, index)));
    const of = (group: Group) => shoppers.filter((entry) => entry.group === group);
    bench.cluster.clock.set(new Date(T0.getTime() + 15 * MINUTE));

    const first: Delivery[] = [
      // Three deliveries of each event, at once, spread over the instances.
      ...of("DUPLICATED").flatMap((entry) =>
        [1, 2, 3].map(() => ({
          topic: "checkouts/create" as const,
          body: entry.create,
          eventId: `dup-${entry.token}`,
        })),
      ),
      // The update arrives (and is processed) before its create.
      ...of("UPDATE_FIRST").map((entry) => ({ topic: "checkouts/update" as const, body: entry.update })),
      // The order arrives before its checkout.
      ...of("ORDER_FIRST").map((entry) => ({ topic: "orders/create" as const, body: entry.order })),
      // The order and its checkout at the same moment, to different instances.
      ...of("ORDER_TOGETHER").flatMap((entry) => [
        { topic: "checkouts/create" as const, body: entry.create },
        { topic: "orders/create" as const, body: entry.order },
      ]),
      ...of("REDELIVERED_LATER").map((entry) => ({ topic: "checkouts/create" as const, body: entry.create })),
    ];
    expect(new Set(await bench.deliver(first, 12))).toEqual(new Set([200]));
    await bench.settle();
    const second: Delivery[] = [
      ...of("UPDATE_FIRST").map((entry) => ({ topic: "checkouts/create" as const, body: entry.create })),
      ...of("ORDER_FIRST").map((entry) => ({ topic: "checkouts/create" as const, body: entry.create })),
    ];
    expect(new Set(await bench.deliver(second, 12))).toEqual(new Set([200]));
    await bench.settle();

    await bench.runUntil(new Date(T0.getTime() + 2 * HOUR), 5 * MINUTE);
    // Shopify's retries hours later (same bodies, same event ids): answered 200, changing nothing.
    const again: Delivery[] = [
      ...of("REDELIVERED_LATER").map((entry) => ({ topic: "checkouts/create" as const, body: entry.create })),
      ...of("DUPLICATED").map((entry) => ({
        topic: "checkouts/create" as const,
        body: entry.create,
        eventId: `dup-${entry.token}`,
      })),
      ...of("ORDER_FIRST").map((entry) => ({ topic: "orders/create" as const, body: entry.order })),
    ];
    expect(new Set(await bench.deliver(again, 12))).toEqual(new Set([200]));
    await bench.runUntil(new Date(T0.getTime() + 4 * 24 * HOUR), 5 * MINUTE);

    // Each distinct event stored and processed once.
    const distinctEvents = PER_GROUP * (1 + 2 + 2 + 2 + 1);
    const events = await prisma.webhookEvent.groupBy({ by: ["status"], where: { shop: bench.shop }, _count: true });
    expect(events.map((row) => [row.status, row._count])).toEqual([["PROCESSED", distinctEvents]]);

    const ledger = await bench.ledger();
    const sentBy = new Map<string, number[]>();
    for (const step of ledger.steps.filter((candidate) => candidate.state === "SENT"))
      sentBy.set(step.token!, [...(sentBy.get(step.token!) ?? []), step.stepPosition].sort());
    const runs = await prisma.flowRun.groupBy({ by: ["subjectId"], where: { shop: bench.shop }, _count: true });
    expect(runs.every((run) => run._count === 1)).toBe(true);
    const report: Record<Group, string[]> = Object.fromEntries(GROUPS.map((group) => [group, []])) as never;
    for (const entry of shoppers) {
      const expected = entry.group === "ORDER_FIRST" || entry.group === "ORDER_TOGETHER" ? [] : [0, 1, 2, 3];
      const actual = sentBy.get(entry.token) ?? [];
      if (JSON.stringify(actual) !== JSON.stringify(expected)) report[entry.group].push(`${entry.token}: ${actual}`);
    }
    expect(report).toEqual(Object.fromEntries(GROUPS.map((group) => [group, []])));
    expect(ledger.duplicates).toBe(0);
    expect(ledger.strays).toBe(0);
    // The update that came first set the anchor: the stale create did not move it back.
    const updateFirst = new Set(of("UPDATE_FIRST").map((entry) => entry.token));
    const firstEmails = ledger.steps.filter((step) => updateFirst.has(step.token!) && step.stepPosition === 0);
    expect(firstEmails.every((step) => step.dueAt.getTime() === T0.getTime() + 70 * MINUTE)).toBe(true);
    const left = await states(bench.shop);
    expect(left).not.toHaveProperty("CLAIMED");
    expect(left).not.toHaveProperty("SENDING");
    expect(left).not.toHaveProperty("PENDING");

    const deliveries = first.length + second.length + again.length;
    console.info(
      `[faults/webhooks] ${deliveries} deliveries (${distinctEvents} distinct events: triplicates, update before create, ` +
        `order before or with its checkout, redeliveries hours later): ${distinctEvents} processed once, ` +
        `${ledger.steps.filter((step) => step.state === "SENT").length} messages sent, duplicates 0, ` +
        `none for the ${2 * PER_GROUP} ordered checkouts`,
    );
  }, 120_000);
});
