import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { checkoutTimeline, listRecoveryCheckouts, type TimelineEvent } from "~/modules/recovery/timeline.server";
import { ensureRecoveryFlow } from "~/modules/recovery/flow.server";
import { describeEvent } from "~/components/recovery/Timeline";
import { SKIP_REASONS, STOP_REASONS, skipSentence, stopSentence } from "~/components/recovery/reasons";
import { createShop } from "../../../tests/support/factories";

const T0 = new Date("2026-11-20T21:00:00Z");
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

/**
 * A checkout whose story has every kind of moment: sent email opened by Apple's proxy and then by the shopper, an
 * SMS deferred by quiet hours then skipped because the shopper had engaged, a failed email, and a recovered order.
 */
async function seedStory(shop: string) {
  const flow = await ensureRecoveryFlow(prisma, shop, { enabled: true });
  const checkout = await prisma.checkout.create({
    data: {
      shop,
      token: `tok-${shop}`,
      email: "camille@example.org",
      phone: "+33612345678",
      firstName: "<b>Camille</b>",
      currencyCode: "EUR",
      totalPrice: "83.00",
      lineItemsJson: JSON.stringify([
        { title: "Linen shirt", quantity: 1, price: "59.00" },
        { title: "Socks", quantity: 2, price: "12.00" },
      ]),
      shopifyCreatedAt: at(-20),
      shopifyUpdatedAt: at(0),
    },
  });
  const run = await prisma.flowRun.create({
    data: { shop, flowId: flow.id, subjectType: "CHECKOUT", subjectId: checkout.id, anchorAt: at(0), createdAt: at(1) },
  });
  const email = await prisma.scheduledMessage.create({
    data: { shop, runId: run.id, stepPosition: 0, channel: "EMAIL", dueAt: at(60), state: "SENT", attempts: 1 },
  });
  const message = await prisma.message.create({
    data: {
      shop,
      scheduledId: email.id,
      channel: "EMAIL",
      toAddress: "camille@example.org",
      subject: "Can I help with your order, <b>Camille</b>?",
      replyToken: `reply-${shop}`,
      status: "SENT",
      sentAt: at(60),
    },
  });
  await prisma.messageEvent.createMany({
    data: [
      {
        shop,
        messageId: message.id,
        type: "MACHINE_OPEN",
        at: new Date(at(60).getTime() + 2_000),
        detailJson: JSON.stringify({ reason: "PRIVACY_PROXY", agent: "Apple Mail Privacy Protection" }),
      },
      { shop, messageId: message.id, type: "OPEN", at: at(600) },
      { shop, messageId: message.id, type: "CLICK", at: at(605) },
    ],
  });
  // SMS due at 02:00 Paris time (quiet hours): deferred to the morning, then skipped because the shopper had engaged.
  await prisma.scheduledMessage.create({
    data: {
      shop,
      runId: run.id,
      stepPosition: 1,
      channel: "SMS",
      originalDueAt: at(240),
      dueAt: at(660),
      deferReason: "QUIET_HOURS",
      state: "SKIPPED",
      skipReason: "ENGAGED",
    },
  });
  await prisma.scheduledMessage.create({
    data: {
      shop,
      runId: run.id,
      stepPosition: 2,
      channel: "EMAIL",
      dueAt: at(1440),
      state: "FAILED",
      attempts: 5,
      lastError: "550 5.1.1 mailbox unavailable",
    },
  });
  await prisma.scheduledMessage.create({
    data: {
      shop,
      runId: run.id,
      stepPosition: 3,
      channel: "EMAIL",
      dueAt: at(4320),
      state: "CANCELLED",
      skipReason: "ORDER_PLACED",
    },
  });
  const order = await prisma.order.create({
    data: {
      shop,
      shopifyId: `gid://shopify/Order/${shop.length}9007199254740993`,
      name: "#1042",
      totalPrice: "83.00",
      currencyCode: "EUR",
      processedAt: at(1500),
    },
  });
  await prisma.checkout.update({
    where: { id: checkout.id },
    data: { status: "COMPLETED", orderId: order.id, completedAt: at(1500) },
  });
  await prisma.flowRun.update({
    where: { id: run.id },
    data: {
      state: "STOPPED",
      stopReason: "ORDER_PLACED",
      stoppedAt: at(1501),
      convertedOrderId: order.id,
      convertedRevenue: "83.00",
      convertedAt: at(1500),
      recovered: true,
      attributedStep: 0,
      attributedChannel: "EMAIL",
    },
  });
  return { checkout, run, message };
}

