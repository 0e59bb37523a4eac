/**
 * Production-scale load on PostgreSQL, next to SQLite in the same run:
 *
 *   npx tsx bench/postgres-load.ts [--rate 200] [--seconds 10] [--messages 10000] [--pg postgresql://...]
 *
 * 1. Webhook ingest (signed checkouts/update, the full path of bench/webhook-ingest.ts) against SQLite with one web
 *    instance, PostgreSQL with one, and PostgreSQL with two instances behind round-robin: latency at a steady rate
 *    (open loop) and maximum throughput (16 connections, alternating 1 s slices so machine noise hits all alike).
 * 2. Dispatch: a backlog of due recovery emails (all due at once) drained by real `npm run worker` processes
 *    through the loopback SMTP sink: SQLite with one worker, PostgreSQL with one, two and three.
 * 3. Claims: three concurrent claimers taking batches of 50 from 30,000 due rows with the claim statement's shape,
 *    compare-and-set alone (UPDATE ... WHERE "id" IN (pick) AND state re-checked) vs Kindly's PostgreSQL claim
 *    (the pick locked FOR UPDATE SKIP LOCKED in a MATERIALIZED CTE, then the same re-check): rows/s, wasted (empty)
 *    claims and deadlocks.
 *
 * Needs PostgreSQL (default postgresql://postgres@127.0.0.1:5432/test: the server's admin database; the benchmark
 * creates and drops its own databases). The machine's 2 cores are shared by the load generator, the instances and
 * PostgreSQL: figures are for comparison within the run.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createClient } from "@libsql/client";
import pg from "pg";
import {
  ROOT,
  checkoutWebhookBody,
  ensureBuild,
  fmt,
  freshDatabase,
  postSignedCheckoutWebhook,
  summarize,
} from "./lib";
import { createDatabase, dropDatabases, withDatabase } from "../tests/support/test-database";
import { execFileSync } from "node:child_process";

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? args[index + 1] : fallback;
};
const RATE = Number(option("rate", "200"));
const SECONDS = Number(option("seconds", "10"));
const MESSAGES = Number(option("messages", "10000"));
const PG_ADMIN = option("pg", "postgresql://postgres@127.0.0.1:5432/test");
const SECRET = "bench-secret";
const SHOP = "bench-shop.myshopify.com";
const ENCRYPTION_KEY = Buffer.alloc(32, 7).toString("base64");
const PREFIX = `kindly_bench${process.pid}_`;
const children: ChildProcess[] = [];

/** One SQL surface over both databases, for seeding and counting (`?` placeholders). */
interface Db {
  kind: "sqlite" | "postgres";
  url: string;
  exec(sql: string, values?: unknown[]): Promise<Array<Record<string, unknown>>>;
  close(): Promise<void>;
}

async function openDb(url: string): Promise<Db> {
  if (url.startsWith("file:")) {
    const client = createClient({ url });
    return {
      kind: "sqlite",
      url,
      exec: async (sql, values = []) =>
        (await client.execute({ sql, args: values as never[] })).rows as unknown as Array<Record<string, unknown>>,
      close: async () => client.close(),
    };
  }
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return {
    kind: "postgres",
    url,
    exec: async (sql, values = []) => {
      let n = 0;
      return (
        await client.query(
          sql.replace(/\?/g, () => `$${++n}`),
          values,
        )
      ).rows;
    },
    close: () => client.end(),
  };
}

async function freshPostgres(name: string): Promise<string> {
  await createDatabase(PG_ADMIN, `${PREFIX}${name}`);
  const url = withDatabase(PG_ADMIN, `${PREFIX}${name}`);
  execFileSync("npx", ["prisma", "migrate", "deploy", "--config", "prisma.postgres.config.ts"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: url },
    stdio: "pipe",
  });
  return url;
}

const iso = (date: Date) => date.toISOString().replace("Z", "+00:00");

