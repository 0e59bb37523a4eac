import prisma from "~/db.server";
import type { Customer, Order, Shop } from "~/generated/prisma/client";
import { getEnv } from "~/env.server";
import { getLogger } from "~/logger.server";
import { unauthenticated } from "~/shopify.server";
import { CUSTOMER_CONSENT_QUERY, type CustomerConsentResult } from "~/graphql/CustomerConsent";
import { PRODUCT_CARE_INFO_QUERY, type ProductCareInfoResult } from "~/graphql/ProductCareInfo";
import { runAdminQuery } from "~/modules/shop/graphql.server";
import { SendError } from "~/modules/messaging/send-error";
import { ratingUrl } from "~/modules/messaging/tokens.server";
import { createPersonalDiscount, DiscountRejectedError } from "~/modules/discounts/discounts.server";
import { DiscountInputError, describeDiscount } from "~/modules/discounts/discounts";
import { shopVariables, storefrontUrl, type RecoveryVariables } from "~/modules/recovery/render.server";
import { careContact, careSubjectClosed, type CareContact, type CareConversation } from "~/modules/flows/subject";
import { parseFlowOptions, type FlowOptions, type LifecycleTrigger } from "~/modules/flows/triggers";
import type { SkipReason } from "~/modules/recovery/rules";

/**
 * The care flows' side of the dispatcher: what a run is about (its customer, order or conversation), who the message
 * goes to, their consent, and the template variables. Recovery's checkout has its own (dispatch.server.ts).
 */

export interface CareSubject {
  trigger: LifecycleTrigger;
  runId: string;
  runCreatedAt: Date;
  customer: Customer | null;
  order: Order | null;
  conversation: CareConversation | null;
  contact: CareContact;
  options: FlowOptions;
  /** Why the message no longer makes sense (order shipped, segment left), or null. */
  closed: SkipReason | null;
}

interface CareRun {
  id: string;
  shop: string;
  subjectType: string;
  subjectId: string;
  customerId: string | null;
  createdAt: Date;
  flow: { trigger: string; settingsJson: string | null };
}

/** The subjects of a batch's care runs, read in three queries. Runs whose subject is gone are left out. */
export async function loadCareSubjects(runs: CareRun[]): Promise<Map<string, CareSubject>> {
  const care = runs.filter((run) => run.subjectType !== "CHECKOUT");
  if (care.length === 0) return new Map();
  const orderIds = care.filter((run) => run.subjectType === "ORDER").map((run) => run.subjectId);
  const conversationIds = care.filter((run) => run.subjectType === "CONVERSATION").map((run) => run.subjectId);
  const [orders, conversations] = await Promise.all([
    orderIds.length ? prisma.order.findMany({ where: { id: { in: orderIds } } }) : Promise.resolve([]),
    conversationIds.length
      ? prisma.conversation.findMany({
          where: { id: { in: conversationIds } },
          select: { id: true, shop: true, customerId: true, contactEmail: true, contactPhone: true, locale: true },
        })
      : Promise.resolve([]),
  ]);
  const orderById = new Map(orders.map((order) => [order.id, order]));
  const conversationById = new Map(conversations.map((conversation) => [conversation.id, conversation]));
  const customerIds = new Set<string>();
  for (const run of care) {
    const customerId =
      run.customerId ??
      (run.subjectType === "CUSTOMER" ? run.subjectId : null) ??
      orderById.get(run.subjectId)?.customerId ??
      conversationById.get(run.subjectId)?.customerId ??
      null;
    if (customerId) customerIds.add(customerId);
  }
  const customers = customerIds.size ? await prisma.customer.findMany({ where: { id: { in: [...customerIds] } } }) : [];
  const customerById = new Map(customers.map((customer) => [customer.id, customer]));

  const subjects = new Map<string, CareSubject>();
  for (const run of care) {
    const order = run.subjectType === "ORDER" ? (orderById.get(run.subjectId) ?? null) : null;
    const conversation = run.subjectType === "CONVERSATION" ? (conversationById.get(run.subjectId) ?? null) : null;
    const customerId =
      run.customerId ??
      (run.subjectType === "CUSTOMER" ? run.subjectId : null) ??
      order?.customerId ??
      conversation?.customerId ??
      null;
    const customer = customerId ? (customerById.get(customerId) ?? null) : null;
    // Scoped by shop: every row must belong to the run's shop; a subject that is gone (redacted) sends nothing.
    if (run.subjectType === "ORDER" && (!order || order.shop !== run.shop)) continue;
    if (run.subjectType === "CONVERSATION" && (!conversation || conversation.shop !== run.shop)) continue;
    if (run.subjectType === "CUSTOMER" && !customer) continue;
    if (customer && customer.shop !== run.shop) continue;
    const trigger = run.flow.trigger as LifecycleTrigger;
    subjects.set(run.id, {
      trigger,
      runId: run.id,
      runCreatedAt: run.createdAt,
      customer,
      order,
      conversation,
      contact: careContact(customer, order, conversation),
      options: parseFlowOptions(run.flow.settingsJson),
      closed: careSubjectClosed(trigger, { customer, order }),
    });
  }
  return subjects;
}