describe("checkoutTimeline", () => {
  it("tells a seeded checkout's story in time order: sent, machine vs human open, deferred, skipped with reason, failed, recovered", async () => {
    const { shop } = await createShop();
    const { checkout, message } = await seedStory(shop);

    const timeline = await checkoutTimeline(shop, checkout.id);

    expect(timeline).not.toBeNull();
    const events = timeline!.events;
    expect(events.map((event) => event.kind)).toEqual([
      "CHECKOUT_CREATED",
      "CHECKOUT_UPDATED",
      "ENTERED_FLOW",
      "STEP_SCHEDULED",
      "STEP_SCHEDULED",
      "STEP_SCHEDULED",
      "STEP_SCHEDULED",
      "MESSAGE_SENT",
      "MACHINE_OPENED",
      "STEP_DEFERRED",
      "OPENED",
      "CLICKED",
      "STEP_SKIPPED",
      "MESSAGE_FAILED",
      "ORDER_PLACED",
      "RUN_STOPPED",
    ]);
    const find = <K extends TimelineEvent["kind"]>(kind: K) =>
      events.find((event) => event.kind === kind) as Extract<TimelineEvent, { kind: K }>;
    expect(find("CHECKOUT_CREATED")).toMatchObject({ itemCount: 3, total: "83", currencyCode: "EUR" });
    expect(find("MESSAGE_SENT")).toEqual({
      kind: "MESSAGE_SENT",
      at: at(60).toISOString(),
      step: 0,
      channel: "EMAIL",
      to: "camille@example.org",
      subject: "Can I help with your order, <b>Camille</b>?",
      messageId: message.id,
    });
    expect(find("MACHINE_OPENED")).toMatchObject({
      step: 0,
      agent: "Apple Mail Privacy Protection",
      reason: "PRIVACY_PROXY",
    });
    expect(find("STEP_DEFERRED")).toEqual({
      kind: "STEP_DEFERRED",
      at: at(240).toISOString(),
      from: at(240).toISOString(),
      to: at(660).toISOString(),
      reason: "QUIET_HOURS",
      step: 1,
      channel: "SMS",
    });
    expect(find("STEP_SKIPPED")).toMatchObject({
      step: 1,
      channel: "SMS",
      reason: "ENGAGED",
      at: at(660).toISOString(),
    });
    expect(find("MESSAGE_FAILED")).toMatchObject({ step: 2, error: "550 5.1.1 mailbox unavailable", attempts: 5 });
    expect(find("ORDER_PLACED")).toEqual({
      kind: "ORDER_PLACED",
      at: at(1500).toISOString(),
      orderName: "#1042",
      revenue: "83",
      currencyCode: "EUR",
      recovered: true,
      attributed: { step: 0, channel: "EMAIL" },
    });
    // The last step was cancelled by the stop: said once, on the stop.
    expect(find("RUN_STOPPED")).toEqual({
      kind: "RUN_STOPPED",
      at: at(1501).toISOString(),
      reason: "ORDER_PLACED",
      cancelledSteps: [3],
    });
    expect(timeline!.upcoming).toEqual([]);
    expect(timeline!.run).toEqual({ state: "STOPPED", stopReason: "ORDER_PLACED", holdout: false, recovered: true });
  });

  it("says the open by a privacy proxy is not counted, distinctly from the shopper's own open, and keeps shopper text as text", async () => {
    const { shop } = await createShop();
    const { checkout } = await seedStory(shop);
    const timeline = (await checkoutTimeline(shop, checkout.id))!;
    const words = (kind: TimelineEvent["kind"]) =>
      describeEvent(
        timeline.events.find((event) => event.kind === kind)!,
        "Europe/Paris",
      );
    expect(words("MACHINE_OPENED").title).toBe("Step 1 (Email) opened by a privacy proxy, not counted");
    expect(words("OPENED").title).toBe("Step 1 (Email) opened by the shopper");
    expect(words("STEP_SKIPPED").detail).toContain("already engaged");
    expect(words("STEP_DEFERRED").detail).toMatch(
      /Quiet hours.*Moved from Nov 21, 2026, 2:00 AM to Nov 21, 2026, 9:00 AM/,
    );
    expect(words("MESSAGE_FAILED").detail).toContain("The provider said: 550 5.1.1 mailbox unavailable");
    expect(words("ORDER_PLACED")).toMatchObject({
      title: "Recovered: order #1042 placed for €83.00",
      tag: "Recovered",
    });
    // Plain strings for React to escape, never markup Kindly would inject.
    expect(words("MESSAGE_SENT").detail).toBe("Subject: Can I help with your order, <b>Camille</b>?");
  });

  it("lists the steps still planned, with deferrals flagged", async () => {
    const { shop } = await createShop();
    const flow = await ensureRecoveryFlow(prisma, shop, { enabled: true });
    const checkout = await prisma.checkout.create({ data: { shop, token: "planned", email: "a@example.org" } });
    const run = await prisma.flowRun.create({
      data: { shop, flowId: flow.id, subjectType: "CHECKOUT", subjectId: checkout.id, anchorAt: at(0) },
    });
    await prisma.scheduledMessage.createMany({
      data: [
        { shop, runId: run.id, stepPosition: 0, channel: "EMAIL", dueAt: at(60) },
        {
          shop,
          runId: run.id,
          stepPosition: 1,
          channel: "SMS",
          dueAt: at(660),
          originalDueAt: at(240),
          deferReason: "QUIET_HOURS",
        },
      ],
    });
    const timeline = (await checkoutTimeline(shop, checkout.id))!;
    expect(timeline.upcoming).toEqual([
      { step: 0, channel: "EMAIL", dueAt: at(60).toISOString(), deferred: false },
      { step: 1, channel: "SMS", dueAt: at(660).toISOString(), deferred: true },
    ]);
  });

  it("shows a holdout checkout as such, and an order without any message as not recovered", async () => {
    const { shop } = await createShop();
    const flow = await ensureRecoveryFlow(prisma, shop, { enabled: true });
    const checkout = await prisma.checkout.create({
      data: { shop, token: "holdout", email: "h@example.org", status: "COMPLETED", completedAt: at(30) },
    });
    await prisma.flowRun.create({
      data: {
        shop,
        flowId: flow.id,
        subjectType: "CHECKOUT",
        subjectId: checkout.id,
        anchorAt: at(0),
        holdout: true,
        convertedAt: at(30),
        convertedRevenue: "40.00",
      },
    });
    const timeline = (await checkoutTimeline(shop, checkout.id))!;
    expect(timeline.events.find((event) => event.kind === "ENTERED_FLOW")).toMatchObject({ holdout: true });
    const order = timeline.events.find((event) => event.kind === "ORDER_PLACED");
    expect(order).toMatchObject({ recovered: false, revenue: "40", attributed: null });
    expect(describeEvent(order!, "UTC").detail).toContain("does not count as recovered");
  });

  it("does not find another shop's checkout", async () => {
    const a = await createShop();
    const b = await createShop();
    const { checkout } = await seedStory(b.shop);
    expect(await checkoutTimeline(a.shop, checkout.id)).toBeNull();
    expect(await checkoutTimeline(a.shop, "no-such-checkout")).toBeNull();
  });
});

