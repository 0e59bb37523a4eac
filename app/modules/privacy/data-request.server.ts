import type { Tx } from "~/modules/webhooks/receive.server";
import { resolveCustomerRecords, type CustomerIdentity } from "~/modules/privacy/identity.server";
import { addressHash } from "~/modules/privacy/address-hash.server";
import prisma from "~/db.server";

/**
 * customers/data_request: Kindly records the request and builds a JSON export of everything it holds on the
 * customer, which the merchant downloads from Settings > Privacy requests and hands to the shopper.
 */
export async function recordDataRequest(
  tx: Tx,
  shop: string,
  identity: CustomerIdentity,
  options: { requestId: string | null; ordersRequested: string[]; requestedAt: Date },
): Promise<string> {
  const { customers, customerIds, emails, phones } = await resolveCustomerRecords(tx, shop, identity);
  const contacts = [...emails, ...phones];
  const byCustomer = customerIds.length ? [{ customerId: { in: customerIds } }] : [];
  const [orders, checkouts, messages, conversations, suppressions] = await Promise.all([
    tx.order.findMany({
      where: {
        shop,
        OR: [
          ...(options.ordersRequested.length ? [{ shopifyId: { in: options.ordersRequested } }] : []),
          ...byCustomer,
          ...(emails.length ? [{ email: { in: emails } }] : []),
        ],
      },
      orderBy: { processedAt: "asc" },
    }),
    tx.checkout.findMany({
      where: {
        shop,
        OR: [
          ...byCustomer,
          ...(emails.length ? [{ email: { in: emails } }] : []),
          ...(phones.length ? [{ phone: { in: phones } }] : []),
        ],
      },
    }),
    tx.message.findMany({
      where: { shop, OR: [...byCustomer, ...(contacts.length ? [{ toAddress: { in: contacts } }] : [])] },
      include: { events: { select: { type: true, at: true } } },
      orderBy: { createdAt: "asc" },
    }),
    tx.conversation.findMany({
      where: {
        shop,
        OR: [
          ...byCustomer,
          ...(emails.length ? [{ contactEmail: { in: emails } }] : []),
          ...(phones.length ? [{ contactPhone: { in: phones } }] : []),
        ],
      },
      include: { messages: { where: { author: { not: "NOTE" } }, orderBy: { createdAt: "asc" } } },
    }),
    Promise.all(
      [
        ...emails.map((email) => ({ channel: "EMAIL", address: email })),
        ...phones.map((phone) => ({ channel: "SMS", address: phone })),
      ].map(async ({ channel, address }) => {
        const row = await tx.suppression.findUnique({
          where: { shop_channel_addressHash: { shop, channel, addressHash: addressHash(shop, address) } },
        });
        return row ? { channel, address, reason: row.reason, since: row.createdAt } : null;
      }),
    ),
  ]);

  const exportDocument = {
    about: "Personal data Kindly holds for this customer on behalf of the shop",
    shop,
    request: { id: options.requestId, requestedAt: options.requestedAt.toISOString(), identity },
    customers: customers.map(({ shop: _shop, ...customer }) => customer),
    orders: orders.map(({ shop: _shop, ...order }) => order),
    abandonedCheckouts: checkouts.map(({ shop: _shop, ...checkout }) => checkout),
    messagesSent: messages.map(({ shop: _shop, replyToken: _token, ...message }) => message),
    conversations: conversations.map(({ shop: _shop, ...conversation }) => conversation),
    optOuts: suppressions.filter((entry) => entry !== null),
  };

  const created = await tx.dataRequest.create({
    data: {
      shop,
      shopifyCustomerId: identity.shopifyCustomerId,
      requestId: options.requestId,
      ordersRequestedJson: JSON.stringify(options.ordersRequested),
      exportJson: JSON.stringify(exportDocument, null, 2),
      requestedAt: options.requestedAt,
    },
  });
  return created.id;
}

/** The shop's privacy requests, newest first (no export bodies: those are downloaded one at a time). */
export async function listDataRequests(shop: string) {
  return prisma.dataRequest.findMany({
    where: { shop },
    orderBy: { requestedAt: "desc" },
    select: { id: true, shopifyCustomerId: true, requestId: true, requestedAt: true },
    take: 100,
  });
}

/** One export, only if it belongs to the asking shop. */
export async function getDataRequestExport(shop: string, id: string): Promise<string | null> {
  const row = await prisma.dataRequest.findFirst({ where: { shop, id }, select: { exportJson: true } });
  return row?.exportJson ?? null;
}
