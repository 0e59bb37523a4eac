import type { FaqLocale, PublishedFaq } from "~/modules/storefront/faq";

/**
 * Full-text search over a shop's published FAQ, small enough to need no library: accent- and case-insensitive
 * terms (NFD, marks removed, so "reembourse" meets "remboursé"), stop words per language, prefix matching for the
 * word being typed and one-typo tolerance for longer words, scored with BM25-like weights (questions count double).
 * A shop's FAQ is at most a few hundred entries, so a linear pass over an in-memory index is microseconds.
 */

export interface FaqSearchHit {
  question: string;
  answer: string;
  topic: string;
  score: number;
}

interface IndexedDocument {
  question: string;
  answer: string;
  topic: string;
  /** term -> weighted frequency (question x2, topic x1.5, answer x1) */
  terms: Map<string, number>;
  length: number;
}

export interface FaqSearchIndex {
  byLocale: Map<FaqLocale, IndexedDocument[]>;
  defaultLocale: FaqLocale;
}

const STOP_WORDS: Record<FaqLocale, Set<string>> = {
  en: new Set(
    "a an and are as at be by can do does for from how i if in is it my of on or the to we what when where which who will with you your".split(
      " ",
    ),
  ),
  fr: new Set(
    "a au aux avec ce ces comment d de des du elle en est et il je l la le les leur ma mes mon ne nous on ou par pas pour qu que quel quelle quels quelles qui sa se ses son sur ta te tes ton un une vos votre vous y".split(
      " ",
    ),
  ),
};

/** Lower case, accents removed, split on anything that is not a letter or digit; elisions (l', d') dropped. */
export function normaliseTerms(text: string, locale: FaqLocale): string[] {
  const words = text
    .normalize("NFD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
  return words.filter((word) => !STOP_WORDS[locale].has(word)).map((word) => lightStem(word, locale));
}

/** Plural endings only: "livraisons" and "livraison" meet without a stemmer that would merge unrelated words. */
function lightStem(word: string, locale: FaqLocale): string {
  if (word.length <= 3) return word;
  if (locale === "fr" && /[^s]x$/.test(word) && word.length > 4) return word.slice(0, -1);
  if (/[^s]s$/.test(word)) return word.slice(0, -1);
  return word;
}

function addTerms(terms: Map<string, number>, text: string, locale: FaqLocale, weight: number): number {
  const words = normaliseTerms(text, locale);
  for (const word of words) terms.set(word, (terms.get(word) ?? 0) + weight);
  return words.length;
}

export function buildFaqSearchIndex(faq: PublishedFaq | null): FaqSearchIndex {
  const byLocale = new Map<FaqLocale, IndexedDocument[]>();
  for (const locale of Object.keys(faq?.locales ?? {}) as FaqLocale[]) {
    const content = faq?.locales[locale];
    if (!content) continue;
    const documents: IndexedDocument[] = [];
    for (const topic of content.topics) {
      for (const entry of topic.entries) {
        const terms = new Map<string, number>();
        const length =
          addTerms(terms, entry.question, locale, 2) +
          addTerms(terms, topic.name, locale, 1.5) +
          addTerms(terms, entry.answer, locale, 1);
        documents.push({ question: entry.question, answer: entry.answer, topic: topic.name, terms, length });
      }
    }
    byLocale.set(locale, documents);
  }
  return { byLocale, defaultLocale: faq?.default_locale ?? "en" };
}

/** Levenshtein distance capped at `max` + 1: enough to tell "one typo" from "different word" cheaply. */
function withinEdits(a: string, b: string, max: number): boolean {
  if (Math.abs(a.length - b.length) > max) return false;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      rowMin = Math.min(rowMin, current[j]);
    }
    if (rowMin > max) return false;
    previous = current;
  }
  return previous[b.length] <= max;
}

/** How well one query term matches one document term: exact 1, prefix 0.7, one typo 0.5, else 0. */
function termMatch(queryTerm: string, term: string, isLast: boolean): number {
  if (term === queryTerm) return 1;
  if ((isLast || queryTerm.length >= 4) && term.startsWith(queryTerm)) return 0.7;
  if (queryTerm.length >= 5 && withinEdits(queryTerm, term, 1)) return 0.5;
  return 0;
}

export const FAQ_SEARCH_LIMIT = 5;

/**
 * The best entries for a query in the shopper's language (the shop's default language when the FAQ has none in
 * theirs). Every query term must match something in an entry: typing more words narrows the results.
 */
export function searchFaq(
  index: FaqSearchIndex,
  query: string,
  requestedLocale: string | null,
  limit = FAQ_SEARCH_LIMIT,
): FaqSearchHit[] {
  const language = (requestedLocale ?? "").split("-")[0].toLowerCase() as FaqLocale;
  const locale = index.byLocale.has(language) ? language : index.defaultLocale;
  const documents = index.byLocale.get(locale) ?? [];
  const queryTerms = [...new Set(normaliseTerms(query, locale))].slice(0, 12);
  if (queryTerms.length === 0 || documents.length === 0) return [];

  const averageLength = documents.reduce((sum, doc) => sum + doc.length, 0) / documents.length || 1;
  const hits: FaqSearchHit[] = [];
  for (const doc of documents) {
    let score = 0;
    let matchedAll = true;
    queryTerms.forEach((queryTerm, position) => {
      let best = 0;
      for (const [term, frequency] of doc.terms) {
        const quality = termMatch(queryTerm, term, position === queryTerms.length - 1);
        if (quality === 0) continue;
        const documentFrequency = documents.filter((other) => other.terms.has(term)).length;
        const idf = Math.log(1 + (documents.length - documentFrequency + 0.5) / (documentFrequency + 0.5));
        const tf = (frequency * 2.2) / (frequency + 1.2 * (0.25 + 0.75 * (doc.length / averageLength)));
        best = Math.max(best, quality * idf * tf);
      }
      if (best === 0) matchedAll = false;
      score += best;
    });
    if (matchedAll) hits.push({ question: doc.question, answer: doc.answer, topic: doc.topic, score });
  }
  return hits.sort((a, b) => b.score - a.score).slice(0, limit);
}
