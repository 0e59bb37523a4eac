import { randomUUID } from "node:crypto";
import { enabledLanguages } from "~/modules/shop/settings";
import prisma from "~/db.server";
import type { Checkout, FlowRun, ScheduledMessage, Shop } from "~/generated/prisma/client";
import { getClock } from "~/clock.server";
import { getLogger } from "~/logger.server";
import { claimDueMessages, markExpiredLeasesForReview, markFailedAttempt } from "~/jobs/scheduler.server";
import {
  decideStep,
  type Channel,
  type ConsentPolicy,
  type StepDecision,
  type StepFacts,
} from "~/modules/recovery/rules";
import { candidateTimeZones } from "~/modules/recovery/timezones";
import {
  pickLocale,
  renderStep,
  shopVariables,
  storefrontUrl,
  type RecoveryVariables,
  type RenderedMessage,
} from "~/modules/recovery/render.server";
import type { StepTemplate } from "~/modules/recovery/default-flow";
import { resolveMarketingConsent } from "~/modules/recovery/consent.server";
import { addressHash } from "~/modules/privacy/address-hash.server";
import { normalizeAddress } from "~/modules/messaging/suppression.server";
import { sendRecoveryEmail, sendRecoverySms } from "~/modules/recovery/channels.server";
import { emailMessageIdFor, replyDomainFor } from "~/modules/messaging/email.server";
import { isSendError } from "~/modules/messaging/send-error";
import { newReplyToken } from "~/modules/messaging/tokens.server";
import { careVariables, loadCareSubjects, resolveCareConsent, type CareSubject } from "~/modules/flows/care.server";
import { TRIGGER_DEFINITIONS } from "~/modules/flows/triggers";

/**
 * The worker side of the flow engine, for every trigger (recovery's checkouts and the care flows' customers, orders
 * and conversations): claim due steps, re-check every rule at send time, then send, skip or defer, with
 * the reason recorded. Exactly-once per step comes from the schedule (one row per run and step, claimed under a
 * lease, CLAIMED -> SENDING by compare-and-set just before the provider is called) and from the Message row, which
 * exists before the provider is called and is unique per scheduled row.
 *
 * Work is done a batch at a time: the facts for every claimed row are read with a handful of queries, decisions are
 * pure, state changes are grouped, and sends run concurrently. Per message that is a few database round trips
 * instead of a dozen, which is what lets one worker keep up with hundreds of messages a second on SQLite.
 */
export const DISPATCH_BATCH = 100;
export const PIPELINE = 3;
export const SEND_CONCURRENCY = 16;

export type DispatchOutcome = "SENT" | "SKIPPED" | "DEFERRED" | "RETRY" | "FAILED" | "LOST_LEASE";

export async function dispatchDueRecoveryMessages(context: { now: Date; workerId: string }): Promise<number> {
  await markExpiredLeasesForReview(context.now);
  const claimed = await claimDueMessages({
    now: context.now,
    workerId: context.workerId,
    limit: DISPATCH_BATCH * PIPELINE,
  });
  if (claimed.length === 0) return 0;
  // Several batches in flight: while one waits on the SMTP relay, another reads its facts or records its sends.
  const chunks = Array.from({ length: PIPELINE }, (_, index) =>
    claimed.slice(index * DISPATCH_BATCH, (index + 1) * DISPATCH_BATCH),
  );
  // Contacts a message is going to in this pass, across the concurrent batches: the frequency cap reads messages
  // already sent, so two care flows due at the same moment would otherwise both pass it.
  const reserved = new Map<string, string>();
  await Promise.all(
    chunks.filter((chunk) => chunk.length > 0).map((chunk) => dispatchBatch(chunk, context.now, reserved)),
  );
  return claimed.length;
}

/** The one dispatcher of the flow engine (recovery's name is kept for the worker registration and the benchmarks). */
export const dispatchDueMessages = dispatchDueRecoveryMessages;

interface StepRow {
  position: number;
  condition: string;
  templatesJson: string;
}

