import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { createClient } from "@libsql/client";
import { describe, expect, inject, it } from "vitest";
import { migrateArgs } from "../../scripts/db-migrate";
import { ROOT, TMP_DIR } from "../support/paths";
import { createDatabase, onServer, withDatabase } from "../support/test-database";

const run = promisify(execFile);

/** `npm run db:migrate` as production runs it: the script, a brand-new database, then again (nothing to do). */
async function migrate(databaseUrl: string) {
  return run(process.execPath, ["--import", "tsx", "scripts/db-migrate.ts"], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
}

describe("npm run db:migrate", () => {
  it("picks the migration history from DATABASE_URL and refuses anything else", () => {
    expect(migrateArgs("file:./x.sqlite")).toEqual(["migrate", "deploy"]);
    expect(migrateArgs("postgresql://u@h:5432/db")).toEqual([
      "migrate",
      "deploy",
      "--config",
      "prisma.postgres.config.ts",
    ]);
    expect(() => migrateArgs("mysql://u@h/db")).toThrow(/file: \(SQLite\) or postgres/);
  });

  it("migrates a new SQLite file, then finds nothing left to apply", async () => {
    const file = path.join(TMP_DIR, `migrate-${process.pid}.sqlite`);
    fs.rmSync(file, { force: true });
    try {
      const first = await migrate(`file:${file}`);
      expect(first.stdout).toMatch(/All migrations have been successfully applied/);
      const second = await migrate(`file:${file}`);
      expect(second.stdout).toMatch(/No pending migrations to apply/);
      const client = createClient({ url: `file:${file}` });
      const applied = await client.execute(
        `SELECT COUNT(*) AS n FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL`,
      );
      const expected = fs.readdirSync(path.join(ROOT, "prisma", "migrations")).filter((name) => /^\d{14}_/.test(name));
      expect(Number(applied.rows[0].n)).toBe(expected.length);
      client.close();
    } finally {
      fs.rmSync(file, { force: true });
    }
  }, 60_000);

  it.skipIf(!inject("postgresUrl"))(
    "migrates a new PostgreSQL database, then finds nothing left to apply (runs in the PostgreSQL pass)",
    async () => {
      const server = inject("postgresUrl")!;
      const name = `kindly_migrate_${process.pid}`;
      await createDatabase(server, name);
      try {
        const url = withDatabase(server, name);
        expect((await migrate(url)).stdout).toMatch(/All migrations have been successfully applied/);
        expect((await migrate(url)).stdout).toMatch(/No pending migrations to apply/);
        const applied = await onServer(url, (client) =>
          client.query<{ n: number }>(
            `SELECT COUNT(*)::int AS n FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL`,
          ),
        );
        const expected = fs
          .readdirSync(path.join(ROOT, "prisma", "postgres", "migrations"))
          .filter((name) => /^\d{14}_/.test(name));
        expect(applied.rows[0].n).toBe(expected.length);
      } finally {
        await onServer(server, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
      }
    },
    90_000,
  );
});
