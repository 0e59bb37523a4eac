import type { HttpHandler } from "msw";
import { setupServer, type SetupServer } from "msw/node";
import { ShopEmulator, type EmulatorOptions } from "./emulator";
import { createAdminHandlers } from "./handlers";

/**
 * The shop emulator's public API, used by the tests and the local demo:
 *
 *   const store = createShopStore({ seed: 42 });
 *   const emulator = createEmulator({ shops: [store], appUrl: "https://kindly.test", apiSecret });
 *   const server = startEmulatorServer(emulator);            // MSW in this process
 *   ... Kindly's admin client / fetch to https://<shop>/admin/api/<version>/graphql.json ...
 *   await emulator.sendWebhook(store, { topic: "checkouts/create", checkout: store.checkouts[0] });
 *   server.close();
 */

export {
  createShopStore,
  ShopStore,
  spentCents,
  currentTotalCents,
  EMULATED_APP_ID,
  type ShopStoreOptions,
} from "./store";
export {
  ShopEmulator,
  ShopRegistry,
  subsetSchema,
  SUBSET_SDL_PATH,
  DEFAULT_BULK_FILE_ORIGIN,
  type EmulatorOptions,
  type RecordedDelivery,
} from "./emulator";
export { createAdminHandlers } from "./handlers";
export { DEFAULT_NOW, DEFAULT_SEED, DEFAULT_SHOP, HISTORY_DAYS } from "./seed";
export { gid, parseGid } from "./ids";
export type * from "./types";

export interface Emulator extends ShopEmulator {
  /** MSW handlers for the Admin API of every registered shop and for bulk result files. */
  readonly handlers: HttpHandler[];
}

export function createEmulator(options: EmulatorOptions): Emulator {
  const emulator = new ShopEmulator(options);
  return Object.assign(emulator, { handlers: createAdminHandlers(emulator) });
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

export interface EmulatorServer {
  server: SetupServer;
  emulator: Emulator;
  close(): void;
}

/**
 * Starts MSW in this process with the emulator's handlers (plus any extra ones, e.g. a test's capture of webhooks
 * sent to the app). Requests to loopback pass through (Kindly's own server, the SMTP sink, a fake SMS provider);
 * a request to any other host that no handler answers is an error: nothing may reach the real internet.
 */
export function startEmulatorServer(
  emulator: Emulator,
  options: { extraHandlers?: HttpHandler[]; allowHosts?: string[] } = {},
): EmulatorServer {
  const allowed = new Set([...LOOPBACK_HOSTS, ...(options.allowHosts ?? [])]);
  const server = setupServer(...(options.extraHandlers ?? []), ...emulator.handlers);
  server.listen({
    onUnhandledRequest(request, print) {
      if (allowed.has(new URL(request.url).hostname)) return;
      print.error();
    },
  });
  return { server, emulator, close: () => server.close() };
}
