import type { AdminApiContext } from "@shopify/shopify-app-remix/server";
import { getLogger } from "~/logger.server";
import { trimQuotedText } from "~/modules/inbox/display";
import type { FaqLocale } from "~/modules/storefront/faq";
import { normaliseTerms } from "~/modules/storefront/faq-search";
import { searchPublishedFaq } from "~/modules/storefront/faq-search.server";

/**
 * Suggested answers for the staff: the published FAQ entries that match the shopper's latest message (the same
 * search the storefront chat uses, so the staff sees what the shopper may already have been shown).
 */
export interface FaqSuggestion {
  question: string;
  answer: string;
  topic: string;
}

/** At most this many words of the message are looked up (each lookup hits the cached in-memory index). */
const MAX_TERMS = 8;

/**
 * The storefront search wants every word of a query to match (typing narrows results); a shopper's message has
 * greetings and filler, so each meaningful word is looked up on its own and entries are ranked by how many of the
 * message's words they match. Long messages need two matching words, so one common word does not suggest noise.
 */
export async function faqSuggestions(
  shop: string,
  admin: AdminApiContext | undefined,
  lastShopperMessage: string | null,
  locale: string | null,
): Promise<FaqSuggestion[]> {
  if (!lastShopperMessage) return [];
  const language: FaqLocale = (locale ?? "").toLowerCase().startsWith("fr") ? "fr" : "en";
  const text = trimQuotedText(lastShopperMessage).text.slice(0, 1000);
  const terms = [...new Set(normaliseTerms(text, language))].filter((term) => term.length >= 3).slice(0, MAX_TERMS);
  if (terms.length === 0) return [];
  const tally = new Map<string, { hit: FaqSuggestion; matches: number; order: number }>();
  try {
    for (const term of terms) {
      const found = await searchPublishedFaq(shop, admin, term, locale);
      if (found.result !== "FOUND") return [];
      for (const hit of found.hits) {
        const entry = tally.get(hit.question) ?? { hit, matches: 0, order: tally.size };
        entry.matches += 1;
        tally.set(hit.question, entry);
      }
    }
  } catch (error) {
    // Suggestions are a help, not the page: if the FAQ cannot be read, the conversation still opens.
    getLogger().warn(
      { shop, err: error instanceof Error ? error.message : String(error) },
      "inbox: FAQ suggestions unavailable",
    );
    return [];
  }
  const needed = terms.length >= 4 ? 2 : 1;
  return [...tally.values()]
    .filter((entry) => entry.matches >= needed)
    .sort((a, b) => b.matches - a.matches || a.order - b.order)
    .slice(0, 3)
    .map((entry) => entry.hit);
}
