/**
 * `npm run demo`: Kindly in an emulated shop on this machine, nothing to configure. Prints one URL; Ctrl-C stops it.
 *
 * Reads PORT (default 3000; 0 picks a free port), HOST, DATABASE_URL (default file:./prisma/demo.sqlite),
 * SHOPIFY_API_KEY, SHOPIFY_API_SECRET, LOG_LEVEL (default warn, so the terminal stays readable), SMTP_URL and
 * TWILIO_API_BASE_URL (+ TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN) to use outside sinks instead of the demo's own.
 * `npm run demo -- --fresh` starts from an empty database.
 */
import { DemoRefusedError, startDemo, type DemoHandle } from "./demo-runtime";

function fail(message: string): never {
  console.error(message);
  process.exit(1);
}

const portText = process.env.PORT ?? "3000";
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`PORT: "${portText}" is not a port number (0-65535)`);

const startedAt = performance.now();
let demo: DemoHandle | undefined;
try {
  demo = await startDemo({
    port,
    host: process.env.HOST || undefined,
    databaseUrl: process.env.DATABASE_URL || undefined,
    appUrl: process.env.SHOPIFY_APP_URL || undefined,
    apiKey: process.env.SHOPIFY_API_KEY || undefined,
    apiSecret: process.env.SHOPIFY_API_SECRET || undefined,
    smtpUrl: process.env.SMTP_URL || undefined,
    twilioApiBaseUrl: process.env.TWILIO_API_BASE_URL || undefined,
    twilioAccountSid: process.env.TWILIO_ACCOUNT_SID || undefined,
    twilioAuthToken: process.env.TWILIO_AUTH_TOKEN || undefined,
    logLevel: process.env.LOG_LEVEL || "warn",
    fresh: process.argv.includes("--fresh"),
    onProgress: (step) => console.log(`… ${step}`),
  });
} catch (error) {
  if (error instanceof DemoRefusedError) fail(error.message);
  fail(`Kindly demo failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
}

console.log(
  `Kindly demo ready: ${demo.demoUrl}  (started in ${((performance.now() - startedAt) / 1000).toFixed(1)} s; Ctrl-C stops it)`,
);

let stoppingSince: number | null = null;
async function shutdown(signal: NodeJS.Signals) {
  if (stoppingSince !== null) {
    // One Ctrl-C can arrive twice: the terminal signals the whole process group and tsx relays it to this process
    // as well. A second Ctrl-C a moment later means "now": leave without waiting for connections to drain.
    if (performance.now() - stoppingSince < 1_000) return;
    process.exit(130);
  }
  stoppingSince = performance.now();
  console.log(`\n${signal}: stopping the demo…`);
  try {
    await demo?.stop();
    console.log("Kindly demo stopped.");
    process.exit(0);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
process.on("SIGINT", (signal) => void shutdown(signal));
process.on("SIGTERM", (signal) => void shutdown(signal));
