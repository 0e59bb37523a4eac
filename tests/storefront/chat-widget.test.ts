import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { renderExtensionBlock } from "~/modules/storefront/preview.server";
import { loadThemeExtension } from "~/modules/storefront/theme-extension.server";
import { buildWidget, WIDGET_ASSETS, WIDGET_SOURCES } from "../../scripts/build-widget";
import { ROOT } from "../support/paths";

/**
 * The chat widget as shipped: the committed assets are exactly what `npm run build:widget` makes from widget/, the
 * source never turns data into HTML, and the embed carries the shop's language.
 */

const EXTENSION_DIR = path.join(ROOT, "extensions", "kindly-storefront");

describe("chat widget assets", () => {
  it("the committed chat.js and chat.css are built from the current sources (run `npm run build:widget`)", async () => {
    const built = await buildWidget();
    expect(fs.readFileSync(WIDGET_ASSETS.js, "utf8"), "assets/chat.js is stale").toBe(built.js);
    expect(fs.readFileSync(WIDGET_ASSETS.css, "utf8"), "assets/chat.css is stale").toBe(built.css);
  });

  it("never parses data as HTML: no innerHTML, outerHTML, insertAdjacentHTML or document.write", () => {
    const source = fs.readFileSync(WIDGET_SOURCES.js, "utf8");
    expect(source).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|eval\(|new Function/);
    expect(fs.readFileSync(WIDGET_ASSETS.js, "utf8")).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML/);
  });
});

describe("chat embed", () => {
  it("renders the launcher and the widget's words in the shop's language, escaped in attributes", async () => {
    const extension = await loadThemeExtension(EXTENSION_DIR);
    const fr = (await renderExtensionBlock({ extension, handle: "chat-embed", requestedLocale: "fr-FR" })).html;
    expect(fr).toContain('data-locale="fr"');
    expect(fr).toContain('data-t-title="Comment pouvons-nous vous aider ?"');
    expect(fr).toMatch(
      /<button type="button" class="kindly-chat__launcher" aria-expanded="false" aria-haspopup="dialog">/,
    );
    expect(fr).toContain("<span>Discuter avec nous</span>");
    expect(fr).toContain('data-proxy="/apps/kindly"');
    // "We're" carries an apostrophe: escaped by `t`, so it cannot end the attribute.
    const en = (await renderExtensionBlock({ extension, handle: "chat-embed", requestedLocale: "en" })).html;
    expect(en).toContain('data-t-online="We&#39;re online.');
    expect(en).toContain('data-delay="0"');
    const greeting = await renderExtensionBlock({
      extension,
      handle: "chat-embed",
      requestedLocale: "en",
      settings: { greeting: true, greeting_delay: 15, position: "left", accent: '#123456"><script>alert(1)</script>' },
    });
    expect(greeting.html).toContain('data-delay="15"');
    expect(greeting.html).toContain("kindly-chat--left");
    expect(greeting.html).not.toContain("<script>alert(1)");
  });

  it("every string the widget reads from the embed exists in the Liquid", () => {
    const source = fs.readFileSync(WIDGET_SOURCES.js, "utf8");
    const liquid = fs.readFileSync(path.join(EXTENSION_DIR, "blocks", "chat-embed.liquid"), "utf8");
    // t("Key"), t(cond ? "A" : "B"), and the error-code map's values.
    const calls = [...source.matchAll(/\bt\(([^()]*)\)/g)].map((match) => match[1]);
    const errorMap = /\{ rate_limited:[^}]*\}/.exec(source)?.[0] ?? "";
    const keys = new Set(
      [...calls, errorMap].flatMap((text) => [...text.matchAll(/"([A-Z][a-z]\w*)"/g)].map((match) => match[1])),
    );
    expect(keys.size).toBeGreaterThan(20);
    for (const key of keys) {
      const attribute = `data-t-${key.replace(/[A-Z]/g, (c, i) => (i === 0 ? c.toLowerCase() : `-${c.toLowerCase()}`))}=`;
      expect(liquid, key).toContain(attribute);
    }
  });
});
