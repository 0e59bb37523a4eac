import { escapeHtml } from "~/modules/messaging/html";
import type { PageLanguage } from "~/modules/messaging/pages";

/**
 * The page a check-in's rating link opens: self-contained HTML (no script, no remote resource), every value escaped,
 * the link's score chosen, one button that records it (with an optional comment). 44 px targets.
 */

const STYLE = `
  body { margin: 0; font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f6f6f7; color: #202223; }
  main { max-width: 32rem; margin: 10vh auto; padding: 2rem 1.5rem; background: #ffffff; border-radius: 12px; }
  h1 { font-size: 1.4rem; line-height: 1.3; margin: 0 0 1rem; }
  fieldset { border: 0; padding: 0; margin: 0 0 1rem; display: flex; gap: .5rem; flex-wrap: wrap; }
  label.score { display: inline-flex; align-items: center; justify-content: center; min-width: 44px; min-height: 44px;
    border: 1px solid #8a8a8a; border-radius: 8px; cursor: pointer; }
  label.score input { margin-right: .3rem; }
  textarea { width: 100%; min-height: 6rem; font: inherit; box-sizing: border-box; }
  button { min-height: 44px; padding: 0 1.25rem; font: inherit; font-weight: 600; color: #fff; background: #1f5199;
    border: 0; border-radius: 8px; cursor: pointer; margin-top: 1rem; }
`;

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

function page(lang: PageLanguage, title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

export function ratingFormPage(lang: PageLanguage, shopName: string, score: number | null, error?: boolean): string {
  const words = WORDS[lang];
  const scores = [1, 2, 3, 4, 5]
    .map(
      (value) =>
        `<label class="score"><input type="radio" name="score" value="${value}"${value === score ? " checked" : ""} required>${value}</label>`,
    )
    .join("");
  const problem = error ? `<p role="alert" style="color:#8e1f0b">${escapeHtml(words.choose)}</p>` : "";
  return page(
    lang,
    shopName,
    `<p>${escapeHtml(words.question)}</p>${problem}
<form method="post">
<fieldset><legend>1-5</legend>${scores}</fieldset>
<label for="comment">${escapeHtml(words.comment)}</label>
<textarea id="comment" name="comment" maxlength="2000"></textarea>
<button type="submit">${escapeHtml(words.send)}</button>
</form>`,
  );
}

export function ratingDonePage(lang: PageLanguage, shopName: string, kind: "THANKS" | "LOW" | "ALREADY"): string {
  const words = WORDS[lang];
  const text = kind === "LOW" ? words.low : kind === "ALREADY" ? words.already : words.thanks;
  return page(lang, shopName, `<p>${escapeHtml(text)}</p>`);
}

export function ratingInvalidPage(lang: PageLanguage): string {
  const words = WORDS[lang];
  return page(lang, words.invalidTitle, `<p>${escapeHtml(words.invalid)}</p>`);
}
