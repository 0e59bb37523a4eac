import type { AdminApiContext } from "@shopify/shopify-app-remix/server";
import prisma from "~/db.server";
import { getEnv } from "~/env.server";
import { getLogger } from "~/logger.server";
import { THEME_APP_EMBEDS_QUERY, type ThemeAppEmbedsResult } from "~/graphql/ThemeAppEmbeds";
import { runAdminQuery } from "~/modules/shop/graphql.server";
import { loadShopFacts } from "~/modules/storefront/faq.server";
import { RECOVERY_TRIGGER } from "~/modules/recovery/flow.server";
import { ACTIVE_IMPORT_STATUSES } from "~/modules/customers/import.server";
import {
  AnswersSchema,
  buildChecklist,
  isAppEmbedEnabled,
  parseSettingsData,
  type Checklist,
  type ChecklistFacts,
  type OnboardingAnswers,
} from "./checklist";

/** The app embed's block file name in extensions/kindly-storefront/blocks/. */
export const CHAT_EMBED_HANDLE = "chat-embed";

/** How long what Kindly read from Shopify (theme, policies) is trusted before the guide reads it again. */
export const REMOTE_FACTS_TTL_MS = 5 * 60_000;

interface OnboardingState {
  answers?: OnboardingAnswers;
  answeredAt?: string;
  remote?: { checkedAt: string; appEmbedEnabled: boolean | null; missingPolicies: string[] | null };
}

function readState(json: string | null): OnboardingState {
  if (!json) return {};
  try {
    return JSON.parse(json) as OnboardingState;
  } catch {
    return {};
  }
}

async function writeState(shop: string, state: OnboardingState): Promise<void> {
  await prisma.shop.update({ where: { shop }, data: { onboardingJson: JSON.stringify(state) } });
}

export type SaveAnswersResult = { ok: true } | { ok: false; fieldErrors: Record<string, string> };

export async function saveOnboardingAnswers(shop: string, input: unknown, now: Date): Promise<SaveAnswersResult> {
  const parsed = AnswersSchema.safeParse(input);
  if (!parsed.success) {
    const fieldErrors: Record<string, string> = {};
    for (const issue of parsed.error.issues) fieldErrors[String(issue.path[0] ?? "form")] ??= issue.message;
    return { ok: false, fieldErrors };
  }
  const row = await prisma.shop.findUniqueOrThrow({ where: { shop }, select: { onboardingJson: true } });
  await writeState(shop, { ...readState(row.onboardingJson), answers: parsed.data, answeredAt: now.toISOString() });
  return { ok: true };
}

export async function setChecklistDismissed(shop: string, dismissed: boolean, now: Date): Promise<void> {
  await prisma.shop.update({ where: { shop }, data: { checklistDismissedAt: dismissed ? now : null } });
}

/** The theme and the policies, read through the Admin API; null for what could not be read (shown as such). */
async function readRemoteFacts(admin: AdminApiContext): Promise<NonNullable<OnboardingState["remote"]>> {
  const [theme, policies] = await Promise.allSettled([
    runAdminQuery<ThemeAppEmbedsResult>(admin, "ThemeAppEmbeds", THEME_APP_EMBEDS_QUERY),
    loadShopFacts(admin),
  ]);
  let appEmbedEnabled: boolean | null = null;
  if (theme.status === "fulfilled") {
    const content = theme.value.themes?.nodes[0]?.files?.nodes[0]?.body.content;
    try {
      appEmbedEnabled = content ? isAppEmbedEnabled(parseSettingsData(content), CHAT_EMBED_HANDLE) : false;
    } catch {
      appEmbedEnabled = false;
    }
  } else {
    getLogger().warn({ err: String(theme.reason) }, "onboarding: could not read the published theme");
  }
  if (policies.status === "rejected") {
    getLogger().warn({ err: String(policies.reason) }, "onboarding: could not read the shop's policies");
  }
  return {
    checkedAt: "",
    appEmbedEnabled,
    missingPolicies: policies.status === "fulfilled" ? policies.value.missingPolicies : null,
  };
}

export interface SetupGuide {
  answers: OnboardingAnswers | null;
  dismissed: boolean;
  checklist: Checklist | null;
  checkedAt: string | null;
}

/**
 * The guide for the dashboard: questions first, then the tailored checklist. Local facts are read every time;
 * Shopify facts (theme embed, policies) are cached in the shop's onboarding state for five minutes, or read again
 * when the merchant asks ("Check again").
 */
export async function loadSetupGuide(
  shop: string,
  admin: AdminApiContext,
  now: Date,
  options: { refresh?: boolean } = {},
): Promise<SetupGuide> {
  const row = await prisma.shop.findUnique({ where: { shop } });
  if (!row) return { answers: null, dismissed: false, checklist: null, checkedAt: null };
  const state = readState(row.onboardingJson);
  const answers = state.answers ? AnswersSchema.safeParse(state.answers) : null;
  const dismissed = row.checklistDismissedAt !== null;
  if (!answers?.success) return { answers: null, dismissed, checklist: null, checkedAt: null };

  let remote = state.remote;
  const stale = !remote || now.getTime() - new Date(remote.checkedAt).getTime() > REMOTE_FACTS_TTL_MS;
  if (!dismissed && (options.refresh || stale)) {
    remote = { ...(await readRemoteFacts(admin)), checkedAt: now.toISOString() };
    await writeState(shop, { ...state, remote });
  }

  const [flow, publishedFaqEntries, completedImport, runningImport] = await Promise.all([
    prisma.flow.findUnique({
      where: { shop_trigger: { shop, trigger: RECOVERY_TRIGGER } },
      select: { enabled: true, createdAt: true, updatedAt: true },
    }),
    prisma.faqEntry.count({ where: { shop, published: true } }),
    prisma.importJob.count({ where: { shop, status: "COMPLETED" } }),
    prisma.importJob.count({ where: { shop, status: { in: ACTIVE_IMPORT_STATUSES } } }),
  ]);
  const facts: ChecklistFacts = {
    senderEmail: row.senderEmail,
    smtpConfigured: row.smtpUrlEncrypted !== null || Boolean(getEnv().SMTP_URL),
    senderVerified: row.senderVerifiedAt !== null,
    smsConfigured: Boolean(row.twilioAccountSid && row.twilioAuthTokenEncrypted && row.twilioFromNumber),
    recoveryEnabled: flow?.enabled ?? false,
    recoveryEdited: flow ? flow.updatedAt.getTime() > flow.createdAt.getTime() : false,
    appEmbedEnabled: remote?.appEmbedEnabled ?? null,
    publishedFaqEntries,
    missingPolicies: remote?.missingPolicies ?? null,
    customersImported: completedImport > 0 || row.customersSyncedAt !== null,
    importRunning: runningImport > 0,
  };
  const checklist = buildChecklist(answers.data, facts, {
    shopDomain: shop,
    apiKey: getEnv().SHOPIFY_API_KEY,
    embedHandle: CHAT_EMBED_HANDLE,
  });
  return { answers: answers.data, dismissed, checklist, checkedAt: remote?.checkedAt ?? null };
}
