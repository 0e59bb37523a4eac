/**
 * Loaded into Kindly's child processes by the multi-process test harness (./index.ts), before the app:
 *
 *   node --import tsx --import ./tests/support/cluster/preload.ts server/worker.ts
 *
 * It gives the processes of one test a shared, test-controlled clock and the emulated shop, and nothing else:
 *
 * - KINDLY_TEST_CLOCK_FILE: a JSON file `{"now": <epoch ms>}` the test rewrites to move time. Every process reads
 *   the same file, so web instances and workers agree on "now"; time stands still between moves (as ManualClock
 *   does in-process), which makes due times and windows exact. A change wakes the process's workers at once, the
 *   way the demo's clock control calls wakeWorkers(). KINDLY_TEST_CLOCK_SKEW_MS adds a fixed skew to this one
 *   process (a worker whose clock is ahead or behind).
 * - KINDLY_TEST_SHOPIFY_GATEWAY: MSW in this process sends every request to a non-loopback host to the test's
 *   loopback gateway (./gateway.ts), which answers with the shop emulator's handlers. Loopback (the SMTP sink, the
 *   fake Twilio, PostgreSQL is not HTTP) passes through. Nothing can reach a real host: the gateway answers 502 for
 *   anything the emulator does not serve.
 *
 * Test-only: refused with NODE_ENV=production, and never imported by the app.
 */
import fs from "node:fs";
import path from "node:path";

if (process.env.NODE_ENV === "production") {
  console.error("tests/support/cluster/preload.ts is a test harness: refused with NODE_ENV=production");
  process.exit(1);
}

const clockFile = process.env.KINDLY_TEST_CLOCK_FILE;
if (clockFile) {
  const skewMs = Number(process.env.KINDLY_TEST_CLOCK_SKEW_MS ?? "0");
  if (!Number.isFinite(skewMs)) throw new Error("KINDLY_TEST_CLOCK_SKEW_MS must be a number of milliseconds");
  const read = (previous: number): number => {
    try {
      const value = Number((JSON.parse(fs.readFileSync(clockFile, "utf8")) as { now: unknown }).now);
      return Number.isFinite(value) ? value : previous;
    } catch {
      return previous; // mid-write: keep the last value, the next read sees the new one
    }
  };
  let current = read(Number.NaN);
  if (!Number.isFinite(current)) throw new Error(`KINDLY_TEST_CLOCK_FILE ${clockFile} holds no {"now": ms}`);
  let readAt = performance.now();
  const refresh = () => {
    current = read(current);
    readAt = performance.now();
  };
  globalThis.__kindlyClock = {
    now() {
      // Re-read at most every 5 ms (the watcher below makes a move visible at once; this is the fallback).
      if (performance.now() - readAt > 5) refresh();
      return new Date(current + skewMs);
    },
  };
  // Watch the directory: the test replaces the file atomically (write + rename), which a file watch would miss.
  const watcher = fs.watch(path.dirname(clockFile), () => {
    const before = current;
    refresh();
    const registry = (globalThis as { __kindlyWorkerRegistry?: { workers: Set<{ wake(): void }> } })
      .__kindlyWorkerRegistry;
    if (current !== before) for (const worker of registry?.workers ?? []) worker.wake();
  });
  watcher.unref();
}

const gateway = process.env.KINDLY_TEST_SHOPIFY_GATEWAY;
if (gateway) {
  const { http, passthrough } = await import("msw");
  const { setupServer } = await import("msw/node");
  const loopback = new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);
  const server = setupServer(
    http.all("*", async ({ request }) => {
      if (loopback.has(new URL(request.url).hostname)) return passthrough();
      const headers = new Headers(request.headers);
      headers.set("x-kindly-forward-url", request.url);
      const body = request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
      return fetch(gateway, { method: request.method, headers, body });
    }),
  );
  server.listen({ onUnhandledRequest: "error" });
}
