import fs from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeEach, inject, vi } from "vitest";
import { TMP_DIR } from "./paths";
import { createDatabase, onServer, withDatabase } from "./test-database";

/**
 * Each test file gets its own database and deterministic settings: on SQLite a copy of the migrated base file, on
 * PostgreSQL (TEST_DATABASE_URL) a clone of the migrated base database.
 * Any unexpected console.error fails the test: errors nobody looks at are how bugs hide.
 */
const postgresUrl = inject("postgresUrl");
const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const workerDb = postgresUrl
  ? `${inject("baseDb").replace(/base$/, "")}${suffix}`
  : path.join(TMP_DIR, `test-${suffix}.sqlite`);
if (postgresUrl) await createDatabase(postgresUrl, workerDb, inject("baseDb"));
else fs.copyFileSync(inject("baseDb"), workerDb);

process.env.NODE_ENV = "test";
process.env.DATABASE_URL = postgresUrl ? withDatabase(postgresUrl, workerDb) : `file:${workerDb}`;
process.env.SHOPIFY_APP_URL = "https://kindly.test";
process.env.SHOPIFY_API_KEY = "test-api-key";
process.env.SHOPIFY_API_SECRET = "test-api-secret";
process.env.LOG_LEVEL = "silent";
delete process.env.KINDLY_DEMO;

let consoleErrors: unknown[][] = [];
beforeEach(() => {
  consoleErrors = [];
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    consoleErrors.push(args);
  });
});
afterEach(() => {
  vi.mocked(console.error).mockRestore();
  if (consoleErrors.length > 0) {
    const first = consoleErrors[0].map((part) => (part instanceof Error ? part.stack : String(part))).join(" ");
    throw new Error(`console.error was called ${consoleErrors.length} time(s); first: ${first}`);
  }
});

afterAll(async () => {
  await globalThis.__kindlyPrisma?.$disconnect();
  if (postgresUrl) {
    await onServer(postgresUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${workerDb} WITH (FORCE)`));
  } else {
    fs.rmSync(workerDb, { force: true });
  }
});
