import prisma from "~/db.server";

export interface ShopOverview {
  shopName: string | null;
  installedAt: string | null;
  sendingEnabled: boolean;
  customers: number;
  orders: number;
  openCheckouts: number;
  conversations: number;
  rejectedWebhooks: number;
}

/** What Kindly currently holds for a shop: plain counts, computed in the database. */
export async function getShopOverview(shop: string): Promise<ShopOverview> {
  const [record, customers, orders, openCheckouts, conversations, rejectedWebhooks] = await Promise.all([
    prisma.shop.findUnique({ where: { shop } }),
    prisma.customer.count({ where: { shop } }),
    prisma.order.count({ where: { shop } }),
    prisma.checkout.count({ where: { shop, status: "OPEN" } }),
    prisma.conversation.count({ where: { shop } }),
    prisma.webhookEvent.count({ where: { shop, status: "REJECTED" } }),
  ]);
  return {
    shopName: record?.name ?? null,
    installedAt: record?.installedAt.toISOString() ?? null,
    sendingEnabled: record?.sendingEnabled ?? false,
    customers,
    orders,
    openCheckouts,
    conversations,
    rejectedWebhooks,
  };
}
