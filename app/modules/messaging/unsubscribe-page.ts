import type { UnsubscribeContext } from "~/modules/messaging/engagement.server";
import type { NoticePage, PageLanguage } from "~/modules/messaging/pages";

/** The wording of the unsubscribe pages, per state and language. */

export type UnsubscribePageState = "CONFIRM" | "DONE" | "INVALID";

/** What the confirmation form posts: the same body a mail client sends for RFC 8058 one-click, so both take one path. */
export const ONE_CLICK_FIELDS = { "List-Unsubscribe": "One-Click" };

type Texts = {
  confirm: (c: UnsubscribeContext) => Omit<NoticePage, "lang" | "form"> & { button: string };
  done: (c: UnsubscribeContext) => Omit<NoticePage, "lang">;
  invalid: Omit<NoticePage, "lang">;
};

const TEXTS: Record<PageLanguage, Texts> = {
  en: {
    confirm: (c) => ({
      title: `Unsubscribe from ${c.shopName} emails?`,
      paragraphs: [`You will stop receiving emails like this one from ${c.shopName} at ${c.maskedAddress}.`],
      button: "Unsubscribe",
    }),
    done: (c) => ({
      title: "You're unsubscribed",
      paragraphs: [
        `${c.shopName} won't send emails like this one to ${c.maskedAddress} any more.`,
        "If you write to them, they will still answer you.",
      ],
    }),
    invalid: {
      title: "This link no longer works",
      paragraphs: [
        "The unsubscribe link has expired or is incomplete.",
        "To stop these emails, reply to one of them and ask to be unsubscribed: a person will take care of it.",
      ],
    },
  },
  fr: {
    confirm: (c) => ({
      title: `Se désabonner des e-mails de ${c.shopName} ?`,
      paragraphs: [`Vous ne recevrez plus d'e-mails comme celui-ci de ${c.shopName} à l'adresse ${c.maskedAddress}.`],
      button: "Me désabonner",
    }),
    done: (c) => ({
      title: "Désabonnement confirmé",
      paragraphs: [
        `${c.shopName} n'enverra plus d'e-mails comme celui-ci à ${c.maskedAddress}.`,
        "Si vous leur écrivez, ils vous répondront toujours.",
      ],
    }),
    invalid: {
      title: "Ce lien ne fonctionne plus",
      paragraphs: [
        "Le lien de désabonnement a expiré ou est incomplet.",
        "Pour ne plus recevoir ces e-mails, répondez à l'un d'eux en demandant à être désabonné : une personne s'en occupera.",
      ],
    },
  },
};

export function unsubscribePage(state: "INVALID", context: null, lang: PageLanguage): NoticePage;
export function unsubscribePage(
  state: UnsubscribePageState,
  context: UnsubscribeContext,
  lang: PageLanguage,
): NoticePage;
export function unsubscribePage(
  state: UnsubscribePageState,
  context: UnsubscribeContext | null,
  lang: PageLanguage,
): NoticePage {
  const texts = TEXTS[lang];
  if (state === "INVALID" || !context) return { lang, ...texts.invalid };
  if (state === "DONE") return { lang, ...texts.done(context) };
  const { button, ...rest } = texts.confirm(context);
  return { lang, ...rest, form: { button, fields: ONE_CLICK_FIELDS } };
}
