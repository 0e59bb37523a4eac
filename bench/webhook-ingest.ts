/**
 * Webhook ingest benchmark: signed checkouts/update posts to Kindly (full path: HMAC via shopify-app-remix,
 * de-duplication, checkout upsert, enrollment with four scheduled steps, all in one SQLite transaction) against a
 * bare node:http + HMAC + one SQLite insert baseline, in the same run.
 *
 *   npx tsx bench/webhook-ingest.ts [--rate 200] [--seconds 10]
 *
 * Prints: latency at the target rate (open loop: requests start on schedule whatever the responses do), and the
 * maximum sustained throughput (closed loop, 16 connections) of both, with their ratio.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createClient } from "@libsql/client";
import {
  ROOT,
  checkoutWebhookBody,
  ensureBuild,
  fmt,
  freshDatabase,
  postSignedCheckoutWebhook,
  summarize,
} from "./lib";

const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const RATE = option("rate", 200);
const SECONDS = option("seconds", 10);
const SECRET = "bench-secret";
const SHOP = "bench-shop.myshopify.com";

const checkoutBody = (token: string, updatedAt: string) => checkoutWebhookBody(SHOP, token, updatedAt);
const signedRequest = (url: string, body: string) => postSignedCheckoutWebhook(url, body, SHOP, SECRET);

async function startProcess(
  command: string[],
  env: Record<string, string>,
): Promise<{ child: ChildProcess; port: number }> {
  // The benchmark's own node runs the servers (not npx), so SIGTERM reaches them; --profile writes CPU profiles.
  const profile = process.argv.includes("--profile") ? ["--cpu-prof", "--cpu-prof-dir=bench/.tmp/profiles"] : [];
  const child = spawn(process.execPath, [...profile, "--import", "tsx", ...command], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening (?:on http:\/\/[^:]+:)?(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    });
    child.once("exit", (code) => reject(new Error(`${command.join(" ")} exited with ${code}: ${output}`)));
  });
  return { child, port };
}

async function openLoop(url: string, rate: number, seconds: number) {
  const total = rate * seconds;
  const latencies: number[] = [];
  let failures = 0;
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const body = checkoutBody(randomUUID().replace(/-/g, ""), new Date().toISOString());
    const sent = performance.now();
    pending.push(
      signedRequest(url, body).then(
        async (response) => {
          await response.arrayBuffer();
          if (response.status !== 200) failures++;
          latencies.push(performance.now() - sent);
        },
        () => {
          failures++;
        },
      ),
    );
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  return { ...summarize(latencies), failures, achievedRate: latencies.length / elapsed };
}

async function closedLoop(url: string, connections: number, seconds: number) {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  let failures = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        const response = await signedRequest(
          url,
          checkoutBody(randomUUID().replace(/-/g, ""), new Date().toISOString()),
        );
        await response.arrayBuffer();
        if (response.status === 200) done++;
        else failures++;
      }
    }),
  );
  return { requestsPerSecond: done / seconds, failures };
}

ensureBuild();
const appDb = freshDatabase("ingest-app");
// The shop has recovery switched on, so every checkout is enrolled (the realistic, heavier path).
const seed = createClient({ url: appDb });
await seed.execute({
  sql: `INSERT INTO "Shop" ("shop","name","updatedAt") VALUES (?, 'Bench', CURRENT_TIMESTAMP)`,
  args: [SHOP],
});
// An installed shop has its offline session; authenticate.webhook loads it for every delivery.
await seed.execute({
  sql: `INSERT INTO "Session" ("id","shop","state","isOnline","scope","accessToken") VALUES (?, ?, '', 0, ?, ?)`,
  args: [`offline_${SHOP}`, SHOP, "read_customers,read_orders", "shpat_bench_offline_token"],
});
const app = await startProcess(["bench/ingest-app-server.ts"], {
  DATABASE_URL: appDb,
  SHOPIFY_API_SECRET: SECRET,
  SHOPIFY_API_KEY: "bench-key",
  LOG_LEVEL: "warn",
  NODE_ENV: "production",
  SHOPIFY_APP_URL: "http://127.0.0.1",
  INBOUND_EMAIL_SECRET: "bench-inbound-secret-123",
  ENCRYPTION_KEY: Buffer.alloc(32, 3).toString("base64"),
  BENCH_SHOP: SHOP,
});
const baselineDb = freshDatabase("ingest-baseline");
const baseline = await startProcess(["bench/ingest-baseline-server.ts"], {
  DATABASE_URL: baselineDb,
  SHOPIFY_API_SECRET: SECRET,
});

try {
  const appUrl = `http://127.0.0.1:${app.port}/webhooks/checkouts/update`;
  const baselineUrl = `http://127.0.0.1:${baseline.port}/`;
  // Warm up both (JIT, connection pools).
  await closedLoop(appUrl, 4, 1);
  await closedLoop(baselineUrl, 4, 1);

  const appAtRate = await openLoop(appUrl, RATE, SECONDS);
  const baselineAtRate = await openLoop(baselineUrl, RATE, SECONDS);
  // Throughput in alternating one-second slices (five each), so a load change on the machine hits both alike.
  const appMax = { requestsPerSecond: 0, failures: 0 };
  const baselineMax = { requestsPerSecond: 0, failures: 0 };
  for (let slice = 0; slice < 5; slice++) {
    for (const [url, total] of [
      [appUrl, appMax],
      [baselineUrl, baselineMax],
    ] as const) {
      const result = await closedLoop(url, 16, 1);
      total.requestsPerSecond += result.requestsPerSecond / 5;
      total.failures += result.failures;
    }
  }
  const counts = await createClient({ url: appDb }).execute(
    `SELECT (SELECT COUNT(*) FROM "Checkout") AS checkouts, (SELECT COUNT(*) FROM "ScheduledMessage") AS scheduled, (SELECT COUNT(*) FROM "WebhookEvent") AS events`,
  );

  console.log(
    `Webhook ingest on SQLite, ${RATE} req/s for ${SECONDS} s (open loop), then max throughput (16 connections, 5 s each in alternating 1 s slices)`,
  );
  console.log(
    `  Kindly   at ${RATE}/s: p50 ${fmt(appAtRate.p50)} ms, p95 ${fmt(appAtRate.p95)} ms, p99 ${fmt(appAtRate.p99)} ms, max ${fmt(appAtRate.max)} ms, achieved ${fmt(appAtRate.achievedRate)}/s, failures ${appAtRate.failures}`,
  );
  console.log(
    `  baseline at ${RATE}/s: p50 ${fmt(baselineAtRate.p50)} ms, p95 ${fmt(baselineAtRate.p95)} ms, p99 ${fmt(baselineAtRate.p99)} ms, max ${fmt(baselineAtRate.max)} ms, failures ${baselineAtRate.failures}`,
  );
  console.log(
    `  max throughput: Kindly ${fmt(appMax.requestsPerSecond)} req/s, baseline ${fmt(baselineMax.requestsPerSecond)} req/s, ratio ${fmt((100 * appMax.requestsPerSecond) / baselineMax.requestsPerSecond)} %`,
  );
  console.log(`  queued: ${JSON.stringify(counts.rows[0])}`);
  app.child.kill("SIGTERM");
  // The worker side: drain the queued deliveries (parse, upsert checkout, enroll with four scheduled steps).
  process.env.DATABASE_URL = appDb;
  process.env.SHOPIFY_API_SECRET = SECRET;
  process.env.LOG_LEVEL = "warn";
  const { registerRecoveryWork } = await import("../app/modules/recovery/work.server");
  const { processQueuedWebhooks } = await import("../app/modules/webhooks/queue.server");
  registerRecoveryWork();
  const drainStart = performance.now();
  let drained = 0;
  for (;;) {
    const handled = await processQueuedWebhooks({ now: new Date(), workerId: "bench" }, 100);
    if (handled === 0) break;
    drained += handled;
  }
  const drainSeconds = (performance.now() - drainStart) / 1000;
  const after = await createClient({ url: appDb }).execute(
    `SELECT (SELECT COUNT(*) FROM "Checkout") AS checkouts, (SELECT COUNT(*) FROM "ScheduledMessage") AS scheduled, (SELECT COUNT(*) FROM "WebhookEvent" WHERE "status" = 'PROCESSED') AS processed`,
  );
  console.log(
    `  worker drain: ${drained} deliveries in ${fmt(drainSeconds)} s = ${fmt(drained / drainSeconds)} /s (one worker) -> ${JSON.stringify(after.rows[0])}`,
  );
  console.log(
    `  targets: p99 < 50 ms at 200 req/s -> ${appAtRate.p99 < 50 ? "met" : "NOT met"}; throughput >= 50 % of baseline -> ${appMax.requestsPerSecond >= baselineMax.requestsPerSecond / 2 ? "met" : "NOT met"}`,
  );
} finally {
  app.child.kill("SIGTERM");
  baseline.child.kill("SIGTERM");
}
