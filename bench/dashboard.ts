/**
 * Dashboard loader benchmark: a shop with 100,000 customers, 1,000,000 orders and 200,000 messages (plus 50,000
 * recovery runs, 100,000 checkouts, 150,000 message events and 20,000 conversations) on SQLite. Times the whole
 * loader (all figures for a period) and each of its queries alone, and prints p50/p95 and the slowest query.
 *
 *   npx tsx bench/dashboard.ts [--runs 30]
 *
 * Target: loader p95 < 300 ms.
 */
import { createClient } from "@libsql/client";
import { fmt, freshDatabase, summarize } from "./lib";

const args = process.argv.slice(2);
const RUNS = Number(args[args.indexOf("--runs") + 1] || 30) || 30;
const SHOP = "bench-dashboard.myshopify.com";
const url = freshDatabase("dashboard");
const db = createClient({ url });

const started = performance.now();
// Times spread over the last 120 days (orders: two years) before 2026-11-24, stored as Prisma stores DateTime.
const ago = (days: number) =>
  `strftime('%Y-%m-%dT%H:%M:%S.000+00:00', julianday('2026-11-24T12:00:00') - (abs(random()) % ${days * 1000}) / 1000.0)`;
const seq = (count: number) => `WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < ${count})`;
const now = `'2026-11-24T12:00:00.000+00:00'`;
await db.execute("PRAGMA journal_mode = WAL");
await db.executeMultiple(`
  INSERT INTO "Shop" ("shop", "name", "ianaTimezone", "currencyCode", "updatedAt") VALUES ('${SHOP}', 'Bench', 'Europe/Paris', 'EUR', ${now});
  INSERT INTO "Flow" ("id", "shop", "trigger", "name", "enabled", "updatedAt") VALUES ('flow-1', '${SHOP}', 'CHECKOUT_ABANDONED', 'Recovery', 1, ${now});
  ${seq(100_000)} INSERT INTO "Customer" ("id", "shop", "shopifyId", "email", "segment", "predictedClv", "totalSpent", "ordersCount", "updatedAt")
    SELECT 'c' || n, '${SHOP}', 'gid://shopify/Customer/' || n, 'c' || n || '@example.org',
           CASE n % 6 WHEN 0 THEN 'PROSPECT' WHEN 1 THEN 'FIRST_TIME' WHEN 2 THEN 'REPEAT' WHEN 3 THEN 'VIP' WHEN 4 THEN 'AT_RISK' ELSE 'LAPSED' END,
           (abs(random()) % 50000) / 100.0, (abs(random()) % 90000) / 100.0, n % 12, ${now} FROM seq;
  ${seq(1_000_000)} INSERT INTO "Order" ("id", "shop", "shopifyId", "customerId", "totalPrice", "processedAt", "updatedAt")
    SELECT 'o' || n, '${SHOP}', 'gid://shopify/Order/' || n, 'c' || (1 + abs(random()) % 100000), (abs(random()) % 30000) / 100.0, ${ago(730)}, ${now} FROM seq;
  ${seq(100_000)} INSERT INTO "Checkout" ("id", "shop", "token", "createdAt", "updatedAt")
    SELECT 'k' || n, '${SHOP}', 'tok' || n, ${ago(120)}, ${now} FROM seq;
  ${seq(50_000)} INSERT INTO "FlowRun" ("id", "shop", "flowId", "subjectType", "subjectId", "holdout", "anchorAt", "recovered", "convertedRevenue", "attributedStep", "attributedChannel", "createdAt", "updatedAt")
    SELECT 'r' || n, '${SHOP}', 'flow-1', 'CHECKOUT', 'tok' || n, n % 10 = 0, ${now}, n % 4 = 1, CASE WHEN n % 4 = 1 THEN (abs(random()) % 20000) / 100.0 END,
           CASE WHEN n % 4 = 1 THEN 1 + n % 4 END, CASE WHEN n % 4 = 1 THEN 'EMAIL' END, ${ago(120)}, ${now} FROM seq;
  ${seq(50_000)} INSERT INTO "ScheduledMessage" ("id", "shop", "runId", "stepPosition", "channel", "dueAt", "state", "updatedAt")
    SELECT 's' || n, '${SHOP}', 'r' || n, 1, 'EMAIL', ${now}, CASE WHEN n % 5 = 0 THEN 'SKIPPED' ELSE 'SENT' END, ${now} FROM seq;
  ${seq(200_000)} INSERT INTO "Message" ("id", "shop", "channel", "toAddress", "replyToken", "status", "sentAt", "createdAt")
    SELECT 'm' || n, '${SHOP}', CASE WHEN n % 4 = 0 THEN 'SMS' ELSE 'EMAIL' END, 'c' || n || '@example.org', 'rt' || n, 'SENT', ${now}, ${ago(120)} FROM seq;
  ${seq(150_000)} INSERT INTO "MessageEvent" ("id", "shop", "messageId", "type", "at")
    SELECT 'e' || n, '${SHOP}', 'm' || (1 + abs(random()) % 200000),
           CASE n % 6 WHEN 0 THEN 'OPEN' WHEN 1 THEN 'MACHINE_OPEN' WHEN 2 THEN 'CLICK' WHEN 3 THEN 'REPLY' WHEN 4 THEN 'UNSUBSCRIBE' ELSE 'OPEN' END, ${now} FROM seq;
  UPDATE "Message" SET
    "openedAt" = (SELECT MIN("at") FROM "MessageEvent" WHERE "messageId" = "Message"."id" AND "type" = 'OPEN'),
    "clickedAt" = (SELECT MIN("at") FROM "MessageEvent" WHERE "messageId" = "Message"."id" AND "type" = 'CLICK'),
    "repliedAt" = (SELECT MIN("at") FROM "MessageEvent" WHERE "messageId" = "Message"."id" AND "type" = 'REPLY'),
    "unsubscribedAt" = (SELECT MIN("at") FROM "MessageEvent" WHERE "messageId" = "Message"."id" AND "type" = 'UNSUBSCRIBE');
  ${seq(20_000)} INSERT INTO "Conversation" ("id", "shop", "channel", "status", "lastMessageAt", "createdAt", "firstResponseAt", "csatScore", "updatedAt")
    SELECT 'v' || n, '${SHOP}', 'EMAIL', 'CLOSED', ${now}, ${ago(120)}, NULL, CASE WHEN n % 3 = 0 THEN 1 + n % 5 END, ${now} FROM seq;
  UPDATE "Conversation" SET "firstResponseAt" = strftime('%Y-%m-%dT%H:%M:%S.000+00:00', julianday("createdAt") + (abs(random()) % 2000) / 1440.0) WHERE abs(random()) % 5 > 0;
  ANALYZE;
`);
const seeded = (performance.now() - started) / 1000;

