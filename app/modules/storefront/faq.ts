import { z } from "zod";
import { escapeHtml } from "~/modules/messaging/html";

/**
 * The FAQ's shared rules: one zod schema for the admin form (client) and the action (server), the shape Kindly
 * publishes to the app-data metafield the FAQ block reads, and the pure helpers around both. No I/O here.
 */

export const FAQ_LOCALES = ["en", "fr"] as const;
export type FaqLocale = (typeof FAQ_LOCALES)[number];
export const FAQ_LOCALE_NAMES: Record<FaqLocale, string> = { en: "English", fr: "Français" };

export const FAQ_LIMITS = { topic: 60, question: 200, answer: 2_000, entries: 200 } as const;

const text = (label: string, max: number) =>
  z
    .string({ required_error: `${label} is required` })
    .trim()
    .min(1, `${label} is required`)
    .max(max, `${label} must be ${max} characters or fewer`);

export const FaqEntryInputSchema = z.object({
  id: z.string().min(1).optional(),
  locale: z.enum(FAQ_LOCALES, { errorMap: () => ({ message: "Choose English or French" }) }),
  topic: text("Topic", FAQ_LIMITS.topic),
  question: text("Question", FAQ_LIMITS.question),
  answer: text("Answer", FAQ_LIMITS.answer),
  // Shown on the storefront at the next publish; drafts (suggestions, work in progress) stay in the admin.
  published: z.boolean().default(false),
});
export type FaqEntryInput = z.infer<typeof FaqEntryInputSchema>;

export const FaqActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("save"), entry: FaqEntryInputSchema }),
  z.object({ intent: z.literal("delete"), id: z.string().min(1) }),
  z.object({ intent: z.literal("move"), id: z.string().min(1), direction: z.enum(["up", "down"]) }),
  z.object({ intent: z.literal("publish") }),
  z.object({ intent: z.literal("import-policies"), locale: z.enum(FAQ_LOCALES) }),
]);
export type FaqAction = z.infer<typeof FaqActionSchema>;

export type FieldErrors = Partial<Record<"locale" | "topic" | "question" | "answer", string>>;

/** The first message for each form field, keyed without the `entry.` prefix the action wraps it in. */
export function fieldErrorsFrom(error: z.ZodError): FieldErrors {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const key = String(issue.path[issue.path.length - 1] ?? "form");
    errors[key] ??= issue.message;
  }
  return errors as FieldErrors;
}

// ---- What Kindly publishes -------------------------------------------------------------------------------------

/** Where the FAQ block reads the FAQ: `app.metafields.kindly.faq` (an app-data metafield on the app installation). */
export const FAQ_METAFIELD = { namespace: "kindly", key: "faq", type: "json" } as const;

export interface PublishedFaqEntry {
  question: string;
  /** The merchant's plain text, for JSON-LD and search. */
  answer: string;
  /** The same text escaped by Kindly, paragraphs and https links added: safe to output as is. */
  answer_html: string;
}

export interface PublishedFaqTopic {
  name: string;
  /** Lower-case, trimmed name: what the block's "topics shown" setting is compared with. */
  handle: string;
  entries: PublishedFaqEntry[];
}

export interface PublishedFaq {
  version: 1;
  published_at: string;
  default_locale: FaqLocale;
  /** Every FAQ language, so Liquid reads `faq.locales[request.locale.iso_code]` and falls back to the default. */
  locales: Partial<Record<FaqLocale, { topics: PublishedFaqTopic[] }>>;
}

export interface FaqEntryLike {
  locale: string;
  topic: string;
  question: string;
  answer: string;
  position: number;
  published: boolean;
}

export { escapeHtml as escapeHtmlText };

const URL_IN_TEXT = /https:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g;

/**
 * Plain text to HTML: escaped first, then blank lines become paragraphs, single newlines `<br>`, https URLs links.
 * Liquid cannot linkify safely, so Kindly does it once at publish; the escaping makes merchant text inert.
 */
export function answerHtml(answer: string): string {
  return answer
    .trim()
    .split(/\n\s*\n/)
    .map((paragraph) => {
      const escaped = escapeHtml(paragraph.trim()).replace(/\r?\n/g, "<br>");
      // URLs are matched on the escaped text, so `&amp;` inside a query string stays escaped in href too.
      const linked = escaped.replace(URL_IN_TEXT, (url) => `<a href="${url}">${url}</a>`);
      return `<p>${linked}</p>`;
    })
    .join("");
}

export const topicHandle = (topic: string) => topic.trim().toLowerCase();

