import { escapeHtml } from "~/modules/messaging/html";

/**
 * The few pages a shopper sees outside the storefront (unsubscribe, a refused or expired link): self-contained HTML
 * with no script and no external resource, readable at any size, in the shopper's language (en, fr), WCAG 2.2 AA
 * contrast and 44 px targets. Every dynamic value is escaped here.
 */

export type PageLanguage = "en" | "fr";

export function pageLanguage(locale: string | null | undefined, acceptLanguage?: string | null): PageLanguage {
  const candidates = [locale, ...(acceptLanguage ?? "").split(",").map((part) => part.split(";")[0])];
  for (const candidate of candidates) {
    const language = (candidate ?? "").trim().toLowerCase().split(/[-_]/)[0];
    if (language === "fr" || language === "en") return language;
  }
  return "en";
}

export interface NoticePage {
  lang: PageLanguage;
  title: string;
  paragraphs: string[];
  /** A form that POSTs back to the same URL (the unsubscribe confirmation). */
  form?: { button: string; fields: Record<string, string> };
}

const STYLE = `
  :root { color-scheme: light dark; }
  body { margin: 0; font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f6f6f7; color: #202223; }
  main { max-width: 32rem; margin: 12vh auto; padding: 2rem 1.5rem; background: #ffffff; border-radius: 12px; }
  h1 { font-size: 1.5rem; line-height: 1.3; margin: 0 0 1rem; }
  p { margin: 0 0 1rem; }
  button { min-height: 44px; min-width: 44px; padding: 0 1.25rem; font: inherit; font-weight: 600; color: #ffffff;
    background: #1f5199; border: 0; border-radius: 8px; cursor: pointer; }
  button:focus-visible { outline: 3px solid #202223; outline-offset: 2px; }
  @media (prefers-color-scheme: dark) {
    body { background: #1a1a1a; color: #f1f1f1; } main { background: #262626; }
    button { background: #8ab4f8; color: #111111; } button:focus-visible { outline-color: #f1f1f1; }
  }
`;

export function renderNoticePage(page: NoticePage): string {
  const paragraphs = page.paragraphs.map((text) => `<p>${escapeHtml(text)}</p>`).join("\n    ");
  const form = page.form
    ? `<form method="post">
      ${Object.entries(page.form.fields)
        .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
        .join("\n      ")}
      <button type="submit">${escapeHtml(page.form.button)}</button>
    </form>`
    : "";
  return `<!doctype html>
<html lang="${page.lang}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width,initial-scale=1">
  <meta name="robots" content="noindex">
  <title>${escapeHtml(page.title)}</title>
  <style>${STYLE}</style>
</head>
<body>
  <main>
    <h1>${escapeHtml(page.title)}</h1>
    ${paragraphs}
    ${form}
  </main>
</body>
</html>
`;
}

export function htmlResponse(html: string, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(html, {
    status,
    headers: {
      "Content-Type": "text/html; charset=utf-8",
      "Cache-Control": "no-store",
      // Nothing on these pages loads from elsewhere or runs script; say so, so an injection could not either.
      "Content-Security-Policy":
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
      "Referrer-Policy": "no-referrer",
      "X-Content-Type-Options": "nosniff",
      ...headers,
    },
  });
}

/** A click link that is not valid (tampered, expired) or points somewhere Kindly will not send a shopper. */
export function refusedLinkPage(lang: PageLanguage): NoticePage {
  return lang === "fr"
    ? {
        lang,
        title: "Ce lien ne peut pas être ouvert",
        paragraphs: [
          "Le lien a expiré ou ne mène pas à la boutique. Répondez simplement à l'e-mail si vous avez besoin d'aide.",
        ],
      }
    : {
        lang,
        title: "This link can't be opened",
        paragraphs: ["The link has expired or does not lead to the shop. Just reply to the email if you need a hand."],
      };
}
