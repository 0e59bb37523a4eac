import { createClient, type Client } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { LEASE_MS } from "~/jobs/scheduler.server";
import { population, type Shopper } from "../scale/population";
import { deliverWebhooks, type Delivery, type KindlyProcess } from "../support/cluster";
import { startTcpProxy, type TcpProxy } from "../support/tcp-proxy";
import { HOUR, MINUTE, T0, postgres, startFaultBench, states, type FaultBench } from "./bench";

/**
 * Fault (d): the database goes away for a while, twice: once while webhooks arrive and emails fall due (ingest and
 * the workers' claims), once in the middle of sending (the emails left, recording them did not). Nothing may be
 * lost, nothing sent twice, and everything that failed must be visible.
 *
 * - PostgreSQL: a web-only instance and two workers reach the database through a loopback TCP proxy
 *   (tests/support/tcp-proxy.ts). `down()` closes its listener (new connections are refused) and destroys every
 *   open connection (queries in flight fail); `up()` listens again. The test itself keeps its direct connection.
 * - SQLite: one `npm start` process. Another connection takes the write lock (`BEGIN EXCLUSIVE`) on the same file
 *   and holds it: every write Kindly tries fails with SQLITE_BUSY at once (Kindly's libsql connections run with
 *   SQLite's default busy_timeout of 0 ms, so even a short hold is visible), reads still work (WAL).
 *
 * Webhooks refused during an outage (non-2xx: Shopify retries) are redelivered afterwards with the same
 * X-Shopify-Event-Id, as Shopify does, and must each be processed once. Due steps wait while the workers cannot
 * claim them, and go out once when the database is back. Steps whose email left while their SENT could not be
 * recorded stay SENDING until their lease expires, then go to REVIEW with the reason: never resent blindly.
 */
const WORKER_ERROR = /due work failed/;
/** Every pass of a worker starts with the webhook inbox (a write): one of these per pass that could not reach it. */
const FAILED_PASS = /"work":"webhooks","msg":"due work failed"/;
const DB_ERROR = postgres
  ? /ECONNREFUSED|Connection terminated|connection|Can't reach database|ECONNRESET|terminat/i
  : /SQLITE_BUSY|database is locked/i;

interface Outage {
  describe: string;
  take(): Promise<void>;
  give(): Promise<void>;
  close(): Promise<void>;
}

/** PostgreSQL: the proxy between Kindly and the server goes down. */
function proxyOutage(proxy: TcpProxy): Outage {
  return {
    describe: "TCP proxy down (connections refused, open ones reset)",
    take: () => proxy.down(),
    give: () => proxy.up(),
    close: () => proxy.close(),
  };
}

/** SQLite: another connection holds the write lock. */
function lockOutage(databaseUrl: string): Outage {
  let client: Client | null = null;
  return {
    describe: "BEGIN EXCLUSIVE held by another connection",
    async take() {
      client ??= createClient({ url: databaseUrl });
      // Kindly may be mid-write when the lock is asked for: wait for it (this connection only).
      await client.execute("PRAGMA busy_timeout = 10000");
      await client.execute("BEGIN EXCLUSIVE");
    },
    async give() {
      await client!.execute("COMMIT");
    },
    async close() {
      client?.close();
    },
  };
}

let bench: FaultBench;
let outage: Outage;
beforeAll(async () => {
  const direct = process.env.DATABASE_URL!;
  if (postgres) {
    const target = new URL(direct);
    const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    outage = proxyOutage(proxy);
    bench = await startFaultBench({ databaseUrl: proxy.rewrite(direct) });
  } else {
    outage = lockOutage(direct);
    bench = await startFaultBench();
  }
});
afterAll(async () => {
  await bench?.close();
  await outage?.close();
});

const eventId = (shopper: Shopper) => `db-outage-${shopper.token}`;
const creates = (shoppers: Shopper[]): Delivery[] =>
  shoppers.map((shopper) => ({ topic: "checkouts/create", body: shopper.createBody, eventId: eventId(shopper) }));
const ok = (status: number) => status >= 200 && status < 300;

