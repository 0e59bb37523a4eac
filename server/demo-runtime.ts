import { spawn } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startAppServer, BUILD_DIR, ROOT, type AppServer } from "./app-server";
import { startFakeTwilio, type FakeTwilio } from "../tests/support/fake-twilio";
import { startSmtpSink, type SmtpSink } from "../tests/support/smtp-sink";
import { startDemoShop, type DemoShopEmulator } from "./demo-shop";
import { migrateArgs } from "../scripts/db-migrate";

/**
 * The local demo in one call: database, build, emulated shop with Kindly installed, web app, worker, SMTP sink and
 * fake SMS provider, all in this process. `npm run demo` (server/demo.ts) calls it; tests call it on a free port.
 *
 * The demo owns the process it runs in: it sets the environment (KINDLY_DEMO=1, DATABASE_URL, ...), installs a
 * movable clock and registers its sinks on globalThis for the demo pages. One demo per process at a time.
 */

export interface DemoOptions {
  /** Port of the web app. 0 picks a free one. Default 3000. */
  port?: number;
  /** Interface to listen on. Default 127.0.0.1 (the demo opens admin pages without login: keep it off the network). */
  host?: string;
  /** Default `file:./prisma/demo.sqlite`; relative SQLite paths are resolved against the repository. */
  databaseUrl?: string;
  /** Public URL of the app. Default `http://localhost:<port>`. */
  appUrl?: string;
  apiKey?: string;
  apiSecret?: string;
  /** An outside SMTP server: the demo shop sends there and the demo starts no SMTP sink of its own. */
  smtpUrl?: string;
  /** An outside Twilio-compatible API: the demo shop sends there and the demo starts no fake Twilio. */
  twilioApiBaseUrl?: string;
  /** Credentials for the outside Twilio-compatible API (the fake Twilio makes its own). */
  twilioAccountSid?: string;
  twilioAuthToken?: string;
  /** "if-stale" (default) rebuilds the Remix app when app/ changed since the last build; "never" trusts the build. */
  build?: "if-stale" | "never";
  /** Start from an empty database (the file is deleted first). */
  fresh?: boolean;
  logLevel?: string;
  /** Progress lines ("Applying migrations", ...), for the command line. */
  onProgress?: (step: string) => void;
}

export interface DemoHandle {
  /** Base URL of the web app, e.g. http://localhost:3000. */
  url: string;
  /** The page to open: `${url}/demo`. */
  demoUrl: string;
  port: number;
  databaseUrl: string;
  /** The demo's own sinks (undefined when an outside SMTP server / Twilio API is configured). */
  smtpSink?: SmtpSink;
  twilio?: FakeTwilio;
  emulator: DemoShopEmulator;
  stop(): Promise<void>;
}

/** The demo cannot run in this environment (production): the message says why, for the command line. */
export class DemoRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DemoRefusedError";
  }
}

export const EXTENSION_DIR = path.join(ROOT, "extensions", "kindly-storefront");
const DEFAULT_DATABASE_URL = "file:./prisma/demo.sqlite";
/** Twilio's "magic" test number: valid-looking, and it can never reach a person. */
const DEMO_SMS_FROM = "+15005550006";

/** `file:./x.sqlite` -> `file:/abs/path/x.sqlite`, so Prisma's CLI and the app open the same file whatever the cwd. */
export function absoluteSqliteUrl(databaseUrl: string): string {
  if (!databaseUrl.startsWith("file:")) return databaseUrl;
  const location = databaseUrl.slice("file:".length);
  if (location.startsWith("//")) return `file:${fileURLToPath(databaseUrl)}`;
  return `file:${path.resolve(ROOT, location)}`;
}

async function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** Runs a Node CLI shipped in node_modules with this process's Node (the pinned v24), capturing its output. */
function runNodeCli(script: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code === 0) resolve();
      else
        reject(
          new Error(
            `${path.basename(path.dirname(script))} ${args.join(" ")} failed (exit ${code}):\n${output.slice(-4000)}`,
          ),
        );
    });
  });
}

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "generated" || entry.name.startsWith(".") || entry.name.includes(".test.")) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** True when build/ is missing or older than anything in app/ (tests excluded), public/ or the Vite config. */
export function buildIsStale(): boolean {
  const serverBuild = path.join(BUILD_DIR, "server", "index.js");
  if (!fs.existsSync(serverBuild)) return true;
  const publicDir = path.join(ROOT, "public");
  const sourcesAt = Math.max(
    newestMtime(path.join(ROOT, "app")),
    fs.existsSync(publicDir) ? newestMtime(publicDir) : 0,
    fs.statSync(path.join(ROOT, "vite.config.ts")).mtimeMs,
  );
  return fs.statSync(serverBuild).mtimeMs < sourcesAt;
}

