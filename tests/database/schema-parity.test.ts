import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { POSTGRES_SCHEMA, SQLITE_SCHEMA, postgresSchema } from "../../scripts/postgres-schema";
import { ROOT } from "../support/paths";

/**
 * One schema, two databases: the PostgreSQL schema is generated from the SQLite one, and every migration after the
 * PostgreSQL baseline exists in both histories under the same name (`npm run db:new-migration` writes both).
 */
const SQLITE_MIGRATIONS = path.join(ROOT, "prisma", "migrations");
const POSTGRES_MIGRATIONS = path.join(ROOT, "prisma", "postgres", "migrations");
const POSTGRES_BASELINE = "20261124120000_baseline";

const migrationNames = (dir: string) =>
  fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

describe("SQLite and PostgreSQL schemas", () => {
  it("prisma/postgres/schema.prisma is generated from prisma/schema.prisma and up to date (npm run db:pg-schema)", () => {
    expect(fs.readFileSync(POSTGRES_SCHEMA, "utf8")).toBe(postgresSchema(fs.readFileSync(SQLITE_SCHEMA, "utf8")));
  });

  it("every migration after the PostgreSQL baseline exists in both histories, with a non-empty migration.sql", () => {
    const stamp = POSTGRES_BASELINE.slice(0, 14);
    const sqliteLater = migrationNames(SQLITE_MIGRATIONS).filter((name) => name.slice(0, 14) > stamp);
    const postgresLater = migrationNames(POSTGRES_MIGRATIONS).filter((name) => name !== POSTGRES_BASELINE);
    expect(postgresLater).toEqual(sqliteLater);
    for (const name of postgresLater) {
      for (const dir of [SQLITE_MIGRATIONS, POSTGRES_MIGRATIONS]) {
        expect(fs.readFileSync(path.join(dir, name, "migration.sql"), "utf8").trim(), `${dir}/${name}`).not.toBe("");
      }
    }
  });

  it("the baseline covers exactly the SQLite migrations up to its own timestamp", () => {
    const stamp = POSTGRES_BASELINE.slice(0, 14);
    expect(migrationNames(SQLITE_MIGRATIONS).filter((name) => name.slice(0, 14) <= stamp)).toEqual([
      "20261124000000_init",
      "20261124100000_inbox_chat_customers",
      "20261124110000_report_indexes",
      "20261124120000_message_engagement",
    ]);
  });
});
