/**
 * `npm run db:migrate`: applies pending migrations to the database DATABASE_URL names, SQLite (file:...) or
 * PostgreSQL (postgres://...), each with its own migration history (prisma/migrations, prisma/postgres/migrations).
 * Safe to run on every deploy and from several instances: Prisma records what it applied.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** Arguments for the Prisma CLI that migrate the database at `databaseUrl`. */
export function migrateArgs(databaseUrl: string): string[] {
  if (databaseUrl.startsWith("file:")) return ["migrate", "deploy"];
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return ["migrate", "deploy", "--config", "prisma.postgres.config.ts"];
  throw new Error("DATABASE_URL must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL)");
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const url = process.env.DATABASE_URL ?? "file:./prisma/dev.sqlite";
  try {
    const args = migrateArgs(url);
    const result = spawnSync("npx", ["prisma", ...args], {
      stdio: "inherit",
      env: { ...process.env, DATABASE_URL: url },
    });
    process.exit(result.status ?? 1);
  } catch (error) {
    console.error((error as Error).message);
    process.exit(2);
  }
}
