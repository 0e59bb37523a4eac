import prisma from "~/db.server";
import { ensureRecoveryFlow } from "~/modules/recovery/flow.server";
import type { SmtpSink } from "../smtp-sink";
import type { FakeTwilio } from "../fake-twilio";
import { sendingShopData } from "../sending-shop";

/**
 * A shop with recovery on, sending through the test's SMTP sink and fake Twilio, and an offline session so workers
 * can ask the (emulated) Admin API.
 */
export async function seedRecoveryShop(shop: string, smtp: SmtpSink, twilio: FakeTwilio): Promise<void> {
  await prisma.shop.create({ data: sendingShopData(shop, smtp, twilio) });
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
