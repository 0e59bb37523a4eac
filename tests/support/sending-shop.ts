import { encryptSecret } from "~/modules/shop/secrets.server";
import type { SmtpSink } from "./smtp-sink";
import type { FakeTwilio } from "./fake-twilio";

/**
 * The settings of the test shop that sends (Maison Claire): its SMTP sink and fake Twilio stored encrypted, as the
 * Settings page stores them. The recovery, care-flow and multi-process benches all start from it.
 */
export function sendingShopData(
  shop: string,
  smtp: Pick<SmtpSink, "url">,
  twilio: Pick<FakeTwilio, "url" | "accountSid" | "authToken">,
  overrides: Record<string, unknown> = {},
) {
  return {
    shop,
    name: "Maison Claire",
    email: "owner@maison-claire.example",
    contactEmail: "help@maison-claire.example",
    primaryDomain: "maison-claire.example",
    ianaTimezone: "Europe/Paris",
    primaryLocale: "en",
    currencyCode: "EUR",
    senderName: "Claire",
    senderEmail: "claire@maison-claire.example",
    replyDomain: "reply.kindly.test",
    smtpUrlEncrypted: encryptSecret(smtp.url),
    twilioAccountSid: twilio.accountSid,
    twilioAuthTokenEncrypted: encryptSecret(twilio.authToken),
    twilioFromNumber: "+33700000001",
    twilioApiBaseUrl: twilio.url,
    ...overrides,
  };
}
