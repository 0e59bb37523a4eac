import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { resetEnvForTests } from "~/env.server";
import { unauthenticated } from "~/shopify.server";
import { encryptSecret } from "~/modules/shop/secrets.server";
import { ensureRecoveryFlow } from "~/modules/recovery/flow.server";
import { loadSetupGuide, saveOnboardingAnswers } from "~/modules/onboarding/onboarding.server";
import type { StepId } from "~/modules/onboarding/checklist";
import { createEmulator, createShopStore, startEmulatorServer, type EmulatorServer } from "../support/emulator";
import { createSession, createShop } from "../support/factories";

/**
 * Each checklist step is detected from the shop's state: Kindly's own tables for what it holds, and the emulated
 * shop (through the real Admin client) for the published theme's app embeds and the store policies.
 */
const store = createShopStore({ seed: 42, shop: "setup-shop.myshopify.com" });
const emulator = createEmulator({ shops: [store] });
const shop = store.domain;
let server: EmulatorServer;
let clock = new Date("2026-11-24T12:00:00Z");
const later = () => (clock = new Date(clock.getTime() + 60 * 60_000));

beforeAll(async () => {
  resetEnvForTests();
  server = startEmulatorServer(emulator);
  await createShop(shop, { senderEmail: null, senderName: null });
  await createSession(shop);
  const saved = await saveOnboardingAnswers(
    shop,
    { experience: "NEW", markets: ["EU", "US"], hasSms: "YES", goal: "RECOVER" },
    clock,
  );
  expect(saved.ok).toBe(true);
});
afterAll(() => server.close());

async function step(id: StepId, refresh = true) {
  const { admin } = await unauthenticated.admin(shop);
  const guide = await loadSetupGuide(shop, admin, later(), { refresh });
  const found = guide.checklist!.steps.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no step ${id}`);
  return found;
}

describe("checklist detection", () => {
  beforeEach(() => undefined);

  it("email sender: needs a sender, a mail server and a successful test send", async () => {
    expect(await step("email_sender")).toMatchObject({ done: false, status: "No sender yet" });
    await prisma.shop.update({
      where: { shop },
      data: { senderEmail: "lea@setup.example", smtpUrlEncrypted: encryptSecret("smtp://127.0.0.1:2525") },
    });
    expect(await step("email_sender")).toMatchObject({ done: false, status: "Saved, not verified: send a test email" });
    await prisma.shop.update({ where: { shop }, data: { senderVerifiedAt: clock } });
    expect(await step("email_sender")).toMatchObject({ done: true });
  });

  it("SMS: Twilio SID, token and number saved", async () => {
    expect((await step("sms")).done).toBe(false);
    await prisma.shop.update({
      where: { shop },
      data: {
        twilioAccountSid: `AC${"0".repeat(32)}`,
        twilioAuthTokenEncrypted: encryptSecret("token"),
        twilioFromNumber: "+15005550006",
      },
    });
    expect((await step("sms")).done).toBe(true);
  });

  it("recovery reviewed: the flow switched on", async () => {
    await ensureRecoveryFlow(prisma, shop, { enabled: false });
    expect((await step("recovery_reviewed")).done).toBe(false);
    await prisma.flow.updateMany({ where: { shop }, data: { enabled: true } });
    expect((await step("recovery_reviewed")).done).toBe(true);
  });

  it("app embed: read from the published theme's settings, on and off", async () => {
    expect(await step("app_embed")).toMatchObject({ done: false, status: "Off in your published theme" });
    expect((await step("app_embed")).action.url).toContain("context=apps&activateAppId=");
    store.setAppEmbed({ appHandle: "kindly", blockHandle: "chat-embed", enabled: true });
    expect(await step("app_embed")).toMatchObject({ done: true, status: "On in your published theme" });
    store.setAppEmbed({ appHandle: "kindly", blockHandle: "chat-embed", enabled: false });
    expect((await step("app_embed")).done).toBe(false);
  });

  it("reads Shopify again only after five minutes or when asked", async () => {
    store.setAppEmbed({ appHandle: "kindly", blockHandle: "chat-embed", enabled: true });
    const { admin } = await unauthenticated.admin(shop);
    const cached = await loadSetupGuide(shop, admin, new Date(clock.getTime() + 60_000));
    expect(cached.checklist!.steps.find((candidate) => candidate.id === "app_embed")!.done).toBe(false);
    const fresh = await loadSetupGuide(shop, admin, new Date(clock.getTime() + 6 * 60_000));
    expect(fresh.checklist!.steps.find((candidate) => candidate.id === "app_embed")!.done).toBe(true);
  });

  it("FAQ: at least one published answer", async () => {
    await prisma.faqEntry.create({
      data: { shop, topic: "Shipping", question: "When?", answer: "Soon", published: false },
    });
    expect((await step("faq_published")).done).toBe(false);
    await prisma.faqEntry.updateMany({ where: { shop }, data: { published: true } });
    expect(await step("faq_published")).toMatchObject({ done: true, status: "1 answers published" });
  });

  it("policies: names the missing ones", async () => {
    expect(await step("policies")).toMatchObject({ done: true, status: "All four written" });
    const removed = store.shop.policies.splice(
      store.shop.policies.findIndex((policy) => policy.type === "REFUND_POLICY"),
      1,
    );
    try {
      expect(await step("policies")).toMatchObject({ done: false, status: "Missing: refund" });
    } finally {
      store.shop.policies.push(...removed);
    }
  });

  it("customers: a completed import", async () => {
    await prisma.importJob.create({ data: { shop, status: "RUNNING" } });
    expect(await step("customers_imported")).toMatchObject({ done: false, status: "Import running" });
    await prisma.importJob.updateMany({ where: { shop }, data: { status: "COMPLETED", finishedAt: clock } });
    expect((await step("customers_imported")).done).toBe(true);
  });

  it("with everything detected, the guide is complete at 100 %", async () => {
    await prisma.faqEntry.updateMany({ where: { shop }, data: { published: true } });
    const { admin } = await unauthenticated.admin(shop);
    const guide = await loadSetupGuide(shop, admin, later(), { refresh: true });
    expect(guide.checklist).toMatchObject({ complete: true, progress: 100, done: 7, total: 7 });
  });
});
