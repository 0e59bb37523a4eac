import { registerRecoveryWork } from "../app/modules/recovery/work.server";
import { registerCustomerWork } from "../app/modules/customers/work.server";
import { registerInboxWork } from "../app/modules/inbox/work.server";
import { registerFlowWork } from "../app/modules/flows/work.server";

/**
 * The modules that register durable background work with the worker (`registerDueWork`) and webhook processors.
 * Each feature that adds background work registers it here, so `npm start`, `npm run worker` and the demo run the
 * same set.
 */
export async function loadWorkModules(): Promise<void> {
  registerRecoveryWork();
  registerCustomerWork();
  registerInboxWork();
  registerFlowWork();
}