async function seedShop(db: Db, smtpUrl?: string) {
  const { encryptSecret } = await import("../app/modules/shop/secrets.server");
  await db.exec(
    `INSERT INTO "Shop" ("shop","name","email","senderName","senderEmail","smtpUrlEncrypted","ianaTimezone","updatedAt") VALUES (?,?,?,?,?,?,?,?)`,
    [
      SHOP,
      "Bench",
      "owner@bench.example",
      "Claire",
      "claire@bench.example",
      smtpUrl ? encryptSecret(smtpUrl, Buffer.from(ENCRYPTION_KEY, "base64")) : null,
      // A time zone where the bench's messages are never in quiet hours would depend on the hour; UTC with the
      // default quiet hours only matters for SMS, and the bench sends email.
      "UTC",
      iso(new Date()),
    ],
  );
  await db.exec(`INSERT INTO "Session" ("id","shop","state","isOnline","scope","accessToken") VALUES (?,?,'',?,?,?)`, [
    `offline_${SHOP}`,
    SHOP,
    false,
    "read_customers,read_orders",
    "shpat_bench_offline_token",
  ]);
}

function processEnv(databaseUrl: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    SHOPIFY_API_SECRET: SECRET,
    SHOPIFY_API_KEY: "bench-key",
    LOG_LEVEL: "warn",
    NODE_ENV: "production",
    SHOPIFY_APP_URL: "http://127.0.0.1",
    INBOUND_EMAIL_SECRET: "bench-inbound-secret-123",
    ENCRYPTION_KEY,
    BENCH_SHOP: SHOP,
    DATABASE_POOL_SIZE: "10",
  };
}

async function startProcess(command: string[], env: Record<string, string>, ready: RegExp): Promise<RegExpExecArray> {
  const child = spawn(process.execPath, ["--import", "tsx", ...command], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = ready.exec(output);
      if (match) resolve(match);
    });
    child.once("exit", (code) => reject(new Error(`${command.join(" ")} exited with ${code}: ${output}`)));
  });
}

async function post(url: string): Promise<boolean> {
  const body = checkoutWebhookBody(SHOP, randomUUID().replace(/-/g, ""), new Date().toISOString());
  const response = await postSignedCheckoutWebhook(url, body, SHOP, SECRET);
  await response.arrayBuffer();
  return response.status === 200;
}

/** Round-robin over a configuration's instances. */
function roundRobin(urls: string[]) {
  let next = 0;
  return () => urls[next++ % urls.length];
}

async function openLoop(urls: string[], rate: number, seconds: number) {
  const pick = roundRobin(urls);
  const latencies: number[] = [];
  let failures = 0;
  const start = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < rate * seconds; i++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const sent = performance.now();
    pending.push(
      post(pick()).then(
        (ok) => {
          if (!ok) failures++;
          latencies.push(performance.now() - sent);
        },
        () => void failures++,
      ),
    );
  }
  await Promise.all(pending);
  return { ...summarize(latencies), failures };
}

async function closedLoop(urls: string[], connections: number, seconds: number) {
  const pick = roundRobin(urls);
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  let failures = 0;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < deadline) {
        if (await post(pick()).catch(() => false)) done++;
        else failures++;
      }
    }),
  );
  return { perSecond: done / seconds, failures };
}

