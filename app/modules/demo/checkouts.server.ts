import prisma from "~/db.server";
import { DEMO_SHOP } from "~/shopify.server";
import { RECOVERY_TRIGGER } from "~/modules/recovery/flow.server";
import { getDemoRuntime, type AbandonedCheckout } from "~/modules/demo/runtime.server";

export type AbandonResult =
  | { status: "SENT"; checkout: AbandonedCheckout }
  | { status: "DELIVERY_FAILED"; checkout: AbandonedCheckout }
  | { status: "NO_EMULATED_SHOP" };

/** A shopper of the emulated shop abandons a checkout; Shopify (the emulator) tells Kindly with checkouts/create. */
export async function simulateAbandonedCheckout(): Promise<AbandonResult> {
  const runtime = getDemoRuntime();
  if (!runtime) return { status: "NO_EMULATED_SHOP" };
  const checkout = await runtime.abandonCheckout();
  const accepted = checkout.webhookStatus !== null && checkout.webhookStatus >= 200 && checkout.webhookStatus < 300;
  return { status: accepted ? "SENT" : "DELIVERY_FAILED", checkout };
}

export interface RecoveryDemoState {
  /** Whether this process can simulate shoppers (only under `npm run demo`). */
  available: boolean;
  /** null: the shop has no recovery flow yet (it is created, disabled, when first needed). */
  flowEnabled: boolean | null;
  recent: AbandonedCheckout[];
}

/** What the demo home shows about recovery: the flow switch (the merchant's choice) and the simulated shoppers. */
export async function getRecoveryDemoState(): Promise<RecoveryDemoState> {
  const runtime = getDemoRuntime();
  const shop = runtime?.shop ?? DEMO_SHOP;
  const flow = await prisma.flow.findUnique({
    where: { shop_trigger: { shop, trigger: RECOVERY_TRIGGER } },
    select: { enabled: true },
  });
  return {
    available: runtime !== undefined,
    flowEnabled: flow?.enabled ?? null,
    recent: runtime?.abandonedCheckouts().slice(0, 5) ?? [],
  };
}
