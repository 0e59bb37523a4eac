import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderStorefrontPreview, type PreviewInput, type PreviewShop } from "~/modules/storefront/preview.server";
import { loadThemeExtension, translate } from "~/modules/storefront/theme-extension.server";
import { ROOT, TMP_DIR } from "../support/paths";

const EXTENSION_DIR = path.join(ROOT, "extensions", "kindly-storefront");

/** A shop whose every string tries to break out of its context. */
const hostileShop: PreviewShop = {
  name: `Ada's <script>alert("name")</script> & Co`,
  email: `help+"x"@example.com`,
  domain: "ada.myshopify.com",
  currencyCode: "EUR",
  policies: [
    { type: "REFUND_POLICY", title: "Refunds <b>now</b>", body: "<p>30 days.</p><p>Write to us &amp; we help.</p>" },
    { type: "PRIVACY_POLICY", title: "Privacy", body: "<p>We keep <script>x()</script>little.</p>" },
    { type: "SHIPPING_POLICY", title: "Shipping", body: "   " }, // not written: must be hidden
  ],
};

async function render(overrides: Partial<PreviewInput> = {}) {
  return renderStorefrontPreview({
    extension: await loadThemeExtension(EXTENSION_DIR),
    shop: hostileShop,
    products: [
      { title: `Mug "<img src=x onerror=alert(1)>"`, handle: "mug", priceCents: 1890 },
      { title: "Gift card", handle: "gift-card", priceCents: null },
    ],
    requestedLocale: null,
    now: new Date("2026-11-24T12:00:00Z"),
    baseUrl: "/demo/storefront",
    page: { kind: "home" },
    ...overrides,
  });
}

describe("storefront preview", () => {
  it("renders a theme-like page with every shop and product string escaped", async () => {
    const { html, status } = await render();
    expect(status).toBe(200);
    expect(html).toMatch(/^<!doctype html>\s*<html lang="en">/);
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    expect(html).toContain("Ada&#39;s &lt;script&gt;alert(&#34;name&#34;)&lt;/script&gt; &amp; Co");
    expect(html).toContain("Mug &#34;&lt;img src=x onerror=alert(1)&gt;&#34;");
    expect(html).toContain("€18.90");
    expect(html).toContain("Price on request");
    expect(html).toContain("&copy; 2026");
  });

  it("renders the policy links block: written policies only, translated labels, contact fallback, its stylesheet", async () => {
    const { html } = await render();
    expect(html).toContain('<link rel="stylesheet" href="/demo/storefront/assets/policy-links.css">');
    expect(html).toContain('id="shopify-block-policy-links-preview" class="shopify-block shopify-app-block"');
    expect(html).toMatch(
      /<nav\s+class="kindly-policy-links kindly-policy-links--inline"\s+aria-labelledby="KindlyPolicyLinks-policy-links-preview"/,
    );
    expect(html).toContain(
      '<h2 class="kindly-policy-links__heading" id="KindlyPolicyLinks-policy-links-preview">Store policies</h2>',
    );
    expect(html).toContain(
      '<a class="kindly-policy-links__link" href="/demo/storefront/policies/refund-policy">Refund policy</a>',
    );
    expect(html).toContain('href="/demo/storefront/policies/privacy-policy">Privacy policy</a>');
    expect(html).not.toContain("Shipping policy"); // blank body: not written
    expect(html).not.toContain("Terms of service"); // absent
    expect(html).toContain('href="mailto:help+&#34;x&#34;@example.com">Email us</a>');
  });

  it("speaks French with ?locale=fr (and fr-CA), English otherwise", async () => {
    const { html, locale } = await render({ requestedLocale: "fr" });
    expect(locale).toBe("fr");
    expect(html).toContain('<html lang="fr">');
    expect(html).toContain("Politiques de la boutique");
    expect(html).toContain('href="/demo/storefront/policies/refund-policy?locale=fr">Politique de remboursement</a>');
    expect(html).toContain("Produits phares");
    expect(html).toContain("18,90\u00a0€");
    expect((await render({ requestedLocale: "fr-CA" })).locale).toBe("fr");
    expect((await render({ requestedLocale: "de" })).locale).toBe("en");
  });

  it("renders policy pages as text, and 404 for a policy the shop has not written", async () => {
    const refund = await render({ page: { kind: "policy", handle: "refund-policy" } });
    expect(refund.status).toBe(200);
    expect(refund.html).toContain("<h1>Refunds &lt;b&gt;now&lt;/b&gt;</h1>");
    expect(refund.html).toContain("<p>Write to us &amp; we help.</p>");
    const privacy = await render({ page: { kind: "policy", handle: "privacy-policy" } });
    expect(privacy.html).not.toContain("<script>x()");
    expect((await render({ page: { kind: "policy", handle: "shipping-policy" } })).status).toBe(404);
  });

  it("picks up a new block and an app embed without code changes", async () => {
    const copy = fs.mkdtempSync(path.join(TMP_DIR, "extension-copy-"));
    try {
      fs.cpSync(EXTENSION_DIR, copy, { recursive: true });
      fs.writeFileSync(
        path.join(copy, "blocks", "hello.liquid"),
        `<p class="hello">{{ block.settings.greeting | escape }} {{ shop.name | escape }}</p>\n{% schema %}{"name":"Hello","target":"section","settings":[{"type":"text","id":"greeting","label":"Greeting","default":"Hi"}]}{% endschema %}\n`,
      );
      fs.writeFileSync(
        path.join(copy, "blocks", "widget.liquid"),
        `<div id="widget-root" data-locale="{{ request.locale.iso_code }}"></div>\n{% schema %}{"name":"Widget","target":"body","javascript":"widget.js"}{% endschema %}\n`,
      );
      fs.writeFileSync(path.join(copy, "assets", "widget.js"), "/* widget */\n");
      const { html } = await render({ extension: await loadThemeExtension(copy), requestedLocale: "fr" });
      expect(html).toContain('<p class="hello">Hi Ada&#39;s &lt;script&gt;');
      expect(html).toContain('<script src="/demo/storefront/assets/widget.js" defer></script>');
      // The embed sits at the end of <body>, after the footer, as Shopify places `target: body` embeds.
      expect(html.indexOf('<div id="widget-root" data-locale="fr">')).toBeGreaterThan(html.indexOf("</footer>"));
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });

  it("translates like Shopify's t filter: fallback to the default locale, escaping, _html keys", async () => {
    const extension = await loadThemeExtension(EXTENSION_DIR);
    extension.locales.set("xx", { greeting: "Hello {{ name }} <b>", greeting_html: "<b>{{ name }}</b>" });
    expect(translate(extension, "xx", "greeting", { name: "<Ada>" })).toBe("Hello &lt;Ada&gt; &lt;b&gt;");
    expect(translate(extension, "xx", "greeting_html", { name: "<Ada>" })).toBe("<b>&lt;Ada&gt;</b>");
    expect(translate(extension, "xx", "policy_links.refund")).toBe("Refund policy");
    expect(translate(extension, "fr", "nope.key")).toBe("Translation missing: fr.nope.key");
  });
});