async function ingest() {
  ensureBuild();
  const configs: Array<{ name: string; db: string; instances: number; urls: string[] }> = [
    { name: "SQLite, 1 instance", db: freshDatabase("load-ingest"), instances: 1, urls: [] },
    { name: "PostgreSQL, 1 instance", db: await freshPostgres("ingest1"), instances: 1, urls: [] },
    { name: "PostgreSQL, 2 instances", db: await freshPostgres("ingest2"), instances: 2, urls: [] },
  ];
  for (const config of configs) {
    const db = await openDb(config.db);
    await seedShop(db);
    await db.close();
    for (let i = 0; i < config.instances; i++) {
      const match = await startProcess(["bench/ingest-app-server.ts"], processEnv(config.db), /listening on (\S+)/);
      config.urls.push(`${match[1]}/webhooks/checkouts/update`);
    }
    await closedLoop(config.urls, 4, 1); // warm-up
  }
  console.log(`\n1. Webhook ingest: ${RATE} req/s for ${SECONDS} s (open loop), then max throughput (16 connections)`);
  const atRate = [];
  for (const config of configs) atRate.push(await openLoop(config.urls, RATE, SECONDS));
  const max = configs.map(() => ({ perSecond: 0, failures: 0 }));
  for (let slice = 0; slice < 5; slice++) {
    for (const [index, config] of configs.entries()) {
      const result = await closedLoop(config.urls, 16, 1);
      max[index].perSecond += result.perSecond / 5;
      max[index].failures += result.failures;
    }
  }
  for (const [index, config] of configs.entries()) {
    const r = atRate[index];
    console.log(
      `  ${config.name.padEnd(24)} at ${RATE}/s: p50 ${fmt(r.p50)} ms, p95 ${fmt(r.p95)} ms, p99 ${fmt(r.p99)} ms, failures ${r.failures}; max ${fmt(max[index].perSecond)} req/s (${fmt((100 * max[index].perSecond) / max[0].perSecond, 0)} % of SQLite), failures ${max[index].failures}`,
    );
  }
  for (const child of children.splice(0)) child.kill("SIGTERM");
}

async function seedBacklog(db: Db, count: number, due: Date) {
  const flowId = `flow_${randomUUID()}`;
  await db.exec(
    `INSERT INTO "Flow" ("id","shop","trigger","name","enabled","holdoutPercent","createdAt","updatedAt") VALUES (?,?,?,?,?,?,?,?)`,
    [flowId, SHOP, "CHECKOUT_ABANDONED", "Recovery", true, 0, iso(due), iso(due)],
  );
  const { DEFAULT_RECOVERY_STEPS } = await import("../app/modules/recovery/default-flow");
  const first = DEFAULT_RECOVERY_STEPS[0];
  await db.exec(
    `INSERT INTO "FlowStep" ("id","flowId","position","delayMinutes","channel","condition","templatesJson","createdAt","updatedAt") VALUES (?,?,?,?,?,?,?,?,?)`,
    [
      randomUUID(),
      flowId,
      first.position,
      first.delayMinutes,
      first.channel,
      first.condition,
      JSON.stringify(first.templates),
      iso(due),
      iso(due),
    ],
  );
  const anchor = iso(new Date(due.getTime() - 3_600_000));
  const chunk = 250;
  for (let offset = 0; offset < count; offset += chunk) {
    const ids = Array.from({ length: Math.min(chunk, count - offset) }, (_, k) => offset + k);
    const rows = (columns: number, make: (i: number) => unknown[]) => ({
      sql: ids.map(() => `(${Array(columns).fill("?").join(",")})`).join(","),
      values: ids.flatMap(make),
    });
    const checkouts = rows(17, (i) => [
      `co_${i}`,
      SHOP,
      `tok${i}`,
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
    ]);
    await db.exec(
      `INSERT INTO "Checkout" ("id","shop","token","email","firstName","locale","countryCode","currencyCode","totalPrice","lineItemsJson","recoveryUrl","emailMarketingState","smsMarketingState","status","shopifyUpdatedAt","createdAt","updatedAt") VALUES ${checkouts.sql}`,
      checkouts.values,
    );
    const runs = rows(11, (i) => [
      `run_${i}`,
      SHOP,
      flowId,
      "CHECKOUT",
      `co_${i}`,
      "ACTIVE",
      false,
      anchor,
      anchor,
      anchor,
      false,
    ]);
    await db.exec(
      `INSERT INTO "FlowRun" ("id","shop","flowId","subjectType","subjectId","state","holdout","anchorAt","createdAt","updatedAt","recovered") VALUES ${runs.sql}`,
      runs.values,
    );
    const scheduled = rows(10, (i) => [
      `sm_${i}`,
      SHOP,
      `run_${i}`,
      0,
      "EMAIL",
      iso(due),
      "PENDING",
      0,
      anchor,
      anchor,
    ]);
    await db.exec(
      `INSERT INTO "ScheduledMessage" ("id","shop","runId","stepPosition","channel","dueAt","state","attempts","createdAt","updatedAt") VALUES ${scheduled.sql}`,
      scheduled.values,
    );
  }
}

