import type prisma from "~/db.server";
import { addressHash } from "~/modules/privacy/address-hash.server";
import { normalizeEmail, normalizePhone } from "~/modules/webhooks/payload.server";
import type { Tx } from "~/modules/webhooks/receive.server";

/**
 * Opt-outs. Every send checks them; STOP, unsubscribe links, bounces and complaints write them. The address is
 * normalised (lowercased email, compact E.164 phone) and stored only as a keyed hash (see address-hash.server.ts),
 * so "Camille@Example.org " and "camille@example.org" are the same opt-out, and a redacted customer's STOP is still
 * honoured without Kindly keeping their number.
 */

type Db = Tx | typeof prisma;

export type SuppressionChannel = "EMAIL" | "SMS";
export type SuppressionReason = "UNSUBSCRIBE" | "STOP" | "BOUNCE" | "COMPLAINT";
export type SuppressResult = "SUPPRESSED" | "ALREADY_SUPPRESSED";
export type UnsuppressResult = "UNSUPPRESSED" | "NOT_SUPPRESSED";

/** The canonical form of an address on a channel; an unparseable one is still trimmed and lowercased, never dropped. */
export function normalizeAddress(channel: SuppressionChannel, address: string): string {
  const normalized = channel === "EMAIL" ? normalizeEmail(address) : normalizePhone(address);
  return normalized ?? address.trim().toLowerCase();
}

function key(shop: string, channel: SuppressionChannel, address: string) {
  return {
    shop_channel_addressHash: { shop, channel, addressHash: addressHash(shop, normalizeAddress(channel, address)) },
  };
}

export async function isSuppressed(
  db: Db,
  shop: string,
  channel: SuppressionChannel,
  address: string,
): Promise<boolean> {
  const row = await db.suppression.findUnique({ where: key(shop, channel, address), select: { id: true } });
  return row !== null;
}

/** Idempotent: a second STOP (or a STOP racing an unsubscribe) keeps the first reason and its date. */
export async function suppress(
  db: Db,
  shop: string,
  channel: SuppressionChannel,
  address: string,
  reason: SuppressionReason,
): Promise<SuppressResult> {
  const where = key(shop, channel, address);
  if (await db.suppression.findUnique({ where, select: { id: true } })) return "ALREADY_SUPPRESSED";
  try {
    await db.suppression.create({ data: { ...where.shop_channel_addressHash, reason } });
    return "SUPPRESSED";
  } catch (error) {
    // Two requests for the same address at once: the unique key lets exactly one insert win.
    if (isUniqueViolation(error)) return "ALREADY_SUPPRESSED";
    throw error;
  }
}

/** An explicit opt back in (START, YES, UNSTOP). */
export async function unsuppress(
  db: Db,
  shop: string,
  channel: SuppressionChannel,
  address: string,
): Promise<UnsuppressResult> {
  const { count } = await db.suppression.deleteMany({ where: key(shop, channel, address).shop_channel_addressHash });
  return count > 0 ? "UNSUPPRESSED" : "NOT_SUPPRESSED";
}

function isUniqueViolation(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && "code" in error && (error as { code: unknown }).code === "P2002"
  );
}
