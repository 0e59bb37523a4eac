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

export interface ShopSettingsView {
  senderName: string | null;
  senderEmail: string | null;
  smtpConfigured: boolean;
  smsConfigured: boolean;
  twilioFromNumber: string | null;
  quietHours: string;
  frequencyCapHours: number;
  consentPolicy: string;
  sla: string;
}

function minutesToClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}

/** The shop's settings as the admin may see them: secrets are reduced to "configured or not". */
export async function getShopSettingsView(shop: string): Promise<ShopSettingsView | null> {
  const record = await prisma.shop.findUnique({ where: { shop } });
  if (!record) return null;
  return {
    senderName: record.senderName,
    senderEmail: record.senderEmail,
    smtpConfigured: record.smtpUrlEncrypted !== null,
    smsConfigured: record.twilioAccountSid !== null && record.twilioAuthTokenEncrypted !== null,
    twilioFromNumber: record.twilioFromNumber,
    quietHours: `no SMS before ${minutesToClock(record.quietHoursEnd)} or after ${minutesToClock(record.quietHoursStart)}, recipient's local time`,
    frequencyCapHours: record.frequencyCapHours,
    consentPolicy: record.consentPolicy,
    sla: `first response within ${record.slaFirstResponseMinutes / 60} h, resolution within ${record.slaResolutionMinutes / 60} h, goal ${record.slaGoalPercent} %`,
  };
}
