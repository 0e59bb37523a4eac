/**
 * Dispatch benchmark: N recovery emails falling due at a steady rate, sent by one worker through the real path
 * (claim under lease, send-time rules, Liquid rendering, SMTP to a loopback sink), on SQLite.
 *
 *   npx tsx bench/dispatch.ts [--messages 100000] [--rate 500]
 *
 * Prints messages/s actually sent and lateness (sent time minus due time) percentiles. The baseline in the same
 * run is Kindly's email channel alone (sendEmail in a loop, 16 in flight) pushing messages at the same sink as fast
 * as it can: the ceiling the schedule, the rules and the bookkeeping are measured against.
 * Run it with --rate above 500 to find the sustainable rate: lateness stays flat below it and grows above it.
 */
import { randomUUID } from "node:crypto";
import { createClient } from "@libsql/client";
import { fmt, freshDatabase, summarize } from "./lib";
import { spawn } from "node:child_process";
import { ROOT } from "./lib";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const MESSAGES = option("messages", 100_000);
const RATE = option("rate", 500);
const SHOP = "bench-dispatch.myshopify.com";

const sinkProcess = spawn(process.execPath, ["--import", "tsx", "bench/smtp-sink-server.ts"], {
  cwd: ROOT,
  stdio: ["ignore", "pipe", "inherit"],
});
const sinkPort = await new Promise<number>((resolve, reject) => {
  sinkProcess.stdout.on("data", (chunk: Buffer) => {
    const match = /listening (\d+)/.exec(chunk.toString());
    if (match) resolve(Number(match[1]));
  });
  sinkProcess.once("exit", (code) => reject(new Error(`SMTP sink exited with ${code}`)));
});
const sink = { url: `smtp://127.0.0.1:${sinkPort}` };

const url = freshDatabase("dispatch");
process.env.DATABASE_URL = url;
process.env.LOG_LEVEL = "warn";
process.env.SHOPIFY_APP_URL = "https://kindly.bench";

const { encryptSecret } = await import("../app/modules/shop/secrets.server");
const { ensureRecoveryFlow } = await import("../app/modules/recovery/flow.server");
const prismaModule = await import("../app/db.server");
const prisma = prismaModule.default;
await prismaModule.prepareDatabase();

await prisma.shop.create({
  data: {
    shop: SHOP,
    name: "Bench Store",
    email: "owner@bench.example",
    primaryDomain: "bench.example",
    senderName: "Claire",
    senderEmail: "claire@bench.example",
    smtpUrlEncrypted: encryptSecret(sink.url),
    ianaTimezone: "Europe/Paris",
  },
});
const flow = await ensureRecoveryFlow(prisma, SHOP, { enabled: true });

// Baseline: the channel alone (Kindly's sendEmail: pooled SMTP, decoration, same sink), 16 in flight, no schedule.
const { sendEmail } = await import("../app/modules/messaging/email.server");
const shopRow = await prisma.shop.findUniqueOrThrow({ where: { shop: SHOP } });
const baselineCount = Math.min(MESSAGES, 10_000);
const baselineStart = performance.now();
let next = 0;
await Promise.all(
  Array.from({ length: 16 }, async () => {
    while (next < baselineCount) {
      const id = `baseline_${next++}`;
      await sendEmail(shopRow, {
        messageId: id,
        replyToken: id,
        to: "b@example.org",
        subject: "Hello",
        text: "Hello",
        html: "<p>Hello</p>",
      });
    }
  }),
);
const baselineRate = baselineCount / ((performance.now() - baselineStart) / 1000);

