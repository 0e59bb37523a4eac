import { Prisma, type Checkout, type Shop } from "~/generated/prisma/client";
import prisma from "~/db.server";
import { decorateEmailHtml } from "~/modules/messaging/email.server";
import { composeSms, type SmsEncoding } from "~/modules/messaging/gsm";
import { EDITOR_LOCALES, type EditorLocale, type PreviewRequest } from "~/modules/recovery/editor";
import { getLogger } from "~/logger.server";
import { isSendError } from "~/modules/messaging/send-error";
import { sendTestEmail, sendTestSms } from "~/modules/recovery/channels.server";
import { recoveryVariables } from "~/modules/recovery/dispatch.server";
import { renderStep, storefrontUrl, validateTemplate, type RecoveryVariables } from "~/modules/recovery/render.server";

/**
 * The editor's live preview: a step's templates rendered in both languages through the same `renderStep` a worker
 * uses, with a realistic sample checkout (a first name, two items, a total, a recovery link) and the shop's own
 * name, sender and support address. Nothing here touches a real shopper's data.
 */

export interface LocalePreview {
  locale: EditorLocale;
  subject: string | null;
  text: string;
  /** The email as the shopper's mail client shows it (with the unsubscribe footer, without tracking), for `srcdoc`. */
  html: string | null;
  /** The SMS as it would leave: signed, with the opt-out notice, cut to two parts if needed. */
  sms: { body: string; segments: number; encoding: SmsEncoding; characters: number; truncated: boolean } | null;
  /** The Liquid error, when the template cannot render: the preview says so instead of showing stale text. */
  error: string | null;
}

export type StepPreview = Record<EditorLocale, LocalePreview>;

const SAMPLE_SHOPPERS: Record<
  EditorLocale,
  { firstName: string; items: Array<{ title: string; variantTitle: string | null; quantity: number; price: string }> }
> = {
  en: {
    firstName: "Emma",
    items: [
      { title: "Linen shirt", variantTitle: "Sand / M", quantity: 1, price: "59.00" },
      { title: "Organic cotton socks", variantTitle: null, quantity: 2, price: "12.00" },
    ],
  },
  fr: {
    firstName: "Camille",
    items: [
      { title: "Chemise en lin", variantTitle: "Sable / M", quantity: 1, price: "59.00" },
      { title: "Chaussettes en coton bio", variantTitle: null, quantity: 2, price: "12.00" },
    ],
  },
};

/**
 * A realistic checkout that exists nowhere: a first name, two items, a total and a recovery link on the shop's own
 * domain. It goes through `recoveryVariables`, the function a worker uses on a real checkout, so the preview shows
 * exactly what a shopper would get (same money formatting, same shop details, same tips).
 */
export function sampleCheckout(shop: Shop, locale: EditorLocale): Checkout {
  const sample = SAMPLE_SHOPPERS[locale];
  const total = sample.items.reduce((sum, item) => sum + Number(item.price) * item.quantity, 0);
  const storefront = storefrontUrl(shop);
  const at = new Date(0);
  return {
    id: "sample-checkout",
    shop: shop.shop,
    token: "sample-checkout",
    shopifyId: null,
    customerId: null,
    email: null,
    phone: null,
    firstName: sample.firstName,
    locale,
    countryCode: null,
    provinceCode: null,
    currencyCode: shop.currencyCode,
    totalPrice: new Prisma.Decimal(total.toFixed(2)),
    lineItemsJson: JSON.stringify(sample.items),
    recoveryUrl: `${storefront}/checkouts/cn/sample-checkout/recover`,
    emailMarketingState: null,
    smsMarketingState: null,
    status: "OPEN",
    orderId: null,
    completedAt: null,
    shopifyCreatedAt: null,
    shopifyUpdatedAt: null,
    createdAt: at,
    updatedAt: at,
  };
}

export function sampleVariables(shop: Shop, locale: EditorLocale): RecoveryVariables {
  return recoveryVariables(shop, sampleCheckout(shop, locale), locale);
}

/** What a preview renders with: recovery's sample checkout by default, a care flow's sample subject otherwise. */
export type SampleFor = (shop: Shop, locale: EditorLocale) => { variables: RecoveryVariables; links: string[] };

const recoverySample: SampleFor = (shop, locale) => ({ variables: sampleVariables(shop, locale), links: [] });

