import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { getClock } from "~/clock.server";
import { chatStatus, listChatMessages } from "~/modules/storefront/chat.server";
import { chatLimiters, MAX_PROXY_BODY_BYTES } from "~/modules/storefront/chat-limits.server";
import {
  answerProxy,
  authenticateProxy,
  proxyJson,
  rateLimitedResponse,
  readJsonBody,
} from "~/modules/storefront/proxy.server";
import { checkRates, clientIp } from "~/modules/storefront/rate-limit.server";
import { createVisitorToken, verifyVisitorToken } from "~/modules/storefront/visitor-token.server";

/**
 * POST /proxy/chat/messages (the storefront's /apps/kindly/chat/messages): what the widget polls. Whether someone is
 * online, the merchant's greeting, and the visitor's messages after the `since` cursor. POST, so the visitor
 * token travels in the body and never in a URL that proxies and logs keep.
 */

const PollSchema = z.object({
  token: z.string().max(512).optional().nullable(),
  since: z.string().max(100).optional().nullable(),
});

export const loader = () => proxyJson({ error: "method_not_allowed" }, 405, { Allow: "POST" });

export const action = ({ request }: ActionFunctionArgs) =>
  answerProxy(async () => {
    if (request.method !== "POST") return proxyJson({ error: "method_not_allowed" }, 405, { Allow: "POST" });
    const { shop } = await authenticateProxy(request);
    const now = getClock().now();
    const parsed = PollSchema.safeParse(await readJsonBody(request, MAX_PROXY_BODY_BYTES));
    if (!parsed.success) return proxyJson({ error: "invalid_input" }, 400);
    const visitor = parsed.data.token ? verifyVisitorToken(parsed.data.token, shop, now) : null;
    if (parsed.data.token && !visitor) return proxyJson({ error: "invalid_token" }, 401);

    const ip = clientIp(request);
    const rate = checkRates([
      [chatLimiters.perIp, `${shop}|${ip}`],
      [chatLimiters.pollPerVisitor, visitor ? `${shop}|${visitor.visitorId}` : `${shop}|new|${ip}`],
    ]);
    if (!rate.allowed) return rateLimitedResponse(rate);

    const status = await chatStatus(shop, now);
    if (!status) return proxyJson({ error: "not_installed" }, 404);
    const { online, greeting } = status;
    if (!visitor) return proxyJson({ online, greeting, messages: [], cursor: null, csat: null, token: null });
    const found = await listChatMessages({ shop, visitorId: visitor.visitorId, since: parsed.data.since });
    return proxyJson({
      online,
      greeting,
      messages: found.messages,
      cursor: found.cursor,
      csat: found.csat,
      token: createVisitorToken({ visitorId: visitor.visitorId, shop }, { now }),
    });
  });
