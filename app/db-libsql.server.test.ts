import { createClient, type Client } from "@libsql/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PrismaClient } from "~/generated/prisma/client";
import { SingleConnectionLibSQL } from "~/db-libsql.server";

/**
 * The SQLite connection after another connection held the write lock (a backup, the sqlite3 shell, a second
 * process). libsql leaves a statement that failed with SQLITE_BUSY un-reset: until it is garbage-collected, the
 * connection stays inside that statement's transaction, so later "autocommit" writes are never committed (no other
 * connection sees them, a crash loses them), the write lock is never released, and the next COMMIT fails with
 * "SQL statements in progress" (which left the transaction open for good: every later BEGIN failed with "cannot
 * start a transaction within a transaction"). tests/faults/database-outage.test.ts found it: a worker wedged.
 */
const url = process.env.DATABASE_URL ?? "";
const sqlite = url.startsWith("file:");

describe.skipIf(!sqlite)("one SQLite connection after SQLITE_BUSY", () => {
  let prisma: PrismaClient;
  let other: Client;
  beforeAll(async () => {
    prisma = new PrismaClient({ adapter: new SingleConnectionLibSQL({ url }) });
    other = createClient({ url });
    await prisma.$executeRawUnsafe("PRAGMA journal_mode = WAL");
    await prisma.$executeRawUnsafe('CREATE TABLE "BusyProbe" ("x" INTEGER NOT NULL)');
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    other?.close();
  });

  const seen = async () =>
    (await other.execute('SELECT "x" FROM "BusyProbe" ORDER BY "x"')).rows.map((row) => Number(row.x));

  it("a write refused while another connection holds the lock: later writes commit, the lock is free again", async () => {
    await other.execute("BEGIN EXCLUSIVE");
    await expect(prisma.$executeRaw`INSERT INTO "BusyProbe" ("x") VALUES (1)`).rejects.toThrow(/SQLITE_BUSY|locked/);
    await other.execute("COMMIT");

    await prisma.$executeRaw`INSERT INTO "BusyProbe" ("x") VALUES (2)`;
    await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO "BusyProbe" ("x") VALUES (3)`;
    });
    // Committed: another connection sees them, and can take the write lock.
    expect(await seen()).toEqual([2, 3]);
    await other.execute("BEGIN EXCLUSIVE");
    await other.execute("COMMIT");
  });

  it("a transaction whose write is refused rolls back; the next ones commit", async () => {
    await expect(
      prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT COUNT(*) FROM "BusyProbe"`;
        await other.execute("BEGIN EXCLUSIVE");
        await tx.$executeRaw`INSERT INTO "BusyProbe" ("x") VALUES (4)`;
      }),
    ).rejects.toThrow(/SQLITE_BUSY|locked/);
    await other.execute("COMMIT");

    await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`INSERT INTO "BusyProbe" ("x") VALUES (5)`;
    });
    await prisma.$executeRaw`INSERT INTO "BusyProbe" ("x") VALUES (6)`;
    expect(await seen()).toEqual([2, 3, 5, 6]);
    await other.execute("BEGIN EXCLUSIVE");
    await other.execute("COMMIT");
  });
});
