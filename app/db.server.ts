import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "~/generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "~/generated/prisma-pg/client";
import { getEnv } from "~/env.server";
import { SingleConnectionLibSQL } from "~/db-libsql.server";

/**
 * One Prisma client per process. SQLite through libsql is the embedded default (`DATABASE_URL=file:...`).
 * Kept on globalThis so the Remix server build and modules loaded by the worker/demo launcher share it,
 * and so dev-server reloads do not open a new connection each time.
 */
declare global {
  var __kindlyPrisma: PrismaClient | undefined;
}

export type DatabaseKind = "sqlite" | "postgres";

export function databaseKind(databaseUrl: string): DatabaseKind {
  if (databaseUrl.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(databaseUrl)) return "postgres";
  throw new Error("DATABASE_URL must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL)");
}

/** Which database this process runs on, for the few queries that must be written per dialect. */
export function currentDatabaseKind(): DatabaseKind {
  return databaseKind(getEnv().DATABASE_URL);
}

/**
 * SQLite (file:...) through libsql, or PostgreSQL (postgres://...) through node-postgres. Both clients are generated
 * from the same models (prisma/schema.prisma and its PostgreSQL copy), so the PostgreSQL client is used through the
 * SQLite client's type: the model API is the same. `DATABASE_POOL_SIZE` bounds each process's PostgreSQL connections.
 */
export function createPrismaClient(databaseUrl: string): PrismaClient {
  if (databaseKind(databaseUrl) === "sqlite") {
    return new PrismaClient({ adapter: new SingleConnectionLibSQL({ url: databaseUrl }) });
  }
  const adapter = new PrismaPg({
    connectionString: databaseUrl,
    max: getEnv().DATABASE_POOL_SIZE,
    // A connection refused or dropped is retried by the caller's own retry (workers retry, requests fail fast).
    connectionTimeoutMillis: 5_000,
  });
  return new PostgresPrismaClient({ adapter }) as unknown as PrismaClient;
}

export function getPrisma(): PrismaClient {
  globalThis.__kindlyPrisma ??= createPrismaClient(getEnv().DATABASE_URL);
  return globalThis.__kindlyPrisma;
}

/**
 * SQLite in write-ahead-log mode: readers never wait for the writer and a commit appends to the log instead of
 * rewriting pages, several times faster for Kindly's many small transactions. The mode is stored in the database
 * file, so setting it once at process start is enough. A no-op on PostgreSQL.
 */
export async function prepareDatabase(): Promise<void> {
  if (currentDatabaseKind() !== "sqlite") return;
  await getPrisma().$queryRawUnsafe("PRAGMA journal_mode = WAL");
}

/** Lazily-connected client: importing this module never opens the database. */
const prisma = new Proxy({} as PrismaClient, {
  get(_target, property) {
    const client = getPrisma();
    const value = Reflect.get(client, property, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});

export default prisma;

/** Prisma's "unique constraint failed" (P2002): how a duplicate delivery or a lost race shows up. */
export function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && "code" in error && (error as { code: unknown }).code === "P2002"
  );
}
