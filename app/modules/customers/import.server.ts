import { randomUUID } from "node:crypto";
import type { AdminApiContext } from "@shopify/shopify-app-remix/server";
import prisma from "~/db.server";
import { Prisma } from "~/generated/prisma/client";
import { getClock } from "~/clock.server";
import { getLogger } from "~/logger.server";
import {
  BULK_CUSTOMERS_IMPORT_MUTATION,
  BULK_CUSTOMERS_QUERY,
  type BulkCustomersImportResult,
} from "~/graphql/BulkCustomersImport";
import { BULK_OPERATION_STATUS_QUERY, type BulkOperationStatusResult } from "~/graphql/BulkOperationStatus";
import { runAdminQuery } from "~/modules/shop/graphql.server";
import type { Tx } from "~/modules/webhooks/receive.server";
import {
  parseBulkLine,
  readLineBatches,
  type BulkCustomerRecord,
  type BulkOrderRecord,
} from "~/modules/customers/bulk-lines";

/**
 * The customers-and-orders import: one bulk operation (ImportJob CREATED -> RUNNING), then the worker downloads its
 * JSONL (DOWNLOADING) and upserts it in batches, each batch in one transaction together with the job's progress
 * (`linesProcessed`), so a crash resumes after the last committed batch and replays nothing twice; upserts are keyed
 * by Shopify's ids, so even a replayed batch changes nothing. Then COMPLETED, and the segment work is due.
 * See app/modules/customers/README.md.
 */

/**
 * Lines per transaction. Large on purpose: with the libsql driver every Prisma transaction detaches a native
 * connection that is only freed when V8 collects it (libsql-client-ts #350, prisma #30276), so fewer transactions
 * mean less resident memory on a big import; 2,000 lines still commit in about a tenth of a second.
 */
export const IMPORT_BATCH_LINES = 2000;
/** A claimed job is someone's for this long; every committed batch renews it. */
export const IMPORT_LEASE_MS = 5 * 60_000;
/** Polling while Shopify runs the operation (bulk_operations/finish usually says so sooner). */
export const IMPORT_POLL_MS = 10_000;
/** After a failed attempt (download error, database error): retry from the last committed batch. */
export const IMPORT_RETRY_MS = 60_000;
export const IMPORT_MAX_FAILURES = 5;
const MALFORMED_EXAMPLES = 20;

export const ACTIVE_IMPORT_STATUSES = ["CREATED", "RUNNING", "DOWNLOADING"];

export interface ImportErrors {
  /** The first few malformed lines (1-based line number in the result file, and why). */
  malformed: Array<{ line: number; reason: string }>;
  /** Failed attempts so far (each is retried from the last committed batch). */
  failures: number;
}

export function readImportErrors(json: string | null): ImportErrors {
  if (!json) return { malformed: [], failures: 0 };
  try {
    const parsed = JSON.parse(json) as Partial<ImportErrors>;
    return { malformed: Array.isArray(parsed.malformed) ? parsed.malformed : [], failures: parsed.failures ?? 0 };
  } catch {
    return { malformed: [], failures: 0 };
  }
}

export type StartImportResult =
  | { result: "STARTED"; jobId: string }
  | { result: "ALREADY_RUNNING"; jobId: string }
  | { result: "REFUSED"; jobId: string; message: string };

/** Starts the bulk operation and records the job; one import at a time per shop. */
export async function startCustomerImport(
  admin: AdminApiContext,
  shop: string,
  now = getClock().now(),
): Promise<StartImportResult> {
  const active = await prisma.importJob.findFirst({
    where: { shop, status: { in: ACTIVE_IMPORT_STATUSES } },
    orderBy: { startedAt: "desc" },
  });
  if (active) return { result: "ALREADY_RUNNING", jobId: active.id };
  const job = await prisma.importJob.create({ data: { shop, status: "CREATED", startedAt: now } });
  let message: string;
  try {
    const { bulkOperationRunQuery: run } = await runAdminQuery<BulkCustomersImportResult>(
      admin,
      "BulkCustomersImport",
      BULK_CUSTOMERS_IMPORT_MUTATION,
      { query: BULK_CUSTOMERS_QUERY },
    );
    if (run?.bulkOperation) {
      await prisma.importJob.update({
        where: { id: job.id },
        data: {
          status: "RUNNING",
          bulkOperationId: run.bulkOperation.id,
          leaseExpiresAt: new Date(now.getTime() + IMPORT_POLL_MS),
        },
      });
      return { result: "STARTED", jobId: job.id };
    }
    message = run?.userErrors.map((error) => error.message).join("; ") || "Shopify did not start the bulk operation";
  } catch (error) {
    message = error instanceof Error ? error.message : String(error);
  }
  await prisma.importJob.update({
    where: { id: job.id },
    data: { status: "FAILED", lastError: message.slice(0, 500), finishedAt: now },
  });
  return { result: "REFUSED", jobId: job.id, message };
}

