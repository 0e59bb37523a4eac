import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { getClock } from "~/clock.server";
import { MAX_CHAT_MESSAGE_CHARS, MAX_CHAT_NAME_CHARS, sendChatMessage } from "~/modules/storefront/chat.server";
import { chatLimiters, MAX_PROXY_BODY_BYTES } from "~/modules/storefront/chat-limits.server";
import {
  answerProxy,
  authenticateProxy,
  proxyJson,
  rateLimitedResponse,
  readJsonBody,
} from "~/modules/storefront/proxy.server";
import { checkRates, clientIp } from "~/modules/storefront/rate-limit.server";
import { createVisitorToken, newVisitorId, verifyVisitorToken } from "~/modules/storefront/visitor-token.server";

/**
 * POST /proxy/chat (the storefront's /apps/kindly/chat): the shopper sends a chat message. JSON in, JSON out.
 * The first message mints the visitor token the widget keeps; every answer carries a refreshed one.
 */

const SendSchema = z.object({
  token: z.string().max(512).optional().nullable(),
  body: z.string(),
  name: z.string().max(MAX_CHAT_NAME_CHARS).optional().nullable(),
  email: z
    .union([z.literal(""), z.string().trim().email().max(254)])
    .optional()
    .nullable(),
});

export const loader = () => proxyJson({ error: "method_not_allowed" }, 405, { Allow: "POST" });

export const action = ({ request }: ActionFunctionArgs) =>
  answerProxy(async () => {
    if (request.method !== "POST") return proxyJson({ error: "method_not_allowed" }, 405, { Allow: "POST" });
    const { shop, loggedInCustomerId } = await authenticateProxy(request);
    const now = getClock().now();
    const input = await readJsonBody(request, MAX_PROXY_BODY_BYTES);
    const parsed = SendSchema.safeParse(input);
    if (!parsed.success) {
      const fields = parsed.error.issues.map((issue) => issue.path.join("."));
      return proxyJson({ error: "invalid_input", fields }, 400);
    }
    let visitorId: string;
    if (parsed.data.token) {
      const visitor = verifyVisitorToken(parsed.data.token, shop, now);
      if (!visitor) return proxyJson({ error: "invalid_token" }, 401);
      visitorId = visitor.visitorId;
    } else {
      visitorId = newVisitorId();
    }
    const ip = clientIp(request);
    const rate = checkRates([
      [chatLimiters.perIp, `${shop}|${ip}`],
      // A new visitor has no id worth limiting yet: their IP stands in for them.
      [chatLimiters.sendPerVisitor, parsed.data.token ? `${shop}|${visitorId}` : `${shop}|new|${ip}`],
    ]);
    if (!rate.allowed) return rateLimitedResponse(rate);

    const body = parsed.data.body.trim();
    if (body === "") return proxyJson({ error: "empty_message" }, 400);
    if (body.length > MAX_CHAT_MESSAGE_CHARS) {
      return proxyJson({ error: "message_too_long", maxLength: MAX_CHAT_MESSAGE_CHARS }, 400);
    }
    const sent = await sendChatMessage({
      shop,
      visitorId,
      body,
      name: parsed.data.name,
      email: parsed.data.email,
      loggedInCustomerId,
      now,
    });
    if (sent.result === "EMAIL_REQUIRED") return proxyJson({ error: "email_required" }, 400);
    return proxyJson({ token: createVisitorToken({ visitorId, shop }, { now }), message: sent.message });
  });
