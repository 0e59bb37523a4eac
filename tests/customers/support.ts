import { http } from "msw";
import prisma from "~/db.server";
import { ManualClock, setClock } from "~/clock.server";
import { Prisma } from "~/generated/prisma/client";
import { registerRecoveryWork } from "~/modules/recovery/work.server";
import { registerCustomerWork } from "~/modules/customers/work.server";
import { action as bulkFinishAction } from "~/routes/webhooks.bulk_operations.finish";
import {
  createEmulator,
  createShopStore,
  startEmulatorServer,
  type Emulator,
  type EmulatorServer,
  type ShopStore,
} from "../support/emulator";
import { createSession, createShop } from "../support/factories";

/**
 * The customers test bench: the seeded emulated shop (the same seed as the demo), Kindly installed with an offline
 * session, a manual clock at the store's "now", and bulk_operations/finish delivered signed to the real route.
 */
export const APP_URL = "https://kindly.test";
export const API_SECRET = "test-api-secret";

export interface CustomersBench {
  store: ShopStore;
  emulator: Emulator;
  server: EmulatorServer;
  clock: ManualClock;
  shop: string;
  /** Moves the emulator's rate-limit clock (what a test's stand-in for runAdminQuery's sleep calls). */
  passRateLimitTime(ms: number): void;
  close(): void;
}

let registered = false;

export async function startCustomersBench(options: { customers?: number } = {}): Promise<CustomersBench> {
  if (!registered) {
    registerRecoveryWork();
    registerCustomerWork();
    registered = true;
  }
  const store = createShopStore({ seed: 42, ...(options.customers ? { customers: options.customers } : {}) });
  let slept = 0;
  const emulator = createEmulator({
    shops: [store],
    appUrl: APP_URL,
    apiSecret: API_SECRET,
    rateLimitClock: () => Date.now() + slept,
  });
  const server = startEmulatorServer(emulator, {
    extraHandlers: [
      http.post(`${APP_URL}/webhooks/bulk_operations/finish`, ({ request }) =>
        bulkFinishAction({ request, params: {}, context: {} }),
      ),
    ],
  });
  const clock = new ManualClock(store.now());
  setClock(clock);
  await createShop(store.domain, { ianaTimezone: "Europe/Paris", currencyCode: store.shop.currencyCode });
  await createSession(store.domain);
  return {
    store,
    emulator,
    server,
    clock,
    shop: store.domain,
    passRateLimitTime: (ms) => {
      slept += ms;
    },
    close: () => server.close(),
  };
}

/** What Kindly holds about a shop's customers and orders, in a stable order, without Kindly's own row ids. */
export async function customerSnapshot(shop: string) {
  const customers = await prisma.customer.findMany({
    where: { shop },
    orderBy: { shopifyId: "asc" },
    include: { orders: { orderBy: { shopifyId: "asc" } } },
  });
  return customers.map(({ id: _id, createdAt: _c, updatedAt: _u, orders, ...customer }) => ({
    ...customer,
    totalSpent: customer.totalSpent.toString(),
    orders: orders.map(({ id: _oid, customerId: _cid, createdAt: _oc, updatedAt: _ou, ...order }) => ({
      ...order,
      totalPrice: order.totalPrice.toString(),
    })),
  }));
}

export async function clearCustomers(shop: string): Promise<void> {
  await prisma.segmentChange.deleteMany({ where: { shop } });
  await prisma.order.deleteMany({ where: { shop } });
  await prisma.customer.deleteMany({ where: { shop } });
  await prisma.importJob.deleteMany({ where: { shop } });
  await prisma.webhookEvent.deleteMany({ where: { shop } });
  await prisma.shop.update({ where: { shop }, data: { customersSyncedAt: null, segmentsComputedAt: null } });
}

/** Money from the emulator (integer cents) as the Decimal Kindly stores. */
export const cents = (value: number) => new Prisma.Decimal(value).dividedBy(100);
