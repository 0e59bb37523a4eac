import type { Tx } from "~/modules/webhooks/receive.server";
import { containsIgnoringCase } from "~/db-dialect.server";
import { forgetShopSessions } from "~/modules/shop/session-cache.server";
import { resolveCustomerRecords, type CustomerIdentity } from "~/modules/privacy/identity.server";

export interface RedactionSummary {
  customers: number;
  checkouts: number;
  ordersAnonymised: number;
  messages: number;
  conversations: number;
  dataRequests: number;
  webhookPayloads: number;
}

const inList = (values: string[]) => ({ in: values });

/**
 * customers/redact: erase this customer's personal data from every table. Rows that exist only because of the
 * person (customer, checkouts, messages, conversations, flow runs, data-request exports) are deleted; orders are
 * kept for the shop's revenue figures with every personal field cleared. Suppressions hold only a keyed hash of
 * the address, so an opt-out keeps being honoured without keeping the address.
 */
export async function redactCustomer(
  tx: Tx,
  shop: string,
  identity: CustomerIdentity,
  orderIds: string[],
): Promise<RedactionSummary> {
  const { customerIds, emails, phones } = await resolveCustomerRecords(tx, shop, identity);
  const byContact = <E extends string, P extends string>(emailField: E, phoneField: P) => [
    ...(emails.length ? [{ [emailField]: inList(emails) } as Record<E, { in: string[] }>] : []),
    ...(phones.length ? [{ [phoneField]: inList(phones) } as Record<P, { in: string[] }>] : []),
  ];
  const byCustomer = customerIds.length ? [{ customerId: inList(customerIds) }] : [];

  const checkouts = await tx.checkout.findMany({
    where: { shop, OR: [...byCustomer, ...byContact("email", "phone")] },
    select: { id: true },
  });
  const checkoutIds = checkouts.map((checkout) => checkout.id);

  // Flow runs about this person (their checkouts or themselves); their scheduled messages go with them (cascade).
  await tx.flowRun.deleteMany({
    where: {
      shop,
      OR: [...(checkoutIds.length ? [{ subjectType: "CHECKOUT", subjectId: inList(checkoutIds) }] : []), ...byCustomer],
    },
  });

  // The care flows' runs about their orders and conversations, guests' included (no customer id on the run).
  const [personOrders, personConversations] = await Promise.all([
    tx.order.findMany({
      where: {
        shop,
        OR: [
          ...(orderIds.length ? [{ shopifyId: inList(orderIds) }] : []),
          ...byCustomer,
          ...byContact("email", "phone"),
        ],
      },
      select: { id: true },
    }),
    tx.conversation.findMany({
      where: { shop, OR: [...byCustomer, ...byContact("contactEmail", "contactPhone")] },
      select: { id: true },
    }),
  ]);
  if (personOrders.length || personConversations.length) {
    await tx.flowRun.deleteMany({
      where: {
        shop,
        OR: [
          ...(personOrders.length ? [{ subjectType: "ORDER", subjectId: inList(personOrders.map((o) => o.id)) }] : []),
          ...(personConversations.length
            ? [{ subjectType: "CONVERSATION", subjectId: inList(personConversations.map((c) => c.id)) }]
            : []),
        ],
      },
    });
  }

  const messages = await tx.message.deleteMany({
    where: {
      shop,
      OR: [...byCustomer, ...(emails.length || phones.length ? [{ toAddress: inList([...emails, ...phones]) }] : [])],
    },
  });
  const conversations = await tx.conversation.deleteMany({
    where: { shop, OR: [...byCustomer, ...byContact("contactEmail", "contactPhone")] },
  });
  const deletedCheckouts = await tx.checkout.deleteMany({ where: { shop, id: inList(checkoutIds) } });

  const orders = await tx.order.updateMany({
    where: {
      shop,
      OR: [
        ...(orderIds.length ? [{ shopifyId: inList(orderIds) }] : []),
        ...byCustomer,
        ...byContact("email", "phone"),
      ],
    },
    data: { email: null, phone: null, customerId: null, statusPageUrl: null, checkoutToken: null },
  });

  const dataRequests = await tx.dataRequest.deleteMany({
    where: {
      shop,
      OR: [
        ...(identity.shopifyCustomerId ? [{ shopifyCustomerId: identity.shopifyCustomerId }] : []),
        ...[...emails, ...phones].map((contact) => ({ exportJson: containsIgnoringCase(contact) })),
      ],
    },
  });

  // Webhook payloads are cleared once processed; any still held that mention this person are cleared now.
  const mentions = [
    ...emails,
    ...phones,
    ...(identity.shopifyCustomerId ? [identity.shopifyCustomerId.split("/").pop()!] : []),
  ];
  const webhookPayloads = mentions.length
    ? await tx.webhookEvent.updateMany({
        where: { shop, payload: { not: null }, OR: mentions.map((mention) => ({ payload: containsIgnoringCase(mention) })) },
        data: { payload: null },
      })
    : { count: 0 };

  const customers = customerIds.length
    ? await tx.customer.deleteMany({ where: { shop, id: inList(customerIds) } })
    : { count: 0 };

  return {
    customers: customers.count,
    checkouts: deletedCheckouts.count,
    ordersAnonymised: orders.count,
    messages: messages.count,
    conversations: conversations.count,
    dataRequests: dataRequests.count,
    webhookPayloads: webhookPayloads.count,
  };
}

/**
 * shop/redact (48 hours after uninstall): erase everything Kindly holds for the shop. Children without a `shop`
 * column (flow steps) go with their parents through ON DELETE CASCADE.
 */
export async function redactShop(tx: Tx, shop: string): Promise<void> {
  const where = { shop };
  await tx.messageEvent.deleteMany({ where });
  await tx.message.deleteMany({ where });
  await tx.scheduledMessage.deleteMany({ where });
  await tx.flowRun.deleteMany({ where });
  await tx.flow.deleteMany({ where });
  await tx.conversationEvent.deleteMany({ where });
  await tx.conversationMessage.deleteMany({ where });
  await tx.conversation.deleteMany({ where });
  await tx.savedReply.deleteMany({ where });
  await tx.discountGrant.deleteMany({ where });
  await tx.segmentChange.deleteMany({ where });
  await tx.importJob.deleteMany({ where });
  await tx.checkout.deleteMany({ where });
  await tx.order.deleteMany({ where });
  await tx.customer.deleteMany({ where });
  await tx.faqEntry.deleteMany({ where });
  await tx.suppression.deleteMany({ where });
  await tx.dataRequest.deleteMany({ where });
  await tx.webhookEvent.deleteMany({ where });
  await tx.session.deleteMany({ where });
  forgetShopSessions(shop);
  await tx.shop.deleteMany({ where });
}
