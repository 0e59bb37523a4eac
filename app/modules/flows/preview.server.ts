import type { Shop } from "~/generated/prisma/client";
import { shopVariables, storefrontUrl } from "~/modules/recovery/render.server";
import type { SampleFor } from "~/modules/recovery/preview.server";
import type { EditorLocale } from "~/modules/recovery/editor";
import { describeDiscount } from "~/modules/discounts/discounts";
import type { CareVariables } from "~/modules/flows/care.server";
import type { FlowOptions, LifecycleTrigger } from "~/modules/flows/triggers";

/**
 * The care flows' live preview and test sends: a realistic subject that exists nowhere (a first name, a delivered
 * order with two items, care instructions, rating links that go nowhere, the VIP perk if the merchant offers one),
 * rendered by the same `renderStep` a worker uses.
 */
const SAMPLES: Record<
  EditorLocale,
  { firstName: string; items: Array<{ title: string; quantity: number }>; tip: string }
> = {
  en: {
    firstName: "Emma",
    items: [
      { title: "Stoneware Mug (Oat)", quantity: 2 },
      { title: "House Blend Coffee Beans (250 g)", quantity: 1 },
    ],
    tip: "Hand-wash in warm water; the glaze keeps its shine for years.",
  },
  fr: {
    firstName: "Camille",
    items: [
      { title: "Mug en grès (Avoine)", quantity: 2 },
      { title: "Café House Blend (250 g)", quantity: 1 },
    ],
    tip: "Lavez-le à la main à l'eau tiède : l'émail garde son éclat des années.",
  },
};

export function careSample(trigger: LifecycleTrigger, options: FlowOptions): SampleFor {
  return (shop: Shop, locale: EditorLocale) => {
    const sample = SAMPLES[locale];
    const storefront = storefrontUrl(shop);
    const statusUrl = `${storefront}/account/orders/sample`;
    const ratingLinks =
      trigger === "ORDER_DELIVERED"
        ? [5, 4, 3, 2, 1].map((score) => ({ score, url: `https://kindly.invalid/r/sample-${score}` }))
        : [];
    const perk =
      trigger === "SEGMENT_VIP" && options.perk
        ? {
            code: "VIP-SAMPLE-7Q2K",
            description: describeDiscount(options.perk.kind, options.perk.value, shop.currencyCode, locale),
            expires_on: new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: "UTC" }).format(
              new Date(Date.UTC(2026, 11, 31)),
            ),
          }
        : null;
    const reviewUrl = options.reviewUrl ?? storefront;
    const variables: CareVariables = {
      first_name: sample.firstName,
      items: sample.items.map((item) => ({ ...item, price: "" })),
      total: "",
      currency: shop.currencyCode,
      recovery_url: storefront,
      ...shopVariables(shop, locale),
      order: { name: "#1042", status_url: statusUrl, items: sample.items, tracking: [] },
      care_tips: trigger === "FIRST_ORDER" ? [{ product: sample.items[0].title, tip: sample.tip }] : [],
      rating_links: ratingLinks,
      perk,
      review_url: reviewUrl,
    };
    return { variables, links: [...ratingLinks.map((link) => link.url), reviewUrl, statusUrl] };
  };
}
