import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import prisma from "~/db.server";
import { ROOT, TMP_DIR } from "../paths";
import { signedWebhook } from "../webhooks";

/**
 * Kindly as separate processes, the way a host runs it: web instances (`KINDLY_WORKER=0 npm start`), worker
 * processes (`npm run worker`) or combined ones (`npm start`), real child processes against the test file's own
 * database (process.env.DATABASE_URL, or a URL the test gives, e.g. through a fault proxy). Each child loads
 * ./preload.ts: a clock shared through a file the test moves, and the emulated shop through a loopback gateway.
 * Ports are ephemeral (PORT=0, 127.0.0.1); `stop()` kills every child (SIGTERM, then SIGKILL), and so does the
 * test process's exit, so no child outlives its test file.
 */
export type Role = "web" | "worker" | "combined";

export interface KindlyProcess {
  name: string;
  role: Role;
  pid: number;
  /** Web and combined processes: where they listen. */
  url: string | null;
  /** The process's stdout and stderr (the last 256 KB). */
  output(): string;
  alive(): boolean;
  exited: Promise<number | null>;
  /** Sends a signal (SIGKILL = `kill -9`) and waits for the process to be gone. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** The clock every process of the cluster reads (./preload.ts). Time stands still between moves. */
export class SharedClock {
  private current: number;
  constructor(
    readonly file: string,
    start: Date,
  ) {
    this.current = start.getTime();
    this.write();
  }
  now(): Date {
    return new Date(this.current);
  }
  /** Any instant, backwards too (a clock jumping back is one of the faults). */
  set(to: Date): Date {
    this.current = to.getTime();
    this.write();
    return this.now();
  }
  advance(ms: number): Date {
    return this.set(new Date(this.current + ms));
  }
  private write(): void {
    const temporary = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify({ now: this.current }));
    fs.renameSync(temporary, this.file);
  }
}

export interface ProcessOptions {
  name?: string;
  /** This process's clock runs ahead (positive) or behind (negative) the shared one. */
  skewMs?: number;
  /** Another database URL for this process (e.g. through a fault proxy). */
  databaseUrl?: string;
  env?: Record<string, string>;
}

export interface ClusterOptions {
  start: Date;
  /** The loopback Shopify gateway (./gateway.ts) the children's MSW forwards to. */
  shopifyGateway?: string;
  /** Default: the test file's database. */
  databaseUrl?: string;
  env?: Record<string, string>;
}

export interface Cluster {
  clock: SharedClock;
  processes: KindlyProcess[];
  start(role: Role, options?: ProcessOptions): Promise<KindlyProcess>;
  /** URLs of the live web and combined processes, in start order. */
  webUrls(): string[];
  /** The output of every process, for a failing assertion's message. */
  outputs(): string;
  stop(): Promise<void>;
}

const ENTRY: Record<Role, string> = { web: "server/main.ts", combined: "server/main.ts", worker: "server/worker.ts" };
const READY = {
  web: /Kindly listening on (http:\/\/\S+)/,
  combined: /Kindly listening on (http:\/\/\S+)/,
  worker: /Kindly worker \S+ running/,
};
const PRELOAD = path.join(ROOT, "tests", "support", "cluster", "preload.ts");
const OUTPUT_LIMIT = 256 * 1024;

const everyChild = new Set<ChildProcess>();
let exitHookInstalled = false;
function killLeftoversOnExit(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of everyChild) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
}

