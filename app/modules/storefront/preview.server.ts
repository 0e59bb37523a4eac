import {
  createShopifyLiquid,
  defaultSettings,
  escapeHtml,
  resolveLocale,
  type ExtensionBlock,
  type ThemeExtension,
} from "~/modules/storefront/theme-extension.server";

/**
 * A storefront preview: a plain, theme-like page (header with the shop's name, a product grid, a footer) around
 * Kindly's theme app extension, rendered with LiquidJS from the shop's own data. It shows what shoppers see
 * without a Shopify store; it is not a theme (Shopify renders the real one).
 *
 * Every block in the extension is rendered: section blocks below the products, app embeds where their target says
 * (`head`, `body`). Shop and product strings are escaped in the page's Liquid; the blocks escape their own.
 */

export interface PreviewPolicy {
  /** Admin API ShopPolicyType: REFUND_POLICY, SHIPPING_POLICY, PRIVACY_POLICY, TERMS_OF_SERVICE, CONTACT_INFORMATION, ... */
  type: string;
  title: string;
  /** HTML, as merchants write it in Settings > Policies. */
  body: string;
}

export interface PreviewShop {
  name: string;
  email: string | null;
  /** The myshopify domain. */
  domain: string;
  currencyCode: string;
  policies: PreviewPolicy[];
}

export interface PreviewProduct {
  title: string;
  handle: string;
  /** Minimum variant price in cents (Liquid's `money` filter takes cents), null when the product has no price. */
  priceCents: number | null;
}

export type PreviewPage = { kind: "home" } | { kind: "policy"; handle: string };

export interface PreviewInput {
  extension: ThemeExtension;
  shop: PreviewShop;
  products: PreviewProduct[];
  /** `?locale=` as requested; resolved against the extension's locales. */
  requestedLocale: string | null;
  now: Date;
  /** Where the preview lives, e.g. `/demo/storefront`: links and assets hang off it. */
  baseUrl: string;
  page: PreviewPage;
  /**
   * Kindly's app-data metafields as Liquid's `app.metafields` sees them (`{ kindly: { faq: <published JSON> } }`);
   * Shopify parses json metafields, so `.value` is the object itself.
   */
  appMetafields?: Record<string, Record<string, unknown>>;
}

export interface PreviewResult {
  status: 200 | 404;
  html: string;
  locale: string;
}

/** Liquid's `shop.*_policy` names for the Admin API's policy types (contact information has no shortcut). */
const POLICY_SHORTCUTS: Record<string, string> = {
  REFUND_POLICY: "refund_policy",
  SHIPPING_POLICY: "shipping_policy",
  PRIVACY_POLICY: "privacy_policy",
  TERMS_OF_SERVICE: "terms_of_service",
  SUBSCRIPTION_POLICY: "subscription_policy",
};

/** The handle in the policy's storefront URL (`/policies/refund-policy`), as Shopify names them. */
export function policyHandle(type: string): string {
  return type.toLowerCase().replace(/_/g, "-");
}

/** The page's own words (the extension's words come from its locale files through `t`). */
const THEME_STRINGS: Record<string, Record<string, string>> = {
  en: {
    skip: "Skip to content",
    notice:
      "Storefront preview: Kindly's theme app extension rendered with LiquidJS from the demo shop's data. The page around it stands in for a theme.",
    language: "Language",
    products: "Featured products",
    no_price: "Price on request",
    no_products: "This shop has no products yet.",
    back: "Back to the store",
    not_found: "This policy has not been written yet.",
  },
  fr: {
    skip: "Aller au contenu",
    notice:
      "Aperçu de la boutique : l’extension de thème de Kindly rendue avec LiquidJS à partir des données de la boutique de démonstration. La page qui l’entoure tient lieu de thème.",
    language: "Langue",
    products: "Produits phares",
    no_price: "Prix sur demande",
    no_products: "Cette boutique n’a pas encore de produits.",
    back: "Retour à la boutique",
    not_found: "Cette politique n’a pas encore été rédigée.",
  },
};