// Seed: one checkout per message, each with a run and its first email step, due from `start` at RATE per second.
// The first message falls due once seeding is surely over (seeding writes ~5,000 rows a second), so the worker
// starts on an empty backlog and lateness measures dispatch, not the seeding.
const start = Date.now() + 5_000 + Math.ceil(MESSAGES / 3_000) * 1000;
const db = createClient({ url });
const CHUNK = 500;
const seedStart = performance.now();
for (let offset = 0; offset < MESSAGES; offset += CHUNK) {
  const statements = [];
  for (let i = offset; i < Math.min(MESSAGES, offset + CHUNK); i++) {
    const checkoutId = `co_${i}`;
    const runId = `run_${i}`;
    const due = new Date(start + Math.floor((i * 1000) / RATE)).toISOString().replace("Z", "+00:00");
    const anchor = new Date(start + Math.floor((i * 1000) / RATE) - 3_600_000).toISOString().replace("Z", "+00:00");
    statements.push(
      {
        sql: `INSERT INTO "Checkout" ("id","shop","token","email","firstName","locale","countryCode","currencyCode","totalPrice","lineItemsJson","recoveryUrl","emailMarketingState","smsMarketingState","status","shopifyUpdatedAt","createdAt","updatedAt") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
        args: [
          checkoutId,
          SHOP,
          randomUUID().replace(/-/g, ""),
          `shopper${i}@example.org`,
          "Camille",
          i % 2 ? "fr" : "en",
          "FR",
          "EUR",
          59.9,
          JSON.stringify([{ title: "Linen shirt", quantity: 1, price: "59.90" }]),
          `https://bench.example/checkouts/${i}/recover`,
          "SUBSCRIBED",
          "NOT_SUBSCRIBED",
          "OPEN",
          anchor,
          anchor,
          anchor,
        ],
      },
      {
        sql: `INSERT INTO "FlowRun" ("id","shop","flowId","subjectType","subjectId","state","holdout","anchorAt","createdAt","updatedAt","recovered") VALUES (?,?,?,?,?,?,?,?,?,?,?)`,
        args: [runId, SHOP, flow.id, "CHECKOUT", checkoutId, "ACTIVE", 0, anchor, anchor, anchor, 0],
      },
      {
        sql: `INSERT INTO "ScheduledMessage" ("id","shop","runId","stepPosition","channel","dueAt","state","attempts","createdAt","updatedAt") VALUES (?,?,?,?,?,?,?,?,?,?)`,
        args: [`sm_${i}`, SHOP, runId, 0, "EMAIL", due, "PENDING", 0, anchor, anchor],
      },
    );
  }
  await db.batch(statements, "write");
}
console.log(
  `seeded ${MESSAGES} due emails in ${fmt((performance.now() - seedStart) / 1000)} s; the first falls due ${fmt((start - Date.now()) / 1000)} s later, then ${RATE}/s`,
);

const { registerRecoveryWork } = await import("../app/modules/recovery/work.server");
const { startWorker } = await import("../app/jobs/worker.server");
registerRecoveryWork();
const worker = startWorker({ workerId: "bench", pollIntervalMs: 1000 });

const deadline = Date.now() + (MESSAGES / RATE) * 1000 * 3 + 60_000;
let sent = 0;
while (Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 2_000));
  const rows = await db.execute(
    `SELECT COUNT(*) AS n FROM "ScheduledMessage" WHERE "state" IN ('SENT','FAILED','SKIPPED','REVIEW')`,
  );
  sent = Number(rows.rows[0].n);
  if (sent >= MESSAGES) break;
}
const elapsed = (Date.now() - start) / 1000;
await worker.stop();

const lateness = await db.execute(
  `SELECT (julianday(m."sentAt") - julianday(s."dueAt")) * 86400000.0 AS late FROM "Message" m JOIN "ScheduledMessage" s ON s."id" = m."scheduledId" WHERE m."status" = 'SENT'`,
);
const states = await db.execute(`SELECT "state", COUNT(*) AS n FROM "ScheduledMessage" GROUP BY "state"`);
const late = summarize(lateness.rows.map((row) => Number(row.late)));

console.log(`Dispatch of ${MESSAGES} recovery emails due at ${RATE}/s, one worker, SQLite, loopback SMTP sink`);
console.log(
  `  sent: ${late.count} in ${fmt(elapsed)} s after the first became due = ${fmt(late.count / elapsed)} messages/s`,
);
console.log(
  `  lateness (sent - due): p50 ${fmt(late.p50, 0)} ms, p95 ${fmt(late.p95, 0)} ms, p99 ${fmt(late.p99, 0)} ms, max ${fmt(late.max, 0)} ms`,
);
console.log(`  states: ${states.rows.map((row) => `${row.state}=${row.n}`).join(", ")}`);
console.log(`  baseline (the email channel alone, 16 in flight, no schedule): ${fmt(baselineRate)} messages/s`);
// Sent messages/s cannot exceed the offered rate; keeping up with it is what matters: everything sent, lateness flat.
const keptUp = late.count === MESSAGES && late.p99 < 2000;
console.log(
  `  targets: keeps up with ${RATE} messages/s (all sent, p99 lateness < 2 s) -> ${keptUp ? "met" : "NOT met"}` +
    (RATE >= 500 ? "" : " (offer at least 500/s to test the 500/s target)"),
);
sinkProcess.kill("SIGTERM");
process.exit(0);
