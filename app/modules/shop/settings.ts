import { z } from "zod";
import { parseBusinessHours, BusinessHoursError, WEEKDAYS, isValidTimeZone } from "~/modules/inbox/sla";

/**
 * The merchant's settings, section by section: what the form may send and how each field is checked. Pure, so the
 * rules are unit-tested without HTTP. Every refusal is a field error in plain words; a section with any error saves
 * nothing. Secret fields (SMTP URL, Twilio auth token) are write-only: blank keeps what is stored, "remove" clears
 * it, and nothing here ever reads them back.
 */

export const SETTINGS_SECTIONS = ["sender", "sms", "sending", "support", "languages"] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

export const SUPPORTED_LANGUAGES = ["en", "fr"] as const;
export type SupportedLanguage = (typeof SUPPORTED_LANGUAGES)[number];

export type FieldErrors = Record<string, string>;
export type Parsed<T> = { ok: true; value: T } | { ok: false; fieldErrors: FieldErrors };

/** Header injection: a name or address with a line break could add headers to every email Kindly sends. */
const noLineBreaks = (value: string) => !/[\r\n]/.test(value);

const text = (max: number, label: string) =>
  z
    .string({ invalid_type_error: `${label} must be text.` })
    .trim()
    .max(max, `${label} is at most ${max} characters.`)
    .refine(noLineBreaks, `${label} cannot contain line breaks.`);

const email = z
  .string()
  .trim()
  .max(254, "An email address is at most 254 characters.")
  .refine(noLineBreaks, "An email address cannot contain line breaks.")
  .pipe(z.string().email("Enter an email address such as support@yourshop.com."));

const hostname = z
  .string()
  .trim()
  .toLowerCase()
  .regex(
    /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
    "Enter a domain such as reply.yourshop.com.",
  );

const checkbox = z
  .union([z.literal("on"), z.literal("true"), z.literal("false"), z.literal(""), z.boolean()])
  .optional()
  .transform((value) => value === true || value === "on" || value === "true");

const clock = z
  .string()
  .trim()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, "Use the 24-hour format HH:MM, for example 20:00.")
  .transform((value) => Number(value.slice(0, 2)) * 60 + Number(value.slice(3)));

const wholeNumber = (label: string, min: number, max: number) =>
  z.coerce
    .number({ invalid_type_error: `${label} must be a number.` })
    .int(`${label} must be a whole number.`)
    .min(min, `${label} must be at least ${min}.`)
    .max(max, `${label} must be at most ${max}.`);

function collect<T>(result: z.SafeParseReturnType<unknown, T>): Parsed<T> {
  if (result.success) return { ok: true, value: result.data };
  const fieldErrors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const field = issue.path.join(".") || "form";
    fieldErrors[field] ??= issue.message;
  }
  return { ok: false, fieldErrors };
}

// ---- Email sender -------------------------------------------------------------------------------------------------

const senderSchema = z.object({
  senderName: text(80, "The sender name").pipe(z.string().min(1, "Give the name your customers will see.")),
  senderEmail: email,
  replyDomain: z
    .union([z.literal(""), hostname])
    .optional()
    .transform((value) => value || null),
  smtpUrl: z
    .string()
    .trim()
    .optional()
    .transform((value) => value || null)
    .refine((value) => value === null || /^smtps?:\/\/[^\s]+$/.test(value), {
      message: "Use smtp://user:password@host:587 or smtps://user:password@host:465.",
    }),
  clearSmtp: checkbox,
});
export type SenderSettings = z.output<typeof senderSchema>;
export const parseSenderSettings = (input: unknown): Parsed<SenderSettings> => collect(senderSchema.safeParse(input));

// ---- SMS ----------------------------------------------------------------------------------------------------------

const smsSchema = z
  .object({
    twilioAccountSid: z
      .string()
      .trim()
      .optional()
      .transform((value) => value || null)
      .refine((value) => value === null || /^AC[0-9a-fA-F]{32}$/.test(value), {
        message: "A Twilio Account SID starts with AC followed by 32 letters and digits.",
      }),
    twilioAuthToken: z
      .string()
      .trim()
      .optional()
      .transform((value) => value || null)
      .refine((value) => value === null || /^[A-Za-z0-9]{16,128}$/.test(value), {
        message: "The auth token is the 32 letters and digits shown in Twilio's console.",
      }),
    twilioFromNumber: z
      .string()
      .optional()
      .transform((value) => (value ?? "").replace(/[\s().-]/g, "") || null)
      .refine((value) => value === null || /^\+[1-9]\d{6,14}$/.test(value), {
        message: "Enter the sending number in international format, for example +33612345678.",
      }),
    clearSms: checkbox,
  })
  .superRefine((value, context) => {
    if (value.clearSms) return;
    if (!value.twilioAccountSid) {
      context.addIssue({ code: "custom", path: ["twilioAccountSid"], message: "Enter your Twilio Account SID." });
    }
    if (!value.twilioFromNumber) {
      context.addIssue({ code: "custom", path: ["twilioFromNumber"], message: "Enter the number SMS are sent from." });
    }
  });
export type SmsSettings = z.output<typeof smsSchema>;
export const parseSmsSettings = (input: unknown): Parsed<SmsSettings> => collect(smsSchema.safeParse(input));

// ---- Sending rules ------------------------------------------------------------------------------------------------

/** Quiet hours are a nightly window; it may cross midnight, and must leave the day at least eight hours to send in. */
export const MAX_QUIET_MINUTES = 16 * 60;

