import type { AdminApiContext } from "@shopify/shopify-app-remix/server";
import prisma from "~/db.server";
import { getLogger } from "~/logger.server";
import { CUSTOMER_TAGS_ADD_MUTATION, type CustomerTagsAddResult } from "~/graphql/CustomerTagsAdd";
import { CUSTOMER_TAGS_REMOVE_MUTATION, type CustomerTagsRemoveResult } from "~/graphql/CustomerTagsRemove";
import { runAdminQuery } from "~/modules/shop/graphql.server";
import { segmentTags, SEGMENTS, type Segment } from "~/modules/customers/segments";

/**
 * "Sync segment to Shopify tags": members of the segment get its tag (tagsAdd), customers who left it lose it
 * (tagsRemove), and tags of Kindly's that no segment uses any more (after a rename) are removed. Kindly removes
 * only tags it added itself, tracked per customer in kindlyTagsJson; a tag the merchant had put there already is
 * left alone and never recorded as Kindly's. Idempotent: a second run finds nothing to change and calls nothing.
 * Customers are read in pages and each customer's bookkeeping is saved right after its mutation succeeds, so an
 * interrupted sync resumes where it stopped. Calls pace themselves by Shopify's query cost (runAdminQuery).
 */

const PAGE = 250;

export interface TagSyncResult {
  segment: Segment;
  tag: string;
  added: number;
  removed: number;
  failed: number;
  /** The first few Shopify refusals, for the merchant. */
  errors: string[];
}

function parseTagList(json: string | null): string[] {
  if (!json) return [];
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? value.filter((tag): tag is string => typeof tag === "string") : [];
  } catch {
    return [];
  }
}

/** Shopify's customer tags as Kindly stores them (", "-joined, as in webhook payloads). */
export function splitShopifyTags(tags: string | null): string[] {
  return (tags ?? "")
    .split(",")
    .map((tag) => tag.trim())
    .filter((tag) => tag !== "");
}

const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const includesTag = (list: string[], tag: string) => list.some((item) => same(item, tag));

export async function syncSegmentTags(admin: AdminApiContext, shop: string, segment: Segment): Promise<TagSyncResult> {
  const settings = await prisma.shop.findUniqueOrThrow({ where: { shop }, select: { segmentTagsJson: true } });
  const names = segmentTags(settings.segmentTagsJson);
  const tag = names[segment];
  const current = SEGMENTS.map((s) => names[s]);
  const result: TagSyncResult = { segment, tag, added: 0, removed: 0, failed: 0, errors: [] };
  const log = getLogger().child({ shop, segment });
  const refuse = (message: string) => {
    result.failed += 1;
    if (result.errors.length < 5) result.errors.push(message);
  };

  let cursor: string | undefined;
  for (;;) {
    // Members, and anyone carrying a tag of Kindly's (who may have left the segment).
    const page = await prisma.customer.findMany({
      where: { shop, shopifyId: { not: null }, OR: [{ segment }, { kindlyTagsJson: { not: null } }] },
      select: { id: true, shopifyId: true, segment: true, tags: true, kindlyTagsJson: true },
      orderBy: { id: "asc" },
      take: PAGE,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    if (page.length === 0) break;
    cursor = page[page.length - 1].id;
    for (const customer of page) {
      const member = customer.segment === segment;
      let kindly = parseTagList(customer.kindlyTagsJson);
      let shopifyTags = splitShopifyTags(customer.tags);
      const toAdd = member && !includesTag(shopifyTags, tag) && !includesTag(kindly, tag) ? [tag] : [];
      const toRemove = kindly.filter((t) => (same(t, tag) && !member) || !includesTag(current, t));
      if (toAdd.length === 0 && toRemove.length === 0) continue;
      const id = customer.shopifyId!;
      if (toAdd.length > 0) {
        const { tagsAdd } = await runAdminQuery<CustomerTagsAddResult>(
          admin,
          "CustomerTagsAdd",
          CUSTOMER_TAGS_ADD_MUTATION,
          {
            id,
            tags: toAdd,
          },
        );
        if (tagsAdd && tagsAdd.userErrors.length === 0) {
          kindly = [...kindly, ...toAdd];
          shopifyTags = [...shopifyTags, ...toAdd];
          result.added += 1;
        } else refuse(`${id}: ${tagsAdd?.userErrors.map((e) => e.message).join("; ") ?? "no answer"}`);
      }
      if (toRemove.length > 0) {
        const { tagsRemove } = await runAdminQuery<CustomerTagsRemoveResult>(
          admin,
          "CustomerTagsRemove",
          CUSTOMER_TAGS_REMOVE_MUTATION,
          { id, tags: toRemove },
        );
        if (tagsRemove && tagsRemove.userErrors.length === 0) {
          kindly = kindly.filter((t) => !includesTag(toRemove, t));
          shopifyTags = shopifyTags.filter((t) => !includesTag(toRemove, t));
          result.removed += 1;
        } else refuse(`${id}: ${tagsRemove?.userErrors.map((e) => e.message).join("; ") ?? "no answer"}`);
      }
      await prisma.customer.update({
        where: { id: customer.id },
        data: { kindlyTagsJson: kindly.length ? JSON.stringify(kindly) : null, tags: shopifyTags.join(", ") },
      });
    }
  }
  log.info({ added: result.added, removed: result.removed, failed: result.failed }, "segment tags synced");
  return result;
}
