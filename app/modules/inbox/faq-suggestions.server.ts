import type { AdminApiContext } from "@shopify/shopify-app-remix/server";
import { getLogger } from "~/logger.server";
import { trimQuotedText } from "~/modules/inbox/display";
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

export async function faqSuggestions(
  shop: string,
  admin: AdminApiContext | undefined,
  lastShopperMessage: string | null,
  locale: string | null,
): Promise<FaqSuggestion[]> {
  if (!lastShopperMessage) return [];
  const query = trimQuotedText(lastShopperMessage).text.replace(/\s+/g, " ").slice(0, 100);
  try {
    const found = await searchPublishedFaq(shop, admin, query, locale);
    return found.result === "FOUND" ? found.hits.slice(0, 3) : [];
  } catch (error) {
    // Suggestions are a help, not the page: if the FAQ cannot be read, the conversation still opens.
    getLogger().warn(
      { shop, err: error instanceof Error ? error.message : String(error) },
      "inbox: FAQ suggestions unavailable",
    );
    return [];
  }
}
