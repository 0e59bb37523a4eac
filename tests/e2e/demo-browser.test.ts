import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemo, type DemoHandle } from "../../server/demo-runtime";
import { CHROMIUM, HAS_CHROMIUM, browserSuite, launchChromium } from "../support/browser";

/**
 * The demo in a real browser (Debian's Chromium driven by playwright-core): pages render, hydrate where they
 * hydrate, and produce no console error and no failed request. Playwright cannot download browsers here, so the
 * test uses /usr/bin/chromium and says loudly when it is missing instead of passing silently.
 */

const SUITE = browserSuite("demo in headless Chromium");

let demo: DemoHandle;
let browser: Browser;

interface PageProblems {
  consoleErrors: string[];
  failedRequests: string[];
}

/** Opens a page and records every console error, uncaught exception, failed request and HTTP error on the way. */
async function visit(
  path: string,
  act?: (page: Page) => Promise<void>,
): Promise<{ page: Page; problems: PageProblems }> {
  const page = await browser.newPage();
  const problems: PageProblems = { consoleErrors: [], failedRequests: [] };
  page.on("console", (message) => {
    if (message.type() === "error") problems.consoleErrors.push(`${message.text()} (${message.location().url})`);
  });
  page.on("pageerror", (error) => problems.consoleErrors.push(`uncaught: ${error.message}`));
  page.on("requestfailed", (request) => {
    const error = request.failure()?.errorText ?? "";
    // A navigation cancels the page's own pending fetches (a revalidation, a poll): that is Remix working, not a
    // failure. Anything else that fails (refused, reset, DNS, blocked) is recorded.
    if (error === "net::ERR_ABORTED" && request.resourceType() === "fetch") return;
    problems.failedRequests.push(`${request.url()}: ${error}`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) problems.failedRequests.push(`${response.url()}: HTTP ${response.status()}`);
  });
  await page.goto(`${demo.url}${path}`, { waitUntil: "networkidle" });
  if (act) await act(page);
  return { page, problems };
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

  it("opens the admin dashboard: Polaris renders and hydrates, no console errors, no failed requests", async () => {
    const { page, problems } = await visit("/app");
    await expect(page.getByRole("heading", { name: "Dashboard", level: 1 }).count()).resolves.toBe(1);
    // Hydrated: client-side navigation to another admin page works without a full reload.
    await page.getByRole("link", { name: "Settings" }).first().click();
    await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();
    expect(problems).toEqual({ consoleErrors: [], failedRequests: [] });
    await page.close();
  });

  it("opens the storefront preview in English and French: styled, no console errors, no failed requests", async () => {
    const { page, problems } = await visit("/demo/storefront");
    expect(await page.getAttribute("html", "lang")).toBe("en");
    const link = page.getByRole("link", { name: "Refund policy" });
    const box = await link.boundingBox();
    // The stylesheet from the extension's assets applied: 44 px targets.
    expect(box?.height).toBeGreaterThanOrEqual(44);
    await page.getByRole("link", { name: "français" }).click();
    await page.waitForLoadState("networkidle");
    expect(await page.getAttribute("html", "lang")).toBe("fr");
    await expect(page.getByRole("link", { name: "Politique de remboursement" }).count()).resolves.toBe(1);
    expect(problems).toEqual({ consoleErrors: [], failedRequests: [] });
    await page.close();
  });

  it("Flows: the list, a care flow's editor (turned on, previewed) and a customer's timeline, without errors", async () => {
    const { page, problems } = await visit("/app/flows");
    page.setDefaultTimeout(20_000);
    await page.getByRole("heading", { name: "Flows", level: 1 }).waitFor();
    const checkIn = () => page.getByRole("row", { name: /Post-purchase check-in/ });
    await expect(checkIn().getByText("Off", { exact: true }).count()).resolves.toBe(1);
    await checkIn().getByRole("link", { name: "Edit" }).click();
    await page.getByRole("heading", { name: "Post-purchase check-in", level: 1 }).waitFor();
    await page.getByText("This flow is off: nothing is sent").waitFor();
    // The live preview carries the five one-click rating links of the sample subject.
    expect(await page.content()).toContain("/r/sample-5");
    await page.getByRole("button", { name: "Turn on" }).click();
    await page.getByText("This flow is on", { exact: true }).waitFor();
    // Back to the list by client-side navigation: the flow now shows as on.
    await page.getByRole("link", { name: "Flows" }).first().click();
    await page.getByRole("heading", { name: "Flows", level: 1 }).waitFor();
    await expect(checkIn().getByText("On", { exact: true }).count()).resolves.toBe(1);

    await page.getByRole("link", { name: "Customers" }).first().click();
    await page.getByRole("heading", { name: "Customers", level: 1 }).waitFor();
    // The demo's customers are imported from the emulated shop first (a bulk export), as a merchant would.
    await page.getByRole("button", { name: "Import customers" }).click();
    // The page follows the import by itself (it revalidates while a job runs): no reload, which would abort a poll.
    await page.locator('a[href^="/app/customers/"]').first().waitFor();
    const customer = page.locator('a[href^="/app/customers/"]').first();
    const name = (await customer.textContent())!.trim();
    await customer.click();
    await page.getByRole("heading", { name, level: 1 }).waitFor();
    await page.getByRole("heading", { name: "Every message Kindly sent, and why" }).waitFor();
    expect(problems).toEqual({ consoleErrors: [], failedRequests: [] });
    await page.close();
  }, 90_000);

  it("the demo home (a shopper abandons a checkout), outbox and clock work without errors; the clock buttons move time", async () => {
    const home = await visit("/demo", async (homePage) => {
      await homePage.getByRole("button", { name: "A shopper abandons a checkout" }).click();
      await homePage.waitForLoadState("networkidle");
    });
    await expect(home.page.getByText("checkouts/create answered HTTP 200").count()).resolves.toBe(1);
    expect(home.problems, "/demo").toEqual({ consoleErrors: [], failedRequests: [] });
    await home.page.close();

    const outbox = await visit("/demo/outbox");
    expect(outbox.problems, "/demo/outbox").toEqual({ consoleErrors: [], failedRequests: [] });
    await outbox.page.close();
    const { page, problems } = await visit("/demo/clock", async (clockPage) => {
      await clockPage.getByRole("button", { name: "+3 days" }).click();
      await clockPage.waitForLoadState("networkidle");
    });
    await expect(page.getByRole("status").textContent()).resolves.toContain("Moved forward by 3 days.");
    expect(problems).toEqual({ consoleErrors: [], failedRequests: [] });
    await page.close();
  });
});

if (!HAS_CHROMIUM) {
  // A visible line in the run, not only a skipped suite: browser coverage is missing on this machine.
  console.warn(
    `\n*** Browser tests skipped: ${CHROMIUM} not found. Install it: apt-get update && apt-get install -y chromium ***\n`,
  );
}
