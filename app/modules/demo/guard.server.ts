import { isDemoMode } from "~/shopify.server";

/**
 * Every demo route calls this first. Outside demo mode the demo pages do not exist (404, not 403: a production
 * app should not even reveal that a clock control or an outbox could be there).
 */
export function requireDemoMode(): void {
  if (!isDemoMode()) throw new Response("Not Found", { status: 404, headers: { "Content-Type": "text/plain" } });
}
