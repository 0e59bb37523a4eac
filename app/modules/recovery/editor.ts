import { z } from "zod";

/**
 * The recovery editor's form, as zod schemas shared by the browser (instant field errors while typing) and the
 * server (the only check that counts). Liquid syntax is checked on the server only: it needs the template engine,
 * which has no business in the admin's JavaScript bundle.
 *
 * Nothing here imports server code: this module is bundled into the admin page.
 */

export const EDITOR_LOCALES = ["en", "fr"] as const;
export type EditorLocale = (typeof EDITOR_LOCALES)[number];
export const LOCALE_LABELS: Record<EditorLocale, string> = { en: "English", fr: "French" };

export const DELAY_UNITS = { minutes: 1, hours: 60, days: 1440 } as const;
export type DelayUnit = keyof typeof DELAY_UNITS;

export const CHANNELS = ["EMAIL", "SMS"] as const;
export const CONDITIONS = ["ALWAYS", "NOT_ENGAGED"] as const;
export const CONSENT_POLICIES = ["SUBSCRIBED_ONLY", "ALLOW_NON_SUBSCRIBED_EMAIL"] as const;
export type ConsentPolicyChoice = (typeof CONSENT_POLICIES)[number];

export const MAX_STEPS = 8;
export const MAX_HOLDOUT_PERCENT = 50;
/** Recovery is about a checkout the shopper just left; a month later it is not a follow-up any more. */
export const MAX_DELAY_MINUTES = 30 * 1440;
/** Carriers' rule since 2021 (and rules.ts enforces it at send time): no recovery SMS later than 48 h. */
export const SMS_WINDOW_MINUTES = 48 * 60;
const MAX_SUBJECT_LENGTH = 200;
const MAX_EMAIL_BODY_LENGTH = 10_000;
/** Generous for Liquid source; the composed SMS itself is cut to two parts when it is sent. */
const MAX_SMS_BODY_LENGTH = 1_000;

const wholeNumber = (label: string) =>
  z.coerce
    .number({ invalid_type_error: `${label} must be a number` })
    .refine((value) => Number.isFinite(value), `${label} must be a number`)
    .refine((value) => Number.isInteger(value), `${label} must be a whole number`);

export const TemplateInputSchema = z.object({
  subject: z.string().max(MAX_SUBJECT_LENGTH, `Keep the subject under ${MAX_SUBJECT_LENGTH} characters`).optional(),
  // A hard ceiling for any request (the preview renders on every pause in typing); the per-channel limits below
  // are the ones the merchant sees.
  body: z.string().max(20_000, "Keep the message under 20,000 characters"),
});

const StepObjectSchema = z.object({
  /** The stored step this card edits; absent for a step added in this session. */
  id: z.string().min(1).optional(),
  delayValue: wholeNumber("The delay").refine((value) => value > 0, "The delay must be more than 0"),
  delayUnit: z.enum(["minutes", "hours", "days"]),
  channel: z.enum(CHANNELS),
  condition: z.enum(CONDITIONS),
  templates: z.object({ en: TemplateInputSchema, fr: TemplateInputSchema }),
});

/** What differs between triggers in the editor: how long a delay may be, and recovery's 48 h SMS rule. */
export interface FlowEditorRules {
  maxDelayDays: number;
  /** Words for the anchor in the delay error ("of the checkout", "of the trigger"). */
  delayAnchor: string;
  smsWindow: boolean;
}

export const RECOVERY_EDITOR_RULES: FlowEditorRules = {
  maxDelayDays: 30,
  delayAnchor: "the checkout",
  smsWindow: true,
};
export const CARE_EDITOR_RULES: FlowEditorRules = { maxDelayDays: 60, delayAnchor: "the trigger", smsWindow: false };

function stepInputSchema(rules: FlowEditorRules) {
  return StepObjectSchema.superRefine((step, ctx) => {
    const minutes = step.delayValue * DELAY_UNITS[step.delayUnit];
    if (minutes > rules.maxDelayDays * 1440) {
      ctx.addIssue({
        code: "custom",
        path: ["delayValue"],
        message: `Keep the delay within ${rules.maxDelayDays} days of ${rules.delayAnchor}`,
      });
    } else if (rules.smsWindow && step.channel === "SMS" && minutes >= SMS_WINDOW_MINUTES) {
      ctx.addIssue({
        code: "custom",
        path: ["delayValue"],
        message: "An SMS must come within 48 hours of the checkout (carriers' rule): later, it would always be skipped",
      });
    }
    const maxBody = step.channel === "EMAIL" ? MAX_EMAIL_BODY_LENGTH : MAX_SMS_BODY_LENGTH;
    for (const locale of EDITOR_LOCALES) {
      const template = step.templates[locale];
      const language = LOCALE_LABELS[locale];
      if (step.channel === "EMAIL" && !template.subject?.trim()) {
        ctx.addIssue({
          code: "custom",
          path: ["templates", locale, "subject"],
          message: `${language} subject: write a subject`,
        });
      }
      if (!template.body.trim()) {
        ctx.addIssue({
          code: "custom",
          path: ["templates", locale, "body"],
          message: `${language} message: write the message`,
        });
      } else if (template.body.length > maxBody) {
        ctx.addIssue({
          code: "custom",
          path: ["templates", locale, "body"],
          message: `${language} message: keep it under ${maxBody.toLocaleString("en")} characters`,
        });
      }
    }
  });
}

