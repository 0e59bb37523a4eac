import { GraphQLError } from "graphql";
import { parseGid } from "./ids";

/**
 * The part of Shopify's search syntax (the `query:` argument of connections) Kindly uses: terms `field:value`
 * joined by spaces or AND, values optionally quoted, with comparators for dates and ids
 * (`updated_at:>'2026-11-01T00:00:00Z'`, `email:ana@example.com`, `name:#1001`, `id:>1234`).
 * Anything else (OR, NOT, free text, an unknown field) fails loudly: an emulator that silently ignored a filter
 * would return everything and hide the bug that Shopify would expose.
 */

export type Comparator = "=" | ">" | ">=" | "<" | "<=";

export interface SearchTerm {
  field: string;
  comparator: Comparator;
  value: string;
}

export function searchError(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: "BAD_REQUEST" } });
}

const TERM =
  /\s*(?:(AND|OR|NOT)(?=\s|$)|(-)?([a-z_]+):(>=|<=|>|<)?("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[^\s]+)|(\S+))/y;

export function parseSearchQuery(query: string): SearchTerm[] {
  const terms: SearchTerm[] = [];
  TERM.lastIndex = 0;
  const input = query.trim();
  while (TERM.lastIndex < input.length) {
    const match = TERM.exec(input);
    if (!match) break;
    const [, connective, negation, field, comparator, rawValue, freeText] = match;
    if (connective === "AND") continue;
    if (connective) throw searchError(`The shop emulator does not support ${connective} in search queries: "${query}"`);
    if (freeText !== undefined)
      throw searchError(`The shop emulator supports only field:value search terms, not "${freeText}" in "${query}"`);
    if (negation) throw searchError(`The shop emulator does not support negated terms (-${field}) in "${query}"`);
    let value = rawValue;
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) {
      value = value.slice(1, -1).replace(/\\(.)/g, "$1");
    }
    terms.push({ field, comparator: (comparator as Comparator | undefined) ?? "=", value });
  }
  return terms;
}

/** How one searchable field reads a record, and how its values compare. */
export type FieldMatcher<T> =
  | { kind: "text"; get: (item: T) => string | null | string[] }
  | { kind: "date"; get: (item: T) => Date | null }
  | { kind: "id"; get: (item: T) => string | null };

function compare(result: number, comparator: Comparator): boolean {
  switch (comparator) {
    case "=":
      return result === 0;
    case ">":
      return result > 0;
    case ">=":
      return result >= 0;
    case "<":
      return result < 0;
    case "<=":
      return result <= 0;
  }
}

function parseSearchDate(value: string, query: string): { start: number; end: number } {
  // A bare date covers the whole (UTC) day; a full timestamp is an instant.
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const start = Date.parse(`${value}T00:00:00Z`);
    return { start, end: start + 86_400_000 - 1 };
  }
  const instant = Date.parse(value);
  if (Number.isNaN(instant)) throw searchError(`Invalid date "${value}" in search query "${query}"`);
  return { start: instant, end: instant };
}

function legacyIdOf(value: string): bigint | null {
  const numeric = parseGid(value)?.legacyId ?? value;
  return /^\d+$/.test(numeric) ? BigInt(numeric) : null;
}

/** Keeps the items matching every term; unknown fields throw with the list of supported ones. */
export function applySearch<T>(
  items: T[],
  query: string | null | undefined,
  fields: Record<string, FieldMatcher<T>>,
  resource: string,
): T[] {
  if (!query || query.trim() === "") return items;
  const terms = parseSearchQuery(query);
  const predicates = terms.map((term) => {
    const matcher = fields[term.field];
    if (!matcher) {
      throw searchError(
        `The shop emulator does not support the search field "${term.field}" on ${resource} (supported: ${Object.keys(fields).join(", ")}). Add it to tests/support/emulator if Kindly needs it.`,
      );
    }
    switch (matcher.kind) {
      case "text": {
        if (term.comparator !== "=")
          throw searchError(`Comparator ${term.comparator} is not supported for ${term.field} in "${query}"`);
        const wanted = term.value.toLowerCase();
        const prefix = wanted.endsWith("*") ? wanted.slice(0, -1) : null;
        const matches = (candidate: string) =>
          prefix !== null ? candidate.toLowerCase().startsWith(prefix) : candidate.toLowerCase() === wanted;
        return (item: T) => {
          const value = matcher.get(item);
          if (value === null) return false;
          return Array.isArray(value) ? value.some(matches) : matches(value);
        };
      }
      case "date": {
        const { start, end } = parseSearchDate(term.value, query);
        return (item: T) => {
          const value = matcher.get(item)?.getTime();
          if (value === undefined) return false;
          // Against a whole day, "=" means within it, ">" after its end, "<" before its start.
          const result = value < start ? -1 : value > end ? 1 : 0;
          return compare(result, term.comparator);
        };
      }
      case "id": {
        const wanted = legacyIdOf(term.value);
        if (wanted === null) throw searchError(`Invalid id "${term.value}" in search query "${query}"`);
        return (item: T) => {
          const raw = matcher.get(item);
          const value = raw === null ? null : legacyIdOf(raw);
          if (value === null) return false;
          return compare(value < wanted ? -1 : value > wanted ? 1 : 0, term.comparator);
        };
      }
    }
  });
  return items.filter((item) => predicates.every((predicate) => predicate(item)));
}
