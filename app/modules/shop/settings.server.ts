import prisma from "~/db.server";
import type { Shop } from "~/generated/prisma/client";
import { getClock } from "~/clock.server";
import { getLogger } from "~/logger.server";
import { encryptSecret } from "~/modules/shop/secrets.server";
import { sendTestEmail, sendTestSms } from "~/modules/recovery/channels.server";
import { escapeHtml } from "~/modules/messaging/html";
import { WEEKDAYS, parseBusinessHours, BusinessHoursError } from "~/modules/inbox/sla";
import {
  enabledLanguages,
  minutesToClock,
  parseLanguagesSettings,
  parseSenderSettings,
  parseSendingSettings,
  parseSmsSettings,
  parseSupportSettings,
  type FieldErrors,
  type SettingsSection,
} from "./settings";

/**
 * Settings as the admin page sees and saves them. Secrets leave this module only as "set or not": the loader never
 * gets the SMTP URL or the Twilio token, encrypted or not. Saving a section is all or nothing.
 */

export interface SettingsForm {
  shopName: string;
  shopEmail: string | null;
  primaryLocale: string;
  ianaTimezone: string;
  sender: {
    senderName: string;
    senderEmail: string;
    replyDomain: string;
    smtpConfigured: boolean;
    verifiedAt: string | null;
  };
  sms: { twilioAccountSid: string; twilioFromNumber: string; authTokenSet: boolean; configured: boolean };
  sending: { quietHoursStart: string; quietHoursEnd: string; frequencyCapHours: number; consentPolicy: string };
  support: {
    slaFirstResponseMinutes: number;
    slaVipFirstResponseMinutes: number;
    slaResolutionMinutes: number;
    slaGoalPercent: number;
    alwaysOpen: boolean;
    timezone: string;
    days: Record<string, { open: boolean; from: string; to: string }>;
    hoursError: string | null;
  };
  languages: string[];
}

function businessHoursForm(record: Shop): SettingsForm["support"]["days"] & object {
  const days = Object.fromEntries(WEEKDAYS.map((day) => [day, { open: false, from: "09:00", to: "17:00" }]));
  if (!record.businessHoursJson) return days;
  const hours = parseBusinessHours(record.businessHoursJson, record.ianaTimezone);
  for (const day of WEEKDAYS) {
    const windows = hours?.days[day] ?? [];
    if (windows.length === 0) continue;
    days[day] = {
      open: true,
      from: minutesToClock(windows[0][0]),
      to: windows[windows.length - 1][1] === 1440 ? "24:00" : minutesToClock(windows[windows.length - 1][1]),
    };
  }
  return days;
}

export async function getSettingsForm(shop: string): Promise<SettingsForm | null> {
  const record = await prisma.shop.findUnique({ where: { shop } });
  if (!record) return null;
  let days: SettingsForm["support"]["days"];
  let hoursError: string | null = null;
  let timezone = record.ianaTimezone;
  try {
    days = businessHoursForm(record);
    timezone = parseBusinessHours(record.businessHoursJson, record.ianaTimezone)?.timezone ?? record.ianaTimezone;
  } catch (error) {
    if (!(error instanceof BusinessHoursError)) throw error;
    hoursError = `The stored business hours could not be read (${error.message}); save them again.`;
    days = Object.fromEntries(WEEKDAYS.map((day) => [day, { open: false, from: "09:00", to: "17:00" }]));
  }
  return {
    shopName: record.name ?? record.shop,
    shopEmail: record.contactEmail ?? record.email,
    primaryLocale: record.primaryLocale,
    ianaTimezone: record.ianaTimezone,
    sender: {
      senderName: record.senderName ?? "",
      senderEmail: record.senderEmail ?? "",
      replyDomain: record.replyDomain ?? "",
      smtpConfigured: record.smtpUrlEncrypted !== null,
      verifiedAt: record.senderVerifiedAt?.toISOString() ?? null,
    },
    sms: {
      twilioAccountSid: record.twilioAccountSid ?? "",
      twilioFromNumber: record.twilioFromNumber ?? "",
      authTokenSet: record.twilioAuthTokenEncrypted !== null,
      configured:
        record.twilioAccountSid !== null &&
        record.twilioAuthTokenEncrypted !== null &&
        record.twilioFromNumber !== null,
    },
    sending: {
      quietHoursStart: minutesToClock(record.quietHoursStart),
      quietHoursEnd: minutesToClock(record.quietHoursEnd),
      frequencyCapHours: record.frequencyCapHours,
      consentPolicy: record.consentPolicy,
    },
    support: {
      slaFirstResponseMinutes: record.slaFirstResponseMinutes,
      slaVipFirstResponseMinutes: record.slaVipFirstResponseMinutes,
      slaResolutionMinutes: record.slaResolutionMinutes,
      slaGoalPercent: record.slaGoalPercent,
      alwaysOpen: record.businessHoursJson === null,
      timezone,
      days,
      hoursError,
    },
    languages: enabledLanguages(record.languagesJson),
  };
}

export type SaveResult = { ok: true; message: string } | { ok: false; fieldErrors: FieldErrors };

