import fs from "node:fs/promises";
import path from "node:path";
import { Liquid } from "liquidjs";

/**
 * Reads Kindly's theme app extension (extensions/kindly-storefront/) and renders its Liquid outside Shopify, with
 * LiquidJS and the handful of Shopify filters and objects the extension uses. The demo's storefront preview and the
 * extension's tests use it; Shopify itself renders the same files in production.
 *
 * Every file in blocks/ is picked up with its schema, so a new block or app embed needs no change here.
 */

export type BlockTarget = "section" | "head" | "body" | "compliance_head";

export interface BlockSetting {
  id?: string;
  type: string;
  default?: unknown;
}

export interface BlockSchema {
  name: string;
  target: BlockTarget;
  stylesheet?: string;
  javascript?: string;
  settings?: BlockSetting[];
}

export interface ExtensionBlock {
  /** File name without `.liquid`: the block's handle. */
  handle: string;
  /** The Liquid source without its `{% schema %}` tag. */
  body: string;
  schema: BlockSchema;
}

type TranslationTree = { [key: string]: string | TranslationTree };

export interface ThemeExtension {
  dir: string;
  blocks: ExtensionBlock[];
  /** Storefront translations by locale (`en`, `fr`, ...): locales/*.json without the `.schema.json` files. */
  locales: Map<string, TranslationTree>;
  defaultLocale: string;
}

const SCHEMA_TAG = /{%-?\s*schema\s*-?%}([\s\S]*?){%-?\s*endschema\s*-?%}/;
const TARGETS: readonly BlockTarget[] = ["section", "head", "body", "compliance_head"];

export function parseBlockSchema(handle: string, source: string): { schema: BlockSchema; body: string } {
  const match = SCHEMA_TAG.exec(source);
  if (!match) throw new Error(`blocks/${handle}.liquid has no {% schema %} tag`);
  let raw: unknown;
  try {
    raw = JSON.parse(match[1]);
  } catch (error) {
    throw new Error(`blocks/${handle}.liquid: the schema is not valid JSON (${(error as Error).message})`);
  }
  const schema = raw as Partial<BlockSchema>;
  if (typeof schema.name !== "string" || !TARGETS.includes(schema.target as BlockTarget)) {
    throw new Error(`blocks/${handle}.liquid: the schema needs a "name" and a "target" (${TARGETS.join(", ")})`);
  }
  return { schema: schema as BlockSchema, body: source.replace(SCHEMA_TAG, "") };
}

export async function loadThemeExtension(dir: string): Promise<ThemeExtension> {
  const blockFiles = (await fs.readdir(path.join(dir, "blocks"))).filter((name) => name.endsWith(".liquid")).sort();
  const blocks = await Promise.all(
    blockFiles.map(async (file) => {
      const handle = file.replace(/\.liquid$/, "");
      const { schema, body } = parseBlockSchema(handle, await fs.readFile(path.join(dir, "blocks", file), "utf8"));
      return { handle, body, schema };
    }),
  );

  const locales = new Map<string, TranslationTree>();
  let defaultLocale = "en";
  for (const file of await fs.readdir(path.join(dir, "locales"))) {
    // `*.schema.json` translate the theme editor's labels, not the storefront.
    const match = /^([a-z]{2}(?:-[A-Z]{2})?)(\.default)?\.json$/.exec(file);
    if (!match) continue;
    locales.set(match[1], JSON.parse(await fs.readFile(path.join(dir, "locales", file), "utf8")) as TranslationTree);
    if (match[2]) defaultLocale = match[1];
  }
  return { dir, blocks, locales, defaultLocale };
}

/** The locale the storefront renders in: an exact match, else the language alone (`fr-CA` -> `fr`), else the default. */
export function resolveLocale(extension: ThemeExtension, requested: string | null | undefined): string {
  if (!requested) return extension.defaultLocale;
  if (extension.locales.has(requested)) return requested;
  const language = requested.split("-")[0].toLowerCase();
  return extension.locales.has(language) ? language : extension.defaultLocale;
}

