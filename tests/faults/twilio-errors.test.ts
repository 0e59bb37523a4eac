import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { backoffMs } from "~/jobs/scheduler.server";
import { checkoutBody } from "../recovery/harness";
import { HOUR, MINUTE, T0, startFaultBench, states, type FaultBench } from "./bench";

/**
 * Fault (c): Twilio answers 500 for a while, then 429 with Retry-After, then recovers; two numbers are refused for
 * good (400, 21211). Retryable answers are retried with backoff (never before Retry-After), each SMS is sent once,
 * and the permanent refusals end FAILED with Twilio's reason on the row and the message.
 */
let bench: FaultBench;
beforeAll(async () => {
  bench = await startFaultBench();
});
afterAll(async () => {
  await bench?.close();
});

const SHOPPERS = 20;
const RETRY_AFTER_SECONDS = 600;

describe("Twilio failing", () => {
  it("retries 500s and 429s (honouring Retry-After), sends each SMS once, and shows permanent refusals as FAILED", async () => {
    const phones = Array.from({ length: SHOPPERS }, (_, index) => `+336${String(20_000_000 + index)}`);
    const rejected = phones.slice(0, 2);
    for (const phone of rejected) bench.twilio.rejectNumber(phone);
    const deliveries = phones.map((phone, index) => ({
      topic: "checkouts/create" as const,
      body: checkoutBody({ email: `sms${index}@example.org`, phone, updatedAt: T0, smsConsent: true }),
    }));
    bench.cluster.clock.set(new Date(T0.getTime() + 5 * MINUTE));
    expect(new Set(await bench.deliver(deliveries))).toEqual(new Set([200]));
    // The first emails go out at +1 h (the SMS's condition is "not engaged": nobody opens them here).
    await bench.runUntil(new Date(T0.getTime() + HOUR + 5 * MINUTE));
    expect(bench.emails()).toHaveLength(SHOPPERS);

    // +4 h: Twilio answers 500 to everything.
    bench.twilio.failAll(500);
    bench.cluster.clock.set(new Date(T0.getTime() + 4 * HOUR));
    await bench.settle();
    let sms = await prisma.scheduledMessage.findMany({ where: { shop: bench.shop, channel: "SMS" } });
    expect(sms.map((row) => [row.state, row.attempts])).toEqual(sms.map(() => ["PENDING", 1]));
    expect(sms.every((row) => /Twilio 500/.test(row.lastError ?? ""))).toBe(true);
    expect(sms.every((row) => row.dueAt.getTime() === T0.getTime() + 4 * HOUR + backoffMs(1))).toBe(true);
    expect(bench.twilio.requestCount()).toBe(SHOPPERS);

    // One minute later, the retry meets a 429 with Retry-After: 600 s. Nobody asks again before then.
    bench.twilio.failAll(429, { retryAfterSeconds: RETRY_AFTER_SECONDS });
    const rateLimitedAt = bench.cluster.clock.advance(backoffMs(1));
    await bench.settle();
    sms = await prisma.scheduledMessage.findMany({ where: { shop: bench.shop, channel: "SMS" } });
    expect(sms.every((row) => row.state === "PENDING" && /Twilio 429/.test(row.lastError ?? ""))).toBe(true);
    expect(sms.every((row) => row.dueAt.getTime() === rateLimitedAt.getTime() + RETRY_AFTER_SECONDS * 1000)).toBe(true);
    expect(bench.twilio.requestCount()).toBe(2 * SHOPPERS);
    bench.cluster.clock.advance(5 * MINUTE);
    await bench.settle();
    expect(bench.twilio.requestCount()).toBe(2 * SHOPPERS);

    // Twilio is back when Retry-After says: each SMS leaves once; the two refused numbers fail for good.
    bench.twilio.recover();
    bench.cluster.clock.set(new Date(rateLimitedAt.getTime() + RETRY_AFTER_SECONDS * 1000));
    await bench.settle();
    await bench.runUntil(new Date(bench.cluster.clock.now().getTime() + 30 * MINUTE));
    expect(bench.twilio.requestCount()).toBe(3 * SHOPPERS);

    const ledger = await bench.ledger();
    const texts = ledger.steps.filter((step) => step.channel === "SMS");
    const refused = new Set(
      (
        await prisma.checkout.findMany({
          where: { shop: bench.shop, phone: { in: rejected } },
          select: { token: true },
        })
      ).map((checkout) => checkout.token),
    );
    const sent = texts.filter((step) => !refused.has(step.token!));
    const failed = texts.filter((step) => refused.has(step.token!));
    expect(sent.map((step) => [step.state, step.delivered, step.attempts])).toEqual(sent.map(() => ["SENT", 1, 3]));
    expect(failed.map((step) => [step.state, step.delivered, step.messageStatus])).toEqual(
      failed.map(() => ["FAILED", 0, "FAILED"]),
    );
    expect(failed.every((step) => /Twilio 400 \(21211\)/.test(step.lastError ?? ""))).toBe(true);
    expect(bench.twilio.messages()).toHaveLength(SHOPPERS - rejected.length);
    expect(ledger.duplicates).toBe(0);
    expect(ledger.strays).toBe(0);
    expect(await states(bench.shop)).not.toHaveProperty("CLAIMED");
    expect(await states(bench.shop)).not.toHaveProperty("SENDING");

    console.info(
      `[faults/twilio] ${SHOPPERS} SMS through 500s then 429 (Retry-After ${RETRY_AFTER_SECONDS} s): ` +
        `${sent.length} sent once (3 attempts each), duplicates 0, lost 0, ${failed.length} permanent 400s FAILED ` +
        `with the reason; ${bench.twilio.requestCount()} requests in all, none before Retry-After`,
    );
  }, 120_000);
});
