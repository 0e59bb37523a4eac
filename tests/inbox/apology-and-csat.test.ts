import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { resetEnvForTests } from "~/env.server";
import { closeConversation, offerApologyDiscount } from "~/modules/inbox/actions.server";
import { recordInboundMessage } from "~/modules/inbox/conversations.server";
import { parseCsatDigitReply, recordCsatResponse } from "~/modules/inbox/csat.server";
import { conversationIdFromReplyToken, conversationReplyToken } from "~/modules/inbox/reply-token.server";
import { unauthenticated } from "~/shopify.server";
import { createEmulator, createShopStore, startEmulatorServer, type EmulatorServer } from "../support/emulator";
import { createSession, createShop } from "../support/factories";

/**
 * Closing a chat asks the widget for a rating; a low rating reopens and lets the merchant offer a personal apology
 * code, created in the (emulated) shop with discountCodeBasicCreate. Plus the small parsers the channels rely on.
 */
const store = createShopStore({ seed: 11, shop: "apology-shop.myshopify.com" });
const T0 = new Date("2026-11-23T09:00:00Z");
const STAFF = { id: "staff-1", name: "Léa" };
let server: EmulatorServer;
let customerId: string;

beforeAll(async () => {
  resetEnvForTests();
  server = startEmulatorServer(createEmulator({ shops: [store] }));
  await createShop(store.domain, { currencyCode: store.shop.currencyCode, primaryLocale: "en" });
  await createSession(store.domain);
  customerId = (
    await prisma.customer.create({
      data: { shop: store.domain, shopifyId: store.customers[2].id, email: "unhappy@example.org" },
    })
  ).id;
});
afterAll(() => server?.close());

describe("chat survey, low score, apology", () => {
  it("closing a chat writes one localized CSAT_REQUEST for the widget; a low answer reopens; the apology code exists in Shopify", async () => {
    const { conversationId } = await recordInboundMessage(prisma, {
      shop: store.domain,
      channel: "CHAT",
      from: { visitorId: "visitor-9", email: "unhappy@example.org" },
      body: "Mon colis est arrivé abîmé",
      locale: "fr",
      receivedAt: T0,
    });
    expect(await closeConversation(store.domain, conversationId, STAFF, T0)).toEqual({
      result: "CLOSED",
      survey: "REQUESTED",
    });
    // Reopened and closed again: still one survey.
    await recordInboundMessage(prisma, {
      shop: store.domain,
      channel: "CHAT",
      from: { visitorId: "visitor-9" },
      body: "Encore une question",
      conversationId,
      receivedAt: new Date(T0.getTime() + 60_000),
    });
    expect(await closeConversation(store.domain, conversationId, STAFF, new Date(T0.getTime() + 120_000))).toEqual({
      result: "CLOSED",
      survey: "ALREADY_REQUESTED",
    });
    const requests = await prisma.conversationMessage.findMany({ where: { conversationId, kind: "CSAT_REQUEST" } });
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({ author: "SYSTEM", channel: "CHAT", deliveryStatus: "SENT" });
    expect(requests[0].body).toMatch(/^Comment avons-nous répondu/);

    const conversation = await prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } });
    expect(conversation.customerId).toBe(customerId);
    expect(await offerApologyDiscount(await admin(), store.domain, conversationId, STAFF, terms, T0)).toEqual({
      result: "NOT_LOW_SCORE",
    });

    const at = new Date(T0.getTime() + 3 * 60_000);
    await recordCsatResponse({ shop: store.domain, conversationId, score: 1, comment: "abîmé", channel: "CHAT", at });
    expect(await prisma.conversation.findUniqueOrThrow({ where: { id: conversationId } })).toMatchObject({
      status: "OPEN",
      csatScore: 1,
    });
    const offered = await offerApologyDiscount(await admin(), store.domain, conversationId, STAFF, terms, at);
    expect(offered).toMatchObject({ result: "CREATED", code: expect.stringMatching(/^SORRY-/) });
    const code = offered.result === "CREATED" ? offered.code : "";
    expect(store.discountCodes.find((discount) => discount.code === code)).toMatchObject({
      percentage: 0.15,
      usageLimit: 1,
      customerIds: [store.customers[2].id],
    });
    const grant = await prisma.discountGrant.findFirstOrThrow({ where: { code } });
    expect(grant).toMatchObject({ conversationId, purpose: "APOLOGY", customerId });
    const events = await prisma.conversationEvent.findMany({ where: { conversationId, type: "APOLOGY_OFFERED" } });
    expect(events).toHaveLength(1);
  });

  it("no apology code without a linked customer", async () => {
    const { conversationId } = await recordInboundMessage(prisma, {
      shop: store.domain,
      channel: "CHAT",
      from: { visitorId: "anonymous" },
      body: "hi",
      receivedAt: T0,
    });
    await closeConversation(store.domain, conversationId, STAFF, T0);
    await recordCsatResponse({ shop: store.domain, conversationId, score: 2, channel: "CHAT", at: T0 });
    expect(await offerApologyDiscount(await admin(), store.domain, conversationId, STAFF, terms, T0)).toEqual({
      result: "NO_CUSTOMER",
    });
  });
});

const terms = { kind: "PERCENTAGE" as const, value: 15, expiresInDays: 30 };
const admin = async () => (await unauthenticated.admin(store.domain)).admin;

describe("parsers", () => {
  it("reads an SMS digit reply with an optional comment, and nothing else", () => {
    expect(parseCsatDigitReply("5")).toEqual({ score: 5, comment: null });
    expect(parseCsatDigitReply(" 4! ")).toEqual({ score: 4, comment: null });
    expect(parseCsatDigitReply("4/5")).toEqual({ score: 4, comment: null });
    expect(parseCsatDigitReply("2 - parcel late")).toEqual({ score: 2, comment: "parcel late" });
    expect(parseCsatDigitReply("5: super rapide")).toEqual({ score: 5, comment: "super rapide" });
    for (const text of ["6", "0", "10", "12 rue de la Paix", "3 more shirts please", "4.5", "five", "", "3,5"]) {
      expect(parseCsatDigitReply(text), text).toBeNull();
    }
  });

  it("conversation reply tokens round-trip, survive lowercasing and refuse forgeries", () => {
    const token = conversationReplyToken("cm3abcdef0123456789xyzabc");
    expect(token).toMatch(/^c[a-z0-9]+$/);
    expect(conversationIdFromReplyToken(token)).toBe("cm3abcdef0123456789xyzabc");
    expect(conversationIdFromReplyToken(token.toUpperCase())).toBe("cm3abcdef0123456789xyzabc");
    const other = conversationReplyToken("cm3zzzzzz0123456789xyzabc");
    // Another conversation's id with this tag, a changed tag, a recovery-style token: all refused.
    expect(conversationIdFromReplyToken(`ccm3zzzzzz0123456789xyzabc${token.slice(-16)}`)).toBeNull();
    expect(conversationIdFromReplyToken(`${token.slice(0, -1)}${token.endsWith("a") ? "b" : "a"}`)).toBeNull();
    expect(conversationIdFromReplyToken(other.slice(0, -16) + token.slice(-16))).toBeNull();
    expect(conversationIdFromReplyToken("abcdefghijklmnopqrstuvwxyz")).toBeNull();
  });
});
