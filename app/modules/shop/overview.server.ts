import prisma from "~/db.server";

export interface ShopOverview {
  shopName: string | null;
  installedAt: string | null;
  sendingEnabled: boolean;
  rejectedWebhooks: number;
}

/** The shop's header facts for the dashboard: name, install state, and deliveries Kindly kept but could not use. */
export async function getShopOverview(shop: string): Promise<ShopOverview> {
  const [record, rejectedWebhooks] = await Promise.all([
    prisma.shop.findUnique({ where: { shop }, select: { name: true, installedAt: true, sendingEnabled: true } }),
    prisma.webhookEvent.count({ where: { shop, status: "REJECTED" } }),
  ]);
  return {
    shopName: record?.name ?? null,
    installedAt: record?.installedAt.toISOString() ?? null,
    sendingEnabled: record?.sendingEnabled ?? false,
    rejectedWebhooks,
  };
}