/** Polls `check` until it holds, or fails with `describe()` after `timeoutMs`. */
async function until(check: () => Promise<boolean> | boolean, describe: () => string, timeoutMs = 20_000) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`Timed out after ${timeoutMs} ms: ${describe()}\n${bench.cluster.outputs()}`);
}

const count = (text: string, pattern: RegExp) => (text.match(new RegExp(pattern.source, "gi")) ?? []).length;
const workers = (): KindlyProcess[] => bench.cluster.processes.filter((child) => child.role !== "web");
/** Each worker's count of failed passes, to wait for the next ones. */
const failedPasses = () => workers().map((child) => count(child.output(), FAILED_PASS));
/** Waits until every worker has failed `passes` more passes since `before` (the outage lasts that long). */
const failingFor = (before: number[], passes: number) =>
  until(
    () => failedPasses().every((n, index) => n >= before[index] + passes),
    () => `every worker failing ${passes} passes: ${JSON.stringify(failedPasses())} from ${JSON.stringify(before)}`,
  );

/**
 * Delivers one at a time on `lanes` lanes and calls `midway` (not awaited by the lanes) once `after` answers have
 * come back, so the requests then in flight are cut by it. Returns each delivery's status, in order.
 */
async function deliverAcross(
  deliveries: Delivery[],
  after: number,
  midway: () => Promise<void>,
  lanes = 3,
): Promise<{ statuses: number[]; fault: Promise<void> }> {
  const statuses = new Array<number>(deliveries.length).fill(0);
  let cursor = 0;
  let answered = 0;
  let fault: Promise<void> | null = null;
  await Promise.all(
    Array.from({ length: lanes }, async () => {
      while (cursor < deliveries.length) {
        const index = cursor++;
        [statuses[index]] = await deliverWebhooks(bench.cluster.webUrls(), bench.shop, [deliveries[index]]);
        if (++answered === after) fault = midway();
      }
    }),
  );
  return { statuses, fault: fault ?? midway() };
}

