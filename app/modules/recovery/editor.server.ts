import prisma from "~/db.server";
import { getClock } from "~/clock.server";
import { getEnv } from "~/env.server";
import type { Prisma } from "~/generated/prisma/client";
import { getLogger } from "~/logger.server";
import type { StepTemplate } from "~/modules/recovery/default-flow";
import {
  delayMinutes,
  EDITOR_LOCALES,
  fieldErrorsFrom,
  LOCALE_LABELS,
  CareFlowSettingsSchema,
  RecoverySettingsSchema,
  splitDelay,
  type ConsentPolicyChoice,
  type FieldErrors,
  type StepSettings,
} from "~/modules/recovery/editor";
import { ensureFlow } from "~/modules/flows/enroll.server";
import { parseFlowOptions, type FlowOptions, type Trigger } from "~/modules/flows/triggers";
import { RECOVERY_TRIGGER } from "~/modules/recovery/flow.server";
import { TemplateError, validateTemplate } from "~/modules/recovery/render.server";
import { stopRuns } from "~/modules/recovery/stop.server";

/**
 * The merchant's side of the recovery flow: load it for the editor, save its steps and settings, switch it on and
 * off. Every query is scoped by `shop`; a flow is found by (shop, trigger), never by an id from the browser.
 */

export interface EditorStep {
  id: string;
  position: number;
  delayValue: number;
  delayUnit: "minutes" | "hours" | "days";
  delayMinutes: number;
  channel: "EMAIL" | "SMS";
  condition: "ALWAYS" | "NOT_ENGAGED";
  templates: { en: { subject: string; body: string }; fr: { subject: string; body: string } };
}

export interface RecoveryEditor {
  trigger: Trigger;
  enabled: boolean;
  /** Trigger-specific options (the VIP perk, the review page). */
  options: FlowOptions;
  holdoutPercent: number;
  steps: EditorStep[];
  consentPolicy: ConsentPolicyChoice;
  /** Minutes after local midnight, recipient's time: no SMS from `start` until `end`. */
  quietHours: { start: number; end: number };
  frequencyCapHours: number;
  channels: { emailConfigured: boolean; smsConfigured: boolean };
  sendingEnabled: boolean;
  activeRuns: number;
  shopName: string;
  currencyCode: string;
  timeZone: string;
}

function parseTemplates(json: string): Record<string, StepTemplate> {
  try {
    const parsed: unknown = JSON.parse(json);
    return parsed && typeof parsed === "object" ? (parsed as Record<string, StepTemplate>) : {};
  } catch {
    // A hand-edited row with broken JSON shows empty fields (and the editor demands text) rather than a crash.
    return {};
  }
}

function editorTemplates(json: string): EditorStep["templates"] {
  const stored = parseTemplates(json);
  const pick = (locale: string) => ({ subject: stored[locale]?.subject ?? "", body: stored[locale]?.body ?? "" });
  return { en: pick("en"), fr: pick("fr") };
}

/** Null when Kindly has no record of the shop (it never finished installing): nothing to edit yet. */
export async function loadRecoveryEditor(shop: string): Promise<RecoveryEditor | null> {
  return loadFlowEditor(shop, RECOVERY_TRIGGER);
}

