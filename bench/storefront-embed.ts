/**
 * What the support chat embed costs a storefront page, measured in Chromium on the demo storefront preview.
 *
 *   npx tsx bench/storefront-embed.ts [--runs 15] [--cpu 4]
 *
 * The same page is loaded with the embed and without it (the embed's markup removed from the response, nothing
 * else changed), alternating, on a fresh browser context each time (cold cache), with the CPU slowed down like a
 * mid-range phone. For each load: bytes transferred and requests until the page is idle (before any interaction),
 * Kindly requests among them, First Contentful Paint, Largest Contentful Paint and Total Blocking Time (long tasks
 * past 50 ms after FCP). Then, with the embed, what opening the chat costs: bytes and time until the panel shows.
 * A third series loads the page without the embed again, so the printed A/A difference shows the machine's noise.
 * The HTML is served uncompressed in both variants (the interception), so the byte difference is the embed's raw
 * markup; its gzipped size is printed too. Prints medians and the differences; a measurement, not a pass/fail test.
 */
import fs from "node:fs";
import { gzipSync } from "node:zlib";
import { chromium, type Browser, type Page } from "playwright-core";
import { startDemo } from "../server/demo-runtime";
import { ensureBuild, freshDatabase } from "./lib";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const RUNS = option("runs", 15);
const CPU_SLOWDOWN = option("cpu", 4);
const EMBED = /<div\s+id="kindly-chat"[\s\S]*?<\/script>/;
const KINDLY = /\/assets\/chat\.(js|css)|\/apps\/kindly\//;

interface Load {
  bytes: number;
  requests: number;
  kindlyRequests: number;
  fcp: number;
  lcp: number;
  tbt: number;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

async function measure(browser: Browser, url: string, withEmbed: boolean): Promise<{ load: Load; page: Page }> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: CPU_SLOWDOWN });
  await cdp.send("Network.enable");
  let bytes = 0;
  let requests = 0;
  let kindlyRequests = 0;
  const urls = new Map<string, string>();
  cdp.on("Network.requestWillBeSent", (event) => {
    requests++;
    urls.set(event.requestId, event.request.url);
    if (KINDLY.test(event.request.url)) kindlyRequests++;
  });
  cdp.on("Network.loadingFinished", (event) => (bytes += event.encodedDataLength));
  // Both variants go through the same interception, so both documents arrive the same way (uncompressed).
  await page.route(url, async (route) => {
    const response = await route.fetch();
    const html = await response.text();
    await route.fulfill({ response, body: withEmbed ? html : html.replace(EMBED, "") });
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __lcp: number; __longTasks: Array<{ start: number; duration: number }> };
    w.__lcp = 0;
    w.__longTasks = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__lcp = entry.startTime;
    }).observe({ type: "largest-contentful-paint", buffered: true });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longTasks.push({ start: entry.startTime, duration: entry.duration });
    }).observe({ type: "longtask", buffered: true });
  });
  await page.goto(url, { waitUntil: "networkidle" });
  await page.waitForTimeout(300);
  const timings = await page.evaluate(() => {
    const w = window as unknown as { __lcp: number; __longTasks: Array<{ start: number; duration: number }> };
    const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN;
    const tbt = w.__longTasks
      .filter((task) => task.start + task.duration > fcp)
      .reduce((sum, task) => sum + Math.max(0, task.duration - 50), 0);
    return { fcp, lcp: w.__lcp, tbt };
  });
  return { load: { bytes, requests, kindlyRequests, ...timings }, page };
}

async function openChat(page: Page): Promise<{ bytes: number; requests: number; ms: number }> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  let bytes = 0;
  let requests = 0;
  cdp.on("Network.requestWillBeSent", () => requests++);
  cdp.on("Network.loadingFinished", (event) => (bytes += event.encodedDataLength));
  const started = Date.now();
  await page.locator(".kindly-chat__launcher").click();
  await page.getByRole("dialog").waitFor();
  await page.waitForLoadState("networkidle");
  return { bytes, requests, ms: Date.now() - started };
}

async function main() {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM} (apt-get install -y chromium)`);
  ensureBuild();
  const demo = await startDemo({
    port: 0,
    databaseUrl: freshDatabase("storefront-embed"),
    build: "never",
    logLevel: "silent",
  });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
  });
  try {
    const url = `${demo.url}/demo/storefront`;
    // "control" is the page without the embed measured a second time: the A/A difference is this machine's noise,
    // the yardstick for "no measurable difference".
    type Variant = "with" | "without" | "control";
    const loads: Record<Variant, Load[]> = { with: [], without: [], control: [] };
    const opens: Array<{ bytes: number; requests: number; ms: number }> = [];
    // One warm-up of each (server caches, the build's first render), not counted.
    for (const withEmbed of [true, false]) (await measure(browser, url, withEmbed)).page.context().close();
    const orders: Variant[][] = [
      ["with", "without", "control"],
      ["without", "control", "with"],
      ["control", "with", "without"],
    ];
    for (let run = 0; run < RUNS; run++) {
      for (const variant of orders[run % orders.length]) {
        const { load, page } = await measure(browser, url, variant === "with");
        loads[variant].push(load);
        if (variant === "with") opens.push(await openChat(page));
        await page.context().close();
      }
    }
    const round = (value: number) => Math.round(value * 10) / 10;
    const row = (key: keyof Load) => {
      const [a, b, c] = (["with", "without", "control"] as const).map((v) => median(loads[v].map((l) => l[key])));
      return { with: round(a), without: round(b), difference: round(a - b), "noise (A/A)": round(c - b) };
    };
    console.log(`Storefront preview, ${RUNS} cold loads each, CPU slowed ${CPU_SLOWDOWN}x, medians:`);
    console.table({
      "bytes before interaction": row("bytes"),
      "requests before interaction": row("requests"),
      "Kindly requests before interaction": row("kindlyRequests"),
      "FCP (ms)": row("fcp"),
      "LCP (ms)": row("lcp"),
      "TBT (ms)": row("tbt"),
    });
    const html = await (await fetch(url)).text();
    const embed = EMBED.exec(html)?.[0] ?? "";
    console.log(
      `The embed's markup (launcher, strings, style, loader): ${Buffer.byteLength(embed)} bytes, ${gzipSync(embed).length} gzipped.`,
    );
    console.log(
      `Opening the chat (first click): ${median(opens.map((o) => o.bytes))} bytes in ${median(opens.map((o) => o.requests))} requests, panel ready in ${median(opens.map((o) => o.ms))} ms (median).`,
    );
  } finally {
    await browser.close();
    await demo.stop();
  }
}

await main();