const sendingSchema = z
  .object({
    quietHoursStart: clock,
    quietHoursEnd: clock,
    frequencyCapHours: wholeNumber("The frequency cap", 1, 720),
    consentPolicy: z.enum(["SUBSCRIBED_ONLY", "ALLOW_NON_SUBSCRIBED_EMAIL"], {
      errorMap: () => ({ message: "Choose who may receive recovery emails." }),
    }),
  })
  .superRefine((value, context) => {
    const length = quietLength(value.quietHoursStart, value.quietHoursEnd);
    if (length === 0) {
      context.addIssue({
        code: "custom",
        path: ["quietHoursEnd"],
        message: "Quiet hours must end at a different time than they start.",
      });
    } else if (length > MAX_QUIET_MINUTES) {
      context.addIssue({
        code: "custom",
        path: ["quietHoursEnd"],
        message: `Quiet hours would last ${Math.round(length / 60)} h and leave almost no time to send: the end is before the start. Keep them to ${MAX_QUIET_MINUTES / 60} h or less (for example 20:00 to 08:00).`,
      });
    }
  });
export type SendingSettings = z.output<typeof sendingSchema>;
export const parseSendingSettings = (input: unknown): Parsed<SendingSettings> =>
  collect(sendingSchema.safeParse(input));

/** Minutes from start to end going forward, across midnight when the end is earlier on the clock. */
export function quietLength(start: number, end: number): number {
  return (end - start + 24 * 60) % (24 * 60);
}

// ---- Support (SLA and business hours) -----------------------------------------------------------------------------

const dayWindow = z.object({
  open: checkbox,
  from: z.string().trim().optional(),
  to: z.string().trim().optional(),
});

const supportSchema = z
  .object({
    slaFirstResponseMinutes: wholeNumber("The first response target", 5, 10_080),
    slaVipFirstResponseMinutes: wholeNumber("The VIP first response target", 5, 10_080),
    slaResolutionMinutes: wholeNumber("The resolution target", 15, 43_200),
    slaGoalPercent: wholeNumber("The goal", 1, 100),
    alwaysOpen: checkbox,
    timezone: z.string().trim().optional(),
    days: z.object(Object.fromEntries(WEEKDAYS.map((day) => [day, dayWindow.optional()]))).optional(),
  })
  .superRefine((value, context) => {
    if (value.slaVipFirstResponseMinutes > value.slaFirstResponseMinutes) {
      context.addIssue({
        code: "custom",
        path: ["slaVipFirstResponseMinutes"],
        message: "VIPs are promised a faster answer: keep their target at or below the first response target.",
      });
    }
    if (value.slaResolutionMinutes < value.slaFirstResponseMinutes) {
      context.addIssue({
        code: "custom",
        path: ["slaResolutionMinutes"],
        message: "A conversation cannot be resolved before its first answer: raise the resolution target.",
      });
    }
    if (value.timezone && !isValidTimeZone(value.timezone)) {
      context.addIssue({ code: "custom", path: ["timezone"], message: "Choose a time zone such as Europe/Paris." });
    }
  })
  .transform((value, context) => {
    let businessHoursJson: string | null = null;
    if (!value.alwaysOpen) {
      const days: Record<string, Array<[string, string]>> = {};
      for (const day of WEEKDAYS) {
        const window = value.days?.[day];
        if (!window?.open) continue;
        if (!window.from || !window.to || !(window.from < window.to || window.to === "24:00")) {
          context.addIssue({
            code: "custom",
            path: ["days", day],
            message: "Give an opening time before the closing time (HH:MM).",
          });
          continue;
        }
        days[day] = [[window.from, window.to]];
      }
      if (Object.keys(days).length === 0) {
        context.addIssue({
          code: "custom",
          path: ["days"],
          message: "Open at least one day, or choose 'always open'.",
        });
      }
      businessHoursJson = JSON.stringify({ ...(value.timezone ? { timezone: value.timezone } : {}), days });
      try {
        parseBusinessHours(businessHoursJson, value.timezone || "UTC");
      } catch (error) {
        if (!(error instanceof BusinessHoursError)) throw error;
        context.addIssue({ code: "custom", path: ["days"], message: error.message });
      }
    }
    return {
      slaFirstResponseMinutes: value.slaFirstResponseMinutes,
      slaVipFirstResponseMinutes: value.slaVipFirstResponseMinutes,
      slaResolutionMinutes: value.slaResolutionMinutes,
      slaGoalPercent: value.slaGoalPercent,
      businessHoursJson,
    };
  });
export type SupportSettings = z.output<typeof supportSchema>;
export const parseSupportSettings = (input: unknown): Parsed<SupportSettings> =>
  collect(supportSchema.safeParse(input));

// ---- Languages ----------------------------------------------------------------------------------------------------

const languagesSchema = z.object({
  languages: z
    .array(z.enum(SUPPORTED_LANGUAGES, { errorMap: () => ({ message: "Kindly writes in English and French." }) }))
    .min(1, "Keep at least one language."),
});
export type LanguagesSettings = z.output<typeof languagesSchema>;
export const parseLanguagesSettings = (input: unknown): Parsed<LanguagesSettings> =>
  collect(languagesSchema.safeParse(input));

/**
 * The languages Kindly writes to shoppers in: the merchant's choice, else every language it ships. A shopper whose
 * language is not among them gets the shop's language (then English).
 */
export function enabledLanguages(languagesJson: string | null | undefined): SupportedLanguage[] {
  if (!languagesJson) return [...SUPPORTED_LANGUAGES];
  try {
    const parsed = JSON.parse(languagesJson) as unknown;
    const list = Array.isArray(parsed)
      ? parsed.filter((code): code is SupportedLanguage => SUPPORTED_LANGUAGES.includes(code as SupportedLanguage))
      : [];
    return list.length > 0 ? list : [...SUPPORTED_LANGUAGES];
  } catch {
    return [...SUPPORTED_LANGUAGES];
  }
}

export function minutesToClock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
}
