import { PrismaClient } from "~/generated/prisma/client";
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

export function createPrismaClient(databaseUrl: string): PrismaClient {
  if (databaseUrl.startsWith("file:")) {
    return new PrismaClient({ adapter: new SingleConnectionLibSQL({ url: databaseUrl }) });
  }
  throw new Error(
    `DATABASE_URL: only SQLite (file:...) is wired up so far; PostgreSQL support lands with the production-scale work.`,
  );
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
  if (!getEnv().DATABASE_URL.startsWith("file:")) return;
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