export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  killLeftoversOnExit();
  const directory = path.join(TMP_DIR, `cluster-${process.pid}-${randomUUID().slice(0, 8)}`);
  fs.mkdirSync(directory, { recursive: true });
  const clock = new SharedClock(path.join(directory, "clock.json"), options.start);
  const processes: KindlyProcess[] = [];
  let counter = 0;

  const baseEnv = (): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of Object.keys(env)) if (name.startsWith("VITEST") || name === "NODE_OPTIONS") delete env[name];
    return env;
  };

  async function start(role: Role, processOptions: ProcessOptions = {}): Promise<KindlyProcess> {
    const name = processOptions.name ?? `${role}-${++counter}`;
    const child = spawn(process.execPath, ["--import", "tsx", "--import", PRELOAD, ENTRY[role]], {
      cwd: ROOT,
      env: {
        ...baseEnv(),
        NODE_ENV: "test",
        DATABASE_URL: processOptions.databaseUrl ?? options.databaseUrl ?? process.env.DATABASE_URL,
        DATABASE_POOL_SIZE: "4",
        PORT: "0",
        HOST: "127.0.0.1",
        LOG_LEVEL: "warn",
        KINDLY_WORKER: role === "web" ? "0" : "1",
        KINDLY_TEST_CLOCK_FILE: clock.file,
        KINDLY_TEST_CLOCK_SKEW_MS: String(processOptions.skewMs ?? 0),
        ...(options.shopifyGateway ? { KINDLY_TEST_SHOPIFY_GATEWAY: options.shopifyGateway } : {}),
        ...options.env,
        ...processOptions.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    everyChild.add(child);
    let output = "";
    const append = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
    };
    child.stdout!.on("data", append);
    child.stderr!.on("data", append);
    const exited = new Promise<number | null>((resolve) =>
      child.once("exit", (code) => {
        everyChild.delete(child);
        resolve(code);
      }),
    );
    const url = await new Promise<string | null>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} not ready within 60 s:\n${output}`)), 60_000);
      const check = () => {
        const match = READY[role].exec(output);
        if (!match) return;
        clearTimeout(timer);
        child.stdout!.off("data", check);
        resolve(match[1] ?? null);
      };
      child.stdout!.on("data", check);
      void exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`${name} exited (${code}) before it was ready:\n${output}`));
      });
    }).catch(async (error: unknown) => {
      if (child.exitCode === null) child.kill("SIGKILL");
      await exited;
      throw error;
    });
    const handle: KindlyProcess = {
      name,
      role,
      pid: child.pid!,
      url,
      output: () => output,
      alive: () => child.exitCode === null && child.signalCode === null,
      exited,
      kill: async (signal = "SIGTERM") => {
        if (handle.alive()) child.kill(signal);
        await exited;
      },
    };
    processes.push(handle);
    return handle;
  }

  return {
    clock,
    processes,
    start,
    webUrls: () => processes.filter((child) => child.url && child.alive()).map((child) => child.url!) as string[],
    outputs: () =>
      processes.map((child) => `----- ${child.name} (pid ${child.pid})\n${child.output().slice(-8000)}`).join("\n"),
    async stop() {
      await Promise.all(
        processes.map(async (child) => {
          if (!child.alive()) return;
          const timer = setTimeout(() => void child.kill("SIGKILL"), 5_000);
          await child.kill("SIGTERM");
          clearTimeout(timer);
        }),
      );
      fs.rmSync(directory, { recursive: true, force: true });
    },
  };
}

// ---- Driving and observing -----------------------------------------------------------------------------------------

export const API_SECRET = "test-api-secret";

export interface Delivery {
  topic: "checkouts/create" | "checkouts/update" | "orders/create";
  /** A payload (written with JSON.stringify: plain values only) or the raw body text. */
  body: object | string;
  /** Same id = Shopify's redelivery of the same event. */
  eventId?: string;
}

/**
 * POSTs signed webhooks to the cluster's web instances, round-robin, `concurrency` at a time, and returns each
 * answer's HTTP status (0 when the connection failed) in delivery order.
 */
export async function deliverWebhooks(
  urls: string[],
  shop: string,
  deliveries: Delivery[],
  options: { concurrency?: number; triggeredAt?: Date } = {},
): Promise<number[]> {
  const statuses: number[] = new Array<number>(deliveries.length).fill(0);
  let cursor = 0;
  const lanes = Array.from({ length: Math.min(options.concurrency ?? 8, deliveries.length) }, async () => {
    while (cursor < deliveries.length) {
      const index = cursor++;
      const { topic, body, eventId } = deliveries[index];
      const appUrl = urls[index % urls.length];
      const signed = signedWebhook({
        appUrl,
        apiSecret: API_SECRET,
        topic,
        shop,
        body: typeof body === "string" ? body : JSON.stringify(body),
        eventId,
        triggeredAt: options.triggeredAt,
      });
      try {
        const response = await fetch(signed.url, { method: "POST", headers: signed.headers, body: signed.rawBody });
        await response.arrayBuffer();
        statuses[index] = response.status;
      } catch {
        statuses[index] = 0;
      }
    }
  });
  await Promise.all(lanes);
  return statuses;
}

export interface Backlog {
  /** Webhooks queued and available now, or being processed. */
  webhooks: number;
  /** Scheduled messages due now and still PENDING, or CLAIMED / SENDING. */
  messages: number;
}

/** What is left to do at `now`, read from the database. */
export async function backlog(now: Date): Promise<Backlog> {
  const [webhooks, messages] = await Promise.all([
    prisma.webhookEvent.count({
      where: {
        OR: [
          { status: "PROCESSING" },
          { status: "RECEIVED", OR: [{ availableAt: null }, { availableAt: { lte: now } }] },
        ],
      },
    }),
    prisma.scheduledMessage.count({
      where: { OR: [{ state: { in: ["CLAIMED", "SENDING"] } }, { state: "PENDING", dueAt: { lte: now } }] },
    }),
  ]);
  return { webhooks, messages };
}

/** Waits until nothing is due at the cluster's "now" (two quiet reads in a row), or throws with what is left. */
export async function waitForQuiet(cluster: Cluster, timeoutMs = 30_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let quietReads = 0;
  let last: Backlog = { webhooks: -1, messages: -1 };
  while (performance.now() < deadline) {
    last = await backlog(cluster.clock.now());
    quietReads = last.webhooks === 0 && last.messages === 0 ? quietReads + 1 : 0;
    if (quietReads >= 2) return;
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
  const left = await prisma.scheduledMessage.findMany({
    where: {
      OR: [{ state: { in: ["CLAIMED", "SENDING"] } }, { state: "PENDING", dueAt: { lte: cluster.clock.now() } }],
    },
    select: { state: true, dueAt: true, attempts: true, leaseOwner: true, leaseUntil: true, lastError: true },
    take: 5,
  });
  throw new Error(
    `Not quiet after ${timeoutMs} ms at ${cluster.clock.now().toISOString()}: ${JSON.stringify(last)} ` +
      `${JSON.stringify(left)}\n${cluster.outputs()}`,
  );
}

/** The earliest instant something becomes due after `now` (a pending step, or a webhook waiting for its retry). */
export async function nextDueAt(now: Date): Promise<Date | null> {
  const [message, webhook] = await Promise.all([
    prisma.scheduledMessage.findFirst({
      where: { state: "PENDING", dueAt: { gt: now } },
      orderBy: { dueAt: "asc" },
      select: { dueAt: true },
    }),
    prisma.webhookEvent.findFirst({
      where: { status: "RECEIVED", availableAt: { gt: now } },
      orderBy: { availableAt: "asc" },
      select: { availableAt: true },
    }),
  ]);
  const candidates = [message?.dueAt, webhook?.availableAt].filter((date): date is Date => Boolean(date));
  return candidates.length ? new Date(Math.min(...candidates.map((date) => date.getTime()))) : null;
}

/**
 * Moves the shared clock to `until`, never more than `stepMs` past the moment something became due (so every
 * message goes out at most `stepMs` after its due time), jumping straight over idle stretches, and lets the
 * processes finish everything due at each stop. Returns the number of stops.
 */
export async function runUntil(cluster: Cluster, until: Date, stepMs: number): Promise<number> {
  let stops = 0;
  await waitForQuiet(cluster);
  while (cluster.clock.now() < until) {
    const now = cluster.clock.now().getTime();
    const due = await nextDueAt(cluster.clock.now());
    const target = Math.min(until.getTime(), due ? Math.max(now + stepMs, due.getTime()) : until.getTime());
    cluster.clock.set(new Date(target));
    stops += 1;
    await waitForQuiet(cluster);
  }
  return stops;
}