type RunWithFlow = FlowRun & {
  flow: { enabled: boolean; trigger: string; settingsJson: string | null; steps: StepRow[] };
};

interface Prepared {
  row: ScheduledMessage;
  run: RunWithFlow;
  /** Recovery's subject; null for a care flow's run. */
  checkout: Checkout | null;
  /** A care flow's subject (customer, order, conversation); null for recovery. */
  care: CareSubject | null;
  shop: Shop;
  step: StepRow;
}

function emailOf(item: Pick<Prepared, "checkout" | "care">): string | null {
  return item.checkout ? item.checkout.email : (item.care?.contact.email ?? null);
}

function phoneOf(item: Pick<Prepared, "checkout" | "care">): string | null {
  return item.checkout ? item.checkout.phone : (item.care?.contact.phone ?? null);
}

function customerOf(item: Pick<Prepared, "checkout" | "care">): string | null {
  return item.checkout ? item.checkout.customerId : (item.care?.contact.customerId ?? null);
}

/** What the frequency cap reads of a recent message: to whom, when, and for which run and subject. */
const CAP_MESSAGE_SELECT = {
  shop: true,
  toAddress: true,
  sentAt: true,
  customerId: true,
  scheduled: { select: { runId: true, run: { select: { subjectId: true, subjectType: true } } } },
} as const;

