import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { ROOT, TMP_DIR } from "./paths";
import { createDatabase, dropDatabases, testPostgresUrl, withDatabase } from "./test-database";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "generated" || entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

declare module "vitest" {
  export interface ProvidedContext {
    /** SQLite: the migrated base file. PostgreSQL: the migrated base database's name. */
    baseDb: string;
    /** Set when the suite runs on PostgreSQL (TEST_DATABASE_URL): the server's admin database URL. */
    postgresUrl: string | undefined;
  }
}

/**
 * Builds the migrated base database once per run (one per run, so two runs side by side never share it), and the
 * Remix build when app/ changed since the last one.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  fs.mkdirSync(TMP_DIR, { recursive: true });
  const postgresUrl = testPostgresUrl();
  project.provide("postgresUrl", postgresUrl);
  let cleanup: () => Promise<void>;
  if (postgresUrl) {
    const prefix = `kindly_t${process.pid}_`;
    const base = `${prefix}base`;
    await createDatabase(postgresUrl, base);
    execFileSync("npx", ["prisma", "migrate", "deploy", "--config", "prisma.postgres.config.ts"], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: withDatabase(postgresUrl, base) },
      stdio: "pipe",
    });
    project.provide("baseDb", base);
    console.log(`Running the suite on PostgreSQL (${new URL(postgresUrl).host}); one database per test file.`);
    cleanup = () => dropDatabases(postgresUrl, prefix);
  } else {
    const baseDb = path.join(TMP_DIR, `base-${process.pid}.sqlite`);
    fs.rmSync(baseDb, { force: true });
    execFileSync("npx", ["prisma", "migrate", "deploy"], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: `file:${baseDb}` },
      stdio: "pipe",
    });
    project.provide("baseDb", baseDb);
    cleanup = async () => fs.rmSync(baseDb, { force: true });
  }

  const serverBuild = path.join(ROOT, "build", "server", "index.js");
  const builtAt = fs.existsSync(serverBuild) ? fs.statSync(serverBuild).mtimeMs : 0;
  const sourcesAt = Math.max(
    newestMtime(path.join(ROOT, "app")),
    fs.statSync(path.join(ROOT, "vite.config.ts")).mtimeMs,
  );
  if (builtAt < sourcesAt) {
    execFileSync("npx", ["remix", "vite:build"], { cwd: ROOT, stdio: "pipe" });
  }
  return cleanup;
}
