import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemo, type DemoHandle } from "../../server/demo-runtime";
import { CHROMIUM, HAS_CHROMIUM, browserSuite, launchChromium } from "../support/browser";

/**
 * The inbox in the demo, in headless Chromium: open a seeded conversation, keep a draft across a reload, see a new
 * message arrive without reloading, reply, close, and find the satisfaction survey in the demo outbox. A hostile
 * email is opened too: nothing in it runs. Uses /usr/bin/chromium and says loudly when it is missing.
 */

const SUITE = browserSuite("inbox in headless Chromium");
const DEMO_SHOP = "kindly-demo.myshopify.com";

let demo: DemoHandle;
let browser: Browser;

function watch(page: Page) {
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on("console", (message) => {
    if (message.type() === "error") problems.push(`${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => problems.push(`uncaught: ${error.message}`));
  page.on("requestfailed", (request) => problems.push(`${request.url()}: ${request.failure()?.errorText}`));
  page.on("response", (response) => {
    if (response.status() >= 400) problems.push(`${response.url()}: HTTP ${response.status()}`);
  });
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return { problems, dialogs };
}

describe.skipIf(!HAS_CHROMIUM)(SUITE, () => {
  beforeAll(async () => {
    demo = await startDemo({ port: 0, databaseUrl: process.env.DATABASE_URL, build: "never", logLevel: "silent" });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
  });

  it("opens a seeded conversation, keeps the draft, shows new messages live, replies, closes; the survey is in the outbox", async () => {
    const page = await browser.newPage();
    const { problems } = watch(page);
    await page.goto(`${demo.url}/app/inbox`, { waitUntil: "networkidle" });
    await page.getByRole("heading", { name: "Inbox", level: 1 }).waitFor();
    // The seeded VIP conversation sorts first.
    const links = page.getByRole("list", { name: "Conversations" }).getByRole("link");
    await expect(links.first().getAttribute("aria-label")).resolves.toBe("Conversation with Margaux Lefèvre");
    await page.getByRole("link", { name: "Conversation with Camille Durand" }).click();
    await page.getByRole("heading", { name: "Camille Durand", level: 1 }).waitFor();

    // Quoted text and signature folded away; the attachment listed with its size.
    const thread = page.getByRole("list", { name: "Messages" });
    await expect(thread.getByText("keep the linen shirt for me").count()).resolves.toBe(1);
    await expect(thread.getByText("I noticed you didn't finish your order").count()).resolves.toBe(0);
    await expect(thread.getByText("declined-card.png · image/png · 47 KB").count()).resolves.toBe(1);

    // The draft survives a reload.
    const box = page.getByLabel("Reply by Email");
    await box.fill("Hi Camille, of course");
    await page.reload({ waitUntil: "networkidle" });
    await expect(page.getByLabel("Reply by Email").inputValue()).resolves.toBe("Hi Camille, of course");

    // A new message from the shopper appears without a reload (polling).
    const { recordInboundMessage } = await import("~/modules/inbox/conversations.server");
    const prisma = (await import("~/db.server")).default;
    const conversationId = page.url().split("/").pop() ?? "";
    await recordInboundMessage(prisma, {
      shop: DEMO_SHOP,
      channel: "EMAIL",
      from: { email: "camille.durand@example.org" },
      body: "PS: size M please",
      conversationId,
      receivedAt: new Date(),
    });
    await thread.getByText("PS: size M please").waitFor({ timeout: 15_000 });

    await page.getByLabel("Reply by Email").fill("Hi Camille, of course: the shirt is yours until tomorrow. Léa");
    await page.getByRole("button", { name: "Send email" }).click();
    await page.getByText("Reply sent.").waitFor();
    await thread.getByText("the shirt is yours until tomorrow").waitFor();
    await expect(page.getByLabel("Reply by Email").inputValue()).resolves.toBe("");

    await page.getByRole("button", { name: "Close", exact: true }).click();
    await page.getByText("The satisfaction survey was sent.").waitFor();
    await page.getByRole("button", { name: "Reopen" }).waitFor();
    expect(problems).toEqual([]);
    await page.close();

    const outbox = await browser.newPage();
    const outboxWatch = watch(outbox);
    await outbox.goto(`${demo.url}/demo/outbox`, { waitUntil: "networkidle" });
    await outbox
      .getByRole("heading", { name: /^How did .+ do\?$/ })
      .first()
      .waitFor();
    await expect(
      outbox.getByRole("heading", { name: "Re: Can I help with your order?" }).count(),
    ).resolves.toBeGreaterThan(0);
    expect(outboxWatch.problems).toEqual([]);
    await outbox.close();
  });

  it("a hostile email and chat message are inert in the admin: no script runs, no remote image loads", async () => {
    const { recordInboundMessage } = await import("~/modules/inbox/conversations.server");
    const prisma = (await import("~/db.server")).default;
    const hostile = await recordInboundMessage(prisma, {
      shop: DEMO_SHOP,
      channel: "EMAIL",
      from: { email: "mallory@example.org", name: '<img src=x onerror="window.__pwned=1">Mallory' },
      subject: "<script>window.__pwned=2</script>",
      body: '<img src=x onerror="alert(1)"> <script>window.__pwned=3</script> plain text',
      bodyHtml:
        '<p onclick="alert(2)">Hi</p><script>window.__pwned=4</script><img src="http://127.0.0.1:9/tracker.gif" onerror="alert(3)"><a href="javascript:alert(4)">click</a><iframe src="javascript:alert(5)"></iframe>',
      receivedAt: new Date(),
    });
    const page = await browser.newPage();
    const { problems, dialogs } = watch(page);
    const requested: string[] = [];
    page.on("request", (request) => requested.push(request.url()));
    await page.goto(`${demo.url}/app/inbox/${hostile.conversationId}`, { waitUntil: "networkidle" });
    await page.getByRole("button", { name: "Show formatted email" }).click();
    await page.frameLocator('iframe[title="Formatted email"]').getByText("Hi").waitFor();
    await page.getByRole("link", { name: "click" }).count();
    await page.waitForTimeout(300);
    // The shopper's text is shown as text.
    await expect(page.getByText('<img src=x onerror="alert(1)">', { exact: false }).count()).resolves.toBeGreaterThan(
      0,
    );
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(requested.filter((url) => url.includes("tracker.gif"))).toEqual([]);
    expect(problems).toEqual([]);

    const chat = await recordInboundMessage(prisma, {
      shop: DEMO_SHOP,
      channel: "CHAT",
      from: { visitorId: "hostile-visitor", name: '"><svg onload="window.__pwned=5">' },
      body: '<img src=x onerror="window.__pwned=6"><script>window.__pwned=7</script>Where is my order?',
      receivedAt: new Date(),
    });
    await page.goto(`${demo.url}/app/inbox/${chat.conversationId}`, { waitUntil: "networkidle" });
    await page.getByText("Where is my order?", { exact: false }).first().waitFor();
    await expect(page.getByText("<script>window.__pwned=7</script>", { exact: false }).count()).resolves.toBe(1);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });
});

if (!HAS_CHROMIUM) {
  console.warn(`\n*** Inbox browser test skipped: ${CHROMIUM} not found. ***\n`);
}