/** Everything the rules need for a batch, read in bulk. */
async function loadBatch(rows: ScheduledMessage[], now: Date) {
  const runs = await prisma.flowRun.findMany({
    where: { id: { in: [...new Set(rows.map((row) => row.runId))] } },
    include: {
      flow: {
        select: {
          enabled: true,
          trigger: true,
          settingsJson: true,
          steps: { select: { position: true, condition: true, templatesJson: true } },
        },
      },
    },
  });
  const runById = new Map(runs.map((run) => [run.id, run]));
  const checkoutIds = runs.filter((run) => run.subjectType === "CHECKOUT").map((run) => run.subjectId);
  const [checkouts, shops, careSubjects] = await Promise.all([
    checkoutIds.length ? prisma.checkout.findMany({ where: { id: { in: checkoutIds } } }) : Promise.resolve([]),
    prisma.shop.findMany({ where: { shop: { in: [...new Set(rows.map((row) => row.shop))] } } }),
    loadCareSubjects(runs),
  ]);
  const checkoutById = new Map(checkouts.map((checkout) => [checkout.id, checkout]));
  const shopByDomain = new Map(shops.map((shop) => [shop.shop, shop]));

  const prepared: Prepared[] = [];
  const orphans: ScheduledMessage[] = [];
  for (const row of rows) {
    const run = runById.get(row.runId);
    const shop = shopByDomain.get(row.shop);
    const step = run?.flow.steps.find((candidate) => candidate.position === row.stepPosition);
    if (run && run.subjectType !== "CHECKOUT") {
      const care = careSubjects.get(run.id);
      if (care && shop && step && run.shop === row.shop) prepared.push({ row, run, checkout: null, care, shop, step });
      else orphans.push(row);
      continue;
    }
    const checkout = run ? checkoutById.get(run.subjectId) : undefined;
    // Scoped by shop: a run must belong to the shop of its scheduled row and its checkout.
    if (run && checkout && shop && step && run.shop === row.shop && checkout.shop === row.shop) {
      prepared.push({ row, run, checkout, care: null, shop, step });
    } else {
      orphans.push(row);
    }
  }

  const runIds = [...new Set(prepared.map((item) => item.run.id))];
  const shopDomains = shops.map((shop) => shop.shop);
  const addressOf = (item: Prepared) => (item.row.channel === "EMAIL" ? emailOf(item) : phoneOf(item));
  const hashes = prepared
    .map((item) => {
      const address = addressOf(item);
      const channel = item.row.channel as Channel;
      return address ? addressHash(item.shop.shop, normalizeAddress(channel, address)) : null;
    })
    .filter((hash): hash is string => hash !== null);
  // Care runs are capped on every address of the person and on the customer; recovery on the step's address.
  const addresses = [
    ...new Set(
      prepared
        .flatMap((item) => (item.care ? [emailOf(item), phoneOf(item)] : [addressOf(item)]))
        .filter((address): address is string => Boolean(address)),
    ),
  ];
  const customerIds = [
    ...new Set(prepared.map(customerOf).filter((customerId): customerId is string => Boolean(customerId))),
  ];
  const capWindowStart = new Date(
    now.getTime() - Math.max(...shops.map((shop) => shop.frequencyCapHours), 0) * 3_600_000,
  );

  const [suppressions, engagements, smsSent, recentToSameContacts, recentToSameCustomers] = await Promise.all([
    hashes.length
      ? prisma.suppression.findMany({
          where: { addressHash: { in: hashes } },
          select: { shop: true, channel: true, addressHash: true },
        })
      : Promise.resolve([]),
    // Engagement: a click, a reply or a human open (MACHINE_OPEN and MACHINE_CLICK never count).
    prisma.messageEvent.findMany({
      where: { type: { in: ["CLICK", "REPLY", "OPEN"] }, message: { scheduled: { runId: { in: runIds } } } },
      select: { message: { select: { scheduled: { select: { runId: true } } } } },
    }),
    prisma.scheduledMessage.findMany({
      where: { runId: { in: runIds }, channel: "SMS", state: "SENT" },
      select: { runId: true },
    }),
    addresses.length
      ? prisma.message.findMany({
          // Shop first, so the (shop, toAddress, sentAt) index answers it instead of a scan of every message.
          where: { shop: { in: shopDomains }, toAddress: { in: addresses }, sentAt: { gte: capWindowStart } },
          select: CAP_MESSAGE_SELECT,
        })
      : Promise.resolve([]),
    customerIds.length
      ? prisma.message.findMany({
          where: { shop: { in: shopDomains }, customerId: { in: customerIds }, sentAt: { gte: capWindowStart } },
          select: CAP_MESSAGE_SELECT,
        })
      : Promise.resolve([]),
  ]);
  const suppressed = new Set(suppressions.map((entry) => `${entry.shop}\n${entry.channel}\n${entry.addressHash}`));
  const engagedRuns = new Set(engagements.map((event) => event.message.scheduled?.runId).filter(Boolean));
  const smsSentRuns = new Set(smsSent.map((entry) => entry.runId));

  const latestOf = (messages: Array<{ sentAt: Date | null }>) =>
    messages.reduce<Date | null>(
      (latest, message) => (message.sentAt && (!latest || message.sentAt > latest) ? message.sentAt : latest),
      null,
    );
  const facts = async (item: Prepared): Promise<StepFacts> => {
    if (item.care) return careFacts(item, item.care);
    const checkout = item.checkout as Checkout;
    const channel = item.row.channel as Channel;
    const address = addressOf(item);
    const hash = address ? addressHash(item.shop.shop, normalizeAddress(channel, address)) : null;
    const lastOther = latestOf([
      // Recovery's own rule, unchanged: the step's address, messaged about another checkout.
      ...recentToSameContacts.filter(
        (message) =>
          message.shop === item.shop.shop &&
          message.toAddress === address &&
          message.scheduled?.run.subjectId !== checkout.id,
      ),
      // And any care flow's message to the same person: the cap is shared by every flow.
      ...[...recentToSameContacts, ...recentToSameCustomers].filter(
        (message) =>
          message.shop === item.shop.shop &&
          message.scheduled &&
          message.scheduled.run.subjectType !== "CHECKOUT" &&
          (message.toAddress === checkout.email ||
            message.toAddress === checkout.phone ||
            (checkout.customerId !== null && message.customerId === checkout.customerId)),
      ),
    ]);
    return {
      now,
      channel,
      condition: item.step.condition === "NOT_ENGAGED" ? "NOT_ENGAGED" : "ALWAYS",
      runActive: item.run.state === "ACTIVE",
      flowEnabled: item.run.flow.enabled,
      shopSendingEnabled: item.shop.sendingEnabled,
      checkoutCompleted: checkout.status === "COMPLETED",
      address,
      marketingState: await resolveMarketingConsent(checkout, channel),
      consentPolicy: item.shop.consentPolicy as ConsentPolicy,
      suppressed: hash !== null && suppressed.has(`${item.shop.shop}\n${channel}\n${hash}`),
      engaged: engagedRuns.has(item.run.id),
      smsAlreadySent: smsSentRuns.has(item.run.id),
      abandonedAt: item.run.anchorAt,
      recipientTimeZones: candidateTimeZones(
        { countryCode: checkout.countryCode, provinceCode: checkout.provinceCode },
        item.shop.ianaTimezone,
      ),
      quietHours: { start: item.shop.quietHoursStart, end: item.shop.quietHoursEnd },
      lastMessagedForOtherCheckoutAt: lastOther,
      frequencyCapHours: item.shop.frequencyCapHours,
    };
  };

  /** A care flow's step: the same rules, with the trigger's purpose, quiet hours and subject. */
  const careFacts = async (item: Prepared, care: CareSubject): Promise<StepFacts> => {
    const channel = item.row.channel as Channel;
    const address = addressOf(item);
    const hash = address ? addressHash(item.shop.shop, normalizeAddress(channel, address)) : null;
    const email = care.contact.email;
    const phone = care.contact.phone;
    const lastOther = latestOf(
      [...recentToSameContacts, ...recentToSameCustomers].filter(
        (message) =>
          message.shop === item.shop.shop &&
          message.scheduled?.runId !== item.run.id &&
          ((email !== null && message.toAddress === email) ||
            (phone !== null && message.toAddress === phone) ||
            (care.contact.customerId !== null && message.customerId === care.contact.customerId)),
      ),
    );
    const definition = TRIGGER_DEFINITIONS[care.trigger];
    return {
      now,
      channel,
      condition: item.step.condition === "NOT_ENGAGED" ? "NOT_ENGAGED" : "ALWAYS",
      runActive: item.run.state === "ACTIVE",
      flowEnabled: item.run.flow.enabled,
      shopSendingEnabled: item.shop.sendingEnabled,
      checkoutCompleted: false,
      subjectClosed: care.closed,
      address,
      marketingState: address ? await resolveCareConsent(item.shop.shop, care, channel) : null,
      consentPolicy: item.shop.consentPolicy as ConsentPolicy,
      purpose: definition.purpose,
      quietHoursFor: definition.quietHours,
      smsWindow: definition.smsWindow,
      suppressed: hash !== null && suppressed.has(`${item.shop.shop}\n${channel}\n${hash}`),
      engaged: engagedRuns.has(item.run.id),
      smsAlreadySent: smsSentRuns.has(item.run.id),
      abandonedAt: item.run.anchorAt,
      recipientTimeZones: care.contact.timeZone
        ? [care.contact.timeZone]
        : candidateTimeZones({ countryCode: care.contact.countryCode, provinceCode: null }, item.shop.ianaTimezone),
      quietHours: { start: item.shop.quietHoursStart, end: item.shop.quietHoursEnd },
      lastMessagedForOtherCheckoutAt: lastOther,
      frequencyCapHours: item.shop.frequencyCapHours,
    };
  };
  return { prepared, orphans, facts };
}

