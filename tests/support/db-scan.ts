import prisma from "~/db.server";
import { Prisma } from "~/generated/prisma/client";

const lowerFirst = (name: string) => name.charAt(0).toLowerCase() + name.slice(1);

/** Every model of the schema: derived from the generated client, so a table added later is scanned too. */
export const ALL_MODELS = Object.values(Prisma.ModelName);

/**
 * Reads every row of every table and reports each place where one of the needles (an email, a phone, a name, an id)
 * appears, case-insensitively. Used to prove redaction leaves nothing behind.
 */
export async function findInEveryTable(needles: string[]): Promise<string[]> {
  const found: string[] = [];
  const lowered = needles.filter(Boolean).map((needle) => needle.toLowerCase());
  for (const model of ALL_MODELS) {
    // Prisma's delegates are not indexable by a string type; the model names come from the client itself.
    const delegate = (prisma as unknown as Record<string, { findMany: () => Promise<unknown[]> }>)[lowerFirst(model)];
    const rows = await delegate.findMany();
    for (const row of rows) {
      const text = JSON.stringify(row, (_key, value: unknown) =>
        typeof value === "bigint" ? value.toString() : value,
      ).toLowerCase();
      for (const needle of lowered) {
        if (text.includes(needle)) found.push(`${model}: ${needle} in ${text.slice(0, 200)}`);
      }
    }
  }
  return found;
}

/** Rows per table whose `shop` column is this shop (tables without the column are counted through their parents). */
export async function rowsForShop(shop: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const model of ALL_MODELS) {
    const delegate = (prisma as unknown as Record<string, { findMany: () => Promise<Array<Record<string, unknown>>> }>)[
      lowerFirst(model)
    ];
    const rows = await delegate.findMany();
    counts[model] = rows.filter(
      (row) =>
        row.shop === shop ||
        JSON.stringify(row, (_key, value: unknown) => (typeof value === "bigint" ? value.toString() : value)).includes(
          shop,
        ),
    ).length;
  }
  return counts;
}