async function dispatch() {
  const sink = await startProcess(["bench/smtp-sink-server.ts"], {}, /listening (\d+)/);
  const smtpUrl = `smtp://127.0.0.1:${sink[1]}`;
  const configs = [
    { name: "SQLite, 1 worker", db: freshDatabase("load-dispatch"), workers: 1 },
    { name: "PostgreSQL, 1 worker", db: await freshPostgres("dispatch1"), workers: 1 },
    { name: "PostgreSQL, 2 workers", db: await freshPostgres("dispatch2"), workers: 2 },
    { name: "PostgreSQL, 3 workers", db: await freshPostgres("dispatch3"), workers: 3 },
  ];
  console.log(`\n2. Dispatch: a backlog of ${MESSAGES} due recovery emails, real worker processes, loopback SMTP sink`);
  for (const config of configs) {
    const db = await openDb(config.db);
    await seedShop(db, smtpUrl);
    // Due a little after the workers are up, so the clock starts on a full backlog, not on process start-up.
    const due = new Date(Date.now() + 60_000);
    await seedBacklog(db, MESSAGES, due);
    const workers: ChildProcess[] = [];
    await Promise.all(
      Array.from({ length: config.workers }, async () => {
        await startProcess(["server/worker.ts"], processEnv(config.db), /Kindly worker \S+ running/);
        workers.push(children.at(-1)!);
      }),
    );
    const wait = due.getTime() - Date.now();
    if (wait < 0) throw new Error("seeding and start-up took longer than a minute; use fewer --messages");
    await new Promise((resolve) => setTimeout(resolve, wait));
    const started = performance.now();
    let finished = 0;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      const [row] = await db.exec(
        `SELECT COUNT(*) AS n FROM "ScheduledMessage" WHERE "state" IN ('SENT','FAILED','SKIPPED','REVIEW')`,
      );
      finished = Number(row.n);
      if (finished >= MESSAGES || performance.now() - started > 600_000) break;
    }
    const seconds = (performance.now() - started) / 1000;
    const states = await db.exec(`SELECT "state", COUNT(*) AS n FROM "ScheduledMessage" GROUP BY "state"`);
    const [dupes] = await db.exec(
      `SELECT COUNT(*) AS n FROM (SELECT "scheduledId" FROM "Message" GROUP BY "scheduledId" HAVING COUNT(*) > 1) d`,
    );
    console.log(
      `  ${config.name.padEnd(22)}: ${finished} in ${fmt(seconds)} s = ${fmt(finished / seconds)} messages/s; states ${states.map((r) => `${r.state}=${r.n}`).join(", ")}; messages sent twice: ${dupes.n}`,
    );
    for (const worker of workers) worker.kill("SIGTERM");
    await db.close();
  }
}

