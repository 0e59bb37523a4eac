import { escapeHtml } from "~/modules/messaging/html";
import { csatWording, type InboxLanguage } from "~/modules/inbox/wording";

/**
 * The page a survey link opens: self-contained HTML (no script, no remote resource), every value escaped.
 * The link's score is preselected and one button records it, with an optional comment. Recording needs that POST:
 * mail security scanners open every link of an email, and a GET that recorded would let a robot answer "1".
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

function page(lang: InboxLanguage, title: string, body: string): string {
  return `<!doctype html>
<html lang="${lang}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><meta name="robots" content="noindex">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}

export function csatFormPage(lang: InboxLanguage, shopName: string, score: number | null, error?: string): string {
  const words = csatWording(lang, shopName);
  const scores = [1, 2, 3, 4, 5]
    .map(
      (value) =>
        `<label class="score"><input type="radio" name="score" value="${value}"${value === score ? " checked" : ""} required>${value}</label>`,
    )
    .join("");
  const problem = error ? `<p role="alert" style="color:#8e1f0b">${escapeHtml(error)}</p>` : "";
  return page(
    lang,
    shopName,
    `<p>${escapeHtml(words.question)}</p>${problem}
<form method="post">
<fieldset><legend class="visually-hidden">1-5</legend>${scores}</fieldset>
<label for="comment">${escapeHtml(words.commentPrompt)}</label>
<textarea id="comment" name="comment" maxlength="2000"></textarea>
<button type="submit">${escapeHtml(lang === "fr" ? "Envoyer ma note" : "Send my rating")}</button>
</form>`,
  );
}

export function csatDonePage(lang: InboxLanguage, shopName: string, already: boolean): string {
  const words = csatWording(lang, shopName);
  const text = already
    ? lang === "fr"
      ? "Nous avons déjà votre réponse pour cette conversation. Merci !"
      : "We already have your answer for this conversation. Thank you!"
    : words.thanks;
  return page(lang, shopName, `<p>${escapeHtml(text)}</p>`);
}

export function csatInvalidPage(lang: InboxLanguage): string {
  return page(
    lang,
    lang === "fr" ? "Ce lien ne peut pas être ouvert" : "This link cannot be opened",
    `<p>${escapeHtml(
      lang === "fr"
        ? "Le lien a expiré ou n'est pas valide. Répondez simplement à l'e-mail si vous voulez nous dire quelque chose."
        : "The link has expired or is not valid. Just reply to the email if you want to tell us something.",
    )}</p>`,
  );
}
