import { randomUUID } from "node:crypto";
import prisma from "~/db.server";
import { claimStatement } from "~/db-dialect.server";
import { Prisma } from "~/generated/prisma/client";
import type { ScheduledMessage } from "~/generated/prisma/client";

/**
 * The durable schedule. Every planned message is a ScheduledMessage row:
 *
 *   PENDING --claim--> CLAIMED --rule said no--> SKIPPED (reason recorded)
 *      ^                  |  \--rule said later--> PENDING (dueAt moved, deferReason recorded)
 *      |                  +--about to call the provider--> SENDING --sent--> SENT
 *      +----------retryable error------------------------------+
 *                         permanent error, or retries exhausted --> FAILED (visible)
 *   CLAIMED with an expired lease --> PENDING (the worker died before trying: nothing left, safe to retry)
 *   SENDING with an expired lease --> REVIEW (never resent blindly: the message may have left)
 *   PENDING --run stopped / uninstall--> CANCELLED
 *
 * Claims are compare-and-set: one UPDATE moves due PENDING rows to CLAIMED under a fresh lease token, guarded by
 * `state = 'PENDING'` in the outer WHERE, so two workers (or two processes on one PostgreSQL database, where the
 * re-check runs on the locked row) can never both own a row. On PostgreSQL the pick also takes
 * `FOR UPDATE SKIP LOCKED`, so concurrent workers take disjoint batches instead of queueing behind one another's
 * row locks (claimStatement in app/db-dialect.server.ts; measured in bench/postgres-load.ts).
 */
/**
 * How far apart the clocks of Kindly's processes may be (keep them on NTP: it is milliseconds there). Leases are
 * written and judged with each process's own clock, so a process whose clock runs `skew` ahead sees another's lease
 * expire `skew` early: every lease must outlast this skew plus the work it covers (tests/faults/clock-skew.test.ts
 * runs workers this far apart).
 */
export const MAX_CLOCK_SKEW_MS = 2 * 60_000;
/** A claimed batch is a few seconds of work; the rest of the lease is the margin for skewed clocks. */
export const LEASE_MS = 5 * 60_000;
export const MAX_ATTEMPTS = 5;

/** 1, 2, 4, 8 minutes... capped at an hour: long enough for an SMTP relay to come back. */
export function backoffMs(attempt: number): number {
  return Math.min(60_000 * 2 ** Math.max(0, attempt - 1), 3_600_000);
}

export async function claimDueMessages(options: {
  now: Date;
  workerId: string;
  limit: number;
}): Promise<ScheduledMessage[]> {
  const lease = `${options.workerId}:${randomUUID()}`;
  const leaseUntil = new Date(options.now.getTime() + LEASE_MS);
  const claimed = await prisma.$executeRaw(
    claimStatement(
      "ScheduledMessage",
      Prisma.sql`"state" = 'CLAIMED', "leaseOwner" = ${lease}, "leaseUntil" = ${leaseUntil},
                 "attempts" = "attempts" + 1, "updatedAt" = ${options.now}`,
      Prisma.sql`SELECT "id" FROM "ScheduledMessage"
                  WHERE "state" = 'PENDING' AND "dueAt" <= ${options.now}
                  ORDER BY "dueAt" ASC
                  LIMIT ${options.limit}`,
      Prisma.sql`"state" = 'PENDING'`,
    ),
  );
  if (claimed === 0) return [];
  return prisma.scheduledMessage.findMany({
    where: { leaseOwner: lease, state: "CLAIMED" },
    orderBy: { dueAt: "asc" },
  });
}

/**
 * Rows whose worker died. CLAIMED ones were never tried: they go back to PENDING and are sent once, later.
 * A row still SENDING after its lease expired belongs to a worker that died mid-send: whether the message left is
 * unknown, so it is set aside for a person to review instead of being sent a second time.
 */
export async function markExpiredLeasesForReview(now: Date): Promise<number> {
  const released = await prisma.scheduledMessage.updateMany({
    where: { state: "CLAIMED", leaseUntil: { lt: now } },
    data: { state: "PENDING", leaseOwner: null, leaseUntil: null, attempts: { decrement: 1 } },
  });
  const review = await prisma.scheduledMessage.updateMany({
    where: { state: "SENDING", leaseUntil: { lt: now } },
    data: {
      state: "REVIEW",
      lastError: "The worker stopped while sending: delivery unknown, not resent automatically",
    },
  });
  return released.count + review.count;
}

/**
 * Every transition checks the lease, so a worker that lost its row (lease expired, row released or set aside)
 * can never overwrite a newer state.
 */
function owned(
  row: Pick<ScheduledMessage, "id" | "leaseOwner">,
  state: "CLAIMED" | "SENDING" | Array<"CLAIMED" | "SENDING">,
) {
  return { id: row.id, state: Array.isArray(state) ? { in: state } : state, leaseOwner: row.leaseOwner };
}

/** The last step before the provider is called: from here on, a crash means "delivery unknown". */
export async function markSending(row: ScheduledMessage): Promise<boolean> {
  const result = await prisma.scheduledMessage.updateMany({ where: owned(row, "CLAIMED"), data: { state: "SENDING" } });
  return result.count === 1;
}

export async function markSent(row: ScheduledMessage): Promise<boolean> {
  const result = await prisma.scheduledMessage.updateMany({
    where: owned(row, "SENDING"),
    data: { state: "SENT", leaseOwner: null, leaseUntil: null, lastError: null },
  });
  return result.count === 1;
}

export async function markSkipped(row: ScheduledMessage, reason: string): Promise<boolean> {
  const result = await prisma.scheduledMessage.updateMany({
    where: owned(row, "CLAIMED"),
    data: { state: "SKIPPED", skipReason: reason, leaseOwner: null, leaseUntil: null },
  });
  return result.count === 1;
}

/** A rule moved the send (quiet hours): back to PENDING at the new time; a deferral is not a failed attempt. */
export async function markDeferred(row: ScheduledMessage, until: Date, reason: string): Promise<boolean> {
  const result = await prisma.scheduledMessage.updateMany({
    where: owned(row, "CLAIMED"),
    data: {
      state: "PENDING",
      dueAt: until,
      originalDueAt: row.originalDueAt ?? row.dueAt,
      deferReason: reason,
      attempts: { decrement: 1 },
      leaseOwner: null,
      leaseUntil: null,
    },
  });
  return result.count === 1;
}

/**
 * A failed attempt: retried with backoff while it may succeed, otherwise a final, visible failure. A provider that
 * said when to come back (a 429's Retry-After) is not asked again before then, even when that is past the backoff.
 */
export async function markFailedAttempt(
  row: ScheduledMessage,
  now: Date,
  error: { message: string; retryable: boolean; retryAfterMs?: number | null },
): Promise<"RETRY" | "FAILED"> {
  const final = !error.retryable || row.attempts >= MAX_ATTEMPTS;
  const wait = Math.max(backoffMs(row.attempts), error.retryAfterMs ?? 0);
  await prisma.scheduledMessage.updateMany({
    where: owned(row, ["CLAIMED", "SENDING"]),
    data: final
      ? { state: "FAILED", lastError: error.message.slice(0, 500), leaseOwner: null, leaseUntil: null }
      : {
          state: "PENDING",
          dueAt: new Date(now.getTime() + wait),
          lastError: error.message.slice(0, 500),
          leaseOwner: null,
          leaseUntil: null,
        },
  });
  return final ? "FAILED" : "RETRY";
}