async function claims() {
  const url = await freshPostgres("claims");
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE TABLE claim_bench ("id" TEXT PRIMARY KEY, "state" TEXT NOT NULL, "dueAt" TIMESTAMP(3) NOT NULL,
    "leaseOwner" TEXT, "claims" INT NOT NULL DEFAULT 0)`);
  await admin.query(`CREATE INDEX ON claim_bench ("state", "dueAt")`);
  console.log(`\n3. Claims on PostgreSQL: 3 concurrent claimers, batches of 50, 30,000 due rows`);
  for (const skipLocked of [false, true]) {
    await admin.query(`TRUNCATE claim_bench`);
    await admin.query(`INSERT INTO claim_bench ("id","state","dueAt")
      SELECT 'r' || g, 'PENDING', now() - (g || ' milliseconds')::interval FROM generate_series(1, 30000) g`);
    await admin.query(`ANALYZE claim_bench`);
    const claimers = await Promise.all(
      [0, 1, 2].map(async () => {
        const client = new pg.Client({ connectionString: url });
        client.on("error", () => undefined); // the end-of-run DROP DATABASE ... WITH (FORCE)
        await client.connect();
        return client;
      }),
    );
    let empty = 0;
    let deadlocks = 0;
    const started = performance.now();
    await Promise.all(
      claimers.map(async (client, index) => {
        for (;;) {
          const lease = `w${index}:${randomUUID()}`;
          try {
            const { rowCount } = await client.query(
              skipLocked
                ? `WITH "picked" AS MATERIALIZED (SELECT "id" FROM claim_bench WHERE "state" = 'PENDING' AND "dueAt" <= now()
                                                   ORDER BY "dueAt" LIMIT 50 FOR UPDATE SKIP LOCKED)
                   UPDATE claim_bench SET "state" = 'CLAIMED', "leaseOwner" = $1, "claims" = "claims" + 1
                     FROM "picked" WHERE claim_bench."id" = "picked"."id" AND "state" = 'PENDING'`
                : `UPDATE claim_bench SET "state" = 'CLAIMED', "leaseOwner" = $1, "claims" = "claims" + 1
                    WHERE "id" IN (SELECT "id" FROM claim_bench WHERE "state" = 'PENDING' AND "dueAt" <= now()
                                    ORDER BY "dueAt" LIMIT 50)
                      AND "state" = 'PENDING'`,
              [lease],
            );
            if (!rowCount) {
              const { rows } = await client.query(
                `SELECT COUNT(*)::int AS n FROM claim_bench WHERE "state" = 'PENDING'`,
              );
              if (rows[0].n === 0) return;
              empty++;
              continue;
            }
            // The batch's work, then its completion (what a sent message's transition costs).
            await client.query(
              `UPDATE claim_bench SET "state" = 'SENT' WHERE "leaseOwner" = $1 AND "state" = 'CLAIMED'`,
              [lease],
            );
          } catch (error) {
            // PostgreSQL aborts one statement of a lock cycle (40P01) after deadlock_timeout (1 s); the row states
            // stay consistent (the aborted statement changed nothing), the time is lost.
            if ((error as { code?: string }).code !== "40P01") throw error;
            deadlocks++;
            await client.query(
              `UPDATE claim_bench SET "state" = 'SENT' WHERE "leaseOwner" = $1 AND "state" = 'CLAIMED'`,
              [lease],
            );
          }
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const { rows } = await admin.query(
      `SELECT COUNT(*)::int AS sent, MAX("claims")::int AS most FROM claim_bench WHERE "state" = 'SENT'`,
    );
    console.log(
      `  ${skipLocked ? "CAS + SKIP LOCKED" : "CAS alone        "}: ${rows[0].sent} rows in ${fmt(seconds, 2)} s = ${fmt(rows[0].sent / seconds, 0)} rows/s, ${empty} empty claims, ${deadlocks} deadlocks, most claims of one row: ${rows[0].most}`,
    );
    await Promise.all(claimers.map((client) => client.end()));
  }
  await admin.end();
}

try {
  process.env.ENCRYPTION_KEY = ENCRYPTION_KEY;
  process.env.LOG_LEVEL = "warn";
  const only = option("only", "ingest,dispatch,claims").split(",");
  console.log(`PostgreSQL load benchmark (${new Date().toISOString()}), PostgreSQL at ${new URL(PG_ADMIN).host}`);
  if (only.includes("ingest")) await ingest();
  if (only.includes("dispatch")) await dispatch();
  if (only.includes("claims")) await claims();
} finally {
  for (const child of children) child.kill("SIGTERM");
  await dropDatabases(PG_ADMIN, PREFIX).catch(() => undefined);
}
process.exit(0);
