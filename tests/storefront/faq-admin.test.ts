import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { resetEnvForTests } from "~/env.server";
import { createShopStore, createEmulator, startEmulatorServer, type EmulatorServer } from "../support/emulator";
import { createSession, createShop } from "../support/factories";
import type * as FaqRoute from "~/routes/app.faq";

/**
 * The FAQ admin page's loader and action with real Requests, in demo mode (the admin acts as the demo shop through
 * its offline session); the Admin API is the shop emulator over MSW, so publishing really writes the metafield.
 */

const DEMO_SHOP = "kindly-demo.myshopify.com";
const OTHER_SHOP = "someone-else.myshopify.com";
const store = createShopStore({ seed: 42 });
const emulator = createEmulator({ shops: [store], appUrl: "https://kindly.test", apiSecret: "test-api-secret" });
let server: EmulatorServer;
let faq: typeof FaqRoute;

beforeAll(async () => {
  process.env.KINDLY_DEMO = "1";
  resetEnvForTests();
  server = startEmulatorServer(emulator);
  await createShop(DEMO_SHOP, { primaryLocale: "fr" });
  await createSession(DEMO_SHOP);
  await createShop(OTHER_SHOP);
  faq = await import("~/routes/app.faq");
});

afterAll(() => {
  server?.close();
  delete process.env.KINDLY_DEMO;
  resetEnvForTests();
});

