import { Prisma } from "~/generated/prisma/client";
import { currentDatabaseKind } from "~/db.server";

/**
 * The few SQL fragments that differ between SQLite and PostgreSQL, for the raw aggregate queries Prisma's query API
 * cannot express. Arguments are column expressions written in code (never user input); values stay parameters.
 *
 * SQLite stores Prisma's DateTime as ISO-8601 text, so time arithmetic goes through julianday(); PostgreSQL has
 * timestamps and intervals.
 */
export function hoursBetween(later: string, earlier: string): Prisma.Sql {
  return currentDatabaseKind() === "postgres"
    ? Prisma.raw(`(EXTRACT(EPOCH FROM (${later} - ${earlier})) / 3600.0)`)
    : Prisma.raw(`((julianday(${later}) - julianday(${earlier})) * 24.0)`);
}

export function minutesBetween(later: string, earlier: string): Prisma.Sql {
  return currentDatabaseKind() === "postgres"
    ? Prisma.raw(`(EXTRACT(EPOCH FROM (${later} - ${earlier})) / 60.0)`)
    : Prisma.raw(`((julianday(${later}) - julianday(${earlier})) * 1440.0)`);
}

/** `a <= b` for two timestamp columns, whatever text form SQLite holds them in. */
export function atOrBefore(a: string, b: string): Prisma.Sql {
  return currentDatabaseKind() === "postgres"
    ? Prisma.raw(`(${a} <= ${b})`)
    : Prisma.raw(`(julianday(${a}) <= julianday(${b}))`);
}

/**
 * A claim: move the rows `pick` selects (a `SELECT "id" ... ORDER BY ... LIMIT n`) to a new state under a lease, as
 * one compare-and-set statement; `guard` re-checks each row's state as it is updated, so a row another worker
 * already took is left alone.
 *
 * On PostgreSQL the pick locks its rows with `FOR UPDATE SKIP LOCKED`, so concurrent workers take disjoint batches at
 * once instead of queueing behind (or deadlocking with) each other's row locks. It runs in a MATERIALIZED CTE: inside
 * `WHERE "id" IN (...)` the planner may run a locking subquery more than once (a rescan skips other rows), which
 * claims more than the LIMIT. SQLite has one writer at a time and no row locks: the plain form, guarded by the re-check.
 */
export function claimStatement(table: string, set: Prisma.Sql, pick: Prisma.Sql, guard: Prisma.Sql): Prisma.Sql {
  const target = Prisma.raw(`"${table}"`);
  return currentDatabaseKind() === "postgres"
    ? Prisma.sql`WITH "picked" AS MATERIALIZED (${pick} FOR UPDATE SKIP LOCKED)
        UPDATE ${target} SET ${set} FROM "picked" WHERE ${target}."id" = "picked"."id" AND ${guard}`
    : Prisma.sql`UPDATE ${target} SET ${set} WHERE "id" IN (${pick}) AND ${guard}`;
}

/**
 * A case-insensitive substring filter on both databases. SQLite's LIKE (what `contains` becomes) already ignores
 * ASCII case; PostgreSQL's does not, so there the filter asks for ILIKE (`mode: "insensitive"`, a field the SQLite
 * client's types do not have).
 */
export function containsIgnoringCase(text: string): { contains: string } {
  return currentDatabaseKind() === "postgres"
    ? ({ contains: text, mode: "insensitive" } as { contains: string })
    : { contains: text };
}

type RawExecutor = { $executeRaw: (query: Prisma.Sql) => Promise<number> };

/**
 * Serialises transactions that touch the same thing without a row to lock yet: a transaction-scoped advisory lock per
 * key on PostgreSQL (released at COMMIT or ROLLBACK), taken in sorted order so two transactions sharing several keys
 * never deadlock. Under READ COMMITTED, a checkout and its order ingested at once by two workers each see nothing of
 * the other (neither has committed) and the checkout would enter a flow its order already ended; holding a lock on
 * the keys they match on makes the second wait and see the first. SQLite runs one write transaction at a time: no-op.
 */
export async function lockKeys(tx: RawExecutor, keys: Array<string | null | undefined>): Promise<void> {
  if (currentDatabaseKind() !== "postgres") return;
  const unique = [...new Set(keys.filter((key): key is string => Boolean(key)))].sort();
  for (const key of unique) await tx.$executeRaw(Prisma.sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
}
