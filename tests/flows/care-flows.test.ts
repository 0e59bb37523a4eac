import { afterEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { isInHoldout } from "~/modules/recovery/holdout";
import { careFlowResults } from "~/modules/flows/report.server";
import { getEnv } from "~/env.server";
import { loader as ratingLoader, action as ratingAction } from "~/routes/r.$token";
import { action as inboundEmail } from "~/routes/inbound.email";
import { careStates, DAY, HOUR, startCareBench, type CareBench } from "./harness";

let bench: CareBench | null = null;
afterEach(async () => {
  await bench?.close();
  bench = null;
});

function ratingLink(text: string, score: number): string {
  const match = new RegExp(`- ${score}/5: (https://kindly\\.test/r/[A-Za-z0-9_.-]+)`).exec(text);
  if (!match) throw new Error(`no ${score}/5 link in:\n${text}`);
  return match[1];
}

async function rate(link: string, score: number, comment = "") {
  const token = link.split("/r/")[1];
  const request = new Request(link, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ score: String(score), comment }).toString(),
  });
  return ratingAction({ request, params: { token }, context: {} });
}

describe("post-purchase check-in and its one-click rating", () => {
  async function deliveredAndCheckedIn() {
    bench = await startCareBench();
    await bench.enable("ORDER_DELIVERED");
    await bench.enable("HAPPY_RATING");
    const customer = bench.prospect();
    const order = await bench.order(customer);
    await bench.advance(2 * DAY);
    await bench.ship(order);
    // Planned from the shipment plus a typical transit until the carrier says it arrived, then from the delivery.
    const planned = await prisma.scheduledMessage.findFirstOrThrow({ where: { shop: bench.shop } });
    expect(planned.dueAt.getTime()).toBe(bench.clock.now().getTime() + (3 + 5) * DAY);
    await bench.advance(DAY);
    bench.store.markDelivered(order.id);
    await bench.deliver({ topic: "fulfillment_events/create", order, fulfillment: order.fulfillments[0] });
    const moved = await prisma.scheduledMessage.findFirstOrThrow({ where: { shop: bench.shop } });
    expect(moved.dueAt.getTime()).toBe(bench.clock.now().getTime() + 5 * DAY);
    await bench.advance(5 * DAY);
    const [email] = bench.emailsTo(customer.email);
    expect(email.subject).toContain("How is it going");
    expect(email.text).toContain(order.name);
    return { bench, customer, order, email };
  }

  it("a rating of 2 opens a conversation in the inbox at once, and no review invitation", async () => {
    const { bench, order, email } = await deliveredAndCheckedIn();
    const link = ratingLink(email.text, 2);
    // A mail scanner following the link records nothing: the GET only shows the page with 2 chosen.
    const token = link.split("/r/")[1];
    const page = await ratingLoader({ request: new Request(link), params: { token }, context: {} });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('value="2" checked');
    expect(await prisma.conversation.count({ where: { shop: bench.shop } })).toBe(0);

    const answer = await rate(link, 2, "The mug arrived chipped <b>twice</b>");
    expect(answer.status).toBe(200);
    const conversation = await prisma.conversation.findFirstOrThrow({
      where: { shop: bench.shop },
      include: { messages: true },
    });
    const stored = await prisma.order.findFirstOrThrow({ where: { shop: bench.shop, shopifyId: order.id } });
    expect(conversation).toMatchObject({ status: "OPEN", channel: "EMAIL", orderId: stored.id });
    expect(conversation.customerId).not.toBeNull();
    expect(conversation.messages[0].body).toContain("Rated 2/5");
    expect(conversation.messages[0].body).toContain("The mug arrived chipped <b>twice</b>");
    // Answered once: a second click changes nothing.
    await rate(link, 1);
    expect(await prisma.conversation.count({ where: { shop: bench.shop } })).toBe(1);
    expect(await prisma.messageEvent.count({ where: { shop: bench.shop, type: "RATING" } })).toBe(1);
    await bench.advance(10 * DAY);
    expect(await prisma.flowRun.count({ where: { shop: bench.shop, flow: { trigger: "HAPPY_RATING" } } })).toBe(0);
    expect(bench.smtp.messages()).toHaveLength(1);
  });

  it("a rating of 5 leads to the review invitation, and no conversation", async () => {
    const { bench, customer, email } = await deliveredAndCheckedIn();
    expect((await rate(ratingLink(email.text, 5), 5)).status).toBe(200);
    expect(await prisma.conversation.count({ where: { shop: bench.shop } })).toBe(0);
    await bench.advance(3 * DAY);
    const emails = bench.emailsTo(customer.email);
    expect(emails).toHaveLength(2);
    expect(emails[0].subject).toContain("Thank you for your kind words");
    expect(emails[0].text).toContain("https://maison-claire.example");
    expect(await prisma.conversation.count({ where: { shop: bench.shop } })).toBe(0);
  });

  it("a forged or tampered link records nothing", async () => {
    const { bench, email } = await deliveredAndCheckedIn();
    const link = ratingLink(email.text, 5);
    const tampered = link.slice(0, -3) + (link.endsWith("AAA") ? "BBB" : "AAA");
    expect((await rate(tampered, 1)).status).toBe(400);
    expect(await prisma.messageEvent.count({ where: { shop: bench.shop, type: "RATING" } })).toBe(0);
  });
});

