import { afterEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { checkoutBody } from "../recovery/harness";
import { careStates, DAY, HOUR, startCareBench, type CareBench } from "./harness";
import { SCENARIOS } from "./scenarios";

/**
 * Every default care flow, from its trigger in the emulated shop (signed webhooks to the real routes), through the
 * guards it shares with recovery: it fires; consent; quiet hours; the frequency cap across flows; stop on reply.
 */

let bench: CareBench | null = null;
afterEach(async () => {
  await bench?.close();
  bench = null;
});

describe.each(SCENARIOS)("$trigger", (scenario) => {
  async function setUp(consent: { email?: "SUBSCRIBED" | "NOT_SUBSCRIBED" } = {}) {
    bench = await startCareBench({ shopSettings: scenario.shopSettings });
    await bench.enable(scenario.trigger);
    const customer = bench.prospect({ email: consent.email ?? "SUBSCRIBED" });
    return { bench, customer };
  }

  it("fires from its trigger: one email, at its delay, in Kindly's voice", async () => {
    const { bench, customer } = await setUp();
    await scenario.enroll(bench, customer);
    const run = await prisma.flowRun.findFirstOrThrow({
      where: { shop: bench.shop, flow: { trigger: scenario.trigger } },
    });
    expect(run).toMatchObject({ state: "ACTIVE", holdout: false });
    await bench.advance(scenario.delay - 60_000);
    expect(bench.emailsTo(customer.email)).toHaveLength(0);
    await bench.advance(60_000);
    const emails = bench.emailsTo(customer.email);
    expect(emails).toHaveLength(1);
    expect(emails[0].subject).toContain(scenario.subject);
    expect(emails[0].text).toContain("Claire");
    // Reply-To routes an answer back into Kindly, and one-click unsubscribe is there, as for recovery.
    expect(emails[0].replyTo).toMatch(/^reply\+[a-z2-7]+@reply\.kindly\.test$/);
    expect(emails[0].headers.some(([name]) => name === "list-unsubscribe-post")).toBe(true);
    const message = await prisma.message.findFirstOrThrow({ where: { shop: bench.shop } });
    expect(message.customerId).not.toBeNull();
  });

  it("respects consent", async () => {
    const { bench, customer } = await setUp({ email: "NOT_SUBSCRIBED" });
    await scenario.enroll(bench, customer);
    await bench.advance(scenario.delay + HOUR);
    if (scenario.withoutMarketingConsent === "SENT") {
      // A service message about the shopper's own order: no marketing consent needed, as an order notification.
      expect(bench.emailsTo(customer.email)).toHaveLength(1);
    } else {
      expect(bench.emailsTo(customer.email)).toHaveLength(0);
      expect((await careStates(bench.shop, scenario.trigger))[0]).toEqual([0, "SKIPPED", "NO_CONSENT"]);
    }
  });

  it("waits for the morning when it comes due in quiet hours (20:00-08:00 in the shopper's time)", async () => {
    const { bench, customer } = await setUp();
    // Due at 22:30 in Paris.
    const due = new Date("2026-12-02T21:30:00Z");
    bench.clock.set(new Date(due.getTime() - scenario.delay));
    await scenario.enroll(bench, customer);
    await bench.advance(due.getTime() - bench.clock.now().getTime());
    expect(bench.emailsTo(customer.email)).toHaveLength(0);
    const row = await prisma.scheduledMessage.findFirstOrThrow({
      where: { shop: bench.shop, run: { flow: { trigger: scenario.trigger } } },
      orderBy: { stepPosition: "asc" },
    });
    expect(row).toMatchObject({ state: "PENDING", deferReason: "QUIET_HOURS", originalDueAt: due });
    expect(row.dueAt.toISOString()).toBe("2026-12-03T07:00:00.000Z"); // 08:00 in Paris
    await bench.advance(row.dueAt.getTime() - bench.clock.now().getTime());
    expect(bench.emailsTo(customer.email)).toHaveLength(1);
  });

  it("yields to the frequency cap shared by every flow: a recovery email shortly before holds it back", async () => {
    const { bench, customer } = await setUp();
    await bench.enable("CHECKOUT_ABANDONED");
    // The same person abandons a checkout: recovery's first email goes an hour later, within the cap of the care step.
    const abandon = () =>
      bench.deliverBody(
        "checkouts/create",
        checkoutBody({ email: customer.email, phone: null, updatedAt: bench.clock.now(), locale: "en" }),
      );
    let due: number;
    if (scenario.delay >= 3 * HOUR) {
      await scenario.enroll(bench, customer);
      due = bench.clock.now().getTime() + scenario.delay;
      await bench.advance(scenario.delay - 3 * HOUR);
      await abandon();
      await bench.advance(HOUR);
    } else {
      await abandon();
      await bench.advance(HOUR);
      await scenario.enroll(bench, customer);
      due = bench.clock.now().getTime() + scenario.delay;
    }
    expect(bench.emailsTo(customer.email)).toHaveLength(1);
    await bench.advance(due - bench.clock.now().getTime());
    expect(bench.emailsTo(customer.email)).toHaveLength(1);
    expect((await careStates(bench.shop, scenario.trigger))[0]).toEqual([0, "SKIPPED", "FREQUENCY_CAP"]);
  });

  it("stops when the shopper writes to the shop (a person takes over)", async () => {
    const { bench, customer } = await setUp();
    await scenario.enroll(bench, customer);
    await bench.advance(Math.floor(scenario.delay / 2));
    expect((await bench.textFrom(customer.phone!, "Quick question about my order")).status).toBe(200);
    await bench.advance(scenario.delay + 7 * DAY);
    expect(bench.emailsTo(customer.email)).toHaveLength(0);
    const run = await prisma.flowRun.findFirstOrThrow({
      where: { shop: bench.shop, flow: { trigger: scenario.trigger } },
    });
    expect(run).toMatchObject({ state: "STOPPED", stopReason: "REPLIED" });
    expect((await careStates(bench.shop, scenario.trigger))[0]).toEqual([0, "CANCELLED", "REPLIED"]);
    expect(await prisma.conversation.count({ where: { shop: bench.shop, channel: "SMS" } })).toBeGreaterThan(0);
  });

  it("stays off until the merchant switches it on", async () => {
    bench = await startCareBench({ shopSettings: scenario.shopSettings });
    const customer = bench.prospect();
    await scenario.enroll(bench, customer);
    await bench.advance(scenario.delay + 7 * DAY);
    expect(bench.emailsTo(customer.email)).toHaveLength(0);
    expect(await prisma.flowRun.count({ where: { shop: bench.shop } })).toBe(0);
  });
});
