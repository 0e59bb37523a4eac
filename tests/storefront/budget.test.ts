import fs from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { renderStorefrontPreview } from "~/modules/storefront/preview.server";
import { loadThemeExtension, parseBlockSchema } from "~/modules/storefront/theme-extension.server";
import { ROOT } from "../support/paths";

/**
 * The storefront's budgets (DESIGN.md section 5): Shopify's limits and ours inside them. Shoppers pay for every
 * byte on every page, so these are checked on the files as shipped and on a rendered page.
 */

const EXTENSION_DIR = path.join(ROOT, "extensions", "kindly-storefront");
const list = (folder: string, extension: string) =>
  fs
    .readdirSync(path.join(EXTENSION_DIR, folder))
    .filter((name) => name.endsWith(extension))
    .map((name) => path.join(EXTENSION_DIR, folder, name));
const size = (file: string) => fs.statSync(file).size;
const gzipped = (file: string) => gzipSync(fs.readFileSync(file), { level: 9 }).length;

/** Why each `<script>` is allowed: deferred file, module (deferred by the HTML spec), or data that never runs. */
function scriptProblems(html: string): string[] {
  const problems: string[] = [];
  for (const [tag] of html.matchAll(/<script\b[^>]*>/gi)) {
    const type = /\btype\s*=\s*"([^"]*)"/i.exec(tag)?.[1]?.toLowerCase();
    const hasSrc = /\bsrc\s*=/i.test(tag);
    if (type === "application/ld+json" || type === "application/json") continue;
    if (type === "module") continue;
    if (hasSrc && /\sdefer(\s|=|>)/i.test(tag)) continue;
    problems.push(tag);
  }
  return problems;
}

describe("storefront budgets", () => {
  it("each JavaScript asset is at most 10,000 bytes (Shopify's limit)", () => {
    const scripts = list("assets", ".js");
    expect(scripts.map((file) => path.basename(file))).toContain("chat.js");
    for (const file of scripts) expect(size(file), path.basename(file)).toBeLessThanOrEqual(10_000);
  });

  it("the chat widget, JS and CSS together, is at most 8 KB gzipped", () => {
    const total =
      gzipped(path.join(EXTENSION_DIR, "assets", "chat.js")) + gzipped(path.join(EXTENSION_DIR, "assets", "chat.css"));
    expect(total).toBeLessThanOrEqual(8 * 1024);
  });

  it("all Liquid is at most 100 KB, each locale file at most 15 KB, each block at most 25 settings", () => {
    const liquid = [...list("blocks", ".liquid"), ...list("snippets", ".liquid")];
    expect(liquid.reduce((sum, file) => sum + size(file), 0)).toBeLessThanOrEqual(100 * 1024);
    for (const file of list("locales", ".json")) expect(size(file), path.basename(file)).toBeLessThanOrEqual(15 * 1024);
    for (const file of list("blocks", ".liquid")) {
      const { schema } = parseBlockSchema(path.basename(file, ".liquid"), fs.readFileSync(file, "utf8"));
      expect(schema.settings?.length ?? 0, path.basename(file)).toBeLessThanOrEqual(25);
    }
  });

  it("every <script> in the extension's Liquid is deferred (and the check catches one that is not)", () => {
    for (const file of list("blocks", ".liquid")) {
      expect(scriptProblems(fs.readFileSync(file, "utf8")), path.basename(file)).toEqual([]);
    }
    expect(
      scriptProblems(`<script src="a.js"></script><script>x()</script><script src="b.js" async></script>`),
    ).toHaveLength(3);
    expect(scriptProblems(`<script src="a.js" defer></script><script type="module">x()</script>`)).toEqual([]);
  });

  it("a rendered page with every block and the chat embed: every script deferred, no Kindly file loaded eagerly, a small embed", async () => {
    const extension = await loadThemeExtension(EXTENSION_DIR);
    const { html } = await renderStorefrontPreview({
      extension,
      shop: { name: "Ada", email: "ada@example.com", domain: "ada.myshopify.com", currencyCode: "EUR", policies: [] },
      products: [],
      requestedLocale: "fr",
      now: new Date("2026-11-24T12:00:00Z"),
      baseUrl: "/demo/storefront",
      page: { kind: "home" },
    });
    expect(scriptProblems(html)).toEqual([]);
    // The widget's JS and CSS are only named (data attributes), never loaded by the markup.
    expect(html).not.toMatch(/<script[^>]+src="[^"]*chat\.js/);
    expect(html).not.toMatch(/<link[^>]+href="[^"]*chat\.css/);
    expect(html).toContain('data-src="/demo/storefront/assets/chat.js"');
    const embed = /<div\s+id="kindly-chat"[\s\S]*?<\/script>/.exec(html)?.[0] ?? "";
    expect(embed).not.toBe("");
    // What every page carries before the shopper shows intent: markup, strings, launcher style and loader.
    expect(Buffer.byteLength(embed), "embed bytes on every page").toBeLessThanOrEqual(6_000);
    expect(gzipSync(embed).length, "embed bytes gzipped").toBeLessThanOrEqual(2_500);
  });
});