const THEME_CSS = `
:root { --page-width: 1100px; --ink: #1f2124; --muted: #5b5f66; --line: #e3e3e3; --accent: #2c5e4f; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.6 Georgia, "Times New Roman", serif; color: var(--ink); background: #fbfaf7; }
a { color: var(--accent); }
.skip-link { position: absolute; left: -9999px; top: 0; background: #fff; padding: 12px 16px; z-index: 10; }
.skip-link:focus { left: 8px; top: 8px; }
.preview-notice { margin: 0; padding: 8px 16px; background: #1f2124; color: #fff; font: 13px/1.5 system-ui, sans-serif; text-align: center; }
.site-header { border-bottom: 1px solid var(--line); background: #fff; }
.site-header__inner, .page-width { max-width: var(--page-width); margin: 0 auto; padding: 0 24px; }
.site-header__inner { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px 24px; min-height: 72px; }
.site-title { font-size: 26px; font-weight: 700; color: var(--ink); text-decoration: none; display: inline-flex; align-items: center; min-height: 44px; }
.language-switcher { display: flex; align-items: center; gap: 4px; font: 14px system-ui, sans-serif; }
.language-switcher a { display: inline-flex; align-items: center; min-height: 44px; min-width: 44px; padding: 0 8px; color: var(--ink); }
.language-switcher a[aria-current="true"] { font-weight: 700; text-decoration: none; }
main { display: block; padding: 32px 0 16px; }
h1 { font-size: 30px; margin: 0 0 24px; }
.product-grid { list-style: none; margin: 0; padding: 0; display: grid; gap: 24px; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); }
.product-card { background: #fff; border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
.product-card__media { aspect-ratio: 4 / 3; display: flex; align-items: center; justify-content: center; font-size: 48px; color: #fff; background: linear-gradient(135deg, #2c5e4f, #7fa99b); }
.product-card__body { padding: 12px 16px 16px; }
.product-card__title { font-size: 17px; margin: 0 0 4px; }
.product-card__price { margin: 0; color: var(--muted); font-family: system-ui, sans-serif; }
.app-blocks { margin-top: 32px; border-top: 1px solid var(--line); }
.policy { max-width: 70ch; }
.site-footer { border-top: 1px solid var(--line); margin-top: 48px; padding: 24px 0 32px; color: var(--muted); font: 14px system-ui, sans-serif; }
`;

const LAYOUT = `<!doctype html>
<html lang="{{ request.locale.iso_code }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ page_title | escape }}</title>
<link rel="icon" href="data:,">
<style>{{ theme_css }}</style>
{{ content_for_head }}
</head>
<body>
<a class="skip-link" href="#MainContent">{{ strings.skip | escape }}</a>
<p class="preview-notice">{{ strings.notice | escape }}</p>
<header class="site-header">
  <div class="site-header__inner">
    <a class="site-title" href="{{ home_url | escape }}">{{ shop.name | escape }}</a>
    <nav class="language-switcher" aria-label="{{ strings.language | escape }}">
      {%- for language in languages -%}
        <a href="{{ language.url | escape }}" lang="{{ language.code }}" hreflang="{{ language.code }}"{% if language.current %} aria-current="true"{% endif %}>{{ language.name | escape }}</a>
      {%- endfor -%}
    </nav>
  </div>
</header>
<main id="MainContent" tabindex="-1">
  <div class="page-width">
  {%- if page.kind == 'home' -%}
    <h1>{{ strings.products | escape }}</h1>
    {%- if products.size == 0 -%}
      <p>{{ strings.no_products | escape }}</p>
    {%- else -%}
    <ul class="product-grid" role="list">
      {%- for product in products -%}
      <li class="product-card">
        <div class="product-card__media" aria-hidden="true">{{ product.title | slice: 0 | upcase | escape }}</div>
        <div class="product-card__body">
          <h2 class="product-card__title">{{ product.title | escape }}</h2>
          <p class="product-card__price">{% if product.price %}{{ product.price | money }}{% else %}{{ strings.no_price | escape }}{% endif %}</p>
        </div>
      </li>
      {%- endfor -%}
    </ul>
    {%- endif -%}
  {%- else -%}
    <article class="policy">
      {%- if policy -%}
        <h1>{{ policy.title | escape }}</h1>
        {%- for paragraph in policy.paragraphs -%}<p>{{ paragraph | escape }}</p>{%- endfor -%}
      {%- else -%}
        <p>{{ strings.not_found | escape }}</p>
      {%- endif -%}
      <p><a href="{{ home_url | escape }}">{{ strings.back | escape }}</a></p>
    </article>
  {%- endif -%}
  </div>
  {%- if section_blocks != blank -%}
  <div class="app-blocks">
    {{ section_blocks }}
  </div>
  {%- endif -%}
</main>
<footer class="site-footer">
  <div class="page-width">&copy; {{ year }} {{ shop.name | escape }}</div>
</footer>
{{ content_for_body_end }}
</body>
</html>
`;

