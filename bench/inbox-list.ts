/**
 * Inbox benchmark: the queries behind the inbox pages on a shop with 10,000 conversations (20,000 messages) and a
 * second shop of the same size in the same database (every query is shop-scoped).
 *
 *   npx tsx bench/inbox-list.ts [--conversations 10000] [--runs 30]
 *
 * Prints p50/p95 in milliseconds for: the default list (open, VIP first, page 1), the "all" tab, a full-text search
 * over message bodies, the 30-day SLA/CSAT report (one SQL aggregate) and one conversation's detail.
 */
import { freshDatabase, fmt, summarize } from "./lib";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const CONVERSATIONS = option("--conversations", 10_000);
const RUNS = option("--runs", 30);
const SHOPS = ["bench-inbox.myshopify.com", "bench-inbox-other.myshopify.com"];

process.env.DATABASE_URL = freshDatabase("inbox-list");
process.env.LOG_LEVEL = "warn";
process.env.SHOPIFY_APP_URL = "https://kindly.bench";

const prismaModule = await import("../app/db.server");
const prisma = prismaModule.default;
await prismaModule.prepareDatabase();
const { listConversations, conversationDetail } = await import("../app/modules/inbox/inbox.server");
const { slaReport } = await import("../app/modules/inbox/sla.server");

const NOW = new Date("2026-11-24T12:00:00Z");
const STATUSES = ["OPEN", "OPEN", "WAITING", "CLOSED", "CLOSED", "CLOSED"];
const CHANNELS = ["EMAIL", "SMS", "CHAT"];
const WORDS = ["parcel", "refund", "size", "colour", "delivery", "card", "declined", "gift", "exchange", "stock"];

const seedStart = performance.now();
for (const shop of SHOPS) {
  await prisma.shop.create({ data: { shop, name: "Bench", ianaTimezone: "Europe/Paris" } });
  for (let offset = 0; offset < CONVERSATIONS; offset += 1000) {
    const batch = Array.from({ length: Math.min(1000, CONVERSATIONS - offset) }, (_, index) => {
      const n = offset + index;
      const createdAt = new Date(NOW.getTime() - (n % 60) * 86_400_000 - (n % 97) * 60_000);
      const status = STATUSES[n % STATUSES.length];
      const answered = status !== "OPEN" || n % 5 === 0;
      return {
        id: `${shop.slice(0, 12)}-c${n}`,
        shop,
        channel: CHANNELS[n % 3],
        status,
        contactName: `Shopper ${n}`,
        contactEmail: `shopper${n}@example.org`,
        vip: n % 10 === 0,
        unreadCount: status === "OPEN" ? 1 : 0,
        createdAt,
        lastMessageAt: new Date(createdAt.getTime() + 3_600_000),
        firstResponseDueAt: new Date(createdAt.getTime() + 4 * 3_600_000),
        resolutionDueAt: new Date(createdAt.getTime() + 24 * 3_600_000),
        firstResponseAt: answered ? new Date(createdAt.getTime() + ((n * 37) % 1800) * 60_000) : null,
        closedAt: status === "CLOSED" ? new Date(createdAt.getTime() + 20 * 3_600_000) : null,
        csatScore: status === "CLOSED" && n % 3 === 0 ? (n % 5) + 1 : null,
      };
    });
    await prisma.conversation.createMany({ data: batch });
    await prisma.conversationMessage.createMany({
      data: batch.flatMap((conversation, index) => [
        {
          shop,
          conversationId: conversation.id,
          author: "SHOPPER",
          channel: conversation.channel,
          body: `Hello, question about my ${WORDS[(offset + index) % WORDS.length]} number ${offset + index}`,
          createdAt: conversation.createdAt,
        },
        {
          shop,
          conversationId: conversation.id,
          author: "STAFF",
          channel: conversation.channel,
          body: "Thanks, I'm looking into it right now.",
          createdAt: conversation.lastMessageAt,
        },
      ]),
    });
  }
}
console.log(
  `inbox-list: ${SHOPS.length} shops x ${CONVERSATIONS} conversations (x2 messages) seeded in ${fmt((performance.now() - seedStart) / 1000)} s; ${RUNS} runs each`,
);

async function measure(label: string, run: () => Promise<unknown>) {
  await run(); // warm-up
  const times: number[] = [];
  for (let index = 0; index < RUNS; index++) {
    const start = performance.now();
    await run();
    times.push(performance.now() - start);
  }
  const summary = summarize(times);
  console.log(`${label.padEnd(50)} p50 ${fmt(summary.p50).padStart(7)} ms   p95 ${fmt(summary.p95).padStart(7)} ms`);
}

const shop = SHOPS[0];
const base = { status: "OPEN" as const, channel: "ALL" as const, vipFirst: true };
await measure("list: open, VIP first, page 1", () => listConversations(shop, base, NOW));
await measure("list: all, by recency, page 20", () =>
  listConversations(shop, { ...base, status: "ALL", vipFirst: false, page: 20 }, NOW),
);
await measure("list: open, SMS only", () => listConversations(shop, { ...base, channel: "SMS" }, NOW));
await measure('list: search "refund" (subject, contact, bodies)', () =>
  listConversations(shop, { ...base, status: "ALL", search: "refund" }, NOW),
);
await measure("report: 30 days (buckets, attainment, CSAT)", () =>
  slaReport(shop, new Date(NOW.getTime() - 30 * 86_400_000), NOW),
);
await measure("detail: one conversation", () =>
  conversationDetail(shop, `${shop.slice(0, 12)}-c4242`, NOW, { loadImages: false }),
);
await prisma.$disconnect();
