import prisma from "~/db.server";
import { encryptSecret } from "~/modules/shop/secrets.server";
import { ensureRecoveryFlow } from "~/modules/recovery/flow.server";
import type { SmtpSink } from "../smtp-sink";
import type { FakeTwilio } from "../fake-twilio";

/**
 * A shop with recovery on, sending through the test's SMTP sink and fake Twilio (their URLs and credentials stored
 * encrypted, as Settings stores them), and an offline session so workers can ask the (emulated) Admin API.
 * The same settings as tests/recovery/harness.ts.
 */
export async function seedRecoveryShop(shop: string, smtp: SmtpSink, twilio: FakeTwilio): Promise<void> {
  await prisma.shop.create({
    data: {
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
    },
  });
  await ensureRecoveryFlow(prisma, shop, { enabled: true });
  await prisma.session.create({
    data: {
      id: `offline_${shop}`,
      shop,
      state: "",
      isOnline: false,
      accessToken: "shpat_emulated",
      scope: "read_customers,read_orders",
    },
  });
}