/**
 * The customer's marketing state for a channel: what Kindly holds (customers/* webhooks, the import), else Shopify's
 * answer, asked once and stored. A guest (no customer) has no known consent. Never a guess in favour of sending.
 */
export async function resolveCareConsent(
  shop: string,
  subject: CareSubject,
  channel: "EMAIL" | "SMS",
): Promise<string | null> {
  const customer = subject.customer;
  if (!customer) return null;
  const known = channel === "EMAIL" ? customer.emailMarketingState : customer.smsMarketingState;
  if (known) return known;
  if (!customer.shopifyId) return null;
  try {
    const { admin } = await unauthenticated.admin(shop);
    const data = await runAdminQuery<CustomerConsentResult>(admin, "CustomerConsent", CUSTOMER_CONSENT_QUERY, {
      id: customer.shopifyId,
    });
    const emailState = data.customer?.defaultEmailAddress?.marketingState ?? "UNKNOWN";
    const smsState = data.customer?.defaultPhoneNumber?.marketingState ?? "UNKNOWN";
    await prisma.customer.updateMany({
      where: { id: customer.id, shop },
      data: { emailMarketingState: emailState, smsMarketingState: smsState },
    });
    customer.emailMarketingState = emailState;
    customer.smsMarketingState = smsState;
    return channel === "EMAIL" ? emailState : smsState;
  } catch (error) {
    throw retryable("Could not read marketing consent from Shopify", error);
  }
}

function retryable(what: string, error: unknown): SendError {
  const detail = error instanceof Error ? error.message : String(error);
  getLogger().warn({ err: detail }, what);
  return new SendError(`${what}: ${detail}`, { code: "PROVIDER_TEMPORARY", retryable: true, cause: error });
}

interface StoredLine {
  title: string;
  quantity: number;
  productId?: string | null;
  variantTitle?: string | null;
}

function storedLines(json: string | null): StoredLine[] {
  try {
    const parsed: unknown = JSON.parse(json ?? "[]");
    return Array.isArray(parsed) ? (parsed as StoredLine[]) : [];
  } catch {
    return [];
  }
}

function storedTracking(
  json: string | null,
): Array<{ company: string | null; number: string | null; url: string | null }> {
  try {
    const parsed: unknown = JSON.parse(json ?? "[]");
    return Array.isArray(parsed)
      ? (parsed as Array<{ company: string | null; number: string | null; url: string | null }>)
      : [];
  } catch {
    return [];
  }
}

export interface CareVariables extends RecoveryVariables {
  order: {
    name: string | null;
    status_url: string | null;
    items: Array<{ title: string; quantity: number }>;
    tracking: Array<{ company: string | null; number: string | null; url: string | null }>;
  };
  care_tips: Array<{ product: string; tip: string }>;
  rating_links: Array<{ score: number; url: string }>;
  perk: { code: string; description: string; expires_on: string | null } | null;
  review_url: string;
}

/** Care or usage instructions of the products an order holds, from Shopify's product data (one query). */
async function careTips(shop: string, order: Order): Promise<CareVariables["care_tips"]> {
  const ids = [
    ...new Set(
      storedLines(order.lineItemsJson)
        .map((line) => line.productId)
        .filter(Boolean),
    ),
  ] as string[];
  if (ids.length === 0) return [];
  try {
    const { admin } = await unauthenticated.admin(shop);
    const data = await runAdminQuery<ProductCareInfoResult>(admin, "ProductCareInfo", PRODUCT_CARE_INFO_QUERY, {
      ids: ids.slice(0, 50),
    });
    return data.nodes.flatMap((node) => {
      const tip = node?.careInstructions?.value?.trim();
      return node?.title && tip ? [{ product: node.title, tip }] : [];
    });
  } catch (error) {
    throw retryable("Could not read the products' care instructions from Shopify", error);
  }
}

