import { describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { InvalidCsatScoreError, recordCsatResponse } from "~/modules/inbox/csat.server";
import { createShop } from "../../../tests/support/factories";

const T0 = new Date("2026-11-20T10:00:00Z");
const later = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

async function closedConversation(shop: string, data: Record<string, unknown> = {}) {
  return prisma.conversation.create({
    data: {
      shop,
      channel: "CHAT",
      status: "CLOSED",
      closedAt: T0,
      lastMessageAt: T0,
      csatRequestedAt: T0,
      ...data,
    },
  });
}

describe("recordCsatResponse", () => {
  it("records one answer with its comment, a CSAT_RESPONSE message and an event; a good score keeps it closed", async () => {
    const { shop } = await createShop();
    const conversation = await closedConversation(shop);
    const result = await recordCsatResponse({
      shop,
      conversationId: conversation.id,
      score: 5,
      comment: "  Quick and kind  ",
      channel: "CHAT",
      at: later(3),
    });
    expect(result).toEqual({ outcome: "RECORDED" });
    const stored = await prisma.conversation.findUniqueOrThrow({
      where: { id: conversation.id },
      include: { messages: true, events: true },
    });
    expect(stored).toMatchObject({
      status: "CLOSED",
      csatScore: 5,
      csatComment: "Quick and kind",
      csatRespondedAt: later(3),
    });
    expect(stored.messages.map((m) => [m.kind, m.author, m.body])).toEqual([
      ["CSAT_RESPONSE", "SHOPPER", "5/5 — Quick and kind"],
    ]);
    expect(stored.events.map((e) => e.type)).toEqual(["CSAT_RECEIVED"]);
  });

  it("accepts one answer per conversation: the second is ALREADY_ANSWERED and changes nothing", async () => {
    const { shop } = await createShop();
    const conversation = await closedConversation(shop);
    const base = { shop, conversationId: conversation.id, channel: "EMAIL" as const };
    expect(await recordCsatResponse({ ...base, score: 4, at: later(1) })).toEqual({ outcome: "RECORDED" });
    expect(await recordCsatResponse({ ...base, score: 1, comment: "changed my mind", at: later(2) })).toEqual({
      outcome: "ALREADY_ANSWERED",
    });
    const stored = await prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } });
    expect(stored).toMatchObject({ csatScore: 4, csatComment: null, status: "CLOSED" });
  });

  it("records one of two concurrent answers", async () => {
    const { shop } = await createShop();
    const conversation = await closedConversation(shop);
    const base = { shop, conversationId: conversation.id, channel: "EMAIL" as const, at: later(1) };
    const outcomes = await Promise.all([
      recordCsatResponse({ ...base, score: 4 }),
      recordCsatResponse({ ...base, score: 3 }),
    ]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(["ALREADY_ANSWERED", "RECORDED"]);
    expect(await prisma.conversationMessage.count({ where: { conversationId: conversation.id } })).toBe(1);
  });

  it("a low score reopens the conversation for follow-up (REOPENED event)", async () => {
    const { shop } = await createShop();
    const conversation = await closedConversation(shop, { channel: "SMS" });
    expect(
      await recordCsatResponse({ shop, conversationId: conversation.id, score: 2, channel: "SMS", at: later(5) }),
    ).toEqual({ outcome: "RECORDED" });
    const stored = await prisma.conversation.findUniqueOrThrow({
      where: { id: conversation.id },
      include: { events: { orderBy: { createdAt: "asc" } } },
    });
    expect(stored).toMatchObject({ status: "OPEN", closedAt: null, reopenedAt: later(5), csatScore: 2 });
    // The follow-up is a new round: the resolution clock restarts (24/7 by default: 24 h from the answer).
    expect(stored.resolutionDueAt).toEqual(later(5 + 24 * 60));
    const reopened = stored.events.find((e) => e.type === "REOPENED");
    expect(JSON.parse(reopened?.dataJson ?? "{}")).toEqual({ reason: "LOW_CSAT", score: 2 });
  });

  it("NOT_REQUESTED when no survey was sent, the conversation is unknown, or it belongs to another shop", async () => {
    const { shop } = await createShop();
    const { shop: other } = await createShop();
    const notAsked = await closedConversation(shop, { csatRequestedAt: null });
    const theirs = await closedConversation(other);
    const at = later(1);
    expect(await recordCsatResponse({ shop, conversationId: notAsked.id, score: 5, channel: "CHAT", at })).toEqual({
      outcome: "NOT_REQUESTED",
    });
    expect(await recordCsatResponse({ shop, conversationId: "nope", score: 5, channel: "CHAT", at })).toEqual({
      outcome: "NOT_REQUESTED",
    });
    expect(await recordCsatResponse({ shop, conversationId: theirs.id, score: 1, channel: "CHAT", at })).toEqual({
      outcome: "NOT_REQUESTED",
    });
    expect(await prisma.conversation.findUniqueOrThrow({ where: { id: theirs.id } })).toMatchObject({
      csatScore: null,
      status: "CLOSED",
    });
  });

  it.each([0, 6, 2.5, Number.NaN])("refuses score %s", async (score) => {
    const { shop } = await createShop();
    const conversation = await closedConversation(shop);
    await expect(
      recordCsatResponse({ shop, conversationId: conversation.id, score, channel: "CHAT", at: later(1) }),
    ).rejects.toBeInstanceOf(InvalidCsatScoreError);
    expect((await prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } })).csatScore).toBeNull();
  });
});