// Intl formatters are costly to build and cheap to reuse.
const moneyFormats = new Map<string, Intl.NumberFormat | null>();
function formatMoney(amount: string, currency: string, locale: string): string {
  const key = `${locale}|${currency}`;
  if (!moneyFormats.has(key)) {
    try {
      moneyFormats.set(key, new Intl.NumberFormat(locale, { style: "currency", currency }));
    } catch {
      moneyFormats.set(key, null);
    }
  }
  const format = moneyFormats.get(key);
  return format ? format.format(Number(amount)) : `${amount} ${currency}`;
}

export function recoveryVariables(shop: Shop, checkout: Checkout, locale: string): RecoveryVariables {
  const items = (
    JSON.parse(checkout.lineItemsJson ?? "[]") as Array<{
      title: string;
      variantTitle?: string | null;
      quantity: number;
      price: string;
    }>
  ).map((item) => ({
    title: item.variantTitle ? `${item.title} (${item.variantTitle})` : item.title,
    quantity: item.quantity,
    price: formatMoney(item.price, checkout.currencyCode, locale),
  }));
  const storefront = storefrontUrl(shop);
  return {
    first_name: checkout.firstName,
    items,
    total: formatMoney(String(checkout.totalPrice), checkout.currencyCode, locale),
    currency: checkout.currencyCode,
    recovery_url: checkout.recoveryUrl ?? `${storefront}/cart`,
    ...shopVariables(shop, locale),
  };
}