/** The editor of any trigger's flow (recovery's and the care flows' share it). */
export async function loadFlowEditor(shop: string, trigger: Trigger): Promise<RecoveryEditor | null> {
  const shopRow = await prisma.shop.findUnique({ where: { shop } });
  if (!shopRow) return null;
  // The first visit creates the flow with Kindly's default steps, switched off.
  const flow = await ensureFlow(prisma, shop, trigger);
  const activeRuns = await prisma.flowRun.count({ where: { shop, flowId: flow.id, state: "ACTIVE" } });
  return {
    trigger,
    enabled: flow.enabled,
    options: parseFlowOptions(flow.settingsJson),
    holdoutPercent: flow.holdoutPercent,
    steps: flow.steps.map((step) => ({
      id: step.id,
      position: step.position,
      ...splitDelay(step.delayMinutes),
      delayMinutes: step.delayMinutes,
      channel: step.channel === "SMS" ? "SMS" : "EMAIL",
      condition: step.condition === "NOT_ENGAGED" ? "NOT_ENGAGED" : "ALWAYS",
      templates: editorTemplates(step.templatesJson),
    })),
    consentPolicy:
      shopRow.consentPolicy === "ALLOW_NON_SUBSCRIBED_EMAIL" ? "ALLOW_NON_SUBSCRIBED_EMAIL" : "SUBSCRIBED_ONLY",
    quietHours: { start: shopRow.quietHoursStart, end: shopRow.quietHoursEnd },
    frequencyCapHours: shopRow.frequencyCapHours,
    channels: {
      // The environment's SMTP_URL also serves shops without their own relay (see email.server.ts).
      emailConfigured: shopRow.smtpUrlEncrypted !== null || Boolean(getEnv().SMTP_URL),
      smsConfigured:
        shopRow.twilioAccountSid !== null &&
        shopRow.twilioAuthTokenEncrypted !== null &&
        shopRow.twilioFromNumber !== null,
    },
    sendingEnabled: shopRow.sendingEnabled,
    activeRuns,
    shopName: shopRow.name ?? shop,
    currencyCode: shopRow.currencyCode,
    timeZone: shopRow.ianaTimezone,
  };
}

/**
 * Checks every template with the Liquid parser. All errors are collected (not only the first), each keyed to its
 * field and naming the language, so the merchant sees every broken field at once.
 */
export function templateFieldErrors(steps: StepSettings[]): FieldErrors {
  const errors: FieldErrors = {};
  steps.forEach((step, index) => {
    for (const locale of EDITOR_LOCALES) {
      const template = step.templates[locale];
      for (const field of ["subject", "body"] as const) {
        const source = template[field];
        if (source === undefined || (field === "subject" && step.channel === "SMS")) continue;
        try {
          validateTemplate(locale, { body: "", [field]: source });
        } catch (error) {
          if (!(error instanceof TemplateError)) throw error;
          const label = field === "subject" ? "subject" : "message";
          const prefix = `${locale} ${field}: `;
          const detail = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
          errors[`steps.${index}.templates.${locale}.${field}`] = `${LOCALE_LABELS[locale]} ${label}: ${detail}`;
        }
      }
    }
  });
  return errors;
}

export type SaveRecoveryResult =
  | { result: "SAVED"; steps: number; runsResynced: number; runsStopped: number }
  | { result: "INVALID"; fieldErrors: FieldErrors }
  | { result: "SHOP_NOT_FOUND" };

/**
 * Validates and saves the steps, the consent policy and the holdout share, all or nothing: on any error nothing
 * is written and every field error comes back.
 *
 * Steps are stored in order of their delay, whatever order the merchant typed them in. Checkouts already in the
 * flow follow the new plan where that is safe (see `resyncRuns`).
 */
export async function saveRecoverySettings(shop: string, input: unknown): Promise<SaveRecoveryResult> {
  return saveFlowSettings(shop, RECOVERY_TRIGGER, input);
}