/**
 * bulk_operations/finish: the job of that operation is due at once (the worker asks Shopify for the result's URL
 * rather than trusting the webhook's status). A job someone holds is left alone: it will poll again shortly.
 */
export async function markBulkOperationFinished(tx: Tx, shop: string, bulkOperationId: string): Promise<number> {
  const { count } = await tx.importJob.updateMany({
    where: { shop, bulkOperationId, status: "RUNNING", leaseOwner: null },
    data: { leaseExpiresAt: null },
  });
  return count;
}

export interface ImportDependencies {
  adminFor: (shop: string) => Promise<AdminApiContext>;
  fetch: (url: string) => Promise<Response>;
  /** Lines per batch (default IMPORT_BATCH_LINES); tests use smaller batches to crash between them. */
  batchLines?: number;
  /** Test hook: called after each committed batch (a test throws here to simulate a crash). */
  afterBatch?: (batch: number) => Promise<void> | void;
}

async function defaultAdminFor(shop: string): Promise<AdminApiContext> {
  const { unauthenticated } = await import("~/shopify.server");
  return (await unauthenticated.admin(shop)).admin;
}

export const defaultImportDependencies: ImportDependencies = {
  adminFor: defaultAdminFor,
  // Resolved at call time, so MSW (tests, demo) answers.
  fetch: (url) => globalThis.fetch(url),
};

/**
 * Due work: claims one import whose next step is due (poll Shopify, or download and upsert) and runs it. Returns 1
 * when it did something, 0 when nothing was due.
 */
export async function advanceCustomerImports(
  context: { now: Date; workerId: string },
  deps: ImportDependencies = defaultImportDependencies,
): Promise<number> {
  const { now } = context;
  const job = await prisma.importJob.findFirst({
    where: {
      status: { in: ["RUNNING", "DOWNLOADING"] },
      OR: [{ leaseExpiresAt: null }, { leaseExpiresAt: { lte: now } }],
    },
    orderBy: { startedAt: "asc" },
  });
  if (!job) return 0;
  const owner = `${context.workerId}:${job.id}:${now.getTime()}`;
  const claimed = await prisma.importJob.updateMany({
    where: { id: job.id, leaseOwner: job.leaseOwner, leaseExpiresAt: job.leaseExpiresAt, status: job.status },
    data: { leaseOwner: owner, leaseExpiresAt: new Date(now.getTime() + IMPORT_LEASE_MS) },
  });
  if (claimed.count !== 1) return 1; // another worker took it between the read and the claim
  const log = getLogger().child({ shop: job.shop, importJob: job.id });
  try {
    await runImportStep(job.id, owner, deps);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    const latest = await prisma.importJob.findUnique({ where: { id: job.id } });
    const errors = readImportErrors(latest?.errorsJson ?? null);
    errors.failures += 1;
    // Stop after a few attempts rather than hammer Shopify forever; the merchant sees the error and can start again.
    const final = errors.failures >= IMPORT_MAX_FAILURES;
    await prisma.importJob.updateMany({
      where: { id: job.id, leaseOwner: owner },
      data: {
        lastError: detail.slice(0, 500),
        errorsJson: JSON.stringify(errors),
        leaseOwner: null,
        ...(final
          ? { status: "FAILED", finishedAt: getClock().now(), leaseExpiresAt: null }
          : { leaseExpiresAt: new Date(getClock().now().getTime() + IMPORT_RETRY_MS) }),
      },
    });
    log.warn({ err: detail, final }, "customer import step failed");
  }
  return 1;
}

