/**
 * `npm run db:new-migration -- <name>`: after editing prisma/schema.prisma, writes the migration for both databases
 * with one name: prisma/migrations/<stamp>_<name> (SQLite) and prisma/postgres/migrations/<stamp>_<name>
 * (PostgreSQL), each the diff from the schema at HEAD to the schema in the working tree. Offline: no database.
 * Review both files; add data backfills by hand, in each dialect.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { POSTGRES_SCHEMA, SQLITE_SCHEMA, postgresSchema, writePostgresSchema } from "./postgres-schema";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new-migration -- <name>   (lowercase letters, digits and _)");
  process.exit(2);
}
writePostgresSchema();
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kindly-migration-"));
const oldSqlite = path.join(tmp, "old.prisma");
fs.writeFileSync(oldSqlite, execFileSync("git", ["show", "HEAD:prisma/schema.prisma"], { encoding: "utf8" }));
const oldPostgres = path.join(tmp, "old-pg.prisma");
fs.writeFileSync(oldPostgres, postgresSchema(fs.readFileSync(oldSqlite, "utf8")));

const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
function diff(from: string, to: string, config: string[]): string {
  return execFileSync(
    "npx",
    ["prisma", "migrate", "diff", ...config, "--from-schema-datamodel", from, "--to-schema-datamodel", to, "--script"],
    { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] },
  );
}
const outputs = [
  { dir: path.join("prisma", "migrations"), sql: diff(oldSqlite, SQLITE_SCHEMA, []) },
  {
    dir: path.join("prisma", "postgres", "migrations"),
    sql: diff(oldPostgres, POSTGRES_SCHEMA, ["--config", "prisma.postgres.config.ts"]),
  },
];
if (outputs.every((output) => !/\b(CREATE|ALTER|DROP)\b/.test(output.sql))) {
  console.error("prisma/schema.prisma has no change from HEAD: nothing to migrate");
  process.exit(1);
}
for (const output of outputs) {
  const dir = path.join(output.dir, `${stamp}_${name}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "migration.sql"), output.sql);
  console.log(`wrote ${dir}/migration.sql`);
}
