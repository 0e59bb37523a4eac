import { escapeHtml } from "~/modules/messaging/html";

/**
 * The words the shopper sees from the inbox (the CSAT survey), in the conversation's language (en, fr).
 */
export type InboxLanguage = "en" | "fr";

export function inboxLanguage(locale: string | null | undefined): InboxLanguage {
  return (locale ?? "en").toLowerCase().startsWith("fr") ? "fr" : "en";
}

const SCORE_LABELS: Record<InboxLanguage, string[]> = {
  en: ["1 · Poor", "2", "3", "4", "5 · Great"],
  fr: ["1 · Mauvais", "2", "3", "4", "5 · Excellent"],
};

export function csatWording(lang: InboxLanguage, shopName: string) {
  const fr = lang === "fr";
  const question = fr
    ? `Comment avons-nous répondu à votre demande ? Notez-nous de 1 (mauvais) à 5 (excellent).`
    : `How did we do with your question? Rate us from 1 (poor) to 5 (great).`;
  return {
    question,
    subject: fr ? `Votre avis compte pour ${shopName}` : `How did ${shopName} do?`,
    sms: fr
      ? `${shopName} : votre demande est réglée. Comment avons-nous fait ? Répondez par un chiffre de 1 (mauvais) à 5 (excellent).`
      : `${shopName}: your question is resolved. How did we do? Reply with a digit from 1 (poor) to 5 (great).`,
    emailText: (links: string) =>
      `${question}\n\n${links}\n\n${fr ? "Une seule question, promis. Merci !" : "Just one question, promise. Thank you!"}\n${shopName}`,
    emailHtml: (links: Array<{ score: number; url: string }>) => {
      const buttons = links
        .map(
          (link) =>
            `<a href="${escapeHtml(link.url)}" style="display:inline-block;margin:4px;padding:10px 14px;border:1px solid #8a8a8a;border-radius:6px;color:#202223;text-decoration:none">${escapeHtml(SCORE_LABELS[lang][link.score - 1])}</a>`,
        )
        .join("");
      return `<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Roboto,sans-serif;font-size:15px;line-height:1.5;color:#202223"><p>${escapeHtml(question)}</p><p>${buttons}</p><p>${escapeHtml(fr ? "Une seule question, promis. Merci !" : "Just one question, promise. Thank you!")}<br>${escapeHtml(shopName)}</p></body></html>`;
    },
    thanks: fr ? "Merci pour votre réponse !" : "Thank you for your answer!",
    commentPrompt: fr ? "Un commentaire ? (facultatif)" : "Anything to add? (optional)",
  };
}
