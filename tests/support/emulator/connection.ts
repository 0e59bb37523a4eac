import { GraphQLError } from "graphql";

/**
 * Cursor pagination as Shopify does it: a connection needs `first` (at most 250), cursors are opaque base64 JSON
 * holding the last item's sort value and id, so a page boundary stays put when records are added. Inside a bulk
 * operation connections are unpaginated and `first` is neither required nor applied.
 */

export const MAX_PAGE_SIZE = 250;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  reverse?: boolean | null;
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** A record's position in a sort: the sort value, then the numeric id as a tie-break (as strings: ids exceed 2^53). */
export interface SortKey {
  value: string | number;
  id: string;
}

function compareKeys(a: SortKey, b: SortKey): number {
  if (a.value !== b.value) {
    if (typeof a.value === "number" && typeof b.value === "number") return a.value - b.value;
    return String(a.value) < String(b.value) ? -1 : 1;
  }
  const left = BigInt(a.id);
  const right = BigInt(b.id);
  return left < right ? -1 : left > right ? 1 : 0;
}

function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify({ last_id: key.id, last_value: key.value })).toString("base64");
}

function decodeCursor(cursor: string): SortKey {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64").toString("utf8")) as {
      last_id?: unknown;
      last_value?: unknown;
    };
    if (
      typeof parsed.last_id === "string" &&
      /^\d+$/.test(parsed.last_id) &&
      (typeof parsed.last_value === "string" || typeof parsed.last_value === "number")
    ) {
      return { id: parsed.last_id, value: parsed.last_value };
    }
  } catch {
    // Fall through to the error below: a malformed cursor is the client's mistake, reported as Shopify does.
  }
  throw new GraphQLError(`Invalid cursor for current pagination sort.`, { extensions: { code: "BAD_REQUEST" } });
}

/**
 * Paginates `items` sorted by `keyOf` (ascending, or descending with `reverse`).
 * `bulk`: return everything (bulk operations ignore page sizes).
 */
export function paginate<T>(
  items: readonly T[],
  args: ConnectionArgs,
  keyOf: (item: T) => SortKey,
  bulk: boolean,
): Connection<T> {
  const direction = args.reverse ? -1 : 1;
  const keyed = items.map((item) => ({ item, key: keyOf(item) }));
  keyed.sort((a, b) => direction * compareKeys(a.key, b.key));

  let start = 0;
  if (args.after) {
    const after = decodeCursor(args.after);
    start = keyed.findIndex((entry) => direction * compareKeys(entry.key, after) > 0);
    if (start === -1) start = keyed.length;
  }

  let end = keyed.length;
  if (!bulk) {
    if (args.first === undefined || args.first === null) {
      // Shopify's own words for a connection queried without a page size.
      throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
    }
    if (args.first < 0)
      throw new GraphQLError("first must be a non-negative integer", { extensions: { code: "BAD_REQUEST" } });
    if (args.first > MAX_PAGE_SIZE) {
      throw new GraphQLError(
        `The page size (first: ${args.first}) exceeds the maximum of ${MAX_PAGE_SIZE} records per connection`,
        {
          extensions: { code: "MAX_PAGE_SIZE_EXCEEDED" },
        },
      );
    }
    end = Math.min(keyed.length, start + args.first);
  }

  const page = keyed.slice(start, end);
  const edges = page.map((entry) => ({ cursor: encodeCursor(entry.key), node: entry.item }));
  return {
    edges,
    nodes: page.map((entry) => entry.item),
    pageInfo: {
      hasNextPage: end < keyed.length,
      hasPreviousPage: start > 0,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
