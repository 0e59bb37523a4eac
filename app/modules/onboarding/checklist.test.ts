import { describe, expect, it } from "vitest";
import {
  AnswersSchema,
  buildChecklist,
  isAppEmbedEnabled,
  parseSettingsData,
  themeEditorDeepLink,
  type ChecklistFacts,
  type OnboardingAnswers,
} from "./checklist";

const context = { shopDomain: "atelier.myshopify.com", apiKey: "abc123", embedHandle: "chat-embed" };
const nothing: ChecklistFacts = {
  senderEmail: null,
  smtpConfigured: false,
  senderVerified: false,
  smsConfigured: false,
  recoveryEnabled: false,
  recoveryEdited: false,
  appEmbedEnabled: false,
  publishedFaqEntries: 0,
  missingPolicies: ["REFUND_POLICY", "TERMS_OF_SERVICE"],
  customersImported: false,
  importRunning: false,
};
const everything: ChecklistFacts = {
  senderEmail: "lea@atelier.example",
  smtpConfigured: true,
  senderVerified: true,
  smsConfigured: true,
  recoveryEnabled: true,
  recoveryEdited: true,
  appEmbedEnabled: true,
  publishedFaqEntries: 6,
  missingPolicies: [],
  customersImported: true,
  importRunning: false,
};
const beginner: OnboardingAnswers = { experience: "NEW", markets: ["EU"], hasSms: "NO", goal: "SUPPORT" };
const seasoned: OnboardingAnswers = { experience: "EXPERIENCED", markets: ["US"], hasSms: "YES", goal: "RECOVER" };

describe("buildChecklist", () => {
  it("orders steps by the goal, hides SMS without a provider and explains only to beginners", () => {
    const guide = buildChecklist(beginner, nothing, context);
    expect(guide.steps.map((step) => step.id)).toEqual([
      "email_sender",
      "faq_published",
      "app_embed",
      "policies",
      "recovery_reviewed",
      "customers_imported",
    ]);
    expect(guide.steps.every((step) => step.explanation)).toBe(true);
    expect(guide.steps.find((step) => step.id === "policies")?.explanation).toMatch(/EU/);

    const other = buildChecklist(seasoned, nothing, context);
    expect(other.steps.map((step) => step.id).slice(0, 3)).toEqual(["email_sender", "recovery_reviewed", "sms"]);
    expect(other.steps.every((step) => step.explanation === null)).toBe(true);
  });

  it("counts progress over required steps; an optional step counts once done", () => {
    expect(buildChecklist(seasoned, nothing, context)).toMatchObject({
      done: 0,
      total: 6,
      progress: 0,
      complete: false,
    });
    expect(buildChecklist(seasoned, { ...nothing, smsConfigured: true }, context)).toMatchObject({
      done: 1,
      total: 7,
      progress: 14,
    });
    expect(buildChecklist(seasoned, everything, context)).toMatchObject({
      done: 7,
      total: 7,
      progress: 100,
      complete: true,
    });
    expect(buildChecklist(seasoned, { ...everything, smsConfigured: false }, context)).toMatchObject({
      done: 6,
      total: 6,
      complete: true,
    });
  });

  it("says what it saw: unverified sender, missing policies by name, unreadable theme", () => {
    const steps = buildChecklist(
      seasoned,
      { ...nothing, senderEmail: "lea@atelier.example", smtpConfigured: true, appEmbedEnabled: null },
      context,
    ).steps;
    const status = (id: string) => steps.find((step) => step.id === id)!;
    expect(status("email_sender")).toMatchObject({ done: false, status: "Saved, not verified: send a test email" });
    expect(status("policies")).toMatchObject({ done: false, status: "Missing: refund, terms of service" });
    expect(status("app_embed")).toMatchObject({ done: false, status: "Could not read your theme just now" });
    expect(status("app_embed").action.url).toBe(themeEditorDeepLink(context));
  });
});

describe("app embed detection", () => {
  const embed = (disabled: boolean) => ({
    "17231": { type: "shopify://apps/kindly/blocks/chat-embed/0b5e9c3a-7d41", disabled, settings: {} },
  });

  it("reads Shopify's settings_data.json, comment header included", () => {
    const content = `/*\n * IMPORTANT: The contents of this file are auto-generated.\n */\n${JSON.stringify({ current: { blocks: embed(false) } })}`;
    expect(isAppEmbedEnabled(parseSettingsData(content), "chat-embed")).toBe(true);
  });

  it("is off when disabled, absent, another block, or another preset is current", () => {
    expect(isAppEmbedEnabled({ current: { blocks: embed(true) } }, "chat-embed")).toBe(false);
    expect(isAppEmbedEnabled({ current: { blocks: {} } }, "chat-embed")).toBe(false);
    expect(isAppEmbedEnabled({ current: { blocks: embed(false) } }, "faq")).toBe(false);
    expect(
      isAppEmbedEnabled({ current: "Default", presets: { Default: { blocks: embed(false) } } }, "chat-embed"),
    ).toBe(true);
    expect(isAppEmbedEnabled(null, "chat-embed")).toBe(false);
  });

  it("links to the theme editor's App embeds with the embed selected", () => {
    expect(themeEditorDeepLink(context)).toBe(
      "https://admin.shopify.com/store/atelier/themes/current/editor?context=apps&activateAppId=abc123%2Fchat-embed",
    );
  });
});

describe("answers", () => {
  it("names each missing answer", () => {
    const parsed = AnswersSchema.safeParse({ experience: "NEW", markets: [] });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.path[0]).sort()).toEqual(["goal", "hasSms", "markets"]);
  });
});
