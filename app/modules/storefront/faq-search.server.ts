import type { AdminApiContext } from "@shopify/shopify-app-remix/server";
import { FAQ_PUBLISHED_QUERY, type FaqPublishedResult } from "~/graphql/FaqPublished";
import { runAdminQuery } from "~/modules/shop/graphql.server";
import { createRateLimiter, type RateDecision } from "~/modules/storefront/rate-limit.server";
import { parsePublishedFaq } from "~/modules/storefront/faq";
import {
  buildFaqSearchIndex,
  searchFaq,
  type FaqSearchHit,
  type FaqSearchIndex,
} from "~/modules/storefront/faq-search";

/**
 * FAQ search for the storefront (app proxy): the index is built from the FAQ as published in the metafield, the
 * same JSON the FAQ block renders, so search never finds a draft or an edit that was not published. One index per
 * shop is cached in memory; publishing drops it here, and the TTL bounds staleness on other app instances.
 */

const INDEX_TTL_MS = 10 * 60_000;
const MAX_QUERY_LENGTH = 100;
const indexes = new Map<string, { index: FaqSearchIndex; builtAt: number }>();

export function invalidateFaqSearch(shop: string): void {
  indexes.delete(shop);
}

async function indexFor(shop: string, admin: AdminApiContext, now: number): Promise<FaqSearchIndex> {
  const cached = indexes.get(shop);
  if (cached && now - cached.builtAt < INDEX_TTL_MS) return cached.index;
  const { currentAppInstallation } = await runAdminQuery<FaqPublishedResult>(
    admin,
    "FaqPublished",
    FAQ_PUBLISHED_QUERY,
  );
  const index = buildFaqSearchIndex(parsePublishedFaq(currentAppInstallation.metafield?.jsonValue ?? null));
  indexes.set(shop, { index, builtAt: now });
  return index;
}

export type FaqSearchResult =
  | { result: "FOUND"; hits: Array<Omit<FaqSearchHit, "score">> }
  | { result: "EMPTY_QUERY" }
  | { result: "NOT_INSTALLED" };

export async function searchPublishedFaq(
  shop: string,
  admin: AdminApiContext | undefined,
  query: string,
  locale: string | null,
  now = Date.now(),
): Promise<FaqSearchResult> {
  // No offline session: Kindly is not installed (or was uninstalled) on this shop, so there is nothing to search.
  if (!admin) return { result: "NOT_INSTALLED" };
  const trimmed = query.trim().slice(0, MAX_QUERY_LENGTH);
  if (trimmed === "") return { result: "EMPTY_QUERY" };
  const index = await indexFor(shop, admin, now);
  const hits = searchFaq(index, trimmed, locale).map(({ question, answer, topic }) => ({ question, answer, topic }));
  return { result: "FOUND", hits };
}

// ---- Rate limit --------------------------------------------------------------------------------------------------

export { clientIp, type RateDecision } from "~/modules/storefront/rate-limit.server";

/**
 * Per client IP (and shop): search-as-you-type sends a request every few keystrokes, so 30 a minute is generous for
 * a person and stops a script scraping the FAQ or using Kindly to hammer the Admin API.
 */
export const FAQ_SEARCH_RATE = { requests: 30, windowMs: 60_000 } as const;
const faqSearchLimiter = createRateLimiter(FAQ_SEARCH_RATE);

export function checkFaqSearchRate(key: string, now = Date.now()): RateDecision {
  return faqSearchLimiter.check(key, now);
}

/** For tests: start every file with empty windows and caches. */
export function resetFaqSearchState(): void {
  faqSearchLimiter.reset();
  indexes.clear();
}