describe("reasons in plain words", () => {
  it("has a sentence for every skip and stop reason, never the bare code", () => {
    for (const reason of SKIP_REASONS) {
      for (const channel of ["EMAIL", "SMS"] as const) {
        const sentence = skipSentence(reason, channel);
        expect(sentence, reason).not.toContain(reason);
        expect(sentence, reason).toMatch(/^[A-Z].*\.$/);
      }
    }
    for (const reason of STOP_REASONS) {
      expect(stopSentence(reason), reason).not.toContain(reason);
    }
  });
});

describe("listRecoveryCheckouts", () => {
  it("pages the shop's checkouts in the flow, newest first, 25 at a time", async () => {
    const { shop } = await createShop();
    const other = await createShop();
    const flow = await ensureRecoveryFlow(prisma, shop, { enabled: true });
    await seedStory(other.shop);
    for (let i = 0; i < 27; i++) {
      const checkout = await prisma.checkout.create({
        data: { shop, token: `list-${i}`, email: `s${i}@example.org`, firstName: `Shopper ${i}` },
      });
      await prisma.flowRun.create({
        data: {
          shop,
          flowId: flow.id,
          subjectType: "CHECKOUT",
          subjectId: checkout.id,
          anchorAt: at(i),
          createdAt: at(i),
        },
      });
    }
    const first = await listRecoveryCheckouts(shop, 1);
    expect(first).toMatchObject({ page: 1, total: 27, pageCount: 2, hasPrevious: false, hasNext: true });
    expect(first.rows).toHaveLength(25);
    expect(first.rows[0]).toMatchObject({
      label: "Shopper 26",
      contact: "s26@example.org",
      state: "ACTIVE",
      messagesSent: 0,
      recovered: false,
    });
    const second = await listRecoveryCheckouts(shop, 2);
    expect(second.rows.map((row) => row.label)).toEqual(["Shopper 1", "Shopper 0"]);
    expect(second).toMatchObject({ hasPrevious: true, hasNext: false });
    // Nonsense page numbers fall back to the first page.
    expect((await listRecoveryCheckouts(shop, Number.NaN)).page).toBe(1);
  });
});
