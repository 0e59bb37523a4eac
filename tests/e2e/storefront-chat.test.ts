import fs from "node:fs";
import { createRequire } from "node:module";
import { type Browser, type BrowserContext, type Page, type Request as PwRequest } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { requestCsat } from "~/modules/inbox/actions.server";
import { buildPublishedFaq, FAQ_METAFIELD } from "~/modules/storefront/faq";
import { startDemo, type DemoHandle } from "../../server/demo-runtime";
import { CHROMIUM, HAS_CHROMIUM, browserSuite, launchChromium } from "../support/browser";

/**
 * The support chat on the demo storefront preview, in headless Chromium, as a shopper using only the keyboard:
 * nothing of Kindly loads before they reach for the chat; the panel opens, traps focus and closes with Escape; FAQ
 * answers show in French on the French page; a message lands in the shop's inbox; a seeded order is found by number
 * and email; axe-core finds no serious or critical violation with the panel open.
 */

const SUITE = browserSuite("storefront chat");
const require = createRequire(import.meta.url);
const AXE_SOURCE = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
const KINDLY_REQUEST = /\/assets\/chat\.(js|css)|\/apps\/kindly\//;
const XSS = `<img src=x onerror="window.__xss=1">`;

let demo: DemoHandle;
let browser: Browser;
/** One shopper's browser profile: pages share localStorage, as tabs of one browser do. */
let shopper: BrowserContext;

interface Visit {
  page: Page;
  requests: string[];
  problems: string[];
}

async function open(path: string): Promise<Visit> {
  const page = await shopper.newPage();
  page.setDefaultTimeout(8_000);
  const visit: Visit = { page, requests: [], problems: [] };
  page.on("request", (request: PwRequest) => visit.requests.push(request.url()));
  page.on("console", (message) => {
    if (message.type() === "error") visit.problems.push(`console: ${message.text()}`);
  });
  page.on("pageerror", (error) => visit.problems.push(`uncaught: ${error.message}`));
  page.on("response", (response) => {
    if (response.status() >= 400) visit.problems.push(`${response.url()}: HTTP ${response.status()}`);
  });
  await page.goto(`${demo.url}${path}`, { waitUntil: "networkidle" });
  return visit;
}

/** Tabs through the page until the focused element matches, as a keyboard user would. */
async function tabTo(page: Page, selector: string, maxPresses = 80): Promise<void> {
  for (let i = 0; i < maxPresses; i++) {
    await page.keyboard.press("Tab");
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`never reached ${selector} with Tab`);
}

