import { z } from "zod";

/**
 * The setup guide: four questions tailor a checklist whose steps Kindly detects itself (nothing is ticked by hand
 * where Kindly can check it). Pure: the facts come from onboarding.server.ts, so every rule is unit-tested.
 */

export const AnswersSchema = z.object({
  experience: z.enum(["NEW", "EXPERIENCED"], {
    errorMap: () => ({ message: "Choose how long you have run a store." }),
  }),
  markets: z
    .array(z.enum(["EU", "US", "ELSEWHERE"]), { errorMap: () => ({ message: "Choose where your customers are." }) })
    .min(1, "Choose where your customers are."),
  hasSms: z.enum(["YES", "NO"], { errorMap: () => ({ message: "Say whether you have an SMS provider." }) }),
  goal: z.enum(["RECOVER", "SUPPORT", "RETAIN"], { errorMap: () => ({ message: "Choose your main goal." }) }),
});
export type OnboardingAnswers = z.infer<typeof AnswersSchema>;

export type StepId =
  "email_sender" | "sms" | "recovery_reviewed" | "app_embed" | "faq_published" | "policies" | "customers_imported";

/** What Kindly found out about the shop (DB and Admin API). `null` where it could not check (Shopify unreachable). */
export interface ChecklistFacts {
  senderEmail: string | null;
  smtpConfigured: boolean;
  senderVerified: boolean;
  smsConfigured: boolean;
  recoveryEnabled: boolean;
  recoveryEdited: boolean;
  appEmbedEnabled: boolean | null;
  publishedFaqEntries: number;
  missingPolicies: string[] | null;
  customersImported: boolean;
  importRunning: boolean;
}

export interface ChecklistStep {
  id: StepId;
  title: string;
  /** One line for everyone; beginners also get `explanation`. */
  summary: string;
  explanation: string | null;
  done: boolean;
  optional: boolean;
  /** What Kindly saw, in words ("Sender verified by a test send", "Missing: refund, terms"). */
  status: string;
  action: { label: string; url: string; external?: boolean };
}

export interface Checklist {
  steps: ChecklistStep[];
  done: number;
  total: number;
  /** 0–100, over the required steps (optional ones count only once done). */
  progress: number;
  complete: boolean;
}

const POLICY_NAMES: Record<string, string> = {
  REFUND_POLICY: "refund",
  SHIPPING_POLICY: "shipping",
  PRIVACY_POLICY: "privacy",
  TERMS_OF_SERVICE: "terms of service",
};

/** Order of the steps by the merchant's main goal: what serves it comes first. */
const ORDER: Record<OnboardingAnswers["goal"], StepId[]> = {
  RECOVER: ["email_sender", "recovery_reviewed", "sms", "policies", "faq_published", "app_embed", "customers_imported"],
  SUPPORT: ["email_sender", "faq_published", "app_embed", "policies", "recovery_reviewed", "sms", "customers_imported"],
  RETAIN: ["email_sender", "customers_imported", "recovery_reviewed", "faq_published", "app_embed", "policies", "sms"],
};

export interface ChecklistContext {
  shopDomain: string;
  /** The app's client id, for the theme editor deep link that switches the embed on. */
  apiKey: string;
  embedHandle: string;
}

/** The theme editor opened on App embeds with Kindly's chat embed ready to switch on. */
export function themeEditorDeepLink(context: ChecklistContext): string {
  const store = context.shopDomain.replace(/\.myshopify\.com$/, "");
  const params = new URLSearchParams({ context: "apps", activateAppId: `${context.apiKey}/${context.embedHandle}` });
  return `https://admin.shopify.com/store/${store}/themes/current/editor?${params.toString()}`;
}