/**
 * The VIP perk: a personal code (one customer, one use, an expiry) created in Shopify through the discounts module.
 * A retried send reuses the code its first attempt created, so a customer never holds two.
 */
async function vipPerk(shop: Shop, subject: CareSubject, locale: string, now: Date): Promise<CareVariables["perk"]> {
  const perk = subject.options.perk;
  const customer = subject.customer;
  if (!perk || !customer?.shopifyId) return null;
  const describe = (grant: { code: string; expiresAt: Date | null }) => ({
    code: grant.code,
    description: describeDiscount(perk.kind, perk.value, shop.currencyCode, locale),
    expires_on: grant.expiresAt
      ? new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: shop.ianaTimezone }).format(grant.expiresAt)
      : null,
  });
  const existing = await prisma.discountGrant.findFirst({
    where: { shop: shop.shop, customerId: customer.id, purpose: "VIP_PERK", createdAt: { gte: subject.runCreatedAt } },
    orderBy: { createdAt: "desc" },
  });
  if (existing) return describe(existing);
  try {
    const { admin } = await unauthenticated.admin(shop.shop);
    const created = await createPersonalDiscount(admin, {
      shop: shop.shop,
      customerId: customer.id,
      purpose: "VIP_PERK",
      kind: perk.kind,
      value: perk.value,
      expiresAt: new Date(now.getTime() + perk.expiresInDays * 86_400_000),
      now,
    });
    return describe(created);
  } catch (error) {
    if (error instanceof DiscountRejectedError || error instanceof DiscountInputError) {
      // The merchant's perk cannot be created (Shopify refused it): a visible failure, not a note without the perk.
      throw new SendError(`The VIP perk could not be created: ${error.message}`, {
        code: "PROVIDER_REJECTED",
        retryable: false,
        cause: error,
      });
    }
    throw retryable("Could not create the VIP perk in Shopify", error);
  }
}

/** Everything a care template can use, plus the links its HTML makes clickable. */
export async function careVariables(
  shop: Shop,
  subject: CareSubject,
  locale: string,
  context: { scheduledId: string; now: Date },
): Promise<{ variables: CareVariables; links: string[] }> {
  const storefront = storefrontUrl(shop);
  const order = subject.order;
  const lines = storedLines(order?.lineItemsJson ?? null);
  const appUrl = getEnv().SHOPIFY_APP_URL;
  const ratingLinks =
    subject.trigger === "ORDER_DELIVERED"
      ? [5, 4, 3, 2, 1].map((score) => ({ score, url: ratingUrl(appUrl, context.scheduledId, score, context.now) }))
      : [];
  const tips = subject.trigger === "FIRST_ORDER" && order ? await careTips(shop.shop, order) : [];
  const perk = subject.trigger === "SEGMENT_VIP" ? await vipPerk(shop, subject, locale, context.now) : null;
  const reviewUrl = subject.options.reviewUrl ?? storefront;
  const tracking = storedTracking(order?.trackingJson ?? null);
  const variables: CareVariables = {
    first_name: subject.contact.firstName,
    items: lines.map((line) => ({ title: line.title, quantity: line.quantity, price: "" })),
    total: order ? `${order.totalPrice.toString()} ${order.currencyCode}` : "",
    currency: order?.currencyCode ?? shop.currencyCode,
    recovery_url: storefront,
    ...shopVariables(shop, locale),
    order: {
      name: order?.name ?? null,
      status_url: order?.statusPageUrl ?? null,
      items: lines.map((line) => ({
        title: line.variantTitle ? `${line.title} (${line.variantTitle})` : line.title,
        quantity: line.quantity,
      })),
      tracking,
    },
    care_tips: tips,
    rating_links: ratingLinks,
    perk,
    review_url: reviewUrl,
  };
  const links = [
    ...ratingLinks.map((link) => link.url),
    reviewUrl,
    order?.statusPageUrl ?? null,
    ...tracking.map((entry) => entry.url),
  ].filter((link): link is string => Boolean(link));
  return { variables, links };
}
