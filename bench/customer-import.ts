/**
 * Customer import benchmark: a generated bulk-operation result (JSONL, customers each followed by their orders, as
 * `groupObjects: true` writes it) read the way the importer reads it.
 *
 *   npx tsx bench/customer-import.ts [--lines 1000000] [--db-lines 50000]
 *
 * Phases, each in its own child process so peak RSS is that phase's alone:
 *   baseline  node:readline over the file + JSON.parse of every line (the least any importer must do)
 *   parse     Kindly's stream reader (readLineBatches) + parseBulkLine (validation, exact money strings) + grouping
 *             orders under their customer by __parentId (CustomerGrouper): "parsed and grouped"
 *   db        the full import path on the first --db-lines lines: the same reader, batches upserted into a
 *             fresh SQLite database with the job's progress in each transaction, then order dates (advanceCustomerImports)
 * Targets (issue 6): parsed and grouped >= 100,000 lines/s with peak RSS < 200 MB. The file goes to the OS temp
 * directory, never the repository.
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import readline from "node:readline";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { fmt, freshDatabase } from "./lib";

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const index = args.indexOf(name);
  return index >= 0 ? Number(args[index + 1]) : fallback;
};
const phase = args.includes("--phase") ? args[args.indexOf("--phase") + 1] : null;

interface PhaseResult {
  phase: string;
  lines: number;
  ms: number;
  maxRssMb: number;
  detail: Record<string, number>;
}

const peakRssMb = () => process.resourceUsage().maxRSS / 1024;

// ---- Generation -----------------------------------------------------------------------------------------------

/** Deterministic shop-like data: ~1 customer in 4 lines, 0-6 orders each, 18-digit ids, French names. */
async function generate(file: string, totalLines: number): Promise<{ customers: number; orders: number }> {
  const out = fs.createWriteStream(file);
  let seed = 42;
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  let lines = 0;
  let customers = 0;
  let orders = 0;
  let chunk = "";
  let orderId = 5_100_000_000_000_000;
  while (lines < totalLines) {
    const id = `gid://shopify/Customer/${7_200_000_000_000_000 + customers}`;
    const count = Math.min(totalLines - lines - 1, Math.floor(random() * 7));
    const spent = (random() * 400).toFixed(2);
    chunk +=
      JSON.stringify({
        id,
        firstName: "Léa",
        lastName: `Durand-${customers}`,
        locale: "fr",
        createdAt: "2025-03-01T10:00:00Z",
        updatedAt: "2026-11-01T10:00:00Z",
        tags: customers % 10 === 0 ? ["newsletter"] : [],
        numberOfOrders: String(count),
        amountSpent: { amount: spent, currencyCode: "EUR" },
        defaultEmailAddress: { emailAddress: `lea.${customers}@example.org`, marketingState: "SUBSCRIBED" },
        defaultPhoneNumber: null,
        defaultAddress: { countryCodeV2: "FR", timeZone: "Europe/Paris" },
      }) + "\n";
    lines += 1;
    customers += 1;
    for (let i = 0; i < count; i++) {
      const amount = (10 + random() * 150).toFixed(2);
      chunk +=
        JSON.stringify({
          id: `gid://shopify/Order/${orderId++}`,
          name: `#${1000 + orders}`,
          processedAt: new Date(Date.UTC(2025, 4, 1) + Math.floor(random() * 500) * 86_400_000).toISOString(),
          cancelledAt: null,
          displayFinancialStatus: "PAID",
          totalPriceSet: { shopMoney: { amount, currencyCode: "EUR" } },
          currentTotalPriceSet: { shopMoney: { amount, currencyCode: "EUR" } },
          __parentId: id,
        }) + "\n";
      lines += 1;
      orders += 1;
    }
    if (chunk.length > 1 << 20) {
      if (!out.write(chunk)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
      chunk = "";
    }
  }
  out.end(chunk);
  await new Promise<void>((resolve) => out.once("finish", () => resolve()));
  return { customers, orders };
}

// ---- Phases (child processes) -----------------------------------------------------------------------------------

async function baseline(file: string): Promise<PhaseResult> {
  const started = performance.now();
  let lines = 0;
  let objects = 0;
  const reader = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
  for await (const line of reader) {
    if (line === "") continue;
    const value = JSON.parse(line) as unknown;
    if (value !== null) objects += 1;
    lines += 1;
  }
  return { phase: "baseline", lines, ms: performance.now() - started, maxRssMb: peakRssMb(), detail: { objects } };
}

async function parseAndGroup(file: string): Promise<PhaseResult> {
  const { readLineBatches, parseBulkLine, CustomerGrouper } = await import("../app/modules/customers/bulk-lines");
  const started = performance.now();
  const grouper = new CustomerGrouper();
  let lines = 0;
  let groups = 0;
  let groupedOrders = 0;
  let orphans = 0;
  let malformed = 0;
  for await (const batch of readLineBatches(fs.createReadStream(file, { highWaterMark: 1 << 16 }), 500)) {
    for (const line of batch) {
      lines += 1;
      const parsed = parseBulkLine(line);
      if (parsed.kind === "malformed") {
        malformed += 1;
        continue;
      }
      const { group, orphan } = grouper.push(parsed);
      if (group) {
        groups += 1;
        groupedOrders += group.orders.length;
      }
      if (orphan) orphans += 1;
    }
  }
  const last = grouper.finish();
  if (last) {
    groups += 1;
    groupedOrders += last.orders.length;
  }
  return {
    phase: "parse",
    lines,
    ms: performance.now() - started,
    maxRssMb: peakRssMb(),
    detail: { customers: groups, orders: groupedOrders, orphans, malformed },
  };
}

async function databaseImport(file: string, limit: number): Promise<PhaseResult> {
  process.env.DATABASE_URL = freshDatabase("customer-import");
  process.env.LOG_LEVEL = "warn";
  process.env.SHOPIFY_APP_URL = "https://kindly.bench";
  const { default: prisma } = await import("../app/db.server");
  const { prepareDatabase } = await import("../app/db.server");
  const { advanceCustomerImports, defaultImportDependencies, IMPORT_BATCH_LINES } =
    await import("../app/modules/customers/import.server");
  await prepareDatabase();
  const shop = "bench-shop.myshopify.com";
  await prisma.shop.create({ data: { shop } });
  const job = await prisma.importJob.create({
    data: { shop, status: "DOWNLOADING", resultUrl: "file://bench", objectCount: limit },
  });
  // The first `limit` lines of the file, streamed as a fetch body would be.
  async function* firstLines() {
    let sent = 0;
    const reader = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
    for await (const line of reader) {
      if (sent++ >= limit) break;
      yield `${line}\n`;
    }
  }
  const deps = {
    ...defaultImportDependencies,
    fetch: async () => new Response(Readable.toWeb(Readable.from(firstLines())) as ReadableStream<Uint8Array>),
  };
  const started = performance.now();
  await advanceCustomerImports({ now: new Date(), workerId: "bench" }, deps);
  const ms = performance.now() - started;
  const done = await prisma.importJob.findUniqueOrThrow({ where: { id: job.id } });
  if (done.status !== "COMPLETED") throw new Error(`import ended ${done.status}: ${done.lastError}`);
  const [customers, orders] = await Promise.all([prisma.customer.count(), prisma.order.count()]);
  await prisma.$disconnect();
  return {
    phase: "db",
    lines: done.linesProcessed,
    ms,
    maxRssMb: peakRssMb(),
    detail: { customers, orders, batch: IMPORT_BATCH_LINES },
  };
}

if (phase) {
  const file = args[args.indexOf("--file") + 1];
  const result =
    phase === "baseline"
      ? await baseline(file)
      : phase === "parse"
        ? await parseAndGroup(file)
        : await databaseImport(file, arg("--db-lines", 50_000));
  process.stdout.write(`${JSON.stringify(result)}\n`);
  process.exit(0);
}

// ---- Driver -----------------------------------------------------------------------------------------------------

const LINES = arg("--lines", 1_000_000);
const DB_LINES = arg("--db-lines", 50_000);
const file = path.join(os.tmpdir(), `kindly-bulk-${LINES}.jsonl`);
const t0 = performance.now();
const generated = await generate(file, LINES);
console.log(
  `customer-import: ${LINES.toLocaleString("en")} lines (${generated.customers.toLocaleString("en")} customers, ` +
    `${generated.orders.toLocaleString("en")} orders, ${fmt(fs.statSync(file).size / 1e6, 0)} MB) generated in ` +
    `${fmt((performance.now() - t0) / 1000)} s at ${file}`,
);

function runPhase(name: string): PhaseResult {
  const self = fileURLToPath(import.meta.url);
  const child = spawnSync(
    process.execPath,
    [...process.execArgv, self, "--phase", name, "--file", file, "--db-lines", String(DB_LINES)],
    { encoding: "utf8", maxBuffer: 1 << 24 },
  );
  if (child.status !== 0) throw new Error(`phase ${name} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split("\n").at(-1)!) as PhaseResult;
}

const rate = (result: PhaseResult) => result.lines / (result.ms / 1000);
const base = runPhase("baseline");
const ours = runPhase("parse");
console.log(
  `baseline (readline + JSON.parse): ${fmt(rate(base), 0)} lines/s, ${fmt(base.ms / 1000, 2)} s, peak RSS ${fmt(base.maxRssMb, 0)} MB`,
);
console.log(
  `parsed and grouped (Kindly):      ${fmt(rate(ours), 0)} lines/s, ${fmt(ours.ms / 1000, 2)} s, peak RSS ${fmt(ours.maxRssMb, 0)} MB ` +
    `(${ours.detail.customers} customers, ${ours.detail.orders} orders joined, ${ours.detail.orphans} orphans, ` +
    `${ours.detail.malformed} malformed)`,
);
console.log(
  `ratio: ${fmt(rate(ours) / rate(base), 2)}x the baseline's throughput; targets >= 100,000 lines/s ` +
    `(${rate(ours) >= 100_000 ? "met" : "NOT met"}), RSS < 200 MB (${ours.maxRssMb < 200 ? "met" : "NOT met"})`,
);
if (ours.detail.customers !== generated.customers || ours.detail.orders !== generated.orders) {
  throw new Error("the parser lost lines: counts differ from what was generated");
}
if (DB_LINES > 0) {
  const db = runPhase("db");
  console.log(
    `full import into SQLite (${db.lines.toLocaleString("en")} lines, ${db.detail.batch}-line transactions): ` +
      `${fmt(rate(db), 0)} lines/s, ` +
      `${fmt(db.ms / 1000, 2)} s, peak RSS ${fmt(db.maxRssMb, 0)} MB (${db.detail.customers} customers, ${db.detail.orders} orders)`,
  );
}
fs.rmSync(file, { force: true });