/** Renders one language; a template error becomes the preview's `error` rather than an exception. */
export async function previewLocale(
  shop: Shop,
  step: PreviewRequest,
  locale: EditorLocale,
  sample: SampleFor = recoverySample,
): Promise<LocalePreview> {
  const template = step.templates[locale];
  const { variables, links } = sample(shop, locale);
  const empty: LocalePreview = { locale, subject: null, text: "", html: null, sms: null, error: null };
  if (!template.body.trim()) return empty;
  try {
    const rendered = await renderStep(
      { subject: step.channel === "EMAIL" ? template.subject : undefined, body: template.body },
      variables,
      step.channel,
      links,
    );
    if (step.channel === "SMS") {
      const composed = composeSms(rendered.text, { shopName: variables.shop.name, locale });
      return {
        ...empty,
        text: rendered.text,
        sms: {
          body: composed.body,
          segments: composed.length.segments,
          encoding: composed.length.encoding,
          characters: Array.from(composed.body).length,
          truncated: composed.truncated,
        },
      };
    }
    const html = rendered.html
      ? decorateEmailHtml(rendered.html, {
          messageId: "preview",
          appUrl: "https://kindly.invalid",
          allowedHosts: [],
          locale,
          tracking: false,
          // A link that goes nowhere: the preview must not unsubscribe anybody.
          unsubscribeUrl: "#unsubscribe",
        })
      : null;
    return { ...empty, subject: rendered.subject, text: rendered.text, html };
  } catch (error) {
    return { ...empty, error: error instanceof Error ? error.message.split("\n")[0] : String(error) };
  }
}

export async function previewStep(shop: Shop, step: PreviewRequest, sample?: SampleFor): Promise<StepPreview> {
  const [en, fr] = await Promise.all(EDITOR_LOCALES.map((locale) => previewLocale(shop, step, locale, sample)));
  return { en, fr };
}

/** Null when the shop is unknown to Kindly. */
export async function previewForShop(
  shop: string,
  step: PreviewRequest,
  sample?: SampleFor,
): Promise<StepPreview | null> {
  const shopRow = await prisma.shop.findUnique({ where: { shop } });
  return shopRow ? previewStep(shopRow, step, sample) : null;
}

/** Previews for several steps with one shop lookup (the editor's first render). */
export async function previewStepsForShop(
  shop: string,
  steps: PreviewRequest[],
  sample?: SampleFor,
): Promise<StepPreview[] | null> {
  const shopRow = await prisma.shop.findUnique({ where: { shop } });
  return shopRow ? Promise.all(steps.map((step) => previewStep(shopRow, step, sample))) : null;
}

export type StepTestResult =
  | { result: "SENT"; channel: "EMAIL" | "SMS"; to: string }
  | { result: "NO_RECIPIENT"; channel: "EMAIL" | "SMS" }
  | { result: "TEMPLATE_ERROR"; message: string }
  | { result: "SEND_FAILED"; code: string; message: string }
  | { result: "SHOP_NOT_FOUND" };

/**
 * "Send a test to myself": the step as written (saved or not), rendered with the sample checkout in one language,
 * sent through the real channel without tracking and outside any schedule, so it never counts in the figures.
 */
export async function sendStepTest(
  shop: string,
  step: PreviewRequest,
  locale: EditorLocale,
  recipient: { email: string | null; phone: string | null },
  sample: SampleFor = recoverySample,
): Promise<StepTestResult> {
  const shopRow = await prisma.shop.findUnique({ where: { shop } });
  if (!shopRow) return { result: "SHOP_NOT_FOUND" };
  // Without a staff member's own address (offline sessions, the demo), the store's email: the owner's, never a shopper's.
  const to = step.channel === "EMAIL" ? (recipient.email ?? shopRow.email ?? shopRow.contactEmail) : recipient.phone;
  if (!to) return { result: "NO_RECIPIENT", channel: step.channel };
  const template = step.templates[locale];
  let rendered: Awaited<ReturnType<typeof renderStep>>;
  try {
    validateTemplate(locale, { subject: step.channel === "EMAIL" ? template.subject : undefined, body: template.body });
    const { variables, links } = sample(shopRow, locale);
    rendered = await renderStep(
      { subject: step.channel === "EMAIL" ? template.subject : undefined, body: template.body },
      variables,
      step.channel,
      links,
    );
  } catch (error) {
    return { result: "TEMPLATE_ERROR", message: error instanceof Error ? error.message.split("\n")[0] : String(error) };
  }
  try {
    if (step.channel === "EMAIL") {
      await sendTestEmail(shopRow, {
        to,
        subject: rendered.subject ?? "",
        html: rendered.html ?? "",
        text: rendered.text,
        locale,
      });
    } else {
      await sendTestSms(shopRow, { to, text: rendered.text, locale });
    }
    getLogger().info({ shop, channel: step.channel, locale }, "recovery test message sent");
    return { result: "SENT", channel: step.channel, to };
  } catch (error) {
    if (isSendError(error)) {
      return {
        result: "SEND_FAILED",
        code: error.code,
        message: error.providerMessage ? `${error.message} (${error.providerMessage})` : error.message,
      };
    }
    throw error;
  }
}
