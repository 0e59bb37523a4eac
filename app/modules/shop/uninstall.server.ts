import type { Tx } from "~/modules/webhooks/receive.server";
import { forgetShopSessions } from "~/modules/shop/session-cache.server";

/**
 * app/uninstalled: the shop's sessions are removed and all sending stops at once. Idempotent: a second
 * uninstall (or a retried delivery) finds nothing left to stop and succeeds. Data stays until shop/redact
 * (48 hours later) so a quick reinstall resumes cleanly; new checkouts start new sequences.
 */
export async function stopShopOnUninstall(tx: Tx, shop: string, now: Date): Promise<void> {
  await tx.session.deleteMany({ where: { shop } });
  forgetShopSessions(shop);
  await tx.shop.updateMany({ where: { shop }, data: { sendingEnabled: false, uninstalledAt: now } });
  await tx.scheduledMessage.updateMany({
    // CLAIMED rows too: their worker's compare-and-set to SENDING then fails, so nothing leaves after this.
    where: { shop, state: { in: ["PENDING", "CLAIMED"] } },
    data: { state: "CANCELLED", skipReason: "APP_UNINSTALLED", leaseOwner: null, leaseUntil: null },
  });
  await tx.flowRun.updateMany({
    where: { shop, state: "ACTIVE" },
    data: { state: "STOPPED", stopReason: "APP_UNINSTALLED", stoppedAt: now },
  });
}
