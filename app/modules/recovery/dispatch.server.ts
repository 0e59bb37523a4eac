import prisma from "~/db.server";
import type { Checkout, FlowRun, ScheduledMessage, Shop } from "~/generated/prisma/client";
import { getLogger } from "~/logger.server";
import {
  claimDueMessages,
  markDeferred,
  markExpiredLeasesForReview,
  markFailedAttempt,
  markSending,
  markSent,
  markSkipped,
} from "~/jobs/scheduler.server";
import { decideStep, type Channel, type ConsentPolicy, type StepFacts } from "~/modules/recovery/rules";
import { candidateTimeZones } from "~/modules/recovery/timezones";
import { pickLocale, renderStep, tipsFor, type RecoveryVariables, type RenderedMessage } from "~/modules/recovery/render.server";
import type { StepTemplate } from "~/modules/recovery/default-flow";
import { resolveMarketingConsent } from "~/modules/recovery/consent.server";
import { isSuppressed } from "~/modules/messaging/suppression.server";
import { isEngaged } from "~/modules/messaging/engagement.server";
import { sendRecoveryEmail, sendRecoverySms } from "~/modules/recovery/channels.server";
import { isSendError } from "~/modules/messaging/send-error";
import { newReplyToken } from "~/modules/messaging/tokens.server";

/**
 * The worker side of recovery: claim due steps, re-check every rule at send time, then send, skip or defer, with
 * the reason recorded. Exactly-once per step comes from the schedule (one row per run and step, claimed under a
 * lease) and from the Message row, which is created before the provider is called and is unique per scheduled row.
 */
export const DISPATCH_BATCH = 50;

export type DispatchOutcome = "SENT" | "SKIPPED" | "DEFERRED" | "RETRY" | "FAILED" | "LOST_LEASE";

export async function dispatchDueRecoveryMessages(context: { now: Date; workerId: string }): Promise<number> {
  await markExpiredLeasesForReview(context.now);
  const claimed = await claimDueMessages({ now: context.now, workerId: context.workerId, limit: DISPATCH_BATCH });
  for (const row of claimed) {
    await dispatchOne(row, context.now);
  }
  return claimed.length;
}

interface StepRow {
  position: number;
  condition: string;
  templatesJson: string;
}

interface DispatchContext {
  row: ScheduledMessage;
  run: FlowRun & { flow: { enabled: boolean; steps: StepRow[] } };
  checkout: Checkout;
  shop: Shop;
  step: StepRow;
}

async function loadContext(row: ScheduledMessage): Promise<DispatchContext | null> {
  const run = await prisma.flowRun.findUnique({
    where: { id: row.runId },
    include: { flow: { select: { enabled: true, steps: { select: { position: true, condition: true, templatesJson: true } } } } },
  });
  if (!run || run.subjectType !== "CHECKOUT") return null;
  const [checkout, shop] = await Promise.all([
    prisma.checkout.findFirst({ where: { id: run.subjectId, shop: row.shop } }),
    prisma.shop.findUnique({ where: { shop: row.shop } }),
  ]);
  const step = run.flow.steps.find((candidate) => candidate.position === row.stepPosition);
  if (!checkout || !shop || !step) return null;
  return { row, run, checkout, shop, step };
}

async function gatherFacts(context: DispatchContext, now: Date): Promise<StepFacts> {
  const { row, run, checkout, shop, step } = context;
  const channel = row.channel as Channel;
  const address = channel === "EMAIL" ? checkout.email : checkout.phone;
  const marketingState = await resolveMarketingConsent(checkout, channel);
  const [suppressed, engaged, smsSent, lastOther] = await Promise.all([
    address ? isSuppressed(prisma, shop.shop, channel, address) : Promise.resolve(false),
    isEngaged(prisma, run.id),
    prisma.scheduledMessage.count({ where: { runId: run.id, channel: "SMS", state: "SENT" } }),
    address
      ? prisma.message.findFirst({
          where: {
            shop: shop.shop,
            toAddress: address,
            sentAt: { not: null },
            scheduled: { run: { subjectId: { not: checkout.id } } },
          },
          orderBy: { sentAt: "desc" },
          select: { sentAt: true },
        })
      : Promise.resolve(null),
  ]);
  return {
    now,
    channel,
    condition: step.condition === "NOT_ENGAGED" ? "NOT_ENGAGED" : "ALWAYS",
    runActive: run.state === "ACTIVE",
    flowEnabled: run.flow.enabled,
    shopSendingEnabled: shop.sendingEnabled,
    checkoutCompleted: checkout.status === "COMPLETED",
    address,
    marketingState,
    consentPolicy: shop.consentPolicy as ConsentPolicy,
    suppressed,
    engaged,
    smsAlreadySent: smsSent > 0,
    abandonedAt: run.anchorAt,
    recipientTimeZones: candidateTimeZones(
      { countryCode: checkout.countryCode, provinceCode: checkout.provinceCode },
      shop.ianaTimezone,
    ),
    quietHours: { start: shop.quietHoursStart, end: shop.quietHoursEnd },
    lastMessagedForOtherCheckoutAt: lastOther?.sentAt ?? null,
    frequencyCapHours: shop.frequencyCapHours,
  };
}

function formatMoney(amount: string, currency: string, locale: string): string {
  try {
    return new Intl.NumberFormat(locale, { style: "currency", currency }).format(Number(amount));
  } catch {
    return `${amount} ${currency}`;
  }
}

