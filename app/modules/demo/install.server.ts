import { Session } from "@shopify/shopify-api";
import prisma from "~/db.server";
import { getClock } from "~/clock.server";
import { DEMO_SHOP, sessionStorage, unauthenticated } from "~/shopify.server";
import { recordInstall } from "~/modules/shop/install.server";
import { encryptSecret } from "~/modules/shop/secrets.server";
import { seedDemoConversations } from "~/modules/demo/conversations.server";

export interface DemoInstallSettings {
  scopes: string[];
  /** The person who signs the shop's messages (recovery emails are written in the first person). */
  senderName: string;
  /** Where the demo shop's email goes (the demo's SMTP sink, or an outside server). */
  smtpUrl: string;
  twilio: { accountSid: string; authToken: string; apiBaseUrl: string; fromNumber: string };
}

/**
 * Installs Kindly into the emulated demo shop the way a real install ends: an offline session in session storage
 * (what OAuth / token exchange would have stored), then `recordInstall` through the Admin API (answered by the shop
 * emulator), then the merchant's messaging settings pointed at the demo's sinks, so recovery sends out of the box.
 * Safe to run on every start: each step is an upsert.
 */
export async function installKindlyInDemoShop(settings: DemoInstallSettings): Promise<void> {
  const session = new Session({ id: `offline_${DEMO_SHOP}`, shop: DEMO_SHOP, state: "kindly-demo", isOnline: false });
  session.scope = settings.scopes.join(",");
  // Only ever sent to the emulator (MSW answers every request to the demo shop's domain).
  session.accessToken = "shpat_kindly_demo_emulated_offline_token";
  await sessionStorage.storeSession(session);

  const { admin } = await unauthenticated.admin(DEMO_SHOP);
  await recordInstall(DEMO_SHOP, admin);

  const shop = await prisma.shop.findUniqueOrThrow({ where: { shop: DEMO_SHOP } });
  await prisma.shop.update({
    where: { shop: DEMO_SHOP },
    data: {
      senderName: settings.senderName,
      senderEmail: shop.contactEmail ?? shop.email ?? `support@${DEMO_SHOP}`,
      senderVerifiedAt: getClock().now(),
      smtpUrlEncrypted: encryptSecret(settings.smtpUrl),
      twilioAccountSid: settings.twilio.accountSid,
      twilioAuthTokenEncrypted: encryptSecret(settings.twilio.authToken),
      twilioFromNumber: settings.twilio.fromNumber,
      twilioApiBaseUrl: settings.twilio.apiBaseUrl,
    },
  });
  // A few conversations in the inbox to answer (once; a restarted demo keeps what was there).
  await seedDemoConversations(DEMO_SHOP, getClock().now());
}