/** Published entries grouped by language then topic, topics in the order of their first entry. */
export function buildPublishedFaq(entries: FaqEntryLike[], defaultLocale: FaqLocale, now: Date): PublishedFaq {
  const locales: PublishedFaq["locales"] = {};
  const sorted = [...entries].filter((entry) => entry.published).sort((a, b) => a.position - b.position);
  for (const locale of FAQ_LOCALES) {
    const topics: PublishedFaqTopic[] = [];
    for (const entry of sorted.filter((candidate) => candidate.locale === locale)) {
      const handle = topicHandle(entry.topic);
      let topic = topics.find((candidate) => candidate.handle === handle);
      if (!topic) topics.push((topic = { name: entry.topic.trim(), handle, entries: [] }));
      topic.entries.push({ question: entry.question, answer: entry.answer, answer_html: answerHtml(entry.answer) });
    }
    if (topics.length > 0) locales[locale] = { topics };
  }
  return { version: 1, published_at: now.toISOString(), default_locale: defaultLocale, locales };
}

/** A published FAQ read back from the metafield, or null when the JSON is not one Kindly wrote. */
export function parsePublishedFaq(value: unknown): PublishedFaq | null {
  if (!value || typeof value !== "object") return null;
  const faq = value as Partial<PublishedFaq>;
  if (faq.version !== 1 || typeof faq.locales !== "object" || faq.locales === null) return null;
  return faq as PublishedFaq;
}

// ---- Policy suggestions ----------------------------------------------------------------------------------------

export type PolicyType = "REFUND_POLICY" | "SHIPPING_POLICY" | "PRIVACY_POLICY" | "TERMS_OF_SERVICE";
export const CHECKED_POLICIES: readonly PolicyType[] = [
  "REFUND_POLICY",
  "SHIPPING_POLICY",
  "PRIVACY_POLICY",
  "TERMS_OF_SERVICE",
];
export const POLICY_NAMES: Record<PolicyType, string> = {
  REFUND_POLICY: "Refund policy",
  SHIPPING_POLICY: "Shipping policy",
  PRIVACY_POLICY: "Privacy policy",
  TERMS_OF_SERVICE: "Terms of service",
};

const SUGGESTIONS: Record<FaqLocale, Record<PolicyType, { topic: string; question: string; answer: string }>> = {
  en: {
    REFUND_POLICY: {
      topic: "Returns",
      question: "Can I return an item?",
      answer: "Yes. Tell us how long shoppers have and how refunds are paid.\n\nRead our full refund policy: {url}",
    },
    SHIPPING_POLICY: {
      topic: "Shipping",
      question: "How long does delivery take?",
      answer: "Say when orders ship and what delivery costs.\n\nRead our full shipping policy: {url}",
    },
    PRIVACY_POLICY: {
      topic: "Privacy",
      question: "How do you use my personal data?",
      answer: "Say what you collect and why, in a sentence or two.\n\nRead our full privacy policy: {url}",
    },
    TERMS_OF_SERVICE: {
      topic: "Orders",
      question: "What are your terms of sale?",
      answer: "Sum up the terms shoppers ask about most.\n\nRead our full terms of service: {url}",
    },
  },
  fr: {
    REFUND_POLICY: {
      topic: "Retours",
      question: "Puis-je retourner un article ?",
      answer:
        "Oui. Indiquez le délai de retour et comment le remboursement est effectué.\n\nNotre politique de remboursement complète : {url}",
    },
    SHIPPING_POLICY: {
      topic: "Livraison",
      question: "Quels sont les délais de livraison ?",
      answer:
        "Indiquez quand les commandes partent et ce que coûte la livraison.\n\nNotre politique d’expédition complète : {url}",
    },
    PRIVACY_POLICY: {
      topic: "Confidentialité",
      question: "Comment utilisez-vous mes données personnelles ?",
      answer:
        "Dites ce que vous collectez et pourquoi, en une ou deux phrases.\n\nNotre politique de confidentialité complète : {url}",
    },
    TERMS_OF_SERVICE: {
      topic: "Commandes",
      question: "Quelles sont vos conditions de vente ?",
      answer:
        "Résumez les conditions que les clients demandent le plus souvent.\n\nNos conditions d’utilisation complètes : {url}",
    },
  },
};

export interface PolicyLink {
  type: string;
  url: string;
}

/** One draft per written policy among the four, linking to it; the merchant rewrites the first paragraph. */
export function policySuggestions(policies: PolicyLink[], locale: FaqLocale) {
  return CHECKED_POLICIES.flatMap((type) => {
    const policy = policies.find((candidate) => candidate.type === type && candidate.url);
    if (!policy) return [];
    const suggestion = SUGGESTIONS[locale][type];
    return [{ ...suggestion, answer: suggestion.answer.replace("{url}", policy.url), locale, policyType: type }];
  });
}

/** Which of the four policies a shop has not written (Shopify lists only written ones in `shopPolicies`). */
export function missingPolicies(policies: PolicyLink[]): PolicyType[] {
  return CHECKED_POLICIES.filter((type) => !policies.some((policy) => policy.type === type && policy.url));
}
