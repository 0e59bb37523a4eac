import prisma from "~/db.server";
import { DEMO_SHOP } from "~/shopify.server";
import { LIFECYCLE_TRIGGERS, TRIGGER_DEFINITIONS } from "~/modules/flows/triggers";
import { getDemoRuntime, type DemoOrder } from "~/modules/demo/runtime.server";

export type PlaceOrderResult = { status: "SENT"; order: DemoOrder } | { status: "NO_EMULATED_SHOP" };

/** A customer of the emulated shop orders and receives it the same day (the care flows' triggers, as webhooks). */
export async function simulateDeliveredOrder(): Promise<PlaceOrderResult> {
  const runtime = getDemoRuntime();
  if (!runtime) return { status: "NO_EMULATED_SHOP" };
  return { status: "SENT", order: await runtime.placeDeliveredOrder() };
}

export interface CareDemoState {
  available: boolean;
  /** Every care flow and whether the merchant switched it on. */
  flows: Array<{ name: string; enabled: boolean }>;
  recent: DemoOrder[];
}

export async function getCareDemoState(): Promise<CareDemoState> {
  const runtime = getDemoRuntime();
  const shop = runtime?.shop ?? DEMO_SHOP;
  const stored = await prisma.flow.findMany({
    where: { shop, trigger: { in: [...LIFECYCLE_TRIGGERS] } },
    select: { trigger: true, enabled: true },
  });
  return {
    available: runtime !== undefined,
    flows: LIFECYCLE_TRIGGERS.map((trigger) => ({
      name: TRIGGER_DEFINITIONS[trigger].name,
      enabled: stored.find((flow) => flow.trigger === trigger)?.enabled ?? false,
    })),
    recent: runtime?.placedOrders().slice(0, 5) ?? [],
  };
}
