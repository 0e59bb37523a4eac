import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import prisma from "~/db.server";
import { unauthenticated } from "~/shopify.server";
import { runDueWorkUntilIdle } from "~/jobs/worker.server";
import { startCustomerImport } from "~/modules/customers/import.server";
import { syncSegmentTags } from "~/modules/customers/tags.server";
import { setAdminSleep } from "~/modules/shop/graphql.server";
import { startCustomersBench, type CustomersBench } from "./support";

/**
 * Segment -> Shopify tag sync against the emulated shop, counting the mutations the emulator receives: the second
 * run sends none, only Kindly's own tags are ever removed, renames move the tag, THROTTLED answers are retried.
 */

let bench: CustomersBench;
let calls: Array<{ operation: string; throttled: boolean }> = [];
let waits: number[] = [];

beforeAll(async () => {
  bench = await startCustomersBench();
  const { admin } = await unauthenticated.admin(bench.shop);
  await startCustomerImport(admin, bench.shop, bench.clock.now());
  await bench.emulator.idle();
  await runDueWorkUntilIdle({ now: bench.clock.now() });
  const execute = bench.emulator.execute.bind(bench.emulator);
  vi.spyOn(bench.emulator, "execute").mockImplementation(async (store, body, version) => {
    const answer = await execute(store, body, version);
    const operation = /mutation (\w+)/.exec(String(body.query))?.[1] ?? "query";
    calls.push({ operation, throttled: answer.errors?.some((e) => e.extensions?.code === "THROTTLED") ?? false });
    return answer;
  });
});
afterAll(async () => {
  await bench.emulator.idle();
  bench.close();
});
beforeEach(() => {
  calls = [];
  waits = [];
  // Waiting is instant here, but the emulator's bucket sees the time pass.
  setAdminSleep(async (ms) => {
    waits.push(ms);
    bench.passRateLimitTime(ms);
  });
});
afterEach(() => setAdminSleep(undefined));

const admin = async () => (await unauthenticated.admin(bench.shop)).admin;
const members = (segment: string) =>
  // Ordered: the tests pick "the first VIP" more than once, and PostgreSQL returns unordered rows in any order.
  prisma.customer.findMany({
    where: { shop: bench.shop, segment },
    select: { id: true, shopifyId: true },
    orderBy: { id: "asc" },
  });
const storeTags = (shopifyId: string) => bench.store.getCustomer(shopifyId)!.tags;
const mutations = () => calls.filter((call) => call.operation !== "query" && !call.throttled);

describe("sync segment to Shopify tags", () => {
  it("tags every member once; the second run changes nothing and sends no mutation", async () => {
    const vips = await members("VIP");
    expect(vips.length).toBeGreaterThan(10);
    // A merchant who had already tagged one VIP by hand: Kindly leaves that tag as the merchant's.
    const handTagged = vips[0].shopifyId!;
    bench.store.addTags(handTagged, ["vip"]);
    await prisma.customer.update({ where: { id: vips[0].id }, data: { tags: "vip" } });

    const first = await syncSegmentTags(await admin(), bench.shop, "VIP");
    expect(first).toMatchObject({ tag: "VIP", added: vips.length - 1, removed: 0, failed: 0 });
    expect(mutations().filter((m) => m.operation === "CustomerTagsAdd")).toHaveLength(vips.length - 1);
    for (const vip of vips) expect(storeTags(vip.shopifyId!).map((t) => t.toLowerCase())).toContain("vip");
    const handRow = await prisma.customer.findFirstOrThrow({ where: { shopifyId: handTagged } });
    expect(handRow.kindlyTagsJson).toBeNull();

    calls = [];
    const second = await syncSegmentTags(await admin(), bench.shop, "VIP");
    expect(second).toMatchObject({ added: 0, removed: 0, failed: 0 });
    expect(mutations()).toEqual([]);
  });

  it("removes the tag only from customers who left the segment, never the merchant's own", async () => {
    const vips = await members("VIP");
    const leaving = vips[1];
    const handTagged = vips[0];
    await prisma.customer.updateMany({
      where: { id: { in: [leaving.id, handTagged.id] } },
      data: { segment: "REPEAT" },
    });
    const result = await syncSegmentTags(await admin(), bench.shop, "VIP");
    expect(result).toMatchObject({ added: 0, removed: 1 });
    expect(mutations()).toEqual([{ operation: "CustomerTagsRemove", throttled: false }]);
    expect(storeTags(leaving.shopifyId!)).not.toContain("VIP");
    expect(storeTags(handTagged.shopifyId!)).toContain("vip");
  });

  it("moves a renamed tag: removes the old name Kindly added, adds the new one", async () => {
    const vips = await members("VIP");
    await prisma.shop.update({
      where: { shop: bench.shop },
      data: { segmentTagsJson: JSON.stringify({ VIP: "Gold" }) },
    });
    const result = await syncSegmentTags(await admin(), bench.shop, "VIP");
    expect(result.tag).toBe("Gold");
    expect(result.added).toBe(vips.length);
    for (const vip of vips) {
      expect(storeTags(vip.shopifyId!)).toContain("Gold");
      expect(storeTags(vip.shopifyId!)).not.toContain("VIP");
    }
    calls = [];
    await syncSegmentTags(await admin(), bench.shop, "VIP");
    expect(mutations()).toEqual([]);
  });

  it("retries THROTTLED answers after waiting for the bucket, losing nothing", async () => {
    const firstTimers = await members("FIRST_TIME");
    bench.store.throttleNext(3);
    const result = await syncSegmentTags(await admin(), bench.shop, "FIRST_TIME");
    expect(calls.filter((call) => call.throttled)).toHaveLength(3);
    expect(waits.length).toBeGreaterThanOrEqual(3);
    expect(result).toMatchObject({ added: firstTimers.length, failed: 0 });
    for (const customer of firstTimers) expect(storeTags(customer.shopifyId!)).toContain("First-time buyer");
  });
});
