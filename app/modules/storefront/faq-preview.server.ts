import fs from "node:fs/promises";
import path from "node:path";
import { buildPublishedFaq, FAQ_LOCALES, type FaqEntryLike, type FaqLocale } from "~/modules/storefront/faq";
import { renderExtensionBlock } from "~/modules/storefront/preview.server";
import { escapeHtml, loadThemeExtension } from "~/modules/storefront/theme-extension.server";

/**
 * The FAQ block as a shopper would see it if the merchant published now: the real blocks/faq.liquid rendered with
 * LiquidJS from the entries marked "show on storefront", one self-contained HTML document per language for a
 * sandboxed iframe (no script runs in it, and the admin's styles do not leak in).
 */

const EXTENSION_DIR = path.resolve(process.cwd(), "extensions", "kindly-storefront");

const FRAME_CSS = `body{margin:0;padding:8px 0;font:15px/1.55 Georgia,"Times New Roman",serif;color:#1f2124;background:#fbfaf7}
a{color:#2c5e4f}.kindly-faq__empty{font-family:system-ui,sans-serif;color:#5b5f66;padding:0 1.5rem}`;

export async function renderFaqPreviews(
  entries: FaqEntryLike[],
  defaultLocale: FaqLocale,
  now: Date,
): Promise<Record<FaqLocale, string>> {
  const extension = await loadThemeExtension(EXTENSION_DIR);
  const css = await fs.readFile(path.join(EXTENSION_DIR, "assets", "faq.css"), "utf8");
  const faq = buildPublishedFaq(entries, defaultLocale, now);
  const previews = {} as Record<FaqLocale, string>;
  for (const locale of FAQ_LOCALES) {
    const { html } = await renderExtensionBlock({
      extension,
      handle: "faq",
      requestedLocale: locale,
      appMetafields: { kindly: { faq } },
      // design_mode shows the "nothing published yet" hint instead of an empty frame.
      designMode: true,
    });
    previews[locale] =
      `<!doctype html><html lang="${escapeHtml(locale)}"><head><meta charset="utf-8">` +
      `<style>${FRAME_CSS}\n${css}</style></head><body>${html}</body></html>`;
  }
  return previews;
}