/** Moves rows this worker still holds (CLAIMED under its lease) in one statement; returns the ids it moved. */
async function transition(
  rows: ScheduledMessage[],
  data: Parameters<typeof prisma.scheduledMessage.updateMany>[0]["data"],
) {
  if (rows.length === 0) return;
  const byLease = new Map<string, string[]>();
  for (const row of rows) byLease.set(row.leaseOwner ?? "", [...(byLease.get(row.leaseOwner ?? "") ?? []), row.id]);
  for (const [lease, ids] of byLease) {
    await prisma.scheduledMessage.updateMany({ where: { id: { in: ids }, state: "CLAIMED", leaseOwner: lease }, data });
  }
}

interface ToSend {
  item: Prepared;
  locale: string;
  variables: RecoveryVariables;
  rendered: RenderedMessage;
}

/** The person a message goes to, as keys of the pass's reservations (address and customer). */
function contactKeys(item: Prepared): string[] {
  const shop = item.shop.shop;
  const addresses = item.care
    ? [emailOf(item), phoneOf(item)]
    : [item.row.channel === "EMAIL" ? emailOf(item) : phoneOf(item)];
  const customerId = customerOf(item);
  return [
    ...addresses
      .filter((address): address is string => Boolean(address))
      .map((address) => `${shop}\naddress\n${address}`),
    ...(customerId ? [`${shop}\ncustomer\n${customerId}`] : []),
  ];
}

async function renderFor(item: Prepared, now: Date): Promise<Omit<ToSend, "item">> {
  const templates = JSON.parse(item.step.templatesJson) as Record<string, StepTemplate>;
  const enabled = enabledLanguages(item.shop.languagesJson);
  if (item.care) {
    const locale = pickLocale(templates, item.care.contact.locale, item.shop.primaryLocale, enabled);
    const { variables, links } = await careVariables(item.shop, item.care, locale, { scheduledId: item.row.id, now });
    const rendered = await renderStep(templates[locale], variables, item.row.channel as Channel, links);
    return { locale, variables, rendered };
  }
  const checkout = item.checkout as Checkout;
  const locale = pickLocale(templates, checkout.locale, item.shop.primaryLocale, enabled);
  const variables = recoveryVariables(item.shop, checkout, locale);
  const rendered = await renderStep(templates[locale], variables, item.row.channel as Channel);
  return { locale, variables, rendered };
}