/** Sets the demo's environment, validates it the way the app will, and returns the validated settings. */
async function prepareEnvironment(values: Record<string, string | undefined>) {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  const { EnvError, loadEnv, resetEnvForTests } = await import("~/env.server");
  resetEnvForTests();
  try {
    return loadEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      // In production only the demo's own refusal matters: the other missing production settings would not help.
      const refusal = error.problems.find((problem) => problem.startsWith("KINDLY_DEMO"));
      throw new DemoRefusedError(
        refusal ? `Kindly demo refused to start.\n  - ${refusal}` : `Kindly demo cannot start.\n${error.message}`,
      );
    }
    throw error;
  }
}

export async function startDemo(options: DemoOptions = {}): Promise<DemoHandle> {
  const progress = options.onProgress ?? (() => {});
  const host = options.host ?? "127.0.0.1";
  const requestedPort = options.port ?? 3000;
  const databaseUrl = absoluteSqliteUrl(options.databaseUrl ?? DEFAULT_DATABASE_URL);

  const port = requestedPort === 0 ? await freePort(host) : requestedPort;
  const url = `http://localhost:${port}`;
  // Validated before anything starts or is written: in production the demo stops here.
  const env = await prepareEnvironment({
    KINDLY_DEMO: "1",
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    SHOPIFY_APP_URL: options.appUrl ?? url,
    SHOPIFY_API_KEY: options.apiKey ?? process.env.SHOPIFY_API_KEY,
    SHOPIFY_API_SECRET: options.apiSecret ?? process.env.SHOPIFY_API_SECRET,
    LOG_LEVEL: options.logLevel ?? process.env.LOG_LEVEL,
    SMTP_URL: options.smtpUrl,
    TWILIO_API_BASE_URL: options.twilioApiBaseUrl,
  });

  const stops: Array<{ name: string; stop: () => Promise<void> | void }> = [];
  const stopAll = async () => {
    const failures: string[] = [];
    // Reverse start order: the worker stops before the database it uses, the web app before the emulator it calls.
    for (const { name, stop } of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        failures.push(`${name}: ${(error as Error).message}`);
      }
    }
    stops.length = 0;
    if (failures.length > 0) throw new Error(`The demo did not stop cleanly:\n${failures.join("\n")}`);
  };

  try {
    if (databaseUrl.startsWith("file:")) {
      const file = databaseUrl.slice("file:".length);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      if (options.fresh) fs.rmSync(file, { force: true });
    }
    progress("Applying database migrations");
    await runNodeCli(path.join(ROOT, "node_modules", "prisma", "build", "index.js"), migrateArgs(databaseUrl), {
      ...process.env,
      DATABASE_URL: databaseUrl,
    });

    if ((options.build ?? "if-stale") === "if-stale" && buildIsStale()) {
      progress("Building the Remix app (first run, or app/ changed)");
      await runNodeCli(
        path.join(ROOT, "node_modules", "@remix-run", "dev", "dist", "cli.js"),
        ["vite:build"],
        process.env,
      );
    }

    // Loaded only now: these modules read the environment and open the database the lines above prepared.
    const { OffsetClock, getClock, setClock } = await import("~/clock.server");
    const { prepareDatabase } = await import("~/db.server");
    const { setDemoRuntime } = await import("~/modules/demo/runtime.server");
    const { startWorker } = await import("~/jobs/worker.server");

    const previousClock = globalThis.__kindlyClock;
    setClock(new OffsetClock());
    stops.push({
      name: "clock",
      stop: () => {
        globalThis.__kindlyClock = previousClock;
      },
    });
    stops.push({
      name: "database",
      stop: async () => {
        await globalThis.__kindlyPrisma?.$disconnect();
        globalThis.__kindlyPrisma = undefined;
      },
    });
    // As `npm start` does (WAL mode for SQLite): the demo runs the same database setup as production.
    await prepareDatabase();

    progress("Starting the emulated shop");
    const emulator = await startDemoShop({
      now: () => getClock().now(),
      appUrl: env.SHOPIFY_APP_URL,
      apiSecret: env.SHOPIFY_API_SECRET,
    });
    stops.push({ name: "shop emulator", stop: () => emulator.close() });

    let smtpSink: SmtpSink | undefined;
    let smtpUrl = options.smtpUrl;
    if (!smtpUrl) {
      smtpSink = await startSmtpSink({ now: () => getClock().now() });
      stops.push({ name: "SMTP sink", stop: () => smtpSink?.close() });
      smtpUrl = smtpSink.url;
      process.env.SMTP_URL = smtpUrl;
    }
    let twilio: FakeTwilio | undefined;
    let twilioApiBaseUrl = options.twilioApiBaseUrl;
    let twilioAccount = { accountSid: options.twilioAccountSid ?? "", authToken: options.twilioAuthToken ?? "" };
    if (!twilioApiBaseUrl) {
      twilio = await startFakeTwilio({ now: () => getClock().now() });
      stops.push({ name: "fake Twilio", stop: () => twilio?.close() });
      twilioApiBaseUrl = twilio.url;
      twilioAccount = { accountSid: twilio.accountSid, authToken: twilio.authToken };
      // Anything that falls back to the environment's Twilio base must also land on the fake, never on twilio.com.
      process.env.TWILIO_API_BASE_URL = twilioApiBaseUrl;
    }
    const { resetEnvForTests } = await import("~/env.server");
    resetEnvForTests();

    progress("Installing Kindly into the emulated shop");
    // Imported only after MSW started: Shopify's API library keeps a reference to `fetch` when it loads, and that
    // reference must already be the intercepted one, or Admin API calls would try the real network.
    const { installKindlyInDemoShop } = await import("~/modules/demo/install.server");
    await installKindlyInDemoShop({
      scopes: env.SCOPES,
      // The shop owner signs the messages, as a merchant would set it up in Settings.
      senderName: emulator.store.shop.shopOwnerName,
      smtpUrl,
      twilio: { ...twilioAccount, apiBaseUrl: twilioApiBaseUrl, fromNumber: DEMO_SMS_FROM },
    });

    setDemoRuntime({
      startedAt: getClock().now(),
      shop: emulator.shop,
      extensionDir: EXTENSION_DIR,
      storefront: () => emulator.storefront(),
      abandonCheckout: () => emulator.abandonCheckout(),
      abandonedCheckouts: () => emulator.abandonedCheckouts(),
      placeDeliveredOrder: () => emulator.placeDeliveredOrder(),
      placedOrders: () => emulator.placedOrders(),
      outbox: {
        email: smtpSink
          ? {
              kind: "captured",
              list: () =>
                smtpSink.messages().map((message) => ({
                  id: message.id,
                  receivedAt: message.receivedAt,
                  from: message.from,
                  to: message.to,
                  cc: message.cc,
                  replyTo: message.replyTo,
                  subject: message.subject,
                  date: message.date,
                  text: message.text,
                  html: message.html,
                  headers: message.headers,
                })),
            }
          : { kind: "external", target: describe(smtpUrl) },
        sms: twilio
          ? {
              kind: "captured",
              list: () =>
                twilio.messages().map((message) => ({
                  id: message.sid,
                  receivedAt: message.dateCreated,
                  from: message.from,
                  to: message.to,
                  body: message.body,
                  status: message.status,
                  segments: message.numSegments,
                })),
            }
          : { kind: "external", target: describe(twilioApiBaseUrl) },
      },
    });
    stops.push({ name: "demo registry", stop: () => setDemoRuntime(undefined) });

    progress("Starting the web app and the worker");
    const app: AppServer = await startAppServer({ port, host });
    stops.push({ name: "web app", stop: () => app.close() });
    // The same background work `npm start` and `npm run worker` run (webhook processing, recovery dispatch).
    const { loadWorkModules } = await import("./work-modules");
    await loadWorkModules();
    const worker = startWorker({ workerId: "demo-worker" });
    stops.push({ name: "worker", stop: () => worker.stop() });

    return {
      url,
      demoUrl: `${url}/demo`,
      port,
      databaseUrl,
      smtpSink,
      twilio,
      emulator,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll().catch(() => {
      // The start-up error is the one worth reporting; a failed clean-up after it adds nothing actionable.
    });
    throw error;
  }
}

/** Scheme, host and port of an endpoint, never its credentials (the outbox page shows it). */
function describe(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return "an outside endpoint";
  }
}
