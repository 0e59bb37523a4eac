import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildPublishedFaq } from "~/modules/storefront/faq";
import { loadThemeExtension } from "~/modules/storefront/theme-extension.server";
import { renderStorefrontPreview } from "~/modules/storefront/preview.server";
import { storefrontView } from "../../server/demo-shop";
import { createShopStore } from "../support/emulator";
import { ROOT } from "../support/paths";

/** What the FAQ publish writes into the (emulated) shop is what the demo storefront's FAQ block shows. */
describe("demo storefront FAQ", () => {
  it("renders the published FAQ from the app-data metafield, in the shopper's language", async () => {
    const store = createShopStore({ seed: 42 });
    const now = new Date("2026-11-24T12:00:00Z");
    const faq = buildPublishedFaq(
      [
        {
          locale: "en",
          topic: "Delivery",
          question: "Is delivery free?",
          answer: "Yes, from 50 €.",
          position: 0,
          published: true,
        },
        {
          locale: "fr",
          topic: "Livraison",
          question: "La livraison est-elle offerte ?",
          answer: "Oui, dès 50 €.",
          position: 0,
          published: true,
        },
      ],
      "en",
      now,
    );
    expect(storefrontView(store).appMetafields).toEqual({});
    const { userErrors } = store.setMetafields([
      {
        ownerId: store.shop.appInstallationId,
        namespace: "kindly",
        key: "faq",
        type: "json",
        value: JSON.stringify(faq),
      },
    ]);
    expect(userErrors).toEqual([]);
    const view = storefrontView(store);
    expect(view.appMetafields).toEqual({ kindly: { faq } });

    const extension = await loadThemeExtension(path.join(ROOT, "extensions", "kindly-storefront"));
    for (const [locale, question] of [
      ["en", "Is delivery free?"],
      ["fr", "La livraison est-elle offerte ?"],
    ]) {
      const page = await renderStorefrontPreview({
        extension,
        ...view,
        requestedLocale: locale,
        now,
        baseUrl: "/demo/storefront",
        page: { kind: "home" },
      });
      expect(page.html).toContain(question);
    }
  });
});