/**
 * A policy body as paragraphs of plain text. Shopify renders merchant HTML as is; the preview only needs the words,
 * and text cannot carry markup into the page.
 */
export function policyParagraphs(bodyHtml: string): string[] {
  return bodyHtml
    .replace(/<\/(p|div|h[1-6]|li)>|<br\s*\/?>/gi, "\n\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.replace(/\s+/g, " ").trim())
    .filter(Boolean);
}

function languageName(code: string): string {
  try {
    // Each language named in itself ("English", "français"), as language switchers do.
    return new Intl.DisplayNames([code], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}

function withLocale(url: string, locale: string, defaultLocale: string): string {
  return locale === defaultLocale ? url : `${url}?locale=${encodeURIComponent(locale)}`;
}

/** Liquid's `shop` object for the shop's data, with policy URLs pointing at the preview's policy pages. */
function shopDrop(shop: PreviewShop, baseUrl: string, locale: string, defaultLocale: string) {
  const written = shop.policies.filter((policy) => policy.body.trim() !== "");
  const policies = written.map((policy) => ({
    id: policyHandle(policy.type),
    title: policy.title,
    url: withLocale(`${baseUrl}/policies/${policyHandle(policy.type)}`, locale, defaultLocale),
    body: policy.body,
  }));
  const drop: Record<string, unknown> = {
    name: shop.name,
    email: shop.email ?? "",
    domain: shop.domain,
    permanent_domain: shop.domain,
    currency: shop.currencyCode,
    policies,
  };
  written.forEach((policy, index) => {
    const shortcut = POLICY_SHORTCUTS[policy.type];
    if (shortcut) drop[shortcut] = policies[index];
  });
  return drop;
}

/** Liquid's `app` object: each metafield as `{ value, type }`, json values already parsed. */
export function appDrop(metafields: Record<string, Record<string, unknown>> = {}) {
  const namespaces: Record<string, Record<string, { value: unknown; type: string }>> = {};
  for (const [namespace, keys] of Object.entries(metafields)) {
    namespaces[namespace] = {};
    for (const [key, value] of Object.entries(keys)) namespaces[namespace][key] = { value, type: "json" };
  }
  return { metafields: namespaces };
}

export interface BlockRenderInput {
  extension: ThemeExtension;
  handle: string;
  requestedLocale: string | null;
  /** Merged over the block's schema defaults. */
  settings?: Record<string, unknown>;
  appMetafields?: Record<string, Record<string, unknown>>;
  designMode?: boolean;
  assetBaseUrl?: string;
}

/**
 * One block alone, as the theme editor would render it: the admin's FAQ preview and the extension's tests use it.
 * The shop object is empty; blocks that need shop data get it through renderStorefrontPreview.
 */
export async function renderExtensionBlock(input: BlockRenderInput): Promise<{ html: string; locale: string }> {
  const block = input.extension.blocks.find((candidate) => candidate.handle === input.handle);
  if (!block) throw new Error(`blocks/${input.handle}.liquid does not exist`);
  const locale = resolveLocale(input.extension, input.requestedLocale);
  const engine = createShopifyLiquid({
    extension: input.extension,
    locale,
    assetBaseUrl: input.assetBaseUrl ?? "/assets",
    currencyCode: "USD",
  });
  const html = await engine.parseAndRender(block.body, {
    shop: { name: "", policies: [] },
    request: { locale: { iso_code: locale }, design_mode: input.designMode ?? false, path: "/" },
    app: appDrop(input.appMetafields),
    block: {
      id: `${block.handle}-preview`,
      settings: { ...defaultSettings(block.schema), ...input.settings },
      shopify_attributes: "",
    },
  });
  return { html, locale };
}

async function renderBlocks(
  engine: ReturnType<typeof createShopifyLiquid>,
  blocks: ExtensionBlock[],
  context: Record<string, unknown>,
  wrap: (block: ExtensionBlock, html: string) => string,
): Promise<string> {
  const rendered: string[] = [];
  for (const block of blocks) {
    const html = await engine.parseAndRender(block.body, {
      ...context,
      block: { id: `${block.handle}-preview`, settings: defaultSettings(block.schema), shopify_attributes: "" },
    });
    rendered.push(wrap(block, html));
  }
  return rendered.join("\n");
}

export async function renderStorefrontPreview(input: PreviewInput): Promise<PreviewResult> {
  const { extension, baseUrl } = input;
  const locale = resolveLocale(extension, input.requestedLocale);
  const strings = THEME_STRINGS[locale] ?? THEME_STRINGS.en;
  const assetBaseUrl = `${baseUrl}/assets`;
  const engine = createShopifyLiquid({ extension, locale, assetBaseUrl, currencyCode: input.shop.currencyCode });
  const shop = shopDrop(input.shop, baseUrl, locale, extension.defaultLocale);
  const request = { locale: { iso_code: locale }, design_mode: false, path: baseUrl };
  const context = { shop, request, app: appDrop(input.appMetafields) };

  // Shopify adds each block's schema stylesheet and deferred javascript to the page once.
  const assets = new Set<string>();
  for (const block of extension.blocks) {
    if (block.schema.stylesheet) {
      assets.add(`<link rel="stylesheet" href="${escapeHtml(`${assetBaseUrl}/${block.schema.stylesheet}`)}">`);
    }
    if (block.schema.javascript) {
      assets.add(`<script src="${escapeHtml(`${assetBaseUrl}/${block.schema.javascript}`)}" defer></script>`);
    }
  }
  const byTarget = (targets: string[]) => extension.blocks.filter((block) => targets.includes(block.schema.target));
  const asIs = (_block: ExtensionBlock, html: string) => html;
  const headEmbeds = await renderBlocks(engine, byTarget(["compliance_head", "head"]), context, asIs);
  const bodyEmbeds = await renderBlocks(engine, byTarget(["body"]), context, asIs);
  const sectionBlocks = await renderBlocks(
    engine,
    byTarget(["section"]),
    context,
    // The wrapper Shopify puts around every app block.
    (block, html) =>
      `<div id="shopify-block-${escapeHtml(block.handle)}-preview" class="shopify-block shopify-app-block">${html}</div>`,
  );

  let policy: { title: string; paragraphs: string[] } | null = null;
  if (input.page.kind === "policy") {
    const handle = input.page.handle;
    const found = input.shop.policies.find((p) => policyHandle(p.type) === handle && p.body.trim() !== "");
    policy = found ? { title: found.title, paragraphs: policyParagraphs(found.body) } : null;
  }

  const homeUrl = withLocale(baseUrl, locale, extension.defaultLocale);
  const pagePath = input.page.kind === "home" ? baseUrl : `${baseUrl}/policies/${input.page.handle}`;
  const html = await engine.parseAndRender(LAYOUT, {
    ...context,
    theme_css: THEME_CSS,
    content_for_head: [...assets, headEmbeds].join("\n"),
    content_for_body_end: bodyEmbeds,
    section_blocks: sectionBlocks,
    page: input.page,
    page_title: policy ? `${policy.title} – ${input.shop.name}` : input.shop.name,
    policy,
    strings,
    home_url: homeUrl,
    year: input.now.getUTCFullYear(),
    languages: [...extension.locales.keys()].sort().map((code) => ({
      code,
      name: languageName(code),
      url: withLocale(pagePath, code, extension.defaultLocale),
      current: code === locale,
    })),
    products: input.products.map((product) => ({
      title: product.title,
      handle: product.handle,
      price: product.priceCents,
    })),
  });
  return { status: input.page.kind === "policy" && !policy ? 404 : 200, html, locale };
}