describe("one customer, several flows", () => {
  it("a customer who is both a first-time buyer and a new VIP on the same day gets one message, not two", async () => {
    bench = await startCareBench({ shopSettings: { vipRule: "SPEND_THRESHOLD", vipSpendThreshold: "1" } });
    await bench.enable("FIRST_ORDER");
    await bench.enable("SEGMENT_VIP");
    // Both due at the very same minute: the cap must hold inside one worker pass too.
    const welcome = await prisma.flow.findFirstOrThrow({ where: { shop: bench.shop, trigger: "FIRST_ORDER" } });
    await prisma.flowStep.updateMany({ where: { flowId: welcome.id }, data: { delayMinutes: 60 } });
    const customer = bench.prospect();
    await bench.order(customer);
    const runs = await prisma.flowRun.findMany({ where: { shop: bench.shop }, include: { flow: true } });
    expect(runs.map((run) => run.flow.trigger).sort()).toEqual(["FIRST_ORDER", "SEGMENT_VIP"]);
    await bench.advance(2 * DAY);
    expect(bench.emailsTo(customer.email)).toHaveLength(1);
    const states = [...(await careStates(bench.shop, "FIRST_ORDER")), ...(await careStates(bench.shop, "SEGMENT_VIP"))];
    expect(states.filter(([, state]) => state === "SENT")).toHaveLength(1);
    expect(states.filter(([, state, reason]) => state === "SKIPPED" && reason === "FREQUENCY_CAP")).toHaveLength(1);
  });

  it("another worker's message to the same person, still in flight (queued, not yet sent), holds a care step back", async () => {
    bench = await startCareBench();
    await bench.enable("FIRST_ORDER");
    const customer = bench.prospect();
    await bench.order(customer);
    await bench.advance(DAY - 60_000);
    // What a second worker process leaves while it is mid-send for another flow: a Message row, QUEUED, unsent.
    const kindlyCustomer = await prisma.customer.findFirstOrThrow({ where: { shop: bench.shop } });
    await prisma.message.create({
      data: {
        shop: bench.shop,
        customerId: kindlyCustomer.id,
        channel: "EMAIL",
        toAddress: customer.email,
        replyToken: "inflightmessagetoken0000000",
        status: "QUEUED",
        createdAt: bench.clock.now(),
      },
    });
    await bench.advance(60_000);
    expect(bench.emailsTo(customer.email)).toHaveLength(0);
    expect(await careStates(bench.shop, "FIRST_ORDER")).toEqual([[0, "SKIPPED", "FREQUENCY_CAP"]]);
    // The skipped step leaves no message of its own behind.
    expect(await prisma.message.count({ where: { shop: bench.shop } })).toBe(1);
  });

  it("with the default delays (VIP after an hour, welcome after a day) the welcome yields to the cap too", async () => {
    bench = await startCareBench({ shopSettings: { vipRule: "SPEND_THRESHOLD", vipSpendThreshold: "1" } });
    await bench.enable("FIRST_ORDER");
    await bench.enable("SEGMENT_VIP");
    const customer = bench.prospect();
    await bench.order(customer);
    await bench.advance(3 * DAY);
    const emails = bench.emailsTo(customer.email);
    expect(emails).toHaveLength(1);
    expect(emails[0].subject).toContain("A personal thank you");
    expect((await careStates(bench.shop, "FIRST_ORDER"))[0]).toEqual([0, "SKIPPED", "FREQUENCY_CAP"]);
  });

  it("a second order is not a first order: one welcome per customer", async () => {
    bench = await startCareBench();
    await bench.enable("FIRST_ORDER");
    const customer = bench.prospect();
    await bench.order(customer);
    await bench.advance(2 * DAY);
    await bench.order(customer);
    await bench.advance(3 * DAY);
    expect(bench.emailsTo(customer.email)).toHaveLength(1);
    expect(await prisma.flowRun.count({ where: { shop: bench.shop } })).toBe(1);
  });
});