async function dispatchBatch(rows: ScheduledMessage[], now: Date, reserved: Map<string, string>): Promise<void> {
  const log = getLogger().child({ batch: rows.length });
  const { prepared, orphans, facts } = await loadBatch(rows, now);
  await transition(orphans, { state: "SKIPPED", skipReason: "SUBJECT_GONE", leaseOwner: null, leaseUntil: null });

  const skips = new Map<string, ScheduledMessage[]>();
  const defers: Array<{ row: ScheduledMessage; until: Date }> = [];
  const toSend: ToSend[] = [];
  // Recovery first: its sends are never held back by a care flow's in this pass; care flows yield to it.
  const ordered = [...prepared.filter((item) => !item.care), ...prepared.filter((item) => item.care)];
  for (const item of ordered) {
    let decision: StepDecision;
    try {
      decision = decideStep(await facts(item));
      if (decision.action === "SEND") {
        // Checked and reserved without an await in between: the concurrent batches of this pass see it at once.
        const keys = contactKeys(item);
        const taken = keys.some((key) => (reserved.get(key) ?? item.run.id) !== item.run.id);
        if (item.care && taken) {
          decision = { action: "SKIP", reason: "FREQUENCY_CAP" };
        } else {
          for (const key of keys) if (!reserved.has(key)) reserved.set(key, item.run.id);
          toSend.push({ item, ...(await renderFor(item, now)) });
        }
      }
    } catch (error) {
      // Facts Kindly could not gather (Shopify unreachable) are retried; a template that cannot render is final.
      const retryable = isSendError(error) ? error.retryable : false;
      const detail = error instanceof Error ? error.message : String(error);
      log.warn({ shop: item.row.shop, scheduledId: item.row.id, err: detail, retryable }, "step could not be prepared");
      await markFailedAttempt(item.row, now, { message: detail, retryable });
      continue;
    }
    if (decision.action === "SKIP") skips.set(decision.reason, [...(skips.get(decision.reason) ?? []), item.row]);
    if (decision.action === "DEFER") defers.push({ row: item.row, until: decision.until });
  }
  for (const [reason, skipped] of skips) {
    await transition(skipped, { state: "SKIPPED", skipReason: reason, leaseOwner: null, leaseUntil: null });
  }
  for (const { row, until } of defers) {
    // A deferral is not a failed attempt: the claim's increment is given back.
    await transition([row], {
      state: "PENDING",
      dueAt: until,
      originalDueAt: row.originalDueAt ?? row.dueAt,
      deferReason: "QUIET_HOURS",
      attempts: { decrement: 1 },
      leaseOwner: null,
      leaseUntil: null,
    });
  }
  if (toSend.length > 0) await sendAll(toSend, now);
}

/**
 * The frequency cap across worker processes. The pass's reservations keep one process from writing twice to a
 * person; two processes (PostgreSQL, several workers) could each claim a care step for the same person at the same
 * moment and both pass the cap, which reads messages already sent. So once this batch's Message rows exist, a care
 * step yields to any other run's message to the same person that is queued or sent within the cap: whichever worker
 * inserts second sees the first one's row and skips (if both see each other, both skip: never two). Returns the
 * scheduled ids that yield.
 */
async function yieldToMessagesInFlight(
  batch: ToSend[],
  records: Array<{ id: string }>,
  now: Date,
): Promise<Set<string>> {
  const care = batch.filter(({ item }) => item.care);
  const yielded = new Set<string>();
  if (care.length === 0) return yielded;
  const addresses = [
    ...new Set(care.flatMap(({ item }) => [emailOf(item), phoneOf(item)]).filter((value): value is string => !!value)),
  ];
  const customerIds = [
    ...new Set(care.map(({ item }) => customerOf(item)).filter((value): value is string => !!value)),
  ];
  const since = new Date(now.getTime() - Math.max(...care.map(({ item }) => item.shop.frequencyCapHours)) * 3_600_000);
  const others = await prisma.message.findMany({
    where: {
      shop: { in: [...new Set(care.map(({ item }) => item.shop.shop))] },
      id: { notIn: records.map((record) => record.id) },
      status: { in: ["QUEUED", "SENT"] },
      createdAt: { gte: since },
      OR: [
        ...(addresses.length ? [{ toAddress: { in: addresses } }] : []),
        ...(customerIds.length ? [{ customerId: { in: customerIds } }] : []),
      ],
    },
    select: {
      shop: true,
      toAddress: true,
      customerId: true,
      createdAt: true,
      sentAt: true,
      scheduled: { select: { runId: true } },
    },
  });
  for (const { item } of care) {
    const email = emailOf(item);
    const phone = phoneOf(item);
    const customerId = customerOf(item);
    const capStart = now.getTime() - item.shop.frequencyCapHours * 3_600_000;
    const blocked = others.some(
      (other) =>
        other.shop === item.shop.shop &&
        other.scheduled?.runId !== item.run.id &&
        (other.sentAt ?? other.createdAt).getTime() >= capStart &&
        ((email !== null && other.toAddress === email) ||
          (phone !== null && other.toAddress === phone) ||
          (customerId !== null && other.customerId === customerId)),
    );
    if (blocked) yielded.add(item.row.id);
  }
  return yielded;
}