async function runImportStep(jobId: string, owner: string, deps: ImportDependencies): Promise<void> {
  let job = await prisma.importJob.findUniqueOrThrow({ where: { id: jobId } });
  if (job.status === "RUNNING") {
    const admin = await deps.adminFor(job.shop);
    const { bulkOperation: operation } = await runAdminQuery<BulkOperationStatusResult>(
      admin,
      "BulkOperationStatus",
      BULK_OPERATION_STATUS_QUERY,
      { id: job.bulkOperationId },
    );
    const now = getClock().now();
    if (!operation || ["FAILED", "CANCELED", "EXPIRED"].includes(operation.status)) {
      await prisma.importJob.updateMany({
        where: { id: jobId, leaseOwner: owner },
        data: {
          status: "FAILED",
          finishedAt: now,
          leaseOwner: null,
          leaseExpiresAt: null,
          lastError: operation
            ? `Shopify's bulk operation ended ${operation.status}${operation.errorCode ? ` (${operation.errorCode})` : ""}`
            : "Shopify no longer knows this bulk operation",
        },
      });
      return;
    }
    const objectCount = Number(operation.objectCount);
    if (operation.status !== "COMPLETED") {
      await prisma.importJob.updateMany({
        where: { id: jobId, leaseOwner: owner },
        data: { objectCount, leaseOwner: null, leaseExpiresAt: new Date(now.getTime() + IMPORT_POLL_MS) },
      });
      return;
    }
    // No URL: the query matched nothing (a shop without customers).
    job = await prisma.importJob.update({
      where: { id: jobId },
      data: { status: "DOWNLOADING", resultUrl: operation.url, objectCount },
    });
  }
  if (job.status !== "DOWNLOADING") return;
  if (job.resultUrl) await importResultFile(job, owner, deps);
  await finishImport(job.id, job.shop, owner);
}

/**
 * The response body as chunks. Leaving early (a batch failed) cancels the download without waiting for it: some
 * stream sources only settle a cancel once their producer notices, and the import must not hang on that.
 */
async function* bodyChunks(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        finished = true;
        return;
      }
      if (value) yield value;
    }
  } finally {
    if (!finished) void reader.cancel().catch(() => undefined);
  }
}

async function importResultFile(
  job: { id: string; shop: string; resultUrl: string | null; linesProcessed: number; errorsJson: string | null },
  owner: string,
  deps: ImportDependencies,
): Promise<void> {
  const response = await deps.fetch(job.resultUrl!);
  if (!response.ok || !response.body) {
    // The signed URL may have expired: ask Shopify again for a fresh one on the next attempt; progress is kept.
    await prisma.importJob.updateMany({ where: { id: job.id, leaseOwner: owner }, data: { status: "RUNNING" } });
    await response.body?.cancel();
    throw new Error(`Downloading the bulk result failed: HTTP ${response.status}`);
  }
  const errors = readImportErrors(job.errorsJson);
  let lineNumber = 0;
  let batches = 0;
  for await (const lines of readLineBatches(bodyChunks(response.body), deps.batchLines ?? IMPORT_BATCH_LINES)) {
    const firstLine = lineNumber + 1;
    lineNumber += lines.length;
    // Lines a previous attempt committed are skipped (batches are aligned, so this is whole batches).
    const skip = Math.max(0, job.linesProcessed - (firstLine - 1));
    if (skip >= lines.length) continue;
    await applyBatch(job.shop, job.id, owner, lines.slice(skip), firstLine + skip, errors);
    batches += 1;
    await deps.afterBatch?.(batches);
  }
}

/** Upserts one batch of lines and records the progress in the same transaction. */
async function applyBatch(
  shop: string,
  jobId: string,
  owner: string,
  lines: string[],
  firstLine: number,
  errors: ImportErrors,
): Promise<void> {
  const customers: BulkCustomerRecord[] = [];
  const orders: BulkOrderRecord[] = [];
  let malformed = 0;
  lines.forEach((line, index) => {
    const parsed = parseBulkLine(line);
    if (parsed.kind === "customer") customers.push(parsed);
    else if (parsed.kind === "order") orders.push(parsed);
    else {
      malformed += 1;
      if (errors.malformed.length < MALFORMED_EXAMPLES) {
        errors.malformed.push({ line: firstLine + index, reason: parsed.reason });
      }
    }
  });
  const now = getClock().now();
  await prisma.$transaction(
    async (tx) => {
      const progress = await tx.importJob.updateMany({
        where: { id: jobId, leaseOwner: owner },
        data: {
          leaseExpiresAt: new Date(now.getTime() + IMPORT_LEASE_MS),
          linesProcessed: { increment: lines.length },
          customersUpserted: { increment: customers.length },
          ordersUpserted: { increment: orders.length },
          malformedLines: { increment: malformed },
          ...(malformed > 0 ? { errorsJson: JSON.stringify(errors) } : {}),
        },
      });
      // Lost the lease (this worker stalled past it and another resumed): roll back rather than apply twice.
      if (progress.count !== 1) throw new Error("import lease lost");
      await upsertBatch(tx, shop, customers, orders);
    },
    { timeout: 120_000, maxWait: 30_000 },
  );
}