describe("what each flow says", () => {
  it("the welcome gives the care instructions of what was bought, from the products' data in Shopify", async () => {
    bench = await startCareBench();
    await bench.enable("FIRST_ORDER");
    const [coffee, tea] = bench.store.products;
    bench.store.setMetafields([
      {
        ownerId: coffee.id,
        namespace: "custom",
        key: "care_instructions",
        type: "multi_line_text_field",
        value: "Keep the beans in an airtight tin, away from light; grind just before brewing.",
      },
    ]);
    const customer = bench.prospect();
    await bench.order(customer, { lines: 2 });
    await bench.advance(DAY);
    const [email] = bench.emailsTo(customer.email);
    expect(email.text).toContain(`${coffee.title}: Keep the beans in an airtight tin`);
    // A product without instructions gets no invented tip.
    expect(email.text).not.toContain(`${tea.title}:`);
    expect(email.text).toContain("help@maison-claire.example");
  });

  it("the VIP thank-you can carry a personal code, created in Shopify for that customer only", async () => {
    bench = await startCareBench({ shopSettings: { vipRule: "SPEND_THRESHOLD", vipSpendThreshold: "1" } });
    await bench.enable("SEGMENT_VIP", {
      settingsJson: JSON.stringify({ perk: { kind: "PERCENTAGE", value: 15, expiresInDays: 30 } }),
    });
    const customer = bench.prospect();
    await bench.order(customer);
    await bench.advance(HOUR);
    const [email] = bench.emailsTo(customer.email);
    const grant = await prisma.discountGrant.findFirstOrThrow({ where: { shop: bench.shop, purpose: "VIP_PERK" } });
    expect(email.text).toContain(grant.code);
    expect(email.text).toContain("15 % off");
    expect(email.text).toContain("the top of our list");
    const inShopify = bench.store.discountCodes.find((discount) => discount.code === grant.code);
    expect(inShopify?.customerIds).toEqual([customer.id]);
    expect(inShopify?.usageLimit).toBe(1);
  });

  it("the delay alert says nothing when the order ships within the promise", async () => {
    bench = await startCareBench();
    await bench.enable("ORDER_UNFULFILLED");
    const customer = bench.prospect();
    const order = await bench.order(customer);
    await bench.advance(2 * DAY);
    await bench.ship(order);
    await bench.advance(10 * DAY);
    expect(bench.emailsTo(customer.email)).toHaveLength(0);
    expect(await careStates(bench.shop, "ORDER_UNFULFILLED")).toEqual([
      [0, "CANCELLED", "ORDER_FULFILLED"],
      [1, "CANCELLED", "ORDER_FULFILLED"],
    ]);
  });

  it("the delay alert apologises at the promise, then gives news after a week if it still has not shipped", async () => {
    bench = await startCareBench();
    await bench.enable("ORDER_UNFULFILLED");
    const customer = bench.prospect();
    const order = await bench.order(customer);
    await bench.advance(3 * DAY);
    await bench.advance(4 * DAY);
    const emails = bench.emailsTo(customer.email);
    expect(emails.map((email) => email.subject)).toEqual([
      `An update on your order ${order.name}`,
      `Your order ${order.name} is taking longer than promised`,
    ]);
    expect(emails[1].text).toContain("I'm sorry");
    expect(emails[1].text).toContain(order.statusPageUrl);
  });
});

describe("replies", () => {
  it("a reply to the delay alert's email goes to the inbox and cancels its next step", async () => {
    bench = await startCareBench();
    await bench.enable("ORDER_UNFULFILLED");
    const customer = bench.prospect();
    await bench.order(customer);
    await bench.advance(3 * DAY);
    const [first] = bench.emailsTo(customer.email);
    const raw = [
      `From: ${customer.firstName} <${customer.email}>`,
      `To: ${first.replyTo}`,
      `Subject: Re: ${first.subject}`,
      `In-Reply-To: ${first.messageId}`,
      `Message-ID: <reply-care-1@example.org>`,
      `Date: ${bench.clock.now().toUTCString()}`,
      `Content-Type: text/plain; charset=utf-8`,
      ``,
      `It's a birthday present for Saturday, can it still make it?`,
    ].join("\r\n");
    const response = await inboundEmail({
      request: new Request("https://kindly.test/inbound/email", {
        method: "POST",
        headers: { "Content-Type": "message/rfc822", "X-Kindly-Inbound-Secret": getEnv().INBOUND_EMAIL_SECRET },
        body: raw,
      }),
      params: {},
      context: {},
    });
    expect(response.status).toBeLessThan(300);
    await bench.advance(10 * DAY);
    expect(bench.emailsTo(customer.email)).toHaveLength(1);
    expect(await careStates(bench.shop, "ORDER_UNFULFILLED")).toEqual([
      [0, "SENT", null],
      [1, "CANCELLED", "REPLIED"],
    ]);
    const conversation = await prisma.conversation.findFirstOrThrow({
      where: { shop: bench.shop },
      include: { messages: true },
    });
    expect(conversation.messages[0].body).toContain("birthday present");
    expect(conversation.customerId).not.toBeNull();
  });
});

