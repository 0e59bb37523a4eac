import type { AdminApiContext } from "@shopify/shopify-app-remix/server";
import prisma from "~/db.server";
import { FAQ_PUBLISH_MUTATION, type FaqPublishResult, type FaqPublishVariables } from "~/graphql/FaqPublish";
import { FAQ_PUBLISHED_QUERY, type FaqPublishedResult } from "~/graphql/FaqPublished";
import { SHOP_INFO_QUERY, type ShopInfoResult } from "~/graphql/ShopInfo";
import { runAdminQuery } from "~/modules/shop/graphql.server";
import {
  buildPublishedFaq,
  FAQ_LIMITS,
  FAQ_LOCALES,
  FAQ_METAFIELD,
  missingPolicies,
  parsePublishedFaq,
  policySuggestions,
  type FaqEntryInput,
  type FaqLocale,
  type PolicyType,
  type PublishedFaq,
} from "~/modules/storefront/faq";
import { invalidateFaqSearch } from "~/modules/storefront/faq-search.server";

/**
 * The FAQ's data: entries per shop (every query filters by shop, so one shop never reads or edits another's),
 * their order, policy suggestions, and publishing to the metafield the storefront block and the search read.
 */

export interface FaqEntryView {
  id: string;
  locale: FaqLocale;
  topic: string;
  question: string;
  answer: string;
  position: number;
  published: boolean;
  updatedAt: string;
}

const asLocale = (locale: string): FaqLocale =>
  FAQ_LOCALES.includes(locale as FaqLocale) ? (locale as FaqLocale) : "en";

export async function listFaqEntries(shop: string): Promise<FaqEntryView[]> {
  const rows = await prisma.faqEntry.findMany({
    where: { shop },
    orderBy: [{ locale: "asc" }, { position: "asc" }, { createdAt: "asc" }],
  });
  return rows.map((row) => ({
    id: row.id,
    locale: asLocale(row.locale),
    topic: row.topic,
    question: row.question,
    answer: row.answer,
    position: row.position,
    published: row.published,
    updatedAt: row.updatedAt.toISOString(),
  }));
}

export type SaveFaqResult =
  | { result: "CREATED"; id: string }
  | { result: "UPDATED"; id: string }
  | { result: "NOT_FOUND" }
  | { result: "TOO_MANY" };

export async function saveFaqEntry(shop: string, input: FaqEntryInput): Promise<SaveFaqResult> {
  const fields = {
    locale: input.locale,
    topic: input.topic,
    question: input.question,
    answer: input.answer,
    published: input.published,
  };
  if (input.id) {
    // updateMany with the shop in the filter: an id from another shop matches nothing instead of being edited.
    const updated = await prisma.faqEntry.updateMany({ where: { id: input.id, shop }, data: fields });
    return updated.count === 1 ? { result: "UPDATED", id: input.id } : { result: "NOT_FOUND" };
  }
  if ((await prisma.faqEntry.count({ where: { shop } })) >= FAQ_LIMITS.entries) return { result: "TOO_MANY" };
  const last = await prisma.faqEntry.findFirst({
    where: { shop, locale: input.locale },
    orderBy: { position: "desc" },
    select: { position: true },
  });
  const created = await prisma.faqEntry.create({ data: { shop, ...fields, position: (last?.position ?? -1) + 1 } });
  return { result: "CREATED", id: created.id };
}

export async function deleteFaqEntry(shop: string, id: string): Promise<"DELETED" | "NOT_FOUND"> {
  const deleted = await prisma.faqEntry.deleteMany({ where: { id, shop } });
  return deleted.count === 1 ? "DELETED" : "NOT_FOUND";
}

export type MoveFaqResult = "MOVED" | "AT_EDGE" | "NOT_FOUND";

/**
 * Swaps an entry with its neighbour in the same language and topic: merchants order questions within a topic, and
 * topics follow their first question. Positions are renumbered 0..n first so that equal positions cannot stall a move.
 */
export async function moveFaqEntry(shop: string, id: string, direction: "up" | "down"): Promise<MoveFaqResult> {
  return prisma.$transaction(async (tx) => {
    const entry = await tx.faqEntry.findFirst({ where: { id, shop } });
    if (!entry) return "NOT_FOUND";
    const siblings = await tx.faqEntry.findMany({
      where: { shop, locale: entry.locale },
      orderBy: [{ position: "asc" }, { createdAt: "asc" }],
    });
    const sameTopic = siblings.filter((row) => row.topic.trim().toLowerCase() === entry.topic.trim().toLowerCase());
    const index = sameTopic.findIndex((row) => row.id === id);
    const neighbour = sameTopic[direction === "up" ? index - 1 : index + 1];
    if (!neighbour) return "AT_EDGE";
    const order = siblings.map((row) => row.id);
    const from = order.indexOf(id);
    const to = order.indexOf(neighbour.id);
    [order[from], order[to]] = [order[to], order[from]];
    for (const [position, rowId] of order.entries()) {
      await tx.faqEntry.update({ where: { id: rowId }, data: { position } });
    }
    return "MOVED";
  });
}

