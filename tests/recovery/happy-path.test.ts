import { afterEach, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { HOUR, T0, checkoutBody, stable, startBench, type Bench } from "./harness";

let bench: Bench;
beforeEach(async () => {
  bench = await startBench();
});
afterEach(async () => {
  await bench.close();
});

describe("recovery happy path", () => {
  it("sends the +1 h email, the +4 h SMS when not engaged, then the +24 h and +3 d emails, in the shopper's language", async () => {
    expect((await bench.deliver("checkouts/create", checkoutBody({ locale: "fr" }))).status).toBe(200);
    expect(await prisma.scheduledMessage.count({ where: { shop: bench.shop, state: "PENDING" } })).toBe(4);

    await bench.advance(HOUR - 60_000);
    expect(bench.smtp.messages()).toHaveLength(0);

    await bench.advance(60_000);
    const [first] = bench.smtp.messages();
    expect(first.subject).toBe("Je peux vous aider pour votre commande, Camille ?");
    expect(first.to).toEqual(["camille@example.org"]);
    expect(first.from).toBe("Claire <claire@maison-claire.example>");
    expect(first.replyTo).toMatch(/^reply\+[A-Za-z0-9_-]+@reply\.kindly\.test$/);
    expect(stable(first.text)).toMatchSnapshot("email 1 text (fr)");

    await bench.advance(3 * HOUR);
    const [sms] = bench.twilio.messages();
    expect(sms.to).toBe("+33612345678");
    expect(sms.from).toBe("+33700000001");
    expect(stable(sms.body)).toMatchSnapshot("sms (fr)");

    await bench.advance(20 * HOUR);
    expect(bench.smtp.messages()).toHaveLength(2);
    expect(bench.smtp.messages()[0].subject).toBe("Comment nous joindre, Camille");
    expect(stable(bench.smtp.messages()[0].text)).toMatchSnapshot("email 2 text (fr)");

    await bench.advance(48 * HOUR);
    expect(bench.smtp.messages()).toHaveLength(3);
    expect(bench.smtp.messages()[0].subject).toBe("Un dernier mot de Maison Claire");
    expect(stable(bench.smtp.messages()[0].text)).toMatchSnapshot("email 3 text (fr)");

    const states = await prisma.scheduledMessage.findMany({
      where: { shop: bench.shop },
      orderBy: { stepPosition: "asc" },
    });
    expect(states.map((row) => row.state)).toEqual(["SENT", "SENT", "SENT", "SENT"]);
    const sentAt = await prisma.message.findMany({
      where: { shop: bench.shop },
      orderBy: { sentAt: "asc" },
      select: { sentAt: true },
    });
    expect(sentAt.map((row) => (row.sentAt!.getTime() - T0.getTime()) / HOUR)).toEqual([1, 4, 24, 72]);
  });

  it("writes to an English-speaking shopper in English", async () => {
    await bench.deliver("checkouts/create", checkoutBody({ locale: "en-GB", firstName: "Sam" }));
    await bench.advance(HOUR);
    const [first] = bench.smtp.messages();
    expect(first.subject).toBe("Can I help with your order, Sam?");
    expect(stable(first.text)).toMatchSnapshot("email 1 text (en)");
    expect(first.html).toContain("<li>");
  });
});
