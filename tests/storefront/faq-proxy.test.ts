import { createHmac } from "node:crypto";
import path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createSession, createShop } from "../support/factories";
import { createEmulator, createShopStore, startEmulatorServer, type EmulatorServer } from "../support/emulator";
import { ROOT } from "../support/paths";
import { buildPublishedFaq, FAQ_METAFIELD } from "~/modules/storefront/faq";
import { FAQ_SEARCH_RATE, resetFaqSearchState } from "~/modules/storefront/faq-search.server";
import { renderExtensionBlock } from "~/modules/storefront/preview.server";
import { loadThemeExtension } from "~/modules/storefront/theme-extension.server";
import type * as ProxyRoute from "~/routes/proxy.faq";

/**
 * FAQ search through the app proxy: Shopify's signature (sorted key=value pairs, no separator, HMAC-SHA256 hex with
 * the app secret), the shop from the verified query, French without accents, and the per-IP limit. Then the FAQ
 * block itself rendered from the same published JSON.
 */

const SECRET = "test-api-secret";
const store = createShopStore({ seed: 42 });
const emulator = createEmulator({ shops: [store], appUrl: "https://kindly.test", apiSecret: SECRET });
let server: EmulatorServer;
let proxy: typeof ProxyRoute;

const entries = [
  {
    locale: "fr",
    topic: "Livraison",
    question: "Livraison offerte ?",
    answer: "Oui, la livraison est gratuite dès 50 €.",
    position: 0,
    published: true,
  },
  {
    locale: "fr",
    topic: "Retours",
    question: "Comment être remboursé ?",
    answer: "Vous êtes remboursé sous 10 jours après réception du colis.",
    position: 1,
    published: true,
  },
  {
    locale: "fr",
    topic: "Retours",
    question: "Échanger une taille",
    answer: "Écrivez-nous <script>alert('x')</script> avec votre numéro de commande.",
    position: 2,
    published: true,
  },
  {
    locale: "en",
    topic: "Shipping",
    question: "Is shipping free?",
    answer: "Yes, from 50 EUR.",
    position: 0,
    published: true,
  },
];
const published = buildPublishedFaq(entries, "en", new Date("2026-11-24T12:00:00Z"));

beforeAll(async () => {
  server = startEmulatorServer(emulator);
  await createShop(store.domain);
  await createSession(store.domain);
  store.setMetafields([{ ownerId: store.shop.appInstallationId, ...FAQ_METAFIELD, value: JSON.stringify(published) }]);
  proxy = await import("~/routes/proxy.faq");
});
afterAll(() => server?.close());
beforeEach(() => resetFaqSearchState());

function signedUrl(
  params: Record<string, string>,
  { secret = SECRET, timestamp = Math.floor(Date.now() / 1000) } = {},
) {
  const query: Record<string, string> = {
    shop: store.domain,
    logged_in_customer_id: "",
    path_prefix: "/apps/kindly",
    timestamp: String(timestamp),
    ...params,
  };
  const message = Object.keys(query)
    .sort()
    .map((key) => `${key}=${query[key]}`)
    .join("");
  const signature = createHmac("sha256", secret).update(message).digest("hex");
  return `https://kindly.test/proxy/faq?${new URLSearchParams({ ...query, signature }).toString()}`;
}

async function search(url: string, ip = "203.0.113.7") {
  const response = await proxy.loader({
    request: new Request(url, { headers: { "X-Forwarded-For": ip } }),
    params: {},
    context: {},
  });
  return { status: response.status, headers: response.headers, text: await response.text() };
}

