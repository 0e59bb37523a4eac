import { registerDueWork } from "~/jobs/worker.server";
import { recordSlaBreaches } from "~/modules/inbox/sla.server";

/**
 * The inbox's background work: recording SLA breaches as their due times pass (fields + SLA_BREACHED events), so
 * reports and the list agree even for conversations nobody opened. Idempotent and safe with several workers (each
 * breach is a compare-and-set); returns how many it recorded, so the worker loops until none is left.
 */
export function registerInboxWork(): void {
  registerDueWork("inbox-sla-breaches", ({ now }) => recordSlaBreaches(now));
}
