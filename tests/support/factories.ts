import { randomUUID } from "node:crypto";
import prisma from "~/db.server";
import { addressHash } from "~/modules/privacy/address-hash.server";

/**
 * Test data factories: each creates one realistic row (and what it needs) for a shop, with overridable fields.
 * They write through Prisma so tests exercise the real schema and constraints.
 */
let sequence = 0;
const next = () => ++sequence;

export async function createShop(shop = `shop-${next()}.myshopify.com`, data: Record<string, unknown> = {}) {
  return prisma.shop.create({ data: { shop, name: `Shop ${shop}`, email: `owner@${shop}`, ...data } });
}

export async function createSession(shop: string) {
  return prisma.session.create({
    data: {
      id: `offline_${shop}`,
      shop,
      state: "",
      isOnline: false,
      accessToken: `token-${randomUUID()}`,
      scope: "read_orders",
    },
  });
}

export interface PersonFixture {
  shopifyId: string;
  email: string;
  phone: string;
  firstName: string;
  lastName: string;
}

export function person(overrides: Partial<PersonFixture> = {}): PersonFixture {
  const n = next();
  return {
    // Beyond 2^53, like real Shopify ids.
    shopifyId: `gid://shopify/Customer/${(9007199254740993n + BigInt(n)).toString()}`,
    email: `shopper${n}@example.org`,
    phone: `+3361234${String(n).padStart(4, "0")}`,
    firstName: `Camille${n}`,
    lastName: `Durand${n}`,
    ...overrides,
  };
}

/**
 * A customer with everything Kindly can hold about a person: orders, an abandoned checkout in a flow with a
 * scheduled and a sent message (with events), a conversation, a data-request export, a suppression and a webhook
 * payload that mentions them.
 */
export async function createCustomerFootprint(
  shop: string,
  who: PersonFixture,
  now = new Date("2026-11-20T10:00:00Z"),
) {
  const customer = await prisma.customer.create({
    data: {
      shop,
      shopifyId: who.shopifyId,
      email: who.email,
      phone: who.phone,
      firstName: who.firstName,
      lastName: who.lastName,
      locale: "fr",
      emailMarketingState: "SUBSCRIBED",
      smsMarketingState: "SUBSCRIBED",
      ordersCount: 1,
      totalSpent: "42.50",
    },
  });
  const orderGid = `gid://shopify/Order/${5000 + next()}`;
  await prisma.order.create({
    data: {
      shop,
      shopifyId: orderGid,
      name: `#${1000 + next()}`,
      customerId: customer.id,
      email: who.email,
      phone: who.phone,
      totalPrice: "42.50",
      currencyCode: "EUR",
      processedAt: now,
      statusPageUrl: `https://${shop}/orders/${randomUUID()}`,
    },
  });
  const checkout = await prisma.checkout.create({
    data: {
      shop,
      token: randomUUID().replace(/-/g, ""),
      customerId: customer.id,
      email: who.email,
      phone: who.phone,
      firstName: who.firstName,
      lineItemsJson: JSON.stringify([{ title: "Linen shirt", quantity: 1, price: "42.50" }]),
      recoveryUrl: `https://${shop}/checkouts/recover/${randomUUID()}`,
      shopifyUpdatedAt: now,
    },
  });
  const flow = await prisma.flow.upsert({
    where: { shop_trigger: { shop, trigger: "CHECKOUT_ABANDONED" } },
    create: {
      shop,
      trigger: "CHECKOUT_ABANDONED",
      name: "Abandoned checkout",
      enabled: true,
      steps: {
        create: [
          {
            position: 0,
            delayMinutes: 60,
            channel: "EMAIL",
            templatesJson: JSON.stringify({ en: { subject: "Hi", body: "Hi" } }),
          },
        ],
      },
    },
    update: {},
  });
  const run = await prisma.flowRun.create({
    data: {
      shop,
      flowId: flow.id,
      subjectType: "CHECKOUT",
      subjectId: checkout.id,
      customerId: customer.id,
      anchorAt: now,
    },
  });
  const scheduled = await prisma.scheduledMessage.create({
    data: { shop, runId: run.id, stepPosition: 0, channel: "EMAIL", dueAt: now, state: "SENT" },
  });
  await prisma.scheduledMessage.create({
    data: { shop, runId: run.id, stepPosition: 1, channel: "SMS", dueAt: now, state: "PENDING" },
  });
  const message = await prisma.message.create({
    data: {
      shop,
      scheduledId: scheduled.id,
      customerId: customer.id,
      channel: "EMAIL",
      toAddress: who.email,
      fromAddress: `hello@${shop}`,
      subject: `${who.firstName}, can I help with your order?`,
      bodyText: `Hi ${who.firstName}, ...`,
      replyToken: randomUUID(),
      status: "SENT",
      sentAt: now,
    },
  });
  await prisma.messageEvent.create({ data: { shop, messageId: message.id, type: "OPEN", at: now } });
  const conversation = await prisma.conversation.create({
    data: {
      shop,
      customerId: customer.id,
      channel: "EMAIL",
      contactName: `${who.firstName} ${who.lastName}`,
      contactEmail: who.email,
      lastMessageAt: now,
      messages: {
        create: [
          {
            shop,
            author: "SHOPPER",
            authorName: who.firstName,
            channel: "EMAIL",
            body: `It's ${who.firstName}, my card was declined`,
          },
        ],
      },
      events: { create: [{ shop, type: "CSAT_REQUESTED" }] },
    },
  });
  await prisma.segmentChange.create({
    data: { shop, customerId: customer.id, toSegment: "FIRST_TIME", changedAt: now, reason: "SYNC" },
  });
  await prisma.discountGrant.create({
    data: {
      shop,
      customerId: customer.id,
      conversationId: conversation.id,
      purpose: "APOLOGY",
      code: `SORRY-${randomUUID().slice(0, 8).toUpperCase()}`,
      kind: "PERCENTAGE",
      value: 10,
    },
  });
  await prisma.suppression.create({
    data: { shop, channel: "SMS", addressHash: addressHash(shop, who.phone), reason: "STOP" },
  });
  await prisma.webhookEvent.create({
    data: {
      shop,
      eventId: randomUUID(),
      topic: "checkouts/update",
      receivedAt: now,
      status: "RECEIVED",
      payload: JSON.stringify({ email: who.email, customer: { id: who.shopifyId.split("/").pop() } }),
    },
  });
  return { customer, checkout, run, message, conversation, orderGid };
}