async function sendAll(batchToSend: ToSend[], now: Date): Promise<void> {
  let batch = batchToSend;
  const log = getLogger();
  // The Message rows exist before any provider is called: their ids and reply tokens go into links and headers.
  // A retried step reuses its row (unique per scheduled row) rather than creating a second message.
  const existing = await prisma.message.findMany({
    where: { scheduledId: { in: batch.map(({ item }) => item.row.id) } },
    select: { id: true, scheduledId: true },
  });
  const existingByScheduled = new Map(existing.map((message) => [message.scheduledId, message.id]));
  const fresh = batch.filter(({ item }) => !existingByScheduled.has(item.row.id));
  let records = batch.map(({ item, locale, rendered }) => {
    const id = existingByScheduled.get(item.row.id) ?? `msg_${randomUUID().replace(/-/g, "")}`;
    // An email's Message-ID is derived from the message id (emailMessageIdFor), so it is stored before the send:
    // replies thread even if the worker dies right after the relay accepted the message.
    const emailMessageId = item.row.channel === "EMAIL" ? emailMessageIdFor(id, replyDomainFor(item.shop)) : null;
    return {
      id,
      shop: item.shop.shop,
      scheduledId: item.row.id,
      customerId: customerOf(item),
      channel: item.row.channel,
      toAddress: (item.row.channel === "EMAIL" ? emailOf(item) : phoneOf(item)) as string,
      subject: rendered.subject,
      bodyText: rendered.text,
      bodyHtml: rendered.html,
      locale,
      replyToken: newReplyToken(),
      emailMessageId,
      providerMessageId: emailMessageId,
      createdAt: now,
    };
  });
  const freshIds = new Set(fresh.map(({ item }) => item.row.id));
  await prisma.message.createMany({ data: records.filter((record) => freshIds.has(record.scheduledId)) });

  const yielded = await yieldToMessagesInFlight(batch, records, now);
  if (yielded.size > 0) {
    const yielding = batch.filter(({ item }) => yielded.has(item.row.id));
    await transition(
      yielding.map(({ item }) => item.row),
      { state: "SKIPPED", skipReason: "FREQUENCY_CAP", leaseOwner: null, leaseUntil: null },
    );
    // Their messages never leave: the rows created for them go (a retried step's older row stays, unsent).
    await prisma.message.deleteMany({
      where: { scheduledId: { in: [...yielded].filter((id) => freshIds.has(id)) }, status: "QUEUED", sentAt: null },
    });
    const keep = batch.map(({ item }) => !yielded.has(item.row.id));
    records = records.filter((_, index) => keep[index]);
    batch = batch.filter((_, index) => keep[index]);
    if (batch.length === 0) return;
  }

  // CLAIMED -> SENDING in one statement; only rows this worker still holds go out. From here a crash means
  // "delivery unknown": such rows go to review, never blindly resent.
  const leases = [...new Set(batch.map(({ item }) => item.row.leaseOwner ?? ""))];
  for (const lease of leases) {
    await prisma.scheduledMessage.updateMany({
      where: {
        id: { in: batch.filter(({ item }) => item.row.leaseOwner === lease).map(({ item }) => item.row.id) },
        state: "CLAIMED",
        leaseOwner: lease,
      },
      data: { state: "SENDING" },
    });
  }
  const held = new Set(
    (
      await prisma.scheduledMessage.findMany({
        where: { id: { in: batch.map(({ item }) => item.row.id) }, state: "SENDING", leaseOwner: { in: leases } },
        select: { id: true },
      })
    ).map((row) => row.id),
  );

  const sent: Array<{
    messageId: string;
    scheduled: ScheduledMessage;
    providerMessageId: string;
    emailMessageId: string | null;
    fromAddress: string;
    sentAt: Date;
    /** SMS only: the text as sent (signed, with the opt-out notice). Emails keep their rendered body. */
    smsText: string | null;
  }> = [];
  const queue = batch
    .map((entry, index) => ({ ...entry, record: records[index] }))
    .filter(({ item }) => held.has(item.row.id));
  let cursor = 0;
  const workers = Array.from({ length: Math.min(SEND_CONCURRENCY, queue.length) }, async () => {
    while (cursor < queue.length) {
      const { item, locale, variables, record } = queue[cursor++];
      const message = {
        ...record,
        conversationId: null,
        fromAddress: null,
        status: "QUEUED",
        sentAt: null,
        openedAt: null,
        clickedAt: null,
        repliedAt: null,
        unsubscribedAt: null,
        bouncedAt: null,
      };
      try {
        const result =
          item.row.channel === "EMAIL"
            ? await sendRecoveryEmail(item.shop, message, {
                recoveryUrl: item.checkout ? variables.recovery_url : null,
                now,
              })
            : await sendRecoverySms(item.shop, message, { locale, now });
        sent.push({
          messageId: record.id,
          scheduled: item.row,
          providerMessageId: result.providerMessageId,
          emailMessageId: result.emailMessageId,
          fromAddress: result.fromAddress,
          sentAt: getClock().now(),
          smsText: item.row.channel === "SMS" ? result.bodyText : null,
        });
      } catch (error) {
        const retryable = isSendError(error) ? error.retryable : false;
        const detail = error instanceof Error ? error.message : String(error);
        // Twilio's 429 says when to come back (Retry-After): not before then.
        const retryAfterMs = isSendError(error) && error.retryAfterSeconds ? error.retryAfterSeconds * 1000 : null;
        const outcome = await markFailedAttempt({ ...item.row, state: "SENDING" }, now, {
          message: detail,
          retryable,
          retryAfterMs,
        });
        if (outcome === "FAILED") await prisma.message.update({ where: { id: record.id }, data: { status: "FAILED" } });
        log.warn({ shop: item.row.shop, scheduledId: item.row.id, err: detail, retryable, outcome }, "send failed");
      }
    }
  });
  await Promise.all(workers);

  if (sent.length === 0) return;
  // Record what left, in one transaction. Emails differ only by ids known before sending (the Message-ID is derived
  // from the message id), so they are marked with one statement per sender; SMS carry Twilio's SID and the text as
  // sent, one row each.
  const sentAt = getClock().now();
  await prisma.$transaction(async (tx) => {
    const emails = sent.filter((entry) => entry.scheduled.channel === "EMAIL");
    const byFrom = new Map<string, string[]>();
    for (const entry of emails)
      byFrom.set(entry.fromAddress, [...(byFrom.get(entry.fromAddress) ?? []), entry.messageId]);
    for (const [fromAddress, ids] of byFrom) {
      await tx.message.updateMany({ where: { id: { in: ids } }, data: { status: "SENT", sentAt, fromAddress } });
    }
    for (const entry of sent.filter((candidate) => candidate.scheduled.channel !== "EMAIL")) {
      await tx.message.update({
        where: { id: entry.messageId },
        data: {
          status: "SENT",
          sentAt: entry.sentAt,
          providerMessageId: entry.providerMessageId,
          fromAddress: entry.fromAddress,
          ...(entry.smsText ? { bodyText: entry.smsText } : {}),
        },
      });
    }
    for (const lease of leases) {
      await tx.scheduledMessage.updateMany({
        where: {
          id: { in: sent.filter((entry) => entry.scheduled.leaseOwner === lease).map((entry) => entry.scheduled.id) },
          state: "SENDING",
          leaseOwner: lease,
        },
        data: { state: "SENT", leaseOwner: null, leaseUntil: null, lastError: null },
      });
    }
  });
  log.info({ sent: sent.length }, "recovery steps sent");
}