async function post(body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const request = new Request("http://localhost:3000/app/faq", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  try {
    const result: unknown = await faq.action({ request, params: {}, context: {} });
    if (result && typeof result === "object" && "type" in result && result.type === "DataWithResponseInit") {
      const wrapped = result as unknown as { data: Record<string, unknown>; init: ResponseInit | null };
      return { status: wrapped.init?.status ?? 200, body: wrapped.data };
    }
    return { status: 200, body: result as Record<string, unknown> };
  } catch (error) {
    if (error instanceof Response) return { status: error.status, body: {} };
    throw error;
  }
}

const load = () => faq.loader({ request: new Request("http://localhost:3000/app/faq"), params: {}, context: {} });
const entry = (overrides: Record<string, unknown> = {}) => ({
  locale: "fr",
  topic: "Livraison",
  question: "Livraison offerte ?",
  answer: "Oui, la livraison est gratuite dès 50 €.",
  published: true,
  ...overrides,
});

describe("FAQ admin", () => {
  it("refuses bad input with field errors and saves nothing", async () => {
    const before = await prisma.faqEntry.count();
    const answer = await post({
      intent: "save",
      entry: entry({ question: "  ", answer: "x".repeat(2001), locale: "de" }),
    });
    expect(answer.status).toBe(400);
    expect(answer.body.fieldErrors).toEqual({
      locale: "Choose English or French",
      question: "Question is required",
      answer: "Answer must be 2000 characters or fewer",
    });
    expect(await prisma.faqEntry.count()).toBe(before);
  });

  it("creates, edits, reorders within a topic and deletes, scoped to the shop", async () => {
    expect((await post({ intent: "save", entry: entry() })).status).toBe(200);
    await post({ intent: "save", entry: entry({ question: "Quels délais ?", answer: "2 à 4 jours ouvrés." }) });
    await post({
      intent: "save",
      entry: entry({
        topic: "Retours",
        question: "Puis-je être remboursé ?",
        answer: "Oui, sous 30 jours : vous êtes remboursé.",
      }),
    });
    let rows = await prisma.faqEntry.findMany({ where: { shop: DEMO_SHOP }, orderBy: { position: "asc" } });
    expect(rows.map((row) => row.question)).toEqual([
      "Livraison offerte ?",
      "Quels délais ?",
      "Puis-je être remboursé ?",
    ]);

    expect((await post({ intent: "move", id: rows[1].id, direction: "up" })).body.message).toBe("Order changed.");
    expect((await post({ intent: "move", id: rows[1].id, direction: "up" })).body.message).toBe(
      "Already first in its topic.",
    );
    rows = await prisma.faqEntry.findMany({ where: { shop: DEMO_SHOP }, orderBy: { position: "asc" } });
    expect(rows.map((row) => row.question)).toEqual([
      "Quels délais ?",
      "Livraison offerte ?",
      "Puis-je être remboursé ?",
    ]);

    const edited = await post({
      intent: "save",
      entry: entry({ id: rows[0].id, question: "Quels sont les délais ?", answer: "2 à 4 jours." }),
    });
    expect(edited.status).toBe(200);
    expect((await prisma.faqEntry.findUniqueOrThrow({ where: { id: rows[0].id } })).question).toBe(
      "Quels sont les délais ?",
    );

    const extra = await prisma.faqEntry.create({
      data: { shop: DEMO_SHOP, locale: "en", topic: "Misc", question: "Bye?", answer: "Yes." },
    });
    expect((await post({ intent: "delete", id: extra.id })).status).toBe(200);
    expect(await prisma.faqEntry.findUnique({ where: { id: extra.id } })).toBeNull();
  });

  it("cannot edit, move or delete another shop's entries: 404 and the row is untouched", async () => {
    const theirs = await prisma.faqEntry.create({
      data: { shop: OTHER_SHOP, locale: "en", topic: "Secret", question: "Theirs?", answer: "Theirs." },
    });
    expect((await post({ intent: "save", entry: entry({ id: theirs.id, question: "Mine now" }) })).status).toBe(404);
    expect((await post({ intent: "move", id: theirs.id, direction: "down" })).status).toBe(404);
    expect((await post({ intent: "delete", id: theirs.id })).status).toBe(404);
    expect(await prisma.faqEntry.findUniqueOrThrow({ where: { id: theirs.id } })).toMatchObject({
      question: "Theirs?",
    });
    const { entries } = await load();
    expect(entries.some((row) => row.id === theirs.id)).toBe(false);
  });

  it("imports one draft per written policy, linking to it, once", async () => {
    const first = await post({ intent: "import-policies", locale: "en" });
    expect(first.status).toBe(200);
    const drafts = await prisma.faqEntry.findMany({ where: { shop: DEMO_SHOP, locale: "en" } });
    const written = store.shop.policies.filter((policy) =>
      ["REFUND_POLICY", "SHIPPING_POLICY", "PRIVACY_POLICY", "TERMS_OF_SERVICE"].includes(policy.type),
    );
    expect(drafts).toHaveLength(written.length);
    expect(drafts.every((draft) => !draft.published)).toBe(true);
    for (const policy of written) expect(drafts.some((draft) => draft.answer.includes(policy.url))).toBe(true);
    await post({ intent: "import-policies", locale: "en" });
    expect(await prisma.faqEntry.count({ where: { shop: DEMO_SHOP, locale: "en" } })).toBe(written.length);
  });

  it("lists missing policies from the Admin API and links to Settings > Policies", async () => {
    const { missingPolicies } = await load();
    const written = new Set<string>(store.shop.policies.map((policy) => policy.type));
    expect(missingPolicies.map((policy) => policy.type)).toEqual(
      ["REFUND_POLICY", "SHIPPING_POLICY", "PRIVACY_POLICY", "TERMS_OF_SERVICE"].filter((type) => !written.has(type)),
    );
  });

  it("publishes the entries marked for the storefront as JSON in the app-data metafield, and records when", async () => {
    await prisma.faqEntry.create({
      data: {
        shop: DEMO_SHOP,
        locale: "fr",
        topic: "Retours",
        question: "<script>alert(1)</script> ?",
        answer: "<b>non</b>",
        published: false,
      },
    });
    const published = await post({ intent: "publish" });
    expect(published).toMatchObject({
      status: 200,
      body: { ok: true, message: "Published 3 questions to your store." },
    });

    const metafield = store.getMetafield(store.shop.appInstallationId, "kindly", "faq");
    expect(metafield?.type).toBe("json");
    const value = JSON.parse(metafield!.value) as Record<string, unknown>;
    expect(value).toMatchObject({
      version: 1,
      default_locale: "fr",
      locales: {
        fr: {
          topics: [
            {
              name: "Livraison",
              handle: "livraison",
              entries: [
                { question: "Quels sont les délais ?", answer: "2 à 4 jours." },
                { question: "Livraison offerte ?", answer_html: "<p>Oui, la livraison est gratuite dès 50 €.</p>" },
              ],
            },
            { name: "Retours", entries: [{ question: "Puis-je être remboursé ?" }] },
          ],
        },
      },
    });
    expect(JSON.stringify(value)).not.toContain("alert(1)"); // drafts stay in the admin
    expect(value).not.toHaveProperty("locales.en"); // imported suggestions are unpublished drafts

    const { publishedAt, previews } = await load();
    expect(publishedAt).toBe(value.published_at);
    expect(previews.fr).toContain("Livraison offerte ?");
    expect(previews.fr).not.toContain("<script");
  });
});
