import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { getClock } from "~/clock.server";
import { answerChatCsat, MAX_CHAT_MESSAGE_CHARS } from "~/modules/storefront/chat.server";
import { chatLimiters, MAX_PROXY_BODY_BYTES } from "~/modules/storefront/chat-limits.server";
import {
  answerProxy,
  authenticateProxy,
  proxyJson,
  rateLimitedResponse,
  readJsonBody,
} from "~/modules/storefront/proxy.server";
import { checkRates, clientIp } from "~/modules/storefront/rate-limit.server";
import { verifyVisitorToken } from "~/modules/storefront/visitor-token.server";

/**
 * POST /proxy/chat/csat (the storefront's /apps/kindly/chat/csat): the shopper rates the conversation (1-5, optional
 * comment) after the shop asked in the chat. Only the visitor's own conversation, only once.
 */

const CsatSchema = z.object({
  token: z.string().max(512),
  score: z.number().int().min(1).max(5),
  comment: z.string().max(MAX_CHAT_MESSAGE_CHARS).optional().nullable(),
});

export const loader = () => proxyJson({ error: "method_not_allowed" }, 405, { Allow: "POST" });

export const action = ({ request }: ActionFunctionArgs) =>
  answerProxy(async () => {
    if (request.method !== "POST") return proxyJson({ error: "method_not_allowed" }, 405, { Allow: "POST" });
    const { shop } = await authenticateProxy(request);
    const now = getClock().now();
    const parsed = CsatSchema.safeParse(await readJsonBody(request, MAX_PROXY_BODY_BYTES));
    if (!parsed.success) {
      return proxyJson(
        { error: "invalid_input", fields: parsed.error.issues.map((issue) => issue.path.join(".")) },
        400,
      );
    }
    const visitor = verifyVisitorToken(parsed.data.token, shop, now);
    if (!visitor) return proxyJson({ error: "invalid_token" }, 401);
    const rate = checkRates([
      [chatLimiters.perIp, `${shop}|${clientIp(request)}`],
      [chatLimiters.csatPerVisitor, `${shop}|${visitor.visitorId}`],
    ]);
    if (!rate.allowed) return rateLimitedResponse(rate);

    const { outcome } = await answerChatCsat({
      shop,
      visitorId: visitor.visitorId,
      score: parsed.data.score,
      comment: parsed.data.comment,
      now,
    });
    switch (outcome) {
      case "RECORDED":
      case "ALREADY_ANSWERED":
        // Answering twice is not the shopper's mistake: the first answer stands, and they are thanked either way.
        return proxyJson({ outcome });
      case "NOT_REQUESTED":
      case "NO_CONVERSATION":
        return proxyJson({ error: "not_requested" }, 409);
    }
  });
