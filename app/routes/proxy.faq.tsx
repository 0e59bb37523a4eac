import type { LoaderFunctionArgs } from "@remix-run/node";
import { checkFaqSearchRate, clientIp, searchPublishedFaq } from "~/modules/storefront/faq-search.server";
import {
  answerProxy,
  authenticateProxy,
  proxyJson as json,
  rateLimitedResponse,
} from "~/modules/storefront/proxy.server";

/**
 * GET /proxy/faq?q=...&locale=fr, reached through Shopify's app proxy (https://<shop>/apps/kindly/faq). Shopify signs
 * every proxied request; the shop comes from the verified query only. JSON is the answer: the widget puts the
 * strings in the page as text, and JSON escaping keeps a typed `<script>` inert in the body (no HTML is returned).
 */
export const loader = ({ request }: LoaderFunctionArgs) =>
  answerProxy(async () => {
    const { shop, admin } = await authenticateProxy(request);
    const url = new URL(request.url);

    const rate = checkFaqSearchRate(`${shop}|${clientIp(request)}`);
    if (!rate.allowed) return rateLimitedResponse(rate);

    const found = await searchPublishedFaq(
      shop,
      admin,
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
  });