describe("after a conversation's survey", () => {
  it("a CSAT of 2 reopens the conversation and never brings a review invitation", async () => {
    bench = await startCareBench();
    await bench.enable("HAPPY_RATING");
    const customer = bench.prospect();
    await bench.order(customer);
    await bench.textFrom(customer.phone!, "My grinder makes a strange noise");
    const conversation = await prisma.conversation.findFirstOrThrow({ where: { shop: bench.shop } });
    await prisma.conversation.update({
      where: { id: conversation.id },
      data: { status: "CLOSED", closedAt: bench.clock.now(), csatRequestedAt: bench.clock.now() },
    });
    await bench.advance(HOUR);
    await bench.textFrom(customer.phone!, "2");
    expect(await prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } })).toMatchObject({
      csatScore: 2,
      status: "OPEN",
    });
    await bench.advance(10 * DAY);
    expect(await prisma.flowRun.count({ where: { shop: bench.shop } })).toBe(0);
    expect(bench.emailsTo(customer.email)).toHaveLength(0);
  });
});

describe("holdout per flow", () => {
  it("is stable per customer (every order of a customer lands on the same side) and reported per flow", async () => {
    bench = await startCareBench({ customers: 120 });
    await bench.enable("ORDER_DELIVERED", { holdoutPercent: 50 });
    await bench.enable("FIRST_ORDER", { holdoutPercent: 30 });
    const customers = Array.from({ length: 16 }, () => bench!.prospect());
    for (const customer of customers) {
      const first = await bench.order(customer);
      await bench.ship(first, { delivered: true });
      await bench.advance(HOUR);
      const second = await bench.order(customer);
      await bench.ship(second, { delivered: true });
    }
    const runs = await prisma.flowRun.findMany({
      where: { shop: bench.shop },
      include: { flow: true },
    });
    const kindlyCustomers = await prisma.customer.findMany({ where: { shop: bench.shop } });
    const shopifyIdOf = new Map(kindlyCustomers.map((customer) => [customer.id, customer.shopifyId]));
    for (const customer of kindlyCustomers) {
      const checkIns = runs.filter((run) => run.customerId === customer.id && run.flow.trigger === "ORDER_DELIVERED");
      expect(checkIns).toHaveLength(2);
      expect(new Set(checkIns.map((run) => run.holdout)).size).toBe(1);
    }
    for (const run of runs) {
      const key = `${run.flow.trigger}\n${shopifyIdOf.get(run.customerId!)}`;
      expect(run.holdout).toBe(isInHoldout(bench.shop, key, run.flow.holdoutPercent));
    }
    const heldOutCheckIns = runs.filter((run) => run.flow.trigger === "ORDER_DELIVERED" && run.holdout).length;
    expect(heldOutCheckIns).toBeGreaterThan(0);
    expect(heldOutCheckIns).toBeLessThan(32);
    // Held-out runs have nothing scheduled: they receive nothing.
    expect(await prisma.scheduledMessage.count({ where: { shop: bench.shop, run: { holdout: true } } })).toBe(0);

    await bench.advance(10 * DAY);
    const results = await careFlowResults(bench.shop, new Date(0), bench.clock.now());
    const checkIn = results.find((result) => result.trigger === "ORDER_DELIVERED")!;
    expect(checkIn).toMatchObject({ enabled: true, holdoutPercent: 50, heldOut: heldOutCheckIns });
    expect(checkIn.entered + checkIn.heldOut).toBe(32);
    expect(checkIn.messagesSent).toBe(checkIn.contacted);
    const welcome = results.find((result) => result.trigger === "FIRST_ORDER")!;
    expect(welcome.entered + welcome.heldOut).toBe(16);
    // Every customer ordered again after their first order's welcome run started: the repeat-purchase rate is
    // counted for both sides alike.
    expect(welcome.repeatPurchase.treated).toBe(1);
    if (welcome.heldOut > 0) expect(welcome.repeatPurchase.holdout).toBe(1);
    const vip = results.find((result) => result.trigger === "SEGMENT_VIP")!;
    expect(vip).toMatchObject({ enabled: false, entered: 0, heldOut: 0, repeatPurchase: { lift: null } });
  });
});
