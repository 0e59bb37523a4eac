import type { LoaderFunctionArgs } from "@remix-run/node";
import { authenticate } from "~/shopify.server";
import { checkFaqSearchRate, clientIp, searchPublishedFaq } from "~/modules/storefront/faq-search.server";

/**
 * GET /proxy/faq?q=...&locale=fr, reached through Shopify's app proxy (https://<shop>/apps/kindly/faq). Shopify signs
 * every proxied request; the shop comes from the verified query only. JSON is the answer: the widget puts the
 * strings in the page as text, and JSON escaping keeps a typed `<script>` inert in the body (no HTML is returned).
 */
const JSON_HEADERS = {
  "Content-Type": "application/json; charset=utf-8",
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
};

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  // `<`, `>` and `&` as \u escapes: the body stays inert even if something renders it as HTML.
  const text = JSON.stringify(body).replace(/[<>&]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return new Response(text, { status, headers: { ...JSON_HEADERS, ...headers } });
}

export const loader = async ({ request }: LoaderFunctionArgs) => {
  let context: Awaited<ReturnType<typeof authenticate.public.appProxy>>;
  try {
    context = await authenticate.public.appProxy(request);
  } catch (error) {
    // Shopify's library answers a bad or expired signature with a bare 400; it is an authentication failure.
    if (error instanceof Response) return json({ error: "invalid_signature" }, 401);
    throw error;
  }
  const url = new URL(request.url);
  const shop = url.searchParams.get("shop") ?? "";

  const rate = checkFaqSearchRate(`${shop}|${clientIp(request)}`);
  if (!rate.allowed) {
    return json({ error: "rate_limited", retryAfterSeconds: rate.retryAfterSeconds }, 429, {
      "Retry-After": String(rate.retryAfterSeconds),
    });
  }

  const found = await searchPublishedFaq(
    shop,
    context.admin,
    url.searchParams.get("q") ?? "",
    url.searchParams.get("locale"),
  );
  switch (found.result) {
    case "NOT_INSTALLED":
      return json({ error: "not_installed" }, 404);
    case "EMPTY_QUERY":
      return json({ results: [] });
    case "FOUND":
      return json({ results: found.hits });
  }
};
