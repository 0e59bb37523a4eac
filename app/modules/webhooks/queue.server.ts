import { randomUUID } from "node:crypto";
import prisma from "~/db.server";
import { claimStatement } from "~/db-dialect.server";
import { Prisma } from "~/generated/prisma/client";
import { getClock } from "~/clock.server";
import { getLogger } from "~/logger.server";
import type { ReceivedWebhook, Tx } from "~/modules/webhooks/receive.server";
import { parseShopifyJson } from "~/modules/webhooks/payload.server";

/**
 * The webhook inbox. A webhook route verifies the HMAC, writes one row (the raw payload, keyed by Shopify's event
 * id) and answers 200: one insert, well inside Shopify's 5 s, and a duplicate delivery is a unique-key no-op.
 * Workers then process rows in the order they arrived, each in its own transaction, and clear the payload so
 * personal data does not linger. A row that keeps failing ends FAILED with its error, visible to the merchant.
 */
export type WebhookProcessor = (
  tx: Tx,
  context: { shop: string; topic: string; payload: unknown; now: Date },
) => Promise<unknown>;

/** Longer than the clock skew tolerated between processes (MAX_CLOCK_SKEW_MS in app/jobs/scheduler.server.ts). */
export const WEBHOOK_LEASE_MS = 3 * 60_000;
export const WEBHOOK_MAX_ATTEMPTS = 5;

declare global {
  var __kindlyWebhookProcessors: Map<string, WebhookProcessor> | undefined;
}

function processors(): Map<string, WebhookProcessor> {
  globalThis.__kindlyWebhookProcessors ??= new Map();
  return globalThis.__kindlyWebhookProcessors;
}

/** Registers what processing a topic means; each feature registers its own topics (see server/work-modules.ts). */
export function registerWebhookProcessor(topic: string, processor: WebhookProcessor): void {
  processors().set(topic, processor);
}

export type EnqueueResult = "QUEUED" | "DUPLICATE";

export async function enqueueWebhook(webhook: ReceivedWebhook, rawBody: string): Promise<EnqueueResult> {
  const now = getClock().now();
  // The hot path of every webhook: one plain INSERT. Not Prisma's create/createMany: on SQLite those run inside a
  // transaction, and the libsql client hands its connection to every transaction and opens a new one afterwards
  // (re-preparing every statement), which tripled the cost of an insert (1.5 ms against 0.5 ms, bench/). A duplicate
  // delivery hits the unique key and inserts nothing. Valid SQL on PostgreSQL too.
  const inserted = await prisma.$executeRaw`
    INSERT INTO "WebhookEvent"
           ("id", "shop", "eventId", "topic", "webhookId", "triggeredAt", "receivedAt", "availableAt", "status",
            "payload", "attempts")
    VALUES (${randomUUID()}, ${webhook.shop}, ${webhook.eventId}, ${webhook.topic}, ${webhook.webhookId},
            ${webhook.triggeredAt}, ${now}, ${now}, 'RECEIVED', ${rawBody}, 0)
    ON CONFLICT ("shop", "eventId") DO NOTHING`;
  return inserted === 1 ? "QUEUED" : "DUPLICATE";
}

/** Worker side: claim queued deliveries (compare-and-set, oldest first) and process each in a transaction. */
export async function processQueuedWebhooks(context: { now: Date; workerId: string }, limit = 50): Promise<number> {
  const { now } = context;
  // A worker that died mid-processing: its transaction rolled back, so the delivery is simply queued again.
  await prisma.webhookEvent.updateMany({
    where: { status: "PROCESSING", leaseUntil: { lt: now } },
    data: { status: "RECEIVED", leaseOwner: null, leaseUntil: null },
  });
  const lease = `${context.workerId}:${randomUUID()}`;
  const leaseUntil = new Date(now.getTime() + WEBHOOK_LEASE_MS);
  const claimed = await prisma.$executeRaw(
    claimStatement(
      "WebhookEvent",
      Prisma.sql`"status" = 'PROCESSING', "leaseOwner" = ${lease}, "leaseUntil" = ${leaseUntil},
                 "attempts" = "attempts" + 1`,
      Prisma.sql`SELECT "id" FROM "WebhookEvent"
                  WHERE "status" = 'RECEIVED' AND ("availableAt" IS NULL OR "availableAt" <= ${now})
                  ORDER BY "receivedAt" ASC
                  LIMIT ${limit}`,
      Prisma.sql`"status" = 'RECEIVED'`,
    ),
  );
  if (claimed === 0) return 0;
  const rows = await prisma.webhookEvent.findMany({
    where: { leaseOwner: lease, status: "PROCESSING" },
    orderBy: { receivedAt: "asc" },
  });
  for (const row of rows) {
    const processor = processors().get(row.topic);
    const log = getLogger().child({ shop: row.shop, topic: row.topic, eventId: row.eventId });
    try {
      if (!processor) throw new Error(`No processor registered for ${row.topic}`);
      const payload = parseShopifyJson(row.payload ?? "null");
      let result: unknown;
      await prisma.$transaction(async (tx) => {
        result = await processor(tx, { shop: row.shop, topic: row.topic, payload, now });
        const done = await tx.webhookEvent.updateMany({
          where: { id: row.id, leaseOwner: lease, status: "PROCESSING" },
          data: { status: "PROCESSED", payload: null, error: null, leaseOwner: null, leaseUntil: null },
        });
        // Lost the lease (another worker re-queued it after a stall): roll back rather than apply twice.
        if (done.count !== 1) throw new Error("lease lost");
      });
      log.info({ result }, "webhook processed");
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      const final = row.attempts >= WEBHOOK_MAX_ATTEMPTS;
      await prisma.webhookEvent.updateMany({
        where: { id: row.id, leaseOwner: lease },
        data: final
          ? { status: "FAILED", error: detail.slice(0, 500), leaseOwner: null, leaseUntil: null }
          : {
              status: "RECEIVED",
              error: detail.slice(0, 500),
              availableAt: new Date(now.getTime() + 30_000 * 2 ** (row.attempts - 1)),
              leaseOwner: null,
              leaseUntil: null,
            },
      });
      log.warn({ err: detail, final }, "webhook processing failed");
    }
  }
  return rows.length;
}
