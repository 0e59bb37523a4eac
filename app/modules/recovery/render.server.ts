import { Liquid } from "liquidjs";
import { TROUBLESHOOTING_TIPS, type StepTemplate } from "~/modules/recovery/default-flow";
import { escapeHtml } from "~/modules/messaging/html";

export { escapeHtml };

/**
 * Renders a step's Liquid template into the message a shopper receives. Shopper data (names, line items) is passed
 * as *data*: LiquidJS outputs a variable's value as text and never parses it as a template, so a shopper named
 * "{{ shop.secret }}" gets exactly that name back. Templates are parsed when the merchant saves them, so a syntax
 * error is reported in the editor, not discovered by a worker at 3 a.m.
 */
const liquid = new Liquid({
  strictFilters: true,
  strictVariables: false,
  ownPropertyOnly: true,
  // Bound the work a template can ask for (a merchant's loop over a huge range would stall the worker).
  renderLimit: 1000,
  parseLimit: 100_000,
  memoryLimit: 10_000_000,
});

export interface RecoveryVariables {
  first_name: string | null;
  items: Array<{ title: string; quantity: number; price: string }>;
  total: string;
  currency: string;
  recovery_url: string;
  shop: { name: string; support_email: string; policies_url: string | null; url: string | null };
  sender: { name: string };
  tips: string[];
}

export interface RenderedMessage {
  subject: string | null;
  text: string;
  /** Plain, personal HTML: paragraphs and lists from the text, the recovery link clickable, nothing else. */
  html: string | null;
}

export class TemplateError extends Error {
  constructor(
    readonly field: "subject" | "body",
    readonly locale: string,
    cause: unknown,
  ) {
    super(`${locale} ${field}: ${cause instanceof Error ? cause.message.split("\n")[0] : String(cause)}`);
    this.name = "TemplateError";
  }
}

/** Checks a template at save time; throws a TemplateError naming the field and the Liquid error. */
export function validateTemplate(locale: string, template: StepTemplate): void {
  for (const field of ["subject", "body"] as const) {
    const source = template[field];
    if (source === undefined) continue;
    try {
      liquid.parse(source);
    } catch (error) {
      throw new TemplateError(field, locale, error);
    }
  }
}

export function tipsFor(locale: string): string[] {
  return TROUBLESHOOTING_TIPS[locale] ?? TROUBLESHOOTING_TIPS.en;
}

type ShopDetails = {
  shop: string;
  name: string | null;
  primaryDomain: string | null;
  contactEmail: string | null;
  email: string | null;
  senderEmail: string | null;
  senderName: string | null;
};

/** The shop's storefront: its primary domain, else its myshopify.com domain. */
export function storefrontUrl(shop: Pick<ShopDetails, "primaryDomain" | "shop">): string {
  return shop.primaryDomain ? `https://${shop.primaryDomain}` : `https://${shop.shop}`;
}

/** The variables every flow's templates get from the shop itself, in the shopper's language. */
export function shopVariables(shop: ShopDetails, locale: string): Pick<RecoveryVariables, "shop" | "sender" | "tips"> {
  const storefront = storefrontUrl(shop);
  return {
    shop: {
      name: shop.name ?? shop.shop,
      support_email: shop.contactEmail ?? shop.email ?? shop.senderEmail ?? "",
      policies_url: `${storefront}/policies/shipping-policy`,
      url: storefront,
    },
    sender: { name: shop.senderName ?? shop.name ?? shop.shop },
    tips: tipsFor(locale),
  };
}

/** Picks the shopper's language when the step has it, else the shop's, else English. */
export function pickLocale(
  templates: Record<string, StepTemplate>,
  shopperLocale: string | null,
  shopLocale: string,
  enabled?: readonly string[],
): string {
  // Only the languages the merchant writes in (Settings > Languages); the shop's own language stays the fallback.
  const allowed = (locale: string) => !enabled || enabled.includes(locale.split("-")[0]);
  const shopper = [shopperLocale, shopperLocale?.split("-")[0]].filter((locale) => locale && allowed(locale));
  const wanted = [...shopper, shopLocale, shopLocale.split("-")[0], "en"];
  return wanted.find((locale): locale is string => Boolean(locale && templates[locale])) ?? Object.keys(templates)[0];
}

// Parsed templates by source: a worker renders the same few templates thousands of times.
const parsed = new Map<string, ReturnType<Liquid["parse"]>>();
function parse(source: string): ReturnType<Liquid["parse"]> {
  let template = parsed.get(source);
  if (!template) {
    template = liquid.parse(source);
    if (parsed.size > 500) parsed.clear();
    parsed.set(source, template);
  }
  return template;
}

export async function renderStep(
  template: StepTemplate,
  variables: RecoveryVariables,
  channel: "EMAIL" | "SMS",
  /** More links to make clickable (a care flow's rating links, order status page, review page). */
  extraLinks: Array<string | null> = [],
): Promise<RenderedMessage> {
  const scope = variables as unknown as Record<string, unknown>;
  const subject = template.subject ? collapse(await liquid.render(parse(template.subject), scope)) : null;
  const text = tidy(await liquid.render(parse(template.body), scope));
  return {
    subject,
    text,
    html:
      channel === "EMAIL"
        ? textToHtml(text, [variables.recovery_url, variables.shop.policies_url, ...extraLinks])
        : null,
  };
}

function collapse(value: string): string {
  return value.replace(/\s+/g, " ").trim();
}

function tidy(value: string): string {
  return value
    .replace(/[ \t]+\n/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * Text to HTML: every character escaped first, then only the known links (recovery URL, policies page) are made
 * clickable: a URL a shopper typed into their name stays text.
 */
export function textToHtml(text: string, links: Array<string | null>): string {
  const linkable = [
    ...new Set(links.filter((link): link is string => Boolean(link && /^https?:\/\//.test(link)))),
  ].sort((a, b) => b.length - a.length);
  // One pass, longest link first: a link that starts with another (the shop's home page, its order status page)
  // becomes one anchor, never an anchor inside an anchor.
  const pattern = linkable.length
    ? new RegExp(linkable.map((link) => escapeHtml(link).replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|"), "g")
    : null;
  const linkify = (escaped: string) =>
    pattern ? escaped.replace(pattern, (match) => `<a href="${match}">${match}</a>`) : escaped;
  const blocks = text.split(/\n{2,}/).map((block) => {
    const lines = block.split("\n");
    const listStart = lines.findIndex((line) => line.startsWith("- "));
    if (listStart === -1) return `<p>${lines.map((line) => linkify(escapeHtml(line))).join("<br>")}</p>`;
    const before = lines.slice(0, listStart);
    const items = lines.slice(listStart).filter((line) => line.startsWith("- "));
    const after = lines.slice(listStart).filter((line) => !line.startsWith("- "));
    return [
      before.length ? `<p>${before.map((line) => linkify(escapeHtml(line))).join("<br>")}</p>` : "",
      `<ul>${items.map((line) => `<li>${linkify(escapeHtml(line.slice(2)))}</li>`).join("")}</ul>`,
      after.length ? `<p>${after.map((line) => linkify(escapeHtml(line))).join("<br>")}</p>` : "",
    ].join("");
  });
  return `<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;font-size:16px;line-height:1.5;color:#202223;max-width:560px">${blocks.join("\n")}</body></html>`;
}