const PROFILE_COLUMNS = [
  "email",
  "phone",
  "firstName",
  "lastName",
  "locale",
  "timezone",
  "countryCode",
  "emailMarketingState",
  "smsMarketingState",
  "tags",
  "shopifyCreatedAt",
  "shopifyUpdatedAt",
] as const;

const quoted = (column: string) => Prisma.raw(`"${column}"`);

/**
 * Rows per INSERT: 128, then the remainder in powers of two. Statement texts come in at most eight shapes per
 * table, so the driver's prepared-statement cache stays small (one text per row count made memory grow by megabytes
 * per batch), and no statement nears a driver's parameter limit.
 */
const ROWS_PER_STATEMENT = 128;
function chunked<T>(items: T[]): T[][] {
  const chunks: T[][] = [];
  let i = 0;
  for (let size = ROWS_PER_STATEMENT; size >= 1; size /= 2) {
    while (items.length - i >= size) {
      chunks.push(items.slice(i, i + size));
      i += size;
      if (size < ROWS_PER_STATEMENT) break;
    }
  }
  return chunks;
}

/** The last record per id: one multi-row upsert must not touch a row twice (PostgreSQL refuses it). */
function lastById<T>(records: T[], id: (record: T) => string): T[] {
  return [...new Map(records.map((record) => [id(record), record])).values()];
}

/**
 * Customers first, then their orders joined by `__parentId`: to a customer of this batch or of an earlier one
 * (looked up by Shopify id in the same statement), or, when the parent line has not been seen (an ungrouped file),
 * to a placeholder the customer's own line fills in when it arrives. Three multi-row statements per batch
 * (INSERT ... ON CONFLICT DO UPDATE, in SQLite and PostgreSQL alike): a row-by-row ORM upsert costs ~2 ms a row.
 * A customer a customers/update already refreshed beyond the bulk snapshot keeps its profile; the snapshot's counts
 * are still taken.
 */
export async function upsertBatch(
  tx: Tx,
  shop: string,
  customers: BulkCustomerRecord[],
  orders: BulkOrderRecord[],
): Promise<void> {
  const now = getClock().now();
  const uniqueCustomers = lastById(customers, (c) => c.shopifyId);
  if (uniqueCustomers.length > 0) {
    const rows = uniqueCustomers.map(
      (c) =>
        Prisma.sql`(${randomUUID()}, ${shop}, ${c.shopifyId}, ${c.email}, ${c.phone}, ${c.firstName}, ${c.lastName},
          ${c.locale}, ${c.timezone}, ${c.countryCode}, ${c.emailMarketingState}, ${c.smsMarketingState},
          ${c.tags.join(", ")}, ${c.shopifyCreatedAt}, ${c.shopifyUpdatedAt}, ${c.ordersCount}, ${c.totalSpent},
          ${now}, ${now})`,
    );
    const newer = Prisma.sql`"Customer"."shopifyUpdatedAt" IS NOT NULL AND excluded."shopifyUpdatedAt" IS NOT NULL
      AND "Customer"."shopifyUpdatedAt" > excluded."shopifyUpdatedAt"`;
    const profile = PROFILE_COLUMNS.map(
      (column) =>
        Prisma.sql`${quoted(column)} = CASE WHEN ${newer} THEN "Customer".${quoted(column)} ELSE excluded.${quoted(column)} END`,
    );
    for (const chunk of chunked(rows)) {
      await tx.$executeRaw`
      INSERT INTO "Customer" ("id", "shop", "shopifyId", ${Prisma.join(PROFILE_COLUMNS.map(quoted))},
                              "ordersCount", "totalSpent", "createdAt", "updatedAt")
      VALUES ${Prisma.join(chunk)}
      ON CONFLICT ("shop", "shopifyId") DO UPDATE SET
        ${Prisma.join(profile)},
        "ordersCount" = excluded."ordersCount",
        "totalSpent" = excluded."totalSpent",
        "updatedAt" = excluded."updatedAt"`;
    }
  }
  const uniqueOrders = lastById(orders, (o) => o.shopifyId);
  if (uniqueOrders.length === 0) return;
  const inBatch = new Set(uniqueCustomers.map((c) => c.shopifyId));
  const parents = [...new Set(uniqueOrders.map((o) => o.parentId))].filter((id) => !inBatch.has(id));
  if (parents.length > 0) {
    for (const chunk of chunked(parents)) {
      await tx.$executeRaw`
      INSERT INTO "Customer" ("id", "shop", "shopifyId", "createdAt", "updatedAt")
      VALUES ${Prisma.join(chunk.map((id) => Prisma.sql`(${randomUUID()}, ${shop}, ${id}, ${now}, ${now})`))}
      ON CONFLICT ("shop", "shopifyId") DO NOTHING`;
    }
  }
  const rows = uniqueOrders.map(
    (o) =>
      Prisma.sql`(${randomUUID()}, ${shop}, ${o.shopifyId}, ${o.name},
        (SELECT "id" FROM "Customer" WHERE "shop" = ${shop} AND "shopifyId" = ${o.parentId}),
        ${o.currencyCode}, ${o.totalPrice}, ${o.financialStatus}, ${o.processedAt}, ${o.cancelledAt}, ${now}, ${now})`,
  );
  for (const chunk of chunked(rows)) {
    await tx.$executeRaw`
    INSERT INTO "Order" ("id", "shop", "shopifyId", "name", "customerId", "currencyCode", "totalPrice",
                         "financialStatus", "processedAt", "cancelledAt", "createdAt", "updatedAt")
    VALUES ${Prisma.join(chunk)}
    ON CONFLICT ("shop", "shopifyId") DO UPDATE SET
      "name" = excluded."name",
      "customerId" = excluded."customerId",
      "currencyCode" = excluded."currencyCode",
      "totalPrice" = excluded."totalPrice",
      "financialStatus" = excluded."financialStatus",
      "processedAt" = excluded."processedAt",
      "cancelledAt" = excluded."cancelledAt",
      "updatedAt" = excluded."updatedAt"`;
  }
}