describe.skipIf(!HAS_CHROMIUM)(SUITE, () => {
  beforeAll(async () => {
    demo = await startDemo({ port: 0, databaseUrl: process.env.DATABASE_URL, build: "never", logLevel: "silent" });
    const faq = buildPublishedFaq(
      [
        {
          locale: "fr",
          topic: "Livraison",
          question: "La livraison est-elle offerte ?",
          answer: "Oui, dès 50 € d’achat.",
          position: 0,
          published: true,
        },
        {
          locale: "en",
          topic: "Delivery",
          question: "Is delivery free?",
          answer: "From 50 €.",
          position: 0,
          published: true,
        },
      ],
      "en",
      new Date(),
    );
    const { store } = demo.emulator;
    store.setMetafields([{ ownerId: store.shop.appInstallationId, ...FAQ_METAFIELD, value: JSON.stringify(faq) }]);
    browser = await launchChromium();
    shopper = await browser.newContext();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it("loads no Kindly script, stylesheet or request before the shopper shows intent", async () => {
    const { page, requests, problems } = await open("/demo/storefront?locale=fr");
    await page.waitForTimeout(500);
    expect(requests.filter((url) => KINDLY_REQUEST.test(url))).toEqual([]);
    expect(await page.evaluate(() => [...document.scripts].map((script) => script.src).filter(Boolean))).toEqual([]);
    await expect(page.getByRole("button", { name: "Discuter avec nous" }).count()).resolves.toBe(1);
    expect(problems).toEqual([]);
    await page.close();
  });

  it("keyboard only, in French: open, FAQ suggestion, ask a person (stored for the shop, XSS inert), track an order, Escape", async () => {
    const { page, requests, problems } = await open("/demo/storefront?locale=fr");
    await tabTo(page, ".kindly-chat__launcher");
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("dialog", { name: "Comment pouvons-nous vous aider ?" });
    await dialog.waitFor();
    expect(requests.some((url) => url.endsWith("/assets/chat.js"))).toBe(true);
    expect(await page.getAttribute(".kindly-chat__launcher", "aria-expanded")).toBe("true");
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("kc-msg");
    expect(await page.locator("#kindly-chat-panel").evaluate((panel) => getComputedStyle(panel).animationName)).toBe(
      "kc-in",
    );
    // Nobody has the inbox open: the email is asked for.
    await dialog.getByText("Nous sommes absents pour le moment", { exact: false }).waitFor();

    await page.keyboard.type("livraison offerte");
    const suggestion = dialog.locator("summary", { hasText: "La livraison est-elle offerte ?" });
    await suggestion.waitFor();
    expect(
      requests.some((url) => url.includes("/apps/kindly/faq?") && url.includes("locale=fr")),
      "FAQ search asked in French",
    ).toBe(true);

    await page.keyboard.press("Control+A");
    await page.keyboard.type(`Bonjour ${XSS} ma commande ?`);
    await page.keyboard.press("Tab");
    await page.keyboard.type(`Ada ${XSS}`);
    await page.keyboard.press("Tab");
    await page.keyboard.type("ada@example.com");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    const mine = dialog.locator(".kc-log li.kc-me p");
    await mine.waitFor();
    expect(await mine.textContent()).toBe(`Bonjour ${XSS} ma commande ?`);
    expect(await dialog.locator("img").count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    const conversation = await prisma.conversation.findFirstOrThrow({
      where: { shop: demo.emulator.shop, channel: "CHAT", contactEmail: "ada@example.com" },
      include: { messages: true },
    });
    expect(conversation.contactName).toBe(`Ada ${XSS}`);
    expect(conversation.messages.map((message) => message.body)).toEqual([`Bonjour ${XSS} ma commande ?`]);
    expect(await page.evaluate(() => localStorage.getItem("kindly-chat"))).toMatch(/^[\w-]+\.[\w-]+$/);

    // Focus stays in the dialog: Shift+Tab from the first control wraps to the last.
    await page.locator(".kc-x").first().focus();
    await page.keyboard.press("Shift+Tab");
    expect(
      await page.evaluate(() => document.getElementById("kindly-chat-panel")?.contains(document.activeElement)),
    ).toBe(true);

    // Order status, by keyboard.
    await tabTo(page, ".kc-link");
    await page.keyboard.press("Enter");
    const order = demo.emulator.store.orders.find(
      (candidate) =>
        candidate.email !== null && candidate.cancelledAt === null && candidate.fulfillments[0]?.trackingInfo.length,
    )!;
    expect(await page.evaluate(() => document.activeElement?.id)).toBe("kc-on");
    await page.keyboard.type(order.name);
    await page.keyboard.press("Tab");
    await page.keyboard.type(order.email!);
    await page.keyboard.press("Enter");
    const result = dialog.locator(".kc-order");
    await result.getByText(order.name).waitFor();
    const tracking = order.fulfillments[0].trackingInfo[0];
    expect(await result.getByRole("link", { name: tracking.number! }).getAttribute("href")).toBe(tracking.url);
    await expect(result.getByRole("link", { name: "Page de suivi de la commande" }).count()).resolves.toBe(1);

    // axe-core with the panel open: no serious or critical violation.
    await page.evaluate(AXE_SOURCE);
    type AxeResult = { id: string; impact: string | null; nodes: unknown[] };
    const audit = await page.evaluate(async () => {
      const { axe } = window as unknown as {
        axe: { run: () => Promise<{ violations: AxeResult[]; passes: AxeResult[] }> };
      };
      const result = await axe.run();
      return {
        violations: result.violations.map(({ id, impact }) => ({ id, impact })),
        passed: result.passes.map(({ id }) => id),
      };
    });
    // axe really looked at the page (colour contrast and ARIA on the dialog among the rules that passed).
    expect(audit.passed).toEqual(expect.arrayContaining(["color-contrast", "aria-dialog-name", "label"]));
    expect(audit.violations.filter((v) => v.impact === "serious" || v.impact === "critical")).toEqual([]);

    // Escape closes and gives focus back to the launcher.
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "hidden" });
    expect(await page.evaluate(() => document.activeElement?.className)).toBe("kindly-chat__launcher");
    expect(problems).toEqual([]);
    await page.close();
  });

  it("the conversation follows the shopper to the next page; a staff reply and the rating request arrive by polling", async () => {
    const { page, problems } = await open("/demo/storefront");
    const token = await page.evaluate(() => localStorage.getItem("kindly-chat"));
    expect(token).not.toBeNull();
    const conversation = await prisma.conversation.findFirstOrThrow({
      where: { shop: demo.emulator.shop, contactEmail: "ada@example.com" },
    });
    await prisma.conversationMessage.create({
      data: {
        shop: demo.emulator.shop,
        conversationId: conversation.id,
        author: "STAFF",
        authorName: "Sam <b>",
        channel: "CHAT",
        body: "Your parcel left this morning.",
      },
    });
    await page.getByRole("button", { name: "Chat with us" }).click();
    const log = page.getByRole("log");
    await log.getByText("Your parcel left this morning.").waitFor();
    await log.getByText("Sam <b>").waitFor();
    expect(await log.locator("li").count()).toBe(2);

    // The shop closes the conversation and asks for a rating: the next poll brings the survey; keyboard answers it.
    const current = await prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } });
    expect(await requestCsat(current, new Date())).toBe("REQUESTED");
    const legend = page.getByRole("group", { name: "How did we do? (1 = poor, 5 = great)" });
    await legend.waitFor({ timeout: 15_000 });
    await tabTo(page, "input[name=kc-score]");
    for (let i = 0; i < 4; i++) await page.keyboard.press("ArrowRight");
    await page.keyboard.press("Tab");
    await page.keyboard.type("Fast and friendly");
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.getByRole("dialog").getByText("Thank you for your feedback!").first().waitFor();
    const rated = await prisma.conversation.findUniqueOrThrow({ where: { id: conversation.id } });
    expect(rated).toMatchObject({ csatScore: 5, csatComment: "Fast and friendly" });
    expect(problems).toEqual([]);
    await page.close();
  });

  it("the shopper's XSS payloads stay text in the admin inbox too", async () => {
    const conversation = await prisma.conversation.findFirstOrThrow({
      where: { shop: demo.emulator.shop, contactEmail: "ada@example.com" },
    });
    const { page, problems } = await open(`/app/inbox/${conversation.id}`);
    await page.getByText(`Bonjour ${XSS} ma commande ?`).first().waitFor();
    await page.getByText(`Ada ${XSS}`).first().waitFor();
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(problems.filter((problem) => !problem.includes("app-bridge"))).toEqual([]);
    await page.close();
  });

  it("greets after the merchant's delay without taking focus, once; reduced motion; 44 px targets; polite offline and rate-limit messages", async () => {
    await prisma.shop.update({
      where: { shop: demo.emulator.shop },
      data: { chatGreeting: "Bonjour <b>!</b> Une question ?", staffLastSeenAt: null },
    });
    // A shopper who asked for less motion: the panel appears without animation (and boxes measure exactly).
    const fresh = await browser.newContext({ reducedMotion: "reduce" });
    const page = await fresh.newPage();
    page.setDefaultTimeout(8_000);
    const requests: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    // The theme editor's "greet after 1 s": the embed setting, as the page would render it.
    await page.route(`${demo.url}/demo/storefront`, async (route) => {
      const response = await route.fetch();
      await route.fulfill({ response, body: (await response.text()).replace('data-delay="0"', 'data-delay="1"') });
    });
    await page.goto(`${demo.url}/demo/storefront`, { waitUntil: "domcontentloaded" });
    expect(requests.filter((url) => KINDLY_REQUEST.test(url))).toEqual([]);
    const greeting = page.locator(".kc-greet");
    await greeting.waitFor();
    expect(await greeting.textContent()).toContain("Bonjour <b>!</b> Une question ?");
    // The panel exists (the widget loaded) but stays closed.
    expect(await page.locator("#kindly-chat-panel").count()).toBe(1);
    expect(await page.locator("#kindly-chat-panel").isHidden()).toBe(true);
    expect(await page.evaluate(() => document.activeElement === document.body)).toBe(true);

    // Once: the next page does not greet again, nor load anything.
    requests.length = 0;
    await page.reload({ waitUntil: "networkidle" });
    await page.waitForTimeout(1_500);
    expect(requests.filter((url) => KINDLY_REQUEST.test(url))).toEqual([]);
    expect(await page.locator(".kc-greet").count()).toBe(0);

    await page.locator(".kindly-chat__launcher").click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    expect(await page.locator("#kindly-chat-panel").evaluate((panel) => getComputedStyle(panel).animationName)).toBe(
      "none",
    );
    const launcherBox = await page.locator(".kindly-chat__launcher").boundingBox();
    expect(launcherBox!.height).toBeGreaterThanOrEqual(44);
    for (const control of await dialog.locator("button:visible, input:visible, textarea:visible").all()) {
      const box = await control.boundingBox();
      expect(box!.height, await control.evaluate((element) => element.outerHTML.slice(0, 80))).toBeGreaterThanOrEqual(
        44,
      );
    }

    await fresh.setOffline(true);
    await page.locator("#kc-msg").fill("Hello?");
    await page.locator("#kc-email").fill("grace@example.com");
    await dialog.getByRole("button", { name: "Send" }).click();
    await dialog.getByText("You seem to be offline.", { exact: false }).waitFor();
    expect(await page.locator("#kc-msg").inputValue()).toBe("Hello?");
    await fresh.setOffline(false);
    // A 429 from the limits is worded for the shopper, and the draft is kept.
    await page.route(`${demo.url}/apps/kindly/chat`, (route) =>
      route.fulfill({
        status: 429,
        headers: { "Content-Type": "application/json", "Retry-After": "30" },
        body: JSON.stringify({ error: "rate_limited", retryAfterSeconds: 30 }),
      }),
    );
    await dialog.getByRole("button", { name: "Send" }).click();
    await dialog.getByText("That's a lot of messages at once.", { exact: false }).waitFor();
    expect(await page.locator("#kc-msg").inputValue()).toBe("Hello?");
    await page.unroute(`${demo.url}/apps/kindly/chat`);
    await dialog.getByRole("button", { name: "Send" }).click();
    await dialog.locator(".kc-log li.kc-me").getByText("Hello?").waitFor();
    await fresh.close();
  });
});

if (!HAS_CHROMIUM) {
  console.warn(`\n*** Storefront chat browser tests skipped: ${CHROMIUM} not found ***\n`);
}
