import { escapeHtml } from "~/modules/messaging/html";
import { csatWording, type InboxLanguage } from "~/modules/inbox/wording";
import { scoreFormPage, scorePage } from "~/modules/messaging/score-page";

/**
 * The page a survey link opens: self-contained HTML (no script, no remote resource), every value escaped.
 * The link's score is preselected and one button records it, with an optional comment. Recording needs that POST:
 * mail security scanners open every link of an email, and a GET that recorded would let a robot answer "1".
 */

export function csatFormPage(lang: InboxLanguage, shopName: string, score: number | null, error?: string): string {
  const words = csatWording(lang, shopName);
  return scoreFormPage({
    lang,
    title: shopName,
    question: words.question,
    commentPrompt: words.commentPrompt,
    send: lang === "fr" ? "Envoyer ma note" : "Send my rating",
    score,
    problem: error,
  });
}

export function csatDonePage(lang: InboxLanguage, shopName: string, already: boolean): string {
  const words = csatWording(lang, shopName);
  const text = already
    ? lang === "fr"
      ? "Nous avons déjà votre réponse pour cette conversation. Merci !"
      : "We already have your answer for this conversation. Thank you!"
    : words.thanks;
  return scorePage(lang, shopName, `<p>${escapeHtml(text)}</p>`);
}

export function csatInvalidPage(lang: InboxLanguage): string {
  return scorePage(
    lang,
    lang === "fr" ? "Ce lien ne peut pas être ouvert" : "This link cannot be opened",
    `<p>${escapeHtml(
      lang === "fr"
        ? "Le lien a expiré ou n'est pas valide. Répondez simplement à l'e-mail si vous voulez nous dire quelque chose."
        : "The link has expired or is not valid. Just reply to the email if you want to tell us something.",
    )}</p>`,
  );
}
