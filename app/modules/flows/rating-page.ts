import { escapeHtml } from "~/modules/messaging/html";
import type { PageLanguage } from "~/modules/messaging/pages";
import { scoreFormPage, scorePage } from "~/modules/messaging/score-page";

/**
 * The page a check-in's rating link opens: self-contained HTML (no script, no remote resource), every value escaped,
 * the link's score chosen, one button that records it (with an optional comment). 44 px targets.
 */

const WORDS = {
  en: {
    question: "How happy are you with your order? 1 is not at all, 5 is very happy.",
    comment: "Anything to tell us? (optional; if something is wrong, say what and we'll help)",
    send: "Send my rating",
    thanks: "Thank you! Your rating is recorded.",
    low: "Thank you for telling us. I'm sorry it is not right: a person from the shop will get back to you shortly.",
    already: "We already have your rating for this order. Thank you!",
    invalidTitle: "This link cannot be opened",
    invalid: "The link has expired or is not valid. Just reply to the email if you want to tell us something.",
    choose: "Choose a rating from 1 to 5.",
  },
  fr: {
    question: "Êtes-vous satisfait de votre commande ? 1 : pas du tout, 5 : très satisfait.",
    comment:
      "Quelque chose à nous dire ? (facultatif ; si quelque chose ne va pas, dites-nous quoi et nous vous aiderons)",
    send: "Envoyer ma note",
    thanks: "Merci ! Votre note est enregistrée.",
    low: "Merci de nous l'avoir dit. Je suis désolé que ça n'aille pas : une personne de la boutique vous répond très vite.",
    already: "Nous avons déjà votre note pour cette commande. Merci !",
    invalidTitle: "Ce lien ne peut pas être ouvert",
    invalid:
      "Le lien a expiré ou n'est pas valide. Répondez simplement à l'e-mail si vous voulez nous dire quelque chose.",
    choose: "Choisissez une note de 1 à 5.",
  },
} as const;

export function ratingFormPage(lang: PageLanguage, shopName: string, score: number | null, error?: boolean): string {
  const words = WORDS[lang];
  return scoreFormPage({
    lang,
    title: shopName,
    question: words.question,
    commentPrompt: words.comment,
    send: words.send,
    score,
    problem: error ? words.choose : undefined,
  });
}

export function ratingDonePage(lang: PageLanguage, shopName: string, kind: "THANKS" | "LOW" | "ALREADY"): string {
  const words = WORDS[lang];
  const text = kind === "LOW" ? words.low : kind === "ALREADY" ? words.already : words.thanks;
  return scorePage(lang, shopName, `<p>${escapeHtml(text)}</p>`);
}

export function ratingInvalidPage(lang: PageLanguage): string {
  const words = WORDS[lang];
  return scorePage(lang, words.invalidTitle, `<p>${escapeHtml(words.invalid)}</p>`);
}