/** Validates and saves one section; with any field error nothing is written. */
export async function saveSettingsSection(shop: string, section: SettingsSection, input: unknown): Promise<SaveResult> {
  const record = await prisma.shop.findUnique({ where: { shop } });
  if (!record) return { ok: false, fieldErrors: { form: "This shop is not installed." } };
  switch (section) {
    case "sender": {
      const parsed = parseSenderSettings(input);
      if (!parsed.ok) return parsed;
      const { senderName, senderEmail, replyDomain, smtpUrl, clearSmtp } = parsed.value;
      const addressChanged = senderEmail.toLowerCase() !== (record.senderEmail ?? "").toLowerCase();
      await prisma.shop.update({
        where: { shop },
        data: {
          senderName,
          senderEmail,
          replyDomain,
          ...(clearSmtp ? { smtpUrlEncrypted: null } : smtpUrl ? { smtpUrlEncrypted: encryptSecret(smtpUrl) } : {}),
          // A new address or server has not been proven by a test send yet.
          ...(addressChanged || clearSmtp || smtpUrl ? { senderVerifiedAt: null } : {}),
        },
      });
      return { ok: true, message: "Email sender saved. Send a test to confirm it works." };
    }
    case "sms": {
      const parsed = parseSmsSettings(input);
      if (!parsed.ok) return parsed;
      const { twilioAccountSid, twilioAuthToken, twilioFromNumber, clearSms } = parsed.value;
      if (clearSms) {
        await prisma.shop.update({
          where: { shop },
          data: { twilioAccountSid: null, twilioAuthTokenEncrypted: null, twilioFromNumber: null },
        });
        return { ok: true, message: "SMS switched off: Twilio credentials removed." };
      }
      if (!twilioAuthToken && record.twilioAuthTokenEncrypted === null) {
        return { ok: false, fieldErrors: { twilioAuthToken: "Enter your Twilio auth token." } };
      }
      await prisma.shop.update({
        where: { shop },
        data: {
          twilioAccountSid,
          twilioFromNumber,
          ...(twilioAuthToken ? { twilioAuthTokenEncrypted: encryptSecret(twilioAuthToken) } : {}),
        },
      });
      return { ok: true, message: "SMS settings saved." };
    }
    case "sending": {
      const parsed = parseSendingSettings(input);
      if (!parsed.ok) return parsed;
      await prisma.shop.update({ where: { shop }, data: parsed.value });
      return { ok: true, message: "Sending rules saved." };
    }
    case "support": {
      const parsed = parseSupportSettings(input);
      if (!parsed.ok) return parsed;
      await prisma.shop.update({ where: { shop }, data: parsed.value });
      return { ok: true, message: "Support targets saved." };
    }
    case "languages": {
      const parsed = parseLanguagesSettings(input);
      if (!parsed.ok) return parsed;
      await prisma.shop.update({ where: { shop }, data: { languagesJson: JSON.stringify(parsed.value.languages) } });
      return { ok: true, message: "Languages saved." };
    }
  }
}

export type TestSendResult = { ok: true; message: string } | { ok: false; fieldErrors: FieldErrors };

/**
 * Sends a test email through the shop's saved sender; success marks the sender verified (an onboarding step).
 * The provider's error is shown to the merchant as it came (it names what is wrong: login, TLS, relay).
 */
export async function sendSettingsTestEmail(shop: string, to: unknown): Promise<TestSendResult> {
  const parsed = parseSenderSettings({ senderName: "x", senderEmail: to });
  if (!parsed.ok) return { ok: false, fieldErrors: { testTo: parsed.fieldErrors.senderEmail ?? "Enter an address." } };
  const record = await prisma.shop.findUnique({ where: { shop } });
  if (!record?.senderEmail) {
    return { ok: false, fieldErrors: { testTo: "Save the sender name and email first." } };
  }
  const name = escapeHtml(record.senderName ?? record.name ?? "");
  try {
    await sendTestEmail(record, {
      to: parsed.value.senderEmail,
      subject: `Kindly can send email for ${record.name ?? record.shop}`,
      html: `<p>This is a test from Kindly. Messages to your customers will come from ${name} &lt;${escapeHtml(record.senderEmail)}&gt;.</p>`,
      text: `This is a test from Kindly. Messages to your customers will come from ${record.senderName ?? ""} <${record.senderEmail}>.`,
      locale: record.primaryLocale,
    });
  } catch (error) {
    getLogger().warn({ shop, error: (error as Error).message }, "settings test email failed");
    return { ok: false, fieldErrors: { testTo: `The test did not go out: ${(error as Error).message}` } };
  }
  await prisma.shop.update({ where: { shop }, data: { senderVerifiedAt: getClock().now() } });
  return { ok: true, message: `Test email sent to ${parsed.value.senderEmail}. Your sender is verified.` };
}

export async function sendSettingsTestSms(shop: string, to: unknown): Promise<TestSendResult> {
  const phone = typeof to === "string" ? to.replace(/[\s().-]/g, "") : "";
  if (!/^\+[1-9]\d{6,14}$/.test(phone)) {
    return { ok: false, fieldErrors: { testPhone: "Enter your mobile number in international format, e.g. +336…" } };
  }
  const record = await prisma.shop.findUnique({ where: { shop } });
  if (!record?.twilioAccountSid || !record.twilioAuthTokenEncrypted || !record.twilioFromNumber) {
    return { ok: false, fieldErrors: { testPhone: "Save your Twilio settings first." } };
  }
  try {
    await sendTestSms(record, {
      to: phone,
      text: "This is a test from Kindly: SMS to your customers will come from this number.",
      locale: record.primaryLocale,
    });
  } catch (error) {
    getLogger().warn({ shop, error: (error as Error).message }, "settings test SMS failed");
    return { ok: false, fieldErrors: { testPhone: `The test did not go out: ${(error as Error).message}` } };
  }
  return { ok: true, message: `Test SMS sent to ${phone}.` };
}
