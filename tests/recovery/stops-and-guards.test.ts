import { afterEach, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { getEnv } from "~/env.server";
import { action as inboundEmail } from "~/routes/inbound.email";
import { action as inboundSms } from "~/routes/inbound.sms";
import { loader as clickLoader } from "~/routes/t.c.$token";
import { loader as openLoader } from "~/routes/t.o.$token";
import { recoveryReport } from "~/modules/recovery/report.server";
import { HOUR, T0, checkoutBody, orderBody, startBench, type Bench } from "./harness";
import { startSmtpSink } from "../support/smtp-sink";
import { twilioSignature } from "../support/fake-twilio";
import { webhookRequest } from "../support/webhooks";
import { action as checkoutsCreate } from "~/routes/webhooks.checkouts.create";

let bench: Bench;
beforeEach(async () => {
  bench = await startBench();
});
afterEach(async () => {
  await bench.close();
});

async function stepStates() {
  const rows = await prisma.scheduledMessage.findMany({
    where: { shop: bench.shop },
    orderBy: [{ createdAt: "asc" }, { stepPosition: "asc" }],
  });
  return rows.map((row) => [row.stepPosition, row.state, row.skipReason ?? row.deferReason ?? null]);
}

function linkFrom(html: string, kind: "c" | "o"): string {
  const match = new RegExp(`https://kindly\\.test/t/${kind}/([A-Za-z0-9_.-]+)`).exec(html);
  if (!match) throw new Error(`no /t/${kind}/ link in the email`);
  return match[1];
}

describe("the sequence stops", () => {
  it("when the order is placed at +2 h: nothing more is sent, and the order counts as recovered by the first email", async () => {
    const body = checkoutBody();
    await bench.deliver("checkouts/create", body);
    await bench.advance(HOUR);
    await bench.advance(HOUR);
    await bench.deliver(
      "orders/create",
      orderBody({ checkoutToken: body.token, processedAt: bench.clock.now(), total: "89.00" }),
    );
    await bench.advance(5 * 24 * HOUR);
    expect(bench.smtp.messages()).toHaveLength(1);
    expect(bench.twilio.messages()).toHaveLength(0);
    expect(await stepStates()).toEqual([
      [0, "SENT", null],
      [1, "CANCELLED", "ORDER_PLACED"],
      [2, "CANCELLED", "ORDER_PLACED"],
      [3, "CANCELLED", "ORDER_PLACED"],
    ]);
    const run = await prisma.flowRun.findFirstOrThrow({ where: { shop: bench.shop } });
    expect(run).toMatchObject({
      state: "STOPPED",
      stopReason: "ORDER_PLACED",
      recovered: true,
      attributedStep: 0,
      attributedChannel: "EMAIL",
    });
    expect(Number(run.convertedRevenue)).toBe(89);
    const report = await recoveryReport(
      bench.shop,
      new Date(T0.getTime() - HOUR),
      new Date(T0.getTime() + 30 * 24 * HOUR),
    );
    expect(report).toMatchObject({
      checkoutsInFlow: 1,
      contacted: 1,
      recovered: 1,
      recoveredRevenue: 89,
      recoveryRate: 1,
    });
    expect(report.byStep).toEqual([{ step: 0, channel: "EMAIL", recovered: 1, revenue: 89 }]);
  });

  it("when the same shopper orders on another checkout (another device): matched by email", async () => {
    await bench.deliver("checkouts/create", checkoutBody());
    await bench.advance(HOUR);
    await bench.deliver(
      "orders/create",
      orderBody({
        checkoutToken: "another-device-token",
        email: "Camille@Example.org",
        processedAt: bench.clock.now(),
      }),
    );
    await bench.advance(4 * 24 * HOUR);
    expect(bench.smtp.messages()).toHaveLength(1);
    const run = await prisma.flowRun.findFirstOrThrow({ where: { shop: bench.shop } });
    expect(run).toMatchObject({ stopReason: "ORDER_PLACED", recovered: true });
  });

  it("an order before any message is a conversion, not a recovery", async () => {
    const body = checkoutBody();
    await bench.deliver("checkouts/create", body);
    await bench.advance(30 * 60_000);
    await bench.deliver("orders/create", orderBody({ checkoutToken: body.token, processedAt: bench.clock.now() }));
    await bench.advance(4 * 24 * HOUR);
    expect(bench.smtp.messages()).toHaveLength(0);
    expect(await prisma.flowRun.findFirstOrThrow({ where: { shop: bench.shop } })).toMatchObject({
      recovered: false,
      attributedStep: null,
    });
  });

  it("an order that arrives before its checkout still completes it: no sequence starts", async () => {
    const body = checkoutBody();
    await bench.deliver("orders/create", orderBody({ checkoutToken: body.token, processedAt: T0 }));
    await bench.deliver("checkouts/create", body);
    await bench.advance(4 * 24 * HOUR);
    expect(bench.smtp.messages()).toHaveLength(0);
    expect(await prisma.checkout.findFirstOrThrow({ where: { shop: bench.shop } })).toMatchObject({
      status: "COMPLETED",
    });
  });

  it("when the shopper replies by email at +5 h: the conversation is recorded and nothing more is sent", async () => {
    await bench.deliver("checkouts/create", checkoutBody());
    await bench.advance(HOUR);
    const [first] = bench.smtp.messages();
    await bench.advance(4 * HOUR); // the SMS went at +4 h: not engaged yet
    expect(bench.twilio.messages()).toHaveLength(1);
    const raw = [
      `From: Camille <camille@example.org>`,
      `To: ${first.replyTo}`,
      `Subject: Re: ${first.subject}`,
      `In-Reply-To: ${first.messageId}`,
      `Message-ID: <reply-1@example.org>`,
      `Date: ${bench.clock.now().toUTCString()}`,
      `Content-Type: text/plain; charset=utf-8`,
      ``,
      `Ma carte a été refusée deux fois, pouvez-vous m'aider ?`,
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
    await bench.advance(4 * 24 * HOUR);
    expect(bench.smtp.messages()).toHaveLength(1);
    expect((await stepStates()).slice(2)).toEqual([
      [2, "CANCELLED", "REPLIED"],
      [3, "CANCELLED", "REPLIED"],
    ]);
    const conversation = await prisma.conversation.findFirstOrThrow({
      where: { shop: bench.shop },
      include: { messages: true },
    });
    expect(conversation.channel).toBe("EMAIL");
    expect(conversation.messages[0].body).toContain("Ma carte a été refusée");
  });

  it("when the shopper replies by SMS, and STOP suppresses the number for later checkouts", async () => {
    await bench.deliver("checkouts/create", checkoutBody());
    await bench.advance(4 * HOUR);
    expect(bench.twilio.messages()).toHaveLength(1);
    const sendInbound = async (text: string) => {
      const params = {
        From: "+33612345678",
        To: "+33700000001",
        Body: text,
        MessageSid: `SM${"0".repeat(31)}${text.length}`,
        AccountSid: bench.twilio.accountSid,
      };
      const url = `${getEnv().SHOPIFY_APP_URL}/inbound/sms`;
      return inboundSms({
        request: new Request(url, {
          method: "POST",
          headers: {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Twilio-Signature": twilioSignature(bench.twilio.authToken, url, params),
          },
          body: new URLSearchParams(params).toString(),
        }),
        params: {},
        context: {},
      });
    };
    expect((await sendInbound("Oui, le paiement ne passe pas")).status).toBe(200);
    await bench.advance(24 * HOUR);
    expect(bench.smtp.messages()).toHaveLength(1);
    expect((await stepStates()).slice(2)).toEqual([
      [2, "CANCELLED", "REPLIED"],
      [3, "CANCELLED", "REPLIED"],
    ]);
    expect(await prisma.conversation.count({ where: { shop: bench.shop, channel: "SMS" } })).toBe(1);

    expect((await sendInbound("STOP")).status).toBe(200);
    // A new checkout from the same number: the email goes, the SMS never does.
    await bench.deliver(
      "checkouts/create",
      checkoutBody({ email: "camille.autre@example.org", updatedAt: bench.clock.now(), createdAt: bench.clock.now() }),
    );
    await bench.advance(5 * HOUR);
    expect(bench.twilio.messages()).toHaveLength(1);
    const states = await stepStates();
    expect(states.slice(4, 6)).toEqual([
      [0, "SENT", null],
      [1, "SKIPPED", "OPTED_OUT"],
    ]);
  });
});

const IPHONE_SAFARI =
  "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";

describe("engagement decides the SMS", () => {
  it("a click on the first email means no SMS", async () => {
    await bench.deliver("checkouts/create", checkoutBody());
    await bench.advance(HOUR);
    const token = linkFrom(bench.smtp.messages()[0].html ?? "", "c");
    bench.clock.advance(30 * 60_000);
    const response = await clickLoader({
      request: new Request(`https://kindly.test/t/c/${token}`, { headers: { "User-Agent": IPHONE_SAFARI } }),
      params: { token },
      context: {},
    });
    expect(response.status).toBe(302);
    await bench.advance(3 * HOUR);
    expect(bench.twilio.messages()).toHaveLength(0);
    expect((await stepStates())[1]).toEqual([1, "SKIPPED", "ENGAGED"]);
  });

  it("a machine open alone (a privacy proxy fetching the pixel at delivery) still gets the SMS", async () => {
    await bench.deliver("checkouts/create", checkoutBody());
    await bench.advance(HOUR);
    const token = linkFrom(bench.smtp.messages()[0].html ?? "", "o");
    await openLoader({
      request: new Request(`https://kindly.test/t/o/${token}`, { headers: { "User-Agent": "Mozilla/5.0" } }),
      params: { token },
      context: {},
    });
    await bench.advance(3 * HOUR);
    expect(bench.twilio.messages()).toHaveLength(1);
    expect(await prisma.messageEvent.findMany({ where: { shop: bench.shop }, select: { type: true } })).toEqual([
      { type: "MACHINE_OPEN" },
    ]);
  });
});

describe("consent, quiet hours and the 48 h SMS window", () => {
  it("no SMS consent: no SMS, with the reason recorded; the emails still go", async () => {
    await bench.deliver("checkouts/create", checkoutBody({ smsConsent: false }));
    await bench.advance(24 * HOUR);
    expect(bench.twilio.messages()).toHaveLength(0);
    expect(bench.smtp.messages()).toHaveLength(2);
    expect((await stepStates())[1]).toEqual([1, "SKIPPED", "NO_CONSENT"]);
  });

  it("no email consent: nothing by email by default", async () => {
    await bench.deliver("checkouts/create", checkoutBody({ emailConsent: false, smsConsent: false }));
    await bench.advance(4 * 24 * HOUR);
    expect(bench.smtp.messages()).toHaveLength(0);
    expect((await stepStates()).map((row) => row[2])).toEqual(["NO_CONSENT", "NO_CONSENT", "NO_CONSENT", "NO_CONSENT"]);
  });

  it("an SMS due at 22:30 recipient time is deferred to 08:00", async () => {
    // Abandoned at 18:30 Paris (17:30 UTC): the SMS is due at 22:30 Paris.
    const at = new Date("2026-11-24T17:30:00Z");
    bench.clock.set(at);
    await bench.deliver("checkouts/create", checkoutBody({ updatedAt: at, createdAt: at }));
    await bench.advance(4 * HOUR);
    expect(bench.twilio.messages()).toHaveLength(0);
    const deferred = await prisma.scheduledMessage.findFirstOrThrow({ where: { shop: bench.shop, stepPosition: 1 } });
    expect(deferred).toMatchObject({
      state: "PENDING",
      deferReason: "QUIET_HOURS",
      dueAt: new Date("2026-11-25T07:00:00Z"),
    });
    expect(deferred.originalDueAt).toEqual(new Date("2026-11-24T21:30:00Z"));
    bench.clock.set(new Date("2026-11-25T06:59:00Z"));
    await bench.runWorker();
    expect(bench.twilio.messages()).toHaveLength(0);
    await bench.advance(60_000);
    expect(bench.twilio.messages()).toHaveLength(1);
  });

  it("an SMS that could only go after 48 h is skipped with its reason, never sent late", async () => {
    // The shop moved the SMS step to +47 h; it falls at 03:30 Paris and 08:00 is past the window.
    const flow = await prisma.flow.findFirstOrThrow({ where: { shop: bench.shop }, include: { steps: true } });
    await prisma.flowStep.updateMany({ where: { flowId: flow.id, position: 1 }, data: { delayMinutes: 47 * 60 } });
    const at = new Date("2026-11-24T03:30:00Z");
    bench.clock.set(at);
    await bench.deliver("checkouts/create", checkoutBody({ updatedAt: at, createdAt: at }));
    await bench.advance(47 * HOUR);
    expect(bench.twilio.messages()).toHaveLength(0);
    expect((await stepStates())[1]).toEqual([1, "SKIPPED", "SMS_WINDOW_PASSED"]);
  });
});

describe("duplicates and order of delivery", () => {
  it("the same webhook three times, and checkouts/update before checkouts/create: one sequence, no double send", async () => {
    const body = checkoutBody();
    for (let i = 0; i < 3; i++) expect((await bench.deliver("checkouts/create", body, "event-1")).status).toBe(200);
    const update = { ...body, updated_at: new Date(T0.getTime() + 10 * 60_000).toISOString() };
    await bench.deliver("checkouts/update", update, "event-2");

    // A stale create arriving last changes nothing.
    await bench.deliver("checkouts/create", body, "event-3");
    expect(await prisma.webhookEvent.count({ where: { shop: bench.shop } })).toBe(3);
    expect(await prisma.flowRun.count({ where: { shop: bench.shop } })).toBe(1);
    await bench.advance(HOUR);
    expect(bench.smtp.messages()).toHaveLength(0); // delays count from the last activity (+10 min)
    await bench.advance(10 * 60_000);
    expect(bench.smtp.messages()).toHaveLength(1);
    await bench.advance(3 * HOUR);
    expect(bench.twilio.messages()).toHaveLength(1);
    await bench.advance(4 * 24 * HOUR);
    expect(bench.smtp.messages()).toHaveLength(3);
    expect(bench.twilio.messages()).toHaveLength(1);
  });

  it("accepts the legacy shape with a top-level id and keeps big ids exact", async () => {
    await bench.deliver("checkouts/create", checkoutBody({ withId: true }));
    const checkout = await prisma.checkout.findFirstOrThrow({ where: { shop: bench.shop } });
    expect(checkout.shopifyId).toBe("gid://shopify/Checkout/981820079255243537");
  });

  it("a signed but unusable payload is answered 200 and stored as rejected, with nothing else written", async () => {
    const request = webhookRequest({
      appUrl: "https://kindly.test",
      apiSecret: "test-api-secret",
      topic: "checkouts/create",
      shop: bench.shop,
      body: "{not json",
    });
    expect((await checkoutsCreate({ request, params: {}, context: {} })).status).toBe(200);
    const noContact = webhookRequest({
      appUrl: "https://kindly.test",
      apiSecret: "test-api-secret",
      topic: "checkouts/create",
      shop: bench.shop,
      body: JSON.stringify(checkoutBody({ email: null, phone: null })),
    });
    expect((await checkoutsCreate({ request: noContact, params: {}, context: {} })).status).toBe(200);
    const events = await prisma.webhookEvent.findMany({ where: { shop: bench.shop }, orderBy: { error: "asc" } });
    expect(events.map((event) => [event.status, event.error])).toEqual([
      ["REJECTED", "The body is not valid JSON"],
      ["REJECTED", "The checkout has no email or phone to help the shopper on"],
    ]);
    expect(await prisma.checkout.count({ where: { shop: bench.shop } })).toBe(0);
  });

  it("a bad HMAC gets 401 and stores nothing", async () => {
    const request = webhookRequest({
      appUrl: "https://kindly.test",
      apiSecret: "not-the-secret",
      topic: "checkouts/create",
      shop: bench.shop,
      body: JSON.stringify(checkoutBody()),
    });
    const outcome = await checkoutsCreate({ request, params: {}, context: {} }).catch((thrown: unknown) => thrown);
    expect(outcome).toBeInstanceOf(Response);
    expect((outcome as Response).status).toBe(401);
    expect(await prisma.webhookEvent.count({ where: { shop: bench.shop } })).toBe(0);
  });
});

describe("delivery failures", () => {
  it("SMTP down for a while: retried with backoff, then delivered once", async () => {
    await bench.deliver("checkouts/create", checkoutBody({ smsConsent: false }));
    const port = bench.smtp.port;
    await bench.smtp.close();
    await bench.advance(HOUR);
    await bench.advance(60_000); // first retry, still down
    const retried = await prisma.scheduledMessage.findFirstOrThrow({ where: { shop: bench.shop, stepPosition: 0 } });
    expect(retried).toMatchObject({ state: "PENDING", attempts: 2 });
    expect(retried.lastError).toMatch(/ECONNREFUSED|connect/i);
    const revived = await startSmtpSink({ port, now: () => bench.clock.now() });
    try {
      await bench.advance(2 * 60_000);
      expect(revived.messages()).toHaveLength(1);
      expect(
        await prisma.scheduledMessage.findFirstOrThrow({ where: { shop: bench.shop, stepPosition: 0 } }),
      ).toMatchObject({ state: "SENT", attempts: 3 });
    } finally {
      await revived.close();
    }
  });

  it("Twilio 503 then recovery: the SMS is retried and sent once", async () => {
    await bench.deliver("checkouts/create", checkoutBody());
    bench.twilio.failNext(503, 1);
    await bench.advance(4 * HOUR);
    expect(bench.twilio.messages()).toHaveLength(0);
    await bench.advance(60_000);
    expect(bench.twilio.messages()).toHaveLength(1);
    expect(bench.twilio.requestCount()).toBe(2);
  });

  it("a permanent failure ends visible as FAILED, with the reason", async () => {
    await prisma.shop.update({ where: { shop: bench.shop }, data: { smtpUrlEncrypted: null } });
    await bench.deliver("checkouts/create", checkoutBody({ smsConsent: false }));
    await bench.advance(HOUR);
    const failed = await prisma.scheduledMessage.findFirstOrThrow({ where: { shop: bench.shop, stepPosition: 0 } });
    expect(failed.state).toBe("FAILED");
    expect(failed.lastError).toBeTruthy();
    expect(await prisma.message.findFirstOrThrow({ where: { scheduledId: failed.id } })).toMatchObject({
      status: "FAILED",
    });
  });
});

describe("holdout", () => {
  it("a checkout in the holdout receives nothing, and its conversion is counted against the others", async () => {
    await prisma.flow.updateMany({ where: { shop: bench.shop }, data: { holdoutPercent: 50 } });
    const tokens = Array.from({ length: 12 }, (_, i) => `holdout-token-${i}`);
    for (const token of tokens)
      await bench.deliver("checkouts/create", checkoutBody({ token, email: `${token}@example.org`, phone: null }));
    const runs = await prisma.flowRun.findMany({ where: { shop: bench.shop } });
    const held = runs.filter((run) => run.holdout);
    expect(held.length).toBeGreaterThan(0);
    expect(held.length).toBeLessThan(12);
    await bench.advance(HOUR);
    expect(bench.smtp.messages()).toHaveLength(12 - held.length);
    // Same assignment on a second delivery of the same checkout.
    await bench.deliver("checkouts/update", {
      ...checkoutBody({ token: tokens[0], email: `${tokens[0]}@example.org`, phone: null }),
      updated_at: bench.clock.now().toISOString(),
    });
    expect(await prisma.flowRun.count({ where: { shop: bench.shop, holdout: true } })).toBe(held.length);
  });
});