describe("GET /proxy/faq", () => {
  it("finds French entries for accent-less, partly typed French queries", async () => {
    const free = await search(signedUrl({ q: "livraison gratuite", locale: "fr" }));
    expect(free.status).toBe(200);
    expect(JSON.parse(free.text).results[0]).toEqual({
      question: "Livraison offerte ?",
      answer: "Oui, la livraison est gratuite dès 50 €.",
      topic: "Livraison",
    });
    const refund = JSON.parse((await search(signedUrl({ q: "reembourse", locale: "fr" }))).text);
    expect(refund.results.map((hit: { question: string }) => hit.question)).toEqual(["Comment être remboursé ?"]);
    const typing = JSON.parse((await search(signedUrl({ q: "echan", locale: "fr-CA" }))).text);
    expect(typing.results.map((hit: { question: string }) => hit.question)).toEqual(["Échanger une taille"]);
    const english = JSON.parse((await search(signedUrl({ q: "free shiping", locale: "en" }))).text);
    expect(english.results.map((hit: { question: string }) => hit.question)).toEqual(["Is shipping free?"]);
  });

  it("never reflects markup unescaped: < > & come back as \\u escapes", async () => {
    const answer = await search(signedUrl({ q: "<script>echanger", locale: "fr" }));
    expect(answer.headers.get("content-type")).toContain("application/json");
    expect(answer.text).not.toContain("<script");
    expect(JSON.parse(answer.text).results[0].answer).toContain("<script>alert('x')</script>");
  });

  it("answers 401 with nothing for a forged, missing or expired signature", async () => {
    const forged = await search(signedUrl({ q: "livraison", locale: "fr" }, { secret: "wrong-secret" }));
    expect(forged.status).toBe(401);
    expect(forged.text).not.toContain("Livraison");
    const unsigned = await search(`https://kindly.test/proxy/faq?shop=${store.domain}&q=livraison`);
    expect(unsigned.status).toBe(401);
    const expired = await search(signedUrl({ q: "livraison" }, { timestamp: Math.floor(Date.now() / 1000) - 3600 }));
    expect(expired.status).toBe(401);
    // A signature for one shop cannot be replayed for another: the shop is part of the signed message.
    const moved = signedUrl({ q: "livraison" }).replace(encodeURIComponent(store.domain), "other.myshopify.com");
    expect((await search(moved)).status).toBe(401);
  });

  it("limits each IP with a clear 429 and Retry-After, without affecting another IP", async () => {
    for (let i = 0; i < FAQ_SEARCH_RATE.requests; i++) {
      expect((await search(signedUrl({ q: "livraison" }), "198.51.100.1")).status).toBe(200);
    }
    const limited = await search(signedUrl({ q: "livraison" }), "198.51.100.1");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(JSON.parse(limited.text)).toMatchObject({ error: "rate_limited" });
    expect((await search(signedUrl({ q: "livraison" }), "198.51.100.2")).status).toBe(200);
  });
});

describe("FAQ block", () => {
  const render = async (locale: string, settings: Record<string, unknown> = {}) =>
    (
      await renderExtensionBlock({
        extension: await loadThemeExtension(path.join(ROOT, "extensions", "kindly-storefront")),
        handle: "faq",
        requestedLocale: locale,
        settings,
        appMetafields: { kindly: { faq: published } },
      })
    ).html;

  it("renders the shopper's language as a details/summary accordion grouped by topic, merchant text inert", async () => {
    const html = await render("fr");
    expect(html).toContain('<h2 class="kindly-faq__heading" id="KindlyFaq-faq-preview">Questions fréquentes</h2>');
    expect(html).toContain('<summary class="kindly-faq__question">Livraison offerte ?</summary>');
    expect(html.match(/<h3 class="kindly-faq__topic-name">/g)).toHaveLength(2);
    expect(html).toContain("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
    expect(html).not.toMatch(/<script/);
    expect(html).not.toContain("Is shipping free?");
  });

  it("falls back to the default language, and shows only the chosen topics", async () => {
    expect(await render("de")).toContain("Is shipping free?");
    const onlyReturns = await render("fr", { topics: " retours , nothing" });
    expect(onlyReturns).toContain("Échanger une taille");
    expect(onlyReturns).not.toContain("Livraison offerte ?");
  });

  it("emits FAQPage JSON-LD only as the page's main content, escaped so it cannot close its script", async () => {
    const html = await render("fr", { main_content: true });
    const scripts = [...html.matchAll(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/g)];
    expect(scripts).toHaveLength(1);
    const ld = JSON.parse(scripts[0][1]) as {
      "@type": string;
      mainEntity: Array<{ name: string; acceptedAnswer: { text: string } }>;
    };
    expect(ld["@type"]).toBe("FAQPage");
    expect(ld.mainEntity.map((question) => question.name)).toEqual([
      "Livraison offerte ?",
      "Comment être remboursé ?",
      "Échanger une taille",
    ]);
    expect(ld.mainEntity[2].acceptedAnswer.text).toContain("<script>alert('x')</script>");
    expect(scripts[0][1]).not.toContain("</script");
    expect(await render("fr")).not.toContain("application/ld+json");
  });
});