describe("the database refusing connections for a while", () => {
  it("refused webhooks are redelivered and processed once, due steps go out once after, unknown sends go to REVIEW", async () => {
    const started = performance.now();
    // Distinct shoppers (emails and phones: the frequency cap would otherwise hold back a second checkout's SMS),
    // in four groups whose checkouts were abandoned at different times.
    const shoppers = population({ count: 80, start: T0, salt: "db-outage", customers: [] });
    const abandonedFrom = (group: Shopper[], start: number): Shopper[] =>
      group.map((shopper, index) => {
        const at = new Date(T0.getTime() + start + index * 5_000).toISOString();
        return { ...shopper, createBody: { ...shopper.createBody, created_at: at, updated_at: at } };
      });
    const a = abandonedFrom(shoppers.slice(0, 30), 0);
    const b = abandonedFrom(shoppers.slice(30, 60), 20 * MINUTE);
    const c = abandonedFrom(shoppers.slice(60, 70), 24 * MINUTE);
    const d = abandonedFrom(shoppers.slice(70, 80), 85 * MINUTE);
    const everyone = [...a, ...b, ...c, ...d];

    bench.cluster.clock.set(new Date(T0.getTime() + 5 * MINUTE));
    expect(new Set(await bench.deliver(creates(a)))).toEqual(new Set([200]));
    await bench.settle();

    // ---- Outage 1: during ingest, and while the first emails fall due ------------------------------------------------
    bench.cluster.clock.set(new Date(T0.getTime() + 25 * MINUTE));
    let down1At = 0;
    const ingest = await deliverAcross(creates(b), 10, async () => {
      down1At = performance.now();
      await outage.take();
    });
    await ingest.fault;
    // The first answers came back before the cut; the rest were cut in flight or refused.
    expect(ingest.statuses.filter(ok).length).toBeGreaterThanOrEqual(10);
    // Everything that arrives while it is down is refused, so that Shopify retries it.
    const refusedC = await bench.deliver(creates(c));
    expect(refusedC.filter(ok)).toEqual([]);
    // A's first emails (+1 h) fall due while the workers cannot claim them.
    bench.cluster.clock.set(new Date(T0.getTime() + HOUR + 5 * MINUTE));
    await failingFor(failedPasses(), 3);
    const aFirst = await prisma.scheduledMessage.findMany({ where: { shop: bench.shop, stepPosition: 0 } });
    const aDue = aFirst.filter((row) => row.dueAt <= bench.cluster.clock.now());
    expect(aDue.length).toBe(30);
    expect(aDue.every((row) => row.state === "PENDING")).toBe(true);
    expect(bench.emails()).toHaveLength(0);
    await outage.give();
    const up1At = performance.now();

    // Shopify's retries: every delivery that was not answered 2xx, again, same event id.
    const refused1: Delivery[] = [...creates(b).filter((_, index) => !ok(ingest.statuses[index])), ...creates(c)];
    expect(new Set(await bench.deliver(refused1))).toEqual(new Set([200]));
    await bench.settle();
    const recovered1 = (performance.now() - up1At) / 1000;
    expect(bench.emails()).toHaveLength(30);

    // ---- Outage 2: in the middle of sending ------------------------------------------------------------------------------
    // B's and C's first emails fall due; the relay stalls (a new one: no pooled connection is already past its
    // greeting), so they are all SENDING when the database goes.
    await bench.stopSmtp();
    await bench.restartSmtp();
    bench.smtp().hold();
    bench.cluster.clock.set(new Date(T0.getTime() + HOUR + 26 * MINUTE));
    await until(
      async () => ((await states(bench.shop)).SENDING ?? 0) === 40 && bench.smtp().held() > 0,
      () => `40 SENDING with the relay holding (${bench.smtp().held()} held)`,
    );
    const sending = (await prisma.scheduledMessage.findMany({ where: { shop: bench.shop, state: "SENDING" } })).map(
      (row) => row.id,
    );
    const down2At = performance.now();
    await outage.take();
    const refusedD = await bench.deliver(creates(d));
    expect(refusedD.filter(ok)).toEqual([]);
    // The relay answers: the emails leave; recording them fails.
    const before2 = failedPasses();
    bench.smtp().release();
    await until(
      () => bench.emails().length === 70,
      () => `the 40 held emails delivered (${bench.emails().length - 30})`,
    );
    await failingFor(before2, 2);
    // Not knowing what it recorded, nobody touches those rows: still SENDING under their lease.
    expect(await prisma.scheduledMessage.count({ where: { id: { in: sending }, state: "SENDING" } })).toBe(40);
    await outage.give();
    const up2At = performance.now();
    expect(new Set(await bench.deliver(creates(d)))).toEqual(new Set([200]));
    // The lease expires: delivery unknown, set aside for REVIEW with the reason, never resent.
    bench.cluster.clock.advance(LEASE_MS + MINUTE);
    await bench.settle();
    const recovered2 = (performance.now() - up2At) / 1000;
    const reviewed = await prisma.scheduledMessage.findMany({ where: { id: { in: sending } } });
    expect(reviewed.map((row) => row.state)).toEqual(reviewed.map(() => "REVIEW"));
    expect(reviewed.every((row) => /delivery unknown/.test(row.lastError ?? ""))).toBe(true);

    // ---- The rest of every sequence, as usual --------------------------------------------------------------------------
    await bench.runUntil(new Date(T0.getTime() + 4 * 24 * HOUR), 5 * MINUTE);

    // Every event processed once: one row each, PROCESSED; one run per checkout.
    const events = await prisma.webhookEvent.findMany({ where: { shop: bench.shop } });
    expect(events.map((event) => event.eventId).sort()).toEqual(everyone.map(eventId).sort());
    expect(events.filter((event) => event.status !== "PROCESSED")).toEqual([]);
    const runs = await prisma.flowRun.groupBy({ by: ["subjectId"], where: { shop: bench.shop }, _count: true });
    expect(runs).toHaveLength(everyone.length);
    expect(runs.every((run) => run._count === 1)).toBe(true);

    const ledger = await bench.ledger();
    const review = new Set(sending);
    const expected = new Set(
      everyone.flatMap((shopper) =>
        (shopper.smsConsent ? [0, 1, 2, 3] : [0, 2, 3]).map((step) => `${shopper.token}#${step}`),
      ),
    );
    const done = new Map(
      ledger.steps
        .filter((step) => step.state === "SENT" || step.state === "REVIEW")
        .map((step) => [`${step.token}#${step.stepPosition}`, step]),
    );
    // Nothing lost: every step of every shopper was sent, or set aside for REVIEW because its delivery is unknown;
    // the rest are the SMS steps of shoppers without SMS consent, skipped with their reason.
    expect([...expected].filter((key) => !done.has(key))).toEqual([]);
    expect([...done.keys()].filter((key) => !expected.has(key))).toEqual([]);
    const wrong = ledger.steps.filter((step) =>
      review.has(step.scheduledId)
        ? step.state !== "REVIEW"
        : step.state === "SKIPPED"
          ? step.stepPosition !== 1 || !step.skipReason
          : step.state !== "SENT" || step.delivered !== 1,
    );
    expect(wrong.map((step) => [step.token, step.stepPosition, step.state, step.delivered, step.lastError])).toEqual(
      [],
    );
    // Nothing twice: the REVIEW ones left once (while the database was away) and were not sent again.
    expect(ledger.steps.filter((step) => review.has(step.scheduledId)).map((step) => step.delivered)).toEqual(
      sending.map(() => 1),
    );
    expect(ledger.duplicates).toBe(0);
    expect(ledger.strays).toBe(0);
    const left = await states(bench.shop);
    expect(left).not.toHaveProperty("CLAIMED");
    expect(left).not.toHaveProperty("SENDING");
    expect(left).not.toHaveProperty("PENDING");

    // Every process lived through it, and said what went wrong.
    expect(bench.cluster.processes.filter((child) => !child.alive()).map((child) => child.name)).toEqual([]);
    for (const child of workers()) {
      expect(count(child.output(), WORKER_ERROR), child.name).toBeGreaterThan(0);
      expect(child.output(), child.name).toMatch(DB_ERROR);
    }
    // A refused webhook is visible to Shopify (a non-2xx answer: its delivery log, its retries) and in the log of
    // the process that refused it (handleError in app/entry.server.tsx).
    for (const child of bench.cluster.processes.filter((process) => process.url)) {
      expect(child.output(), child.name).toMatch(/"msg":"request failed"/);
    }
    const refusedStatuses = [
      ...new Set([...ingest.statuses.filter((status) => !ok(status)), ...refusedC, ...refusedD]),
    ];
    expect(refusedStatuses.every((status) => status >= 500 || status === 0)).toBe(true);

    const cut = ingest.statuses.filter((status) => !ok(status)).length;
    const seconds = (from: number, to: number) => ((to - from) / 1000).toFixed(1);
    const sum = (pattern: RegExp) => workers().reduce((total, child) => total + count(child.output(), pattern), 0);
    console.info(
      `[faults/database] ${postgres ? "PostgreSQL, web + 2 workers" : "SQLite, one npm start"}, ${outage.describe}: ` +
        `down ${seconds(down1At, up1At)} s (ingest + due emails) and ${seconds(down2At, up2At)} s (mid-send); ` +
        `${cut + c.length + d.length} webhooks refused (HTTP ${refusedStatuses.join("/")}: ${cut} of 30 cut in flight ` +
        `or after, ${c.length} + ${d.length} while down) then redelivered with the same event id; ` +
        `${events.length} events processed once; ${ledger.steps.filter((step) => step.state === "SENT").length} ` +
        `messages SENT, ${bench.emails().length} emails delivered, ${sending.length} mid-send set aside for REVIEW ` +
        `(each delivered once, not resent), duplicates 0, lost 0; quiet again ${recovered1.toFixed(1)} s and ` +
        `${recovered2.toFixed(1)} s after the database came back; ${sum(FAILED_PASS)} failed worker passes ` +
        `(${sum(WORKER_ERROR)} errors) logged, no process died; ${seconds(started, performance.now())} s in all`,
    );
  }, 120_000);
});
