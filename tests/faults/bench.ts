import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import prisma from "~/db.server";
import { startSmtpSink, type CapturedEmail, type SmtpSink } from "../support/smtp-sink";
import { startFakeTwilio, type FakeTwilio } from "../support/fake-twilio";
import {
  deliverWebhooks,
  runUntil,
  startCluster,
  waitForQuiet,
  type Cluster,
  type Delivery,
  type ProcessOptions,
} from "../support/cluster";
import { seedRecoveryShop } from "../support/cluster/shop";
import { reconcile, type Ledger } from "../support/cluster/ledger";

/**
 * The fault suite's bench: Kindly as real processes (tests/support/cluster) against the test file's database, a
 * shop with recovery on, the SMTP sink and the fake Twilio on loopback, a shared clock.
 *
 * Topology: on PostgreSQL one web-only instance and two worker processes (what a scaled host runs); on SQLite one
 * `npm start` process (web and worker together: SQLite's production shape). A test that needs another shape asks
 * for `processes: "none"` and starts its own.
 */
export const postgres = inject("postgresUrl");
export const NEEDS_POSTGRES = "needs PostgreSQL: runs in the PostgreSQL pass of CI (TEST_DATABASE_URL)";

export const T0 = new Date("2026-11-24T09:00:00Z");
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

export interface FaultBench {
  shop: string;
  cluster: Cluster;
  twilio: FakeTwilio;
  /** The SMTP sink now listening (a new one after `restartSmtp`). */
  smtp(): SmtpSink;
  /** Everything every incarnation of the sink received. */
  emails(): CapturedEmail[];
  stopSmtp(): Promise<void>;
  /** A new sink on the same port (the shop's stored SMTP URL). */
  restartSmtp(): Promise<void>;
  deliver(deliveries: Delivery[], concurrency?: number): Promise<number[]>;
  settle(timeoutMs?: number): Promise<void>;
  runUntil(until: Date, stepMs?: number): Promise<number>;
  ledger(): Promise<Ledger>;
  close(): Promise<void>;
}

export async function startFaultBench(
  options: {
    processes?: "default" | "none";
    databaseUrl?: string;
    /** The shop's domain (e.g. an emulated store's), default a fresh one. */
    shop?: string;
    /** The loopback Shopify gateway the processes reach the emulated shop through. */
    shopifyGateway?: string;
    /** Options for every process the default topology starts (e.g. a clock skew). */
    processOptions?: ProcessOptions;
  } = {},
): Promise<FaultBench> {
  const shop = options.shop ?? `faults-${randomUUID().slice(0, 8)}.myshopify.com`;
  let clockNow = () => T0;
  let smtp = await startSmtpSink({ now: () => clockNow(), maxMessages: 10_000 });
  const port = smtp.port;
  const earlier: CapturedEmail[] = [];
  let smtpUp = true;
  const twilio = await startFakeTwilio({ now: () => clockNow(), maxMessages: 10_000 });
  await seedRecoveryShop(shop, smtp, twilio);
  const cluster = await startCluster({
    start: T0,
    databaseUrl: options.databaseUrl,
    shopifyGateway: options.shopifyGateway,
  });
  clockNow = () => cluster.clock.now();
  try {
    if ((options.processes ?? "default") === "default") {
      if (postgres) {
        await Promise.all([
          cluster.start("web", options.processOptions),
          cluster.start("worker", options.processOptions),
          cluster.start("worker", options.processOptions),
        ]);
      } else {
        await cluster.start("combined", options.processOptions);
      }
    }
  } catch (error) {
    await cluster.stop();
    throw error;
  }

  return {
    shop,
    cluster,
    twilio,
    smtp: () => smtp,
    emails: () => [...smtp.messages(), ...earlier],
    async stopSmtp() {
      earlier.push(...smtp.messages());
      smtpUp = false;
      await smtp.close();
    },
    async restartSmtp() {
      smtp = await startSmtpSink({ port, now: () => clockNow(), maxMessages: 10_000 });
      smtpUp = true;
    },
    deliver: (deliveries, concurrency = 8) => deliverWebhooks(cluster.webUrls(), shop, deliveries, { concurrency }),
    settle: (timeoutMs) => waitForQuiet(cluster, timeoutMs),
    runUntil: (until, stepMs = MINUTE) => runUntil(cluster, until, stepMs),
    ledger: () => reconcile(shop, [...smtp.messages(), ...earlier], twilio.messages()),
    async close() {
      await cluster.stop();
      if (smtpUp) await smtp.close();
      await twilio.close();
    },
  };
}

/** Rows of the shop by state, for assertion messages. */
export async function states(shop: string): Promise<Record<string, number>> {
  const rows = await prisma.scheduledMessage.groupBy({ by: ["state"], where: { shop }, _count: true });
  return Object.fromEntries(rows.map((row) => [row.state, row._count]));
}