/** As saveRecoverySettings, for any trigger's flow (the care flows' editor rules: longer delays, no 48 h SMS rule). */
export async function saveFlowSettings(shop: string, trigger: Trigger, input: unknown): Promise<SaveRecoveryResult> {
  const schema = trigger === RECOVERY_TRIGGER ? RecoverySettingsSchema : CareFlowSettingsSchema;
  const parsed = schema.safeParse(input);
  if (!parsed.success) return { result: "INVALID", fieldErrors: fieldErrorsFrom(parsed.error) };
  const settings = parsed.data;
  const liquidErrors = templateFieldErrors(settings.steps);
  if (Object.keys(liquidErrors).length > 0) return { result: "INVALID", fieldErrors: liquidErrors };

  const shopRow = await prisma.shop.findUnique({ where: { shop }, select: { shop: true } });
  if (!shopRow) return { result: "SHOP_NOT_FOUND" };
  const now = getClock().now();
  const plan = [...settings.steps]
    .sort((a, b) => delayMinutes(a) - delayMinutes(b))
    .map((step, position) => ({
      id: step.id ?? null,
      position,
      delayMinutes: delayMinutes(step),
      channel: step.channel,
      condition: step.condition,
      templatesJson: JSON.stringify(storedTemplates(step)),
    }));

  const outcome = await prisma.$transaction(
    async (tx) => {
      const flow = await ensureFlow(tx, shop, trigger);
      const previous = flow.steps.map((step) => ({ id: step.id, position: step.position }));
      await tx.flowStep.deleteMany({ where: { flowId: flow.id } });
      await tx.flowStep.createMany({
        data: plan.map((step) => ({
          flowId: flow.id,
          position: step.position,
          delayMinutes: step.delayMinutes,
          channel: step.channel,
          condition: step.condition,
          templatesJson: step.templatesJson,
        })),
      });
      await tx.flow.update({ where: { id: flow.id }, data: { holdoutPercent: settings.holdoutPercent } });
      await tx.shop.update({ where: { shop }, data: { consentPolicy: settings.consentPolicy } });
      return resyncRuns(tx, shop, flow.id, previous, plan, now);
    },
    // Re-planning many checkouts in progress can take longer than Prisma's 5 s default on a busy shop.
    { timeout: 30_000 },
  );
  getLogger().info({ shop, trigger, steps: plan.length, ...outcome }, "flow settings saved");
  return { result: "SAVED", steps: plan.length, ...outcome };
}

function storedTemplates(step: StepSettings): Record<string, StepTemplate> {
  const templates: Record<string, StepTemplate> = {};
  for (const locale of EDITOR_LOCALES) {
    const { subject, body } = step.templates[locale];
    // An SMS has no subject; keeping a stale one would only confuse whoever reads the row later.
    templates[locale] = step.channel === "EMAIL" ? { subject: subject?.trim() ?? "", body } : { body };
  }
  return templates;
}

interface PlannedStep {
  id: string | null;
  position: number;
  delayMinutes: number;
  channel: string;
}

/**
 * Scheduled rows point at a step by position, and a worker renders whatever step holds that position at send time.
 * So after a save, checkouts already in the flow are brought in line with the new plan:
 * - if every step the merchant kept is still at its old position (wording, delays, channels or conditions edited,
 *   steps added or removed at the end), each pending row takes its step's new channel and due time (counted from
 *   the checkout's last activity, as at enrollment), rows beyond the last step are cancelled, and new steps are
 *   planned if their time has not passed yet;
 * - if kept steps moved (the order changed, or a step was added or removed in the middle), a pending row would now
 *   point at a different message, possibly one the shopper already received. Those checkouts' sequences are ended
 *   instead ("FLOW_CHANGED", shown in their timeline): never a message twice, never one out of order.
 * When re-planning, rows a worker holds right now (CLAIMED, SENDING) are left alone. Holdout runs have no rows.
 */