export function buildChecklist(
  answers: OnboardingAnswers,
  facts: ChecklistFacts,
  context: ChecklistContext,
): Checklist {
  const beginner = answers.experience === "NEW";
  const eu = answers.markets.includes("EU");
  const explain = (text: string) => (beginner ? text : null);

  const steps: Record<StepId, ChecklistStep> = {
    email_sender: {
      id: "email_sender",
      title: "Connect your email sender",
      summary: "Recovery emails and replies go out from your own address, signed by a real person.",
      explanation: explain(
        "Kindly sends through your mail provider (SMTP), so messages come from your domain and replies reach you. Save the sender, then send yourself a test: when it arrives, this step is done.",
      ),
      done: Boolean(facts.senderEmail && facts.smtpConfigured && facts.senderVerified),
      optional: false,
      status: !facts.senderEmail
        ? "No sender yet"
        : !facts.smtpConfigured
          ? "No mail server saved"
          : facts.senderVerified
            ? `Verified by a test send from ${facts.senderEmail}`
            : "Saved, not verified: send a test email",
      action: { label: "Open email settings", url: "/app/settings" },
    },
    sms: {
      id: "sms",
      title: "Add SMS (optional)",
      summary: "One SMS check-in to shoppers who agreed to SMS and have not opened your email.",
      explanation: explain(
        "You need a Twilio account: copy its Account SID, auth token and sending number into Settings. Kindly never texts anyone without their SMS consent, and never at night in their time zone.",
      ),
      done: facts.smsConfigured,
      optional: true,
      status: facts.smsConfigured ? "Twilio connected" : "Not connected",
      action: { label: "Open SMS settings", url: "/app/settings" },
    },
    recovery_reviewed: {
      id: "recovery_reviewed",
      title: "Review your recovery messages",
      summary: "Read the four messages in both languages, adjust them, and switch recovery on.",
      explanation: explain(
        `They are written as help, not a sales pitch: payment tips, "just reply", no discount. ${eu ? "Because you sell in the EU, keep the recommended consent setting: only subscribed customers get recovery emails." : "Kindly only writes to customers who agreed to marketing unless you choose otherwise."}`,
      ),
      done: facts.recoveryEnabled,
      optional: false,
      status: facts.recoveryEnabled
        ? "Recovery is on"
        : facts.recoveryEdited
          ? "Messages edited; recovery is still off"
          : "Recovery is off",
      action: { label: "Open recovery", url: "/app/recovery" },
    },
    app_embed: {
      id: "app_embed",
      title: "Switch on the support chat in your theme",
      summary: "The chat button on your storefront: FAQ answers, order status and a person when needed.",
      explanation: explain(
        "Shopify's theme editor opens on App embeds with Kindly's chat selected: turn it on and save. It loads nothing until a shopper opens it, so your store stays fast.",
      ),
      done: facts.appEmbedEnabled === true,
      optional: false,
      status:
        facts.appEmbedEnabled === null
          ? "Could not read your theme just now"
          : facts.appEmbedEnabled
            ? "On in your published theme"
            : "Off in your published theme",
      action: { label: "Open the theme editor", url: themeEditorDeepLink(context), external: true },
    },
    faq_published: {
      id: "faq_published",
      title: "Publish your FAQ",
      summary: "Answers shoppers see in the FAQ block and the chat before they need to ask.",
      explanation: explain(
        "Start from suggestions drawn from your policies; edit them in your own words and publish. Each language has its own version.",
      ),
      done: facts.publishedFaqEntries > 0,
      optional: false,
      status:
        facts.publishedFaqEntries > 0 ? `${facts.publishedFaqEntries} answers published` : "Nothing published yet",
      action: { label: "Open FAQ", url: "/app/faq" },
    },
    policies: {
      id: "policies",
      title: "Complete your store policies",
      summary: "Refund, shipping, privacy and terms: shoppers look for them before they buy.",
      explanation: explain(
        `Shopify has templates for each in Settings > Policies. ${eu ? "In the EU, a refund policy and a privacy policy are legal requirements." : ""}`.trim(),
      ),
      done: facts.missingPolicies !== null && facts.missingPolicies.length === 0,
      optional: false,
      status:
        facts.missingPolicies === null
          ? "Could not read your policies just now"
          : facts.missingPolicies.length === 0
            ? "All four written"
            : `Missing: ${facts.missingPolicies.map((type) => POLICY_NAMES[type] ?? type.toLowerCase()).join(", ")}`,
      action: {
        label: "Open Settings > Policies",
        url: `https://admin.shopify.com/store/${context.shopDomain.replace(/\.myshopify\.com$/, "")}/settings/legal`,
        external: true,
      },
    },
    customers_imported: {
      id: "customers_imported",
      title: "Import your customers",
      summary: "Segments (first-time, repeat, VIP, at risk) and predicted lifetime value from your order history.",
      explanation: explain(
        "Kindly reads your customers and orders once through Shopify's bulk export, then keeps them current. It takes a few minutes for large stores.",
      ),
      done: facts.customersImported,
      optional: false,
      status: facts.customersImported ? "Imported" : facts.importRunning ? "Import running" : "Not imported yet",
      action: { label: "Open customers", url: "/app/customers" },
    },
  };

  const ordered = ORDER[answers.goal].filter((id) => id !== "sms" || answers.hasSms === "YES").map((id) => steps[id]);
  const required = ordered.filter((step) => !step.optional);
  const counted = ordered.filter((step) => !step.optional || step.done);
  const done = counted.filter((step) => step.done).length;
  const total = counted.length;
  return {
    steps: ordered,
    done,
    total,
    progress: total === 0 ? 100 : Math.round((100 * done) / total),
    complete: required.every((step) => step.done),
  };
}

/** settings_data.json starts with a comment block; the rest is JSON. */
export function parseSettingsData(content: string): unknown {
  return JSON.parse(content.replace(/^\s*\/\*[\s\S]*?\*\//, ""));
}

type ThemeBlock = { type?: unknown; disabled?: unknown };

/**
 * Whether an app embed (`shopify://apps/<app>/blocks/<handle>/<uuid>`) is switched on in a theme's settings_data:
 * present under the current settings' blocks and not disabled. `current` may name a preset instead of holding the
 * settings itself.
 */
export function isAppEmbedEnabled(settingsData: unknown, embedHandle: string): boolean {
  if (!settingsData || typeof settingsData !== "object") return false;
  const data = settingsData as { current?: unknown; presets?: Record<string, unknown> };
  const current = typeof data.current === "string" ? data.presets?.[data.current] : data.current;
  if (!current || typeof current !== "object") return false;
  const blocks = (current as { blocks?: Record<string, ThemeBlock> }).blocks ?? {};
  const pattern = new RegExp(`^shopify://apps/[^/]+/blocks/${embedHandle.replace(/[^a-z0-9_-]/gi, "")}/`);
  return Object.values(blocks).some(
    (block) => typeof block?.type === "string" && pattern.test(block.type) && block.disabled !== true,
  );
}
