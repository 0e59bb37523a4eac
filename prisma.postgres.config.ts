import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaPg } from "@prisma/adapter-pg-migrate";

// PostgreSQL: `npx prisma <command> --config prisma.postgres.config.ts` (npm run db:migrate picks it for a
// postgres:// DATABASE_URL). The schema is generated from prisma/schema.prisma (scripts/postgres-schema.ts).
// Migrations use @prisma/adapter-pg 7.10 (installed as @prisma/adapter-pg-migrate): the wasm schema engine cannot
// introspect PostgreSQL through the 6.19 adapter. Queries at run time use @prisma/adapter-pg 6.19, the version that
// matches @prisma/client. See docs/decisions/0005-postgresql.md.
const url = process.env.DATABASE_URL ?? "";
const isPostgres = /^postgres(ql)?:\/\//.test(url);
// `prisma generate` never connects, but the schema reads env("DATABASE_URL") and needs a PostgreSQL URL there.
if (!isPostgres) process.env.DATABASE_URL = "postgresql://127.0.0.1:5432/not-connected-by-generate";

export default defineConfig({
  experimental: { adapter: true },
  schema: path.join("prisma", "postgres", "schema.prisma"),
  engine: "js",
  // Measured: the CLI stays alive ~10 s after applying migrations on PostgreSQL (a timer inside the wasm schema
  // engine, not the pool). Harmless; noted in the ADR.
  // The cast: 7.10's factory type differs from 6.19's; the runtime contract is the same.
  adapter: async () => {
    if (!isPostgres)
      throw new Error("prisma.postgres.config.ts: DATABASE_URL must be a postgres:// or postgresql:// URL");
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return new PrismaPg({ connectionString: url }) as any;
  },
});