process.env.DATABASE_URL = url;
process.env.LOG_LEVEL = "warn";
const { loadDashboard, recoveryPerDay, messageFigures, firstResponseMedian } =
  await import("../app/modules/dashboard/dashboard.server");
const { resolvePeriod } = await import("../app/modules/dashboard/period");
const { recoveryReport } = await import("../app/modules/recovery/report.server");
const { slaReport } = await import("../app/modules/inbox/sla.server");
const { default: prisma } = await import("../app/db.server");
const { getShopOverview } = await import("../app/modules/shop/overview.server");

const period = resolvePeriod(new URLSearchParams("period=30"), new Date("2026-11-24T12:00:00Z"), "Europe/Paris");
async function time(fn: () => Promise<unknown>, runs = RUNS) {
  await fn();
  const samples: number[] = [];
  for (let run = 0; run < runs; run++) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return summarize(samples);
}

// What the route's loader runs for the figures (the setup guide, once answered, adds four small counts).
const loader = await time(() => Promise.all([getShopOverview(SHOP), loadDashboard(SHOP, period)]));
const parts = {
  recoveryReport: await time(() => recoveryReport(SHOP, period.from, period.to), 10),
  recoveryPerDay: await time(() => recoveryPerDay(SHOP, period), 10),
  messageFigures: await time(() => messageFigures(SHOP, period), 10),
  slaReport: await time(() => slaReport(SHOP, period.from, period.to), 10),
  firstResponseMedian: await time(() => firstResponseMedian(SHOP, period, 4000), 10),
  segments: await time(
    () =>
      prisma.customer.groupBy({
        by: ["segment"],
        where: { shop: SHOP },
        _count: { _all: true },
        _sum: { predictedClv: true },
      }),
    10,
  ),
  overview: await time(() => getShopOverview(SHOP), 10),
  checkouts: await time(
    () => prisma.checkout.count({ where: { shop: SHOP, createdAt: { gte: period.from, lt: period.to } } }),
    10,
  ),
};
const slowest = Object.entries(parts).sort((a, b) => b[1].p50 - a[1].p50)[0];
console.log(
  `Dashboard loader on SQLite: 100,000 customers, 1,000,000 orders, 200,000 messages (seeded in ${fmt(seeded)} s), last 30 days`,
);
console.log(
  `  loader (all figures, queries in parallel): p50 ${fmt(loader.p50)} ms, p95 ${fmt(loader.p95)} ms, max ${fmt(loader.max)} ms over ${RUNS} runs`,
);
for (const [name, summary] of Object.entries(parts)) {
  console.log(`  ${name.padEnd(20)} p50 ${fmt(summary.p50)} ms, p95 ${fmt(summary.p95)} ms`);
}
console.log(
  `  slowest single query: ${slowest[0]} (p50 ${fmt(slowest[1].p50)} ms) = ${fmt((100 * slowest[1].p50) / loader.p50, 0)} % of the loader's p50`,
);
console.log(`  target: loader p95 < 300 ms -> ${loader.p95 < 300 ? "met" : "NOT met"}`);
process.exit(0);