export function recoveryVariables(shop: Shop, checkout: Checkout, locale: string): RecoveryVariables {
  const items = (JSON.parse(checkout.lineItemsJson ?? "[]") as Array<{ title: string; variantTitle?: string | null; quantity: number; price: string }>).map(
    (item) => ({
      title: item.variantTitle ? `${item.title} (${item.variantTitle})` : item.title,
      quantity: item.quantity,
      price: formatMoney(item.price, checkout.currencyCode, locale),
    }),
  );
  const storefront = shop.primaryDomain ? `https://${shop.primaryDomain}` : `https://${shop.shop}`;
  return {
    first_name: checkout.firstName,
    items,
    total: formatMoney(String(checkout.totalPrice), checkout.currencyCode, locale),
    currency: checkout.currencyCode,
    recovery_url: checkout.recoveryUrl ?? `${storefront}/cart`,
    shop: {
      name: shop.name ?? shop.shop,
      support_email: shop.contactEmail ?? shop.email ?? shop.senderEmail ?? "",
      policies_url: `${storefront}/policies/shipping-policy`,
      url: storefront,
    },
    sender: { name: shop.senderName ?? shop.name ?? shop.shop },
    tips: tipsFor(locale),
  };
}

async function dispatchOne(row: ScheduledMessage, now: Date): Promise<DispatchOutcome> {
  const log = getLogger().child({ shop: row.shop, scheduledId: row.id, step: row.stepPosition, channel: row.channel });
  const context = await loadContext(row);
  if (!context) {
    await markSkipped(row, "SUBJECT_GONE");
    return "SKIPPED";
  }
  let decision: ReturnType<typeof decideStep>;
  let prepared: { locale: string; variables: RecoveryVariables; rendered: RenderedMessage } | null = null;
  try {
    decision = decideStep(await gatherFacts(context, now));
    if (decision.action === "SEND") {
      const templates = JSON.parse(context.step.templatesJson) as Record<string, StepTemplate>;
      const locale = pickLocale(templates, context.checkout.locale, context.shop.primaryLocale);
      const variables = recoveryVariables(context.shop, context.checkout, locale);
      prepared = { locale, variables, rendered: await renderStep(templates[locale], variables, row.channel as Channel) };
    }
  } catch (error) {
    // Facts Kindly could not gather (Shopify unreachable) are retried; a template that cannot render is final.
    const retryable = isSendError(error) ? error.retryable : false;
    const detail = error instanceof Error ? error.message : String(error);
    log.warn({ err: detail, retryable }, "step could not be prepared");
    return markFailedAttempt(row, now, { message: detail, retryable });
  }
  if (decision.action === "SKIP") {
    log.info({ reason: decision.reason }, "step skipped");
    return (await markSkipped(row, decision.reason)) ? "SKIPPED" : "LOST_LEASE";
  }
  if (decision.action === "DEFER") {
    log.info({ until: decision.until.toISOString(), reason: decision.reason }, "step deferred");
    return (await markDeferred(row, decision.until, decision.reason)) ? "DEFERRED" : "LOST_LEASE";
  }

  if (!prepared) throw new Error("unreachable: a SEND decision always prepares its message");
  const { locale, variables, rendered } = prepared;
  const { shop, checkout } = context;
  const toAddress = (row.channel === "EMAIL" ? checkout.email : checkout.phone) as string;

  // The Message row exists before the provider is called: its id and reply token go into the links and headers,
  // and it is unique per scheduled row, so a retry reuses it rather than creating a second message.
  const message = await prisma.message.upsert({
    where: { scheduledId: row.id },
    create: {
      shop: shop.shop,
      scheduledId: row.id,
      customerId: checkout.customerId,
      channel: row.channel,
      toAddress,
      subject: rendered.subject,
      bodyText: rendered.text,
      bodyHtml: rendered.html,
      locale,
      replyToken: newReplyToken(),
    },
    update: { subject: rendered.subject, bodyText: rendered.text, bodyHtml: rendered.html, locale },
  });

  // From here a crash means "delivery unknown": the row goes to review instead of being retried blindly.
  if (!(await markSending(row))) return "LOST_LEASE";
  try {
    const sent =
      row.channel === "EMAIL"
        ? await sendRecoveryEmail(shop, message, { recoveryUrl: variables.recovery_url, now })
        : await sendRecoverySms(shop, message, { locale, now });
    await prisma.message.update({
      where: { id: message.id },
      data: {
        status: "SENT",
        sentAt: now,
        providerMessageId: sent.providerMessageId,
        emailMessageId: sent.emailMessageId ?? null,
        fromAddress: sent.fromAddress,
        bodyText: sent.bodyText ?? message.bodyText,
        bodyHtml: sent.bodyHtml ?? message.bodyHtml,
      },
    });
    log.info({ messageId: message.id }, "step sent");
    return (await markSent(row)) ? "SENT" : "LOST_LEASE";
  } catch (error) {
    const retryable = isSendError(error) ? error.retryable : false;
    const detail = error instanceof Error ? error.message : String(error);
    const outcome = await markFailedAttempt(row, now, { message: detail, retryable });
    if (outcome === "FAILED") await prisma.message.update({ where: { id: message.id }, data: { status: "FAILED" } });
    log.warn({ err: detail, retryable, outcome }, "send failed");
    return outcome;
  }
}