export interface FaqShopFacts {
  policies: Array<{ type: string; title: string; url: string }>;
  missingPolicies: PolicyType[];
}

export async function loadShopFacts(admin: AdminApiContext): Promise<FaqShopFacts> {
  const { shop } = await runAdminQuery<ShopInfoResult>(admin, "ShopInfo", SHOP_INFO_QUERY);
  return { policies: shop.shopPolicies, missingPolicies: missingPolicies(shop.shopPolicies) };
}

export interface PublishedState {
  installationId: string;
  faq: PublishedFaq | null;
  publishedAt: string | null;
}

export async function loadPublishedFaq(admin: AdminApiContext): Promise<PublishedState> {
  const { currentAppInstallation } = await runAdminQuery<FaqPublishedResult>(
    admin,
    "FaqPublished",
    FAQ_PUBLISHED_QUERY,
  );
  const faq = parsePublishedFaq(currentAppInstallation.metafield?.jsonValue ?? null);
  return {
    installationId: currentAppInstallation.id,
    faq,
    publishedAt: faq?.published_at ?? currentAppInstallation.metafield?.updatedAt ?? null,
  };
}

export type ImportSuggestionsResult = { result: "IMPORTED"; added: number; alreadyThere: number };

/**
 * Adds one unpublished draft per written policy, linking to it. A suggestion whose question is already in the FAQ
 * (same language) is skipped, so importing twice does not duplicate drafts.
 */
export async function importPolicySuggestions(
  shop: string,
  admin: AdminApiContext,
  locale: FaqLocale,
): Promise<ImportSuggestionsResult> {
  const { policies } = await loadShopFacts(admin);
  const suggestions = policySuggestions(policies, locale);
  const existing = await prisma.faqEntry.findMany({
    where: { shop, locale },
    select: { question: true, position: true },
  });
  const questions = new Set(existing.map((row) => row.question.trim().toLowerCase()));
  let position = existing.reduce((max, row) => Math.max(max, row.position), -1);
  let added = 0;
  for (const suggestion of suggestions) {
    if (questions.has(suggestion.question.toLowerCase())) continue;
    await prisma.faqEntry.create({
      data: {
        shop,
        locale,
        topic: suggestion.topic,
        question: suggestion.question,
        answer: suggestion.answer,
        position: ++position,
        published: false,
      },
    });
    added += 1;
  }
  return { result: "IMPORTED", added, alreadyThere: suggestions.length - added };
}

export type PublishFaqResult =
  { result: "PUBLISHED"; entries: number; publishedAt: string } | { result: "REJECTED"; message: string };

/**
 * Writes every published entry, grouped by language and topic, to the app-data metafield in one metafieldsSet.
 * The whole FAQ goes in one value (well under the 128 KB JSON limit at 200 entries of bounded size), so the block
 * never shows half of an update. The shop's search index is dropped afterwards so search matches the block.
 */
export async function publishFaq(shop: string, admin: AdminApiContext, now: Date): Promise<PublishFaqResult> {
  const [{ installationId }, entries, shopRow] = await Promise.all([
    loadPublishedFaq(admin),
    prisma.faqEntry.findMany({ where: { shop, published: true } }),
    prisma.shop.findUnique({ where: { shop }, select: { primaryLocale: true } }),
  ]);
  const defaultLocale = asLocale(shopRow?.primaryLocale?.split("-")[0] ?? "en");
  const faq = buildPublishedFaq(entries, defaultLocale, now);
  const variables: FaqPublishVariables = {
    metafields: [{ ownerId: installationId, ...FAQ_METAFIELD, value: JSON.stringify(faq) }],
  };
  const { metafieldsSet } = await runAdminQuery<FaqPublishResult>(admin, "FaqPublish", FAQ_PUBLISH_MUTATION, variables);
  if (metafieldsSet.userErrors.length > 0 || !metafieldsSet.metafields?.length) {
    return { result: "REJECTED", message: metafieldsSet.userErrors.map((error) => error.message).join(" ") };
  }
  invalidateFaqSearch(shop);
  return { result: "PUBLISHED", entries: entries.length, publishedAt: faq.published_at };
}