/**
 * First and last order dates from the stored orders (cancelled ones do not count), for the whole shop or some of
 * its customers: two statements whatever the number of customers. One GROUP BY pass over the shop's orders (index
 * Order(shop, customerId)); a correlated MIN per customer would let SQLite pick Order(shop, processedAt) and scan
 * every order of the shop for each customer.
 */
export async function refreshOrderDates(db: Tx | typeof prisma, shop: string, customerIds?: string[]): Promise<void> {
  if (customerIds && customerIds.length === 0) return;
  const onlyCustomers = customerIds ? Prisma.sql` AND "id" IN (${Prisma.join(customerIds)})` : Prisma.empty;
  const onlyOrders = customerIds ? Prisma.sql` AND "customerId" IN (${Prisma.join(customerIds)})` : Prisma.empty;
  const statements = async (tx: Tx) => {
    await tx.$executeRaw`
      UPDATE "Customer" SET "firstOrderAt" = NULL, "lastOrderAt" = NULL
       WHERE "shop" = ${shop} AND "firstOrderAt" IS NOT NULL${onlyCustomers}`;
    await tx.$executeRaw`
      UPDATE "Customer" SET "firstOrderAt" = d."firstAt", "lastOrderAt" = d."lastAt"
        FROM (SELECT "customerId", MIN("processedAt") AS "firstAt", MAX("processedAt") AS "lastAt"
                FROM "Order"
               WHERE "shop" = ${shop} AND "customerId" IS NOT NULL AND "cancelledAt" IS NULL${onlyOrders}
               GROUP BY "customerId") AS d
       WHERE "Customer"."shop" = ${shop} AND "Customer"."id" = d."customerId"`;
  };
  if ("$transaction" in db) await db.$transaction(statements, { timeout: 120_000 });
  else await statements(db);
}

async function finishImport(jobId: string, shop: string, owner: string): Promise<void> {
  await refreshOrderDates(prisma, shop);
  const now = getClock().now();
  const done = await prisma.importJob.updateMany({
    where: { id: jobId, leaseOwner: owner },
    data: { status: "COMPLETED", finishedAt: now, leaseOwner: null, leaseExpiresAt: null },
  });
  if (done.count !== 1) throw new Error("import lease lost");
  // The segment work (segments.server.ts) sees customersSyncedAt after segmentsComputedAt and recomputes.
  await prisma.shop.updateMany({ where: { shop }, data: { customersSyncedAt: now } });
}
