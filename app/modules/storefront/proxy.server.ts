import type { AdminApiContext } from "@shopify/shopify-app-remix/server";
import { authenticate } from "~/shopify.server";
import type { RateDecision } from "~/modules/storefront/rate-limit.server";

/**
 * What every storefront endpoint behind Shopify's app proxy shares: the signature check, JSON answers that stay
 * inert even if something renders them as HTML, a clear 429, and a bounded request body.
 */

const JSON_HEADERS = {
  "Content-Type": "application/json; charset=utf-8",
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
};

export function proxyJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  // `<`, `>` and `&` as \u escapes: the body stays inert even if something renders it as HTML.
  const text = JSON.stringify(body).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return new Response(text, { status, headers: { ...JSON_HEADERS, ...headers } });
}

export interface ProxyContext {
  /** From the verified query only. */
  shop: string;
  /** The shop's offline Admin API access; undefined when Kindly is not installed there. */
  admin: AdminApiContext | undefined;
  /** Shopify's `logged_in_customer_id` (empty when the shopper is not logged in). */
  loggedInCustomerId: string | null;
}

/** Verifies Shopify's app-proxy signature; a forged, missing or expired one is a 401 thrown as a Response. */
export async function authenticateProxy(request: Request): Promise<ProxyContext> {
  let context: Awaited<ReturnType<typeof authenticate.public.appProxy>>;
  try {
    context = await authenticate.public.appProxy(request);
  } catch (error) {
    // Shopify's library answers a bad or expired signature with a bare 400; it is an authentication failure.
    if (error instanceof Response) throw proxyJson({ error: "invalid_signature" }, 401);
    throw error;
  }
  const url = new URL(request.url);
  return {
    shop: url.searchParams.get("shop") ?? "",
    admin: context.admin,
    loggedInCustomerId: url.searchParams.get("logged_in_customer_id") || null,
  };
}

export function rateLimitedResponse(decision: Extract<RateDecision, { allowed: false }>): Response {
  return proxyJson({ error: "rate_limited", retryAfterSeconds: decision.retryAfterSeconds }, 429, {
    "Retry-After": String(decision.retryAfterSeconds),
  });
}

/** A JSON object from the request body, at most `maxBytes`; a Response (413 or 400) is thrown otherwise. */
export async function readJsonBody(request: Request, maxBytes: number): Promise<Record<string, unknown>> {
  const declared = Number(request.headers.get("content-length") ?? "0");
  const tooLarge = () => proxyJson({ error: "body_too_large", maxBytes }, 413);
  if (declared > maxBytes) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw proxyJson({ error: "invalid_json" }, 400);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw proxyJson({ error: "invalid_json" }, 400);
  return parsed as Record<string, unknown>;
}

/**
 * Runs a proxy endpoint and turns the Responses its helpers throw (401, 413, 400) into its answer, so callers
 * (Remix, or a test calling the loader directly) always get a Response back.
 */
export async function answerProxy(handler: () => Promise<Response>): Promise<Response> {
  try {
    return await handler();
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
}