export function escapeHtml(value: unknown): string {
  return String(value ?? "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function lookup(tree: TranslationTree | undefined, key: string): string | undefined {
  let node: string | TranslationTree | undefined = tree;
  for (const part of key.split(".")) {
    if (node === undefined || typeof node === "string") return undefined;
    node = node[part];
  }
  return typeof node === "string" ? node : undefined;
}

/**
 * Shopify's `t` filter: the key in the storefront's locale, then the default locale, then Shopify's own
 * "Translation missing" text. `{{ name }}` placeholders take the filter's named arguments. Like Shopify, the result
 * is HTML-escaped unless the key ends in `_html`; interpolated values are always escaped.
 */
export function translate(
  extension: ThemeExtension,
  locale: string,
  key: string,
  variables: Record<string, unknown> = {},
): string {
  const text =
    lookup(extension.locales.get(locale), key) ?? lookup(extension.locales.get(extension.defaultLocale), key);
  if (text === undefined) return escapeHtml(`Translation missing: ${locale}.${key}`);
  const html = key.endsWith("_html");
  const escapedText = html ? text : escapeHtml(text);
  return escapedText.replace(/{{\s*(\w+)\s*}}/g, (_, name: string) => escapeHtml(variables[name]));
}

export interface ShopifyLiquidOptions {
  extension: ThemeExtension;
  locale: string;
  /** Where the extension's assets/ are served (Shopify serves them from its CDN). */
  assetBaseUrl: string;
  /** Shop currency and the storefront's locale for the `money` filter. */
  currencyCode: string;
}

/**
 * A LiquidJS engine that behaves like Shopify's for what the extension uses. Unknown filters are errors
 * (`strictFilters`), so a block using a Shopify filter the preview lacks fails loudly instead of rendering wrong.
 */
export function createShopifyLiquid(options: ShopifyLiquidOptions): Liquid {
  const { extension, locale } = options;
  const engine = new Liquid({
    root: [path.join(extension.dir, "snippets")],
    extname: ".liquid",
    relativeReference: false,
    strictFilters: true,
    // Shopify objects expose only their own properties; so must ours (no prototype walking from templates).
    ownPropertyOnly: true,
    cache: true,
  });

  engine.registerFilter("t", (key: unknown, ...args: unknown[]) => {
    // LiquidJS passes named filter arguments (`| t: count: 3`) as [name, value] pairs.
    const variables: Record<string, unknown> = {};
    for (const arg of args) if (Array.isArray(arg) && typeof arg[0] === "string") variables[arg[0]] = arg[1];
    return translate(extension, locale, String(key), variables);
  });
  engine.registerFilter("asset_url", (name: unknown) => `${options.assetBaseUrl}/${encodeURIComponent(String(name))}`);
  engine.registerFilter(
    "stylesheet_tag",
    (url: unknown) => `<link href="${escapeHtml(url)}" rel="stylesheet" type="text/css" media="all">`,
  );
  // Shopify's own script_tag is parser-blocking (theme-check flags it); the preview defers, as every Kindly script
  // must be. Blocks should still write `<script src="..." defer>` themselves so both render the same.
  engine.registerFilter("script_tag", (url: unknown) => `<script src="${escapeHtml(url)}" defer></script>`);
  engine.registerFilter("money", (cents: unknown) => formatMoney(Number(cents), options.currencyCode, locale));
  // Shopify's json filter escapes <, > and & as \u sequences, so `{{ text | json }}` inside a <script> (JSON-LD)
  // cannot close it; LiquidJS's own json filter does not, so the preview replaces it.
  engine.registerFilter("json", (value: unknown) => shopifyJson(value));
  return engine;
}

export function shopifyJson(value: unknown): string {
  return (JSON.stringify(value ?? null) ?? "null").replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** Shopify's `money` filter takes cents. */
export function formatMoney(cents: number, currencyCode: string, locale: string): string {
  if (!Number.isFinite(cents)) return "";
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency: currencyCode }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currencyCode}`;
  }
}

/** `block.settings` as Shopify fills it before a merchant changes anything: each setting's default. */
export function defaultSettings(schema: BlockSchema): Record<string, unknown> {
  const settings: Record<string, unknown> = {};
  for (const setting of schema.settings ?? []) {
    if (!setting.id) continue; // header and paragraph "settings" have no value
    settings[setting.id] = setting.default ?? (setting.type === "checkbox" ? false : null);
  }
  return settings;
}