export const StepInputSchema = stepInputSchema(RECOVERY_EDITOR_RULES);

/** The editor's form for a flow of any trigger: recovery's rules by default, the care flows' with CARE_EDITOR_RULES. */
export function flowSettingsSchema(rules: FlowEditorRules) {
  return z
    .object({
      steps: z
        .array(stepInputSchema(rules))
        .min(1, "Keep at least one step")
        .max(MAX_STEPS, `At most ${MAX_STEPS} steps`),
      consentPolicy: z.enum(CONSENT_POLICIES, {
        errorMap: () => ({ message: "Choose who may receive recovery emails" }),
      }),
      holdoutPercent: wholeNumber("The holdout share")
        .refine((value) => value >= 0, "The holdout share cannot be negative")
        .refine((value) => value <= MAX_HOLDOUT_PERCENT, `Keep the holdout share at ${MAX_HOLDOUT_PERCENT} % or less`),
    })
    .superRefine((settings, ctx) => {
      // Two steps at the same moment would reach the shopper together; say so instead of picking an order.
      const seen = new Map<number, number>();
      let smsSteps = 0;
      settings.steps.forEach((step, index) => {
        const minutes = step.delayValue * DELAY_UNITS[step.delayUnit];
        if (seen.has(minutes)) {
          ctx.addIssue({
            code: "custom",
            path: ["steps", index, "delayValue"],
            message: `Step ${(seen.get(minutes) ?? 0) + 1} already has this delay: give each step its own`,
          });
        } else {
          seen.set(minutes, index);
        }
        if (step.channel === "SMS" && ++smsSteps > 1) {
          // rules.ts sends at most one recovery SMS per checkout; a second SMS step would always be skipped.
          ctx.addIssue({
            code: "custom",
            path: ["steps", index, "channel"],
            message: rules.smsWindow
              ? "Only one SMS per checkout: make this step an email"
              : "Only one SMS per flow run: make this step an email",
          });
        }
      });
    });
}

export const RecoverySettingsSchema = flowSettingsSchema(RECOVERY_EDITOR_RULES);
export const CareFlowSettingsSchema = flowSettingsSchema(CARE_EDITOR_RULES);

export type StepInput = z.input<typeof StepInputSchema>;
export type RecoverySettingsInput = z.input<typeof RecoverySettingsSchema>;
export type RecoverySettings = z.output<typeof RecoverySettingsSchema>;
export type StepSettings = RecoverySettings["steps"][number];

/** What the live preview needs: only the message and its channel (the delay does not change the words). */
export const PreviewRequestSchema = z.object({
  channel: z.enum(CHANNELS),
  templates: z.object({ en: TemplateInputSchema, fr: TemplateInputSchema }),
});
export type PreviewRequest = z.infer<typeof PreviewRequestSchema>;

export const TestPhoneSchema = z
  .string()
  .trim()
  .regex(/^\+[1-9]\d{6,14}$/, "Enter your mobile number in international format, for example +33612345678");

/** Every request the Recovery page's action accepts, one per intent. */
export const RecoveryActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("save"), settings: z.unknown() }),
  z.object({ intent: z.literal("preview"), step: PreviewRequestSchema }),
  z.object({ intent: z.literal("enable") }),
  z.object({ intent: z.literal("disable") }),
  z.object({
    intent: z.literal("test"),
    step: PreviewRequestSchema,
    locale: z.enum(EDITOR_LOCALES),
    /** For an SMS test: the session knows the staff member's email but never their phone. */
    phone: TestPhoneSchema.optional(),
  }),
]);
export type RecoveryActionRequest = z.infer<typeof RecoveryActionSchema>;

/** Field errors keyed by dotted path ("steps.0.templates.fr.body"), first message per field. */
export type FieldErrors = Record<string, string>;

export function fieldErrorsFrom(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".") || "form";
    errors[key] ??= issue.message;
  }
  return errors;
}

export function delayMinutes(step: Pick<StepSettings, "delayValue" | "delayUnit">): number {
  return step.delayValue * DELAY_UNITS[step.delayUnit];
}

/** The largest unit that expresses the delay exactly: 1440 minutes shows as 1 day, 90 minutes as 90 minutes. */
export function splitDelay(minutes: number): { delayValue: number; delayUnit: DelayUnit } {
  if (minutes % DELAY_UNITS.days === 0) return { delayValue: minutes / DELAY_UNITS.days, delayUnit: "days" };
  if (minutes % DELAY_UNITS.hours === 0) return { delayValue: minutes / DELAY_UNITS.hours, delayUnit: "hours" };
  return { delayValue: minutes, delayUnit: "minutes" };
}

export function describeDelay(minutes: number): string {
  const { delayValue, delayUnit } = splitDelay(minutes);
  const unit = delayValue === 1 ? delayUnit.slice(0, -1) : delayUnit;
  return `${delayValue} ${unit}`;
}
