import type { AdminApiContext } from "@shopify/shopify-app-remix/server";
import prisma from "~/db.server";
import { getClock } from "~/clock.server";
import { SHOP_INFO_QUERY, type ShopInfoResult } from "~/graphql/ShopInfo";
import { runAdminQuery } from "~/modules/shop/graphql.server";

/**
 * Called after every successful OAuth/token exchange: records the shop, refreshes what we know about it from
 * the Admin API, and resumes sending if an earlier uninstall had stopped it.
 */
export async function recordInstall(shop: string, admin: AdminApiContext): Promise<void> {
  const { shop: info } = await runAdminQuery<ShopInfoResult>(admin, "ShopInfo", SHOP_INFO_QUERY);
  const facts = {
    name: info.name,
    email: info.email,
    contactEmail: info.contactEmail,
    currencyCode: info.currencyCode,
    ianaTimezone: info.ianaTimezone,
    primaryDomain: info.primaryDomain.host,
  };
  await prisma.shop.upsert({
    where: { shop },
    create: { shop, ...facts, installedAt: getClock().now() },
    update: { ...facts, uninstalledAt: null, sendingEnabled: true },
  });
}