async function resyncRuns(
  tx: Prisma.TransactionClient,
  shop: string,
  flowId: string,
  previous: Array<{ id: string; position: number }>,
  plan: PlannedStep[],
  now: Date,
): Promise<{ runsResynced: number; runsStopped: number }> {
  const newPositionOf = new Map(
    plan.filter((step) => step.id !== null).map((step) => [step.id as string, step.position]),
  );
  const keptStepsStayed = previous.every(
    (step) => !newPositionOf.has(step.id) || newPositionOf.get(step.id) === step.position,
  );

  const runs = await tx.flowRun.findMany({
    where: { shop, flowId, state: "ACTIVE", holdout: false },
    select: {
      id: true,
      anchorAt: true,
      scheduled: { select: { id: true, stepPosition: true, state: true, channel: true, deferReason: true } },
    },
  });
  if (runs.length === 0) return { runsResynced: 0, runsStopped: 0 };

  if (!keptStepsStayed) {
    const runIds = runs.map((run) => run.id);
    const stopped = await tx.flowRun.updateMany({
      where: { shop, id: { in: runIds }, state: "ACTIVE" },
      data: { state: "STOPPED", stopReason: "FLOW_CHANGED", stoppedAt: now },
    });
    // As stopRuns does: a CLAIMED row's worker then fails its compare-and-set to SENDING and sends nothing.
    await tx.scheduledMessage.updateMany({
      where: { shop, runId: { in: runIds }, state: { in: ["PENDING", "CLAIMED"] } },
      data: { state: "CANCELLED", skipReason: "FLOW_CHANGED" },
    });
    return { runsResynced: 0, runsStopped: stopped.count };
  }

  const byPosition = new Map(plan.map((step) => [step.position, step]));
  for (const run of runs) {
    const dueFor = (step: PlannedStep) => new Date(run.anchorAt.getTime() + step.delayMinutes * 60_000);
    for (const row of run.scheduled) {
      if (row.state !== "PENDING") continue;
      const step = byPosition.get(row.stepPosition);
      if (!step) {
        await tx.scheduledMessage.updateMany({
          where: { shop, id: row.id, state: "PENDING" },
          data: { state: "CANCELLED", skipReason: "STEP_REMOVED" },
        });
        continue;
      }
      const channelChanged = row.channel !== step.channel;
      // A quiet-hours deferral stands (it already moved the time for a reason) unless the channel changed under it.
      if (row.deferReason && !channelChanged) continue;
      await tx.scheduledMessage.updateMany({
        where: { shop, id: row.id, state: "PENDING" },
        data: {
          channel: step.channel,
          dueAt: dueFor(step),
          ...(channelChanged ? { deferReason: null, originalDueAt: null } : {}),
        },
      });
    }
    const planned = new Set(run.scheduled.map((row) => row.stepPosition));
    const additions = plan.filter((step) => !planned.has(step.position) && dueFor(step).getTime() > now.getTime());
    if (additions.length > 0) {
      await tx.scheduledMessage.createMany({
        data: additions.map((step) => ({
          shop,
          runId: run.id,
          stepPosition: step.position,
          channel: step.channel,
          dueAt: dueFor(step),
        })),
      });
    }
  }
  return { runsResynced: runs.length, runsStopped: 0 };
}

export type SetEnabledResult =
  | { result: "ENABLED" | "ALREADY_ENABLED" | "ALREADY_DISABLED" }
  | { result: "DISABLED"; stoppedRuns: number }
  | { result: "SHOP_NOT_FOUND" };

/**
 * Switches the flow on or off. Switching off stops every checkout's sequence at once (their pending messages are
 * cancelled with the reason FLOW_DISABLED); switching back on does not revive them, it applies to checkouts
 * abandoned from then on.
 */
export async function setRecoveryEnabled(shop: string, enabled: boolean): Promise<SetEnabledResult> {
  return setFlowEnabled(shop, RECOVERY_TRIGGER, enabled);
}

export async function setFlowEnabled(shop: string, trigger: Trigger, enabled: boolean): Promise<SetEnabledResult> {
  const shopRow = await prisma.shop.findUnique({ where: { shop }, select: { shop: true } });
  if (!shopRow) return { result: "SHOP_NOT_FOUND" };
  const now = getClock().now();
  const outcome = await prisma.$transaction(async (tx): Promise<SetEnabledResult> => {
    const flow = await ensureFlow(tx, shop, trigger);
    if (flow.enabled === enabled) return { result: enabled ? "ALREADY_ENABLED" : "ALREADY_DISABLED" };
    await tx.flow.update({ where: { id: flow.id }, data: { enabled } });
    if (enabled) return { result: "ENABLED" };
    const active = await tx.flowRun.findMany({
      where: { shop, flowId: flow.id, state: "ACTIVE" },
      select: { id: true },
    });
    const stoppedRuns = await stopRuns(
      tx,
      shop,
      active.map((run) => run.id),
      "FLOW_DISABLED",
      now,
    );
    return { result: "DISABLED", stoppedRuns };
  });
  getLogger().info({ shop, trigger, ...outcome }, "flow switched");
  return outcome;
}

/** Saves a flow's trigger-specific options (the VIP perk, the review page's URL), already validated by the caller. */
export async function saveFlowOptions(shop: string, trigger: Trigger, options: FlowOptions): Promise<boolean> {
  const shopRow = await prisma.shop.findUnique({ where: { shop }, select: { shop: true } });
  if (!shopRow) return false;
  const flow = await ensureFlow(prisma, shop, trigger);
  await prisma.flow.update({ where: { id: flow.id }, data: { settingsJson: JSON.stringify(options) } });
  return true;
}
