/**
 * Writes prisma/postgres/schema.prisma from prisma/schema.prisma: the same models, with the PostgreSQL provider and
 * its own generated client. prisma/schema.prisma is the one to edit; a test fails when the copy is stale.
 * Usage: `npm run db:pg-schema` (the migration script runs it for you).
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const SQLITE_SCHEMA = path.join(ROOT, "prisma", "schema.prisma");
export const POSTGRES_SCHEMA = path.join(ROOT, "prisma", "postgres", "schema.prisma");

const HEADER =
  "// GENERATED from ../schema.prisma by scripts/postgres-schema.ts (npm run db:pg-schema). Do not edit: edit\n" +
  "// prisma/schema.prisma and regenerate. Same models; PostgreSQL provider; its own client in app/generated/prisma-pg.\n\n";

export function postgresSchema(sqliteSchema: string): string {
  const replaced = sqliteSchema
    .replace(
      /(generator client \{[^}]*?output\s*=\s*)"\.\.\/app\/generated\/prisma"/,
      '$1"../../app/generated/prisma-pg"',
    )
    .replace(/(datasource db \{[^}]*?provider\s*=\s*)"sqlite"/, '$1"postgresql"');
  if (!replaced.includes('"../../app/generated/prisma-pg"') || !replaced.includes('provider = "postgresql"')) {
    throw new Error("prisma/schema.prisma: generator output or datasource provider not in the expected form");
  }
  return HEADER + replaced;
}

export function writePostgresSchema(): boolean {
  const next = postgresSchema(fs.readFileSync(SQLITE_SCHEMA, "utf8"));
  const current = fs.existsSync(POSTGRES_SCHEMA) ? fs.readFileSync(POSTGRES_SCHEMA, "utf8") : "";
  if (current === next) return false;
  fs.mkdirSync(path.dirname(POSTGRES_SCHEMA), { recursive: true });
  fs.writeFileSync(POSTGRES_SCHEMA, next);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(
    writePostgresSchema()
      ? `wrote ${path.relative(ROOT, POSTGRES_SCHEMA)}`
      : "prisma/postgres/schema.prisma is up to date",
  );
}
