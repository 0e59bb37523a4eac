import type { ActionFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { chatLimiters, MAX_PROXY_BODY_BYTES } from "~/modules/storefront/chat-limits.server";
import { labelOrderStatus, lookupOrderStatus } from "~/modules/storefront/order-lookup.server";
import {
  answerProxy,
  authenticateProxy,
  proxyJson,
  rateLimitedResponse,
  readJsonBody,
} from "~/modules/storefront/proxy.server";
import { checkRates, clientIp } from "~/modules/storefront/rate-limit.server";

/**
 * POST /proxy/orders (the storefront's /apps/kindly/orders): order status by order number and email, no account.
 * A wrong email and an unknown number get the same 404, so guessing one half reveals nothing.
 */

const LookupSchema = z.object({
  number: z
    .string()
    .trim()
    .regex(/^#?\d{1,12}$/),
  email: z.string().trim().email().max(254),
  locale: z.string().max(20).optional().nullable(),
});

export const loader = () => proxyJson({ error: "method_not_allowed" }, 405, { Allow: "POST" });

export const action = ({ request }: ActionFunctionArgs) =>
  answerProxy(async () => {
    if (request.method !== "POST") return proxyJson({ error: "method_not_allowed" }, 405, { Allow: "POST" });
    const { shop, admin } = await authenticateProxy(request);
    const rate = checkRates([[chatLimiters.orderLookupPerIp, `${shop}|${clientIp(request)}`]]);
    if (!rate.allowed) return rateLimitedResponse(rate);
    const parsed = LookupSchema.safeParse(await readJsonBody(request, MAX_PROXY_BODY_BYTES));
    if (!parsed.success) {
      return proxyJson(
        { error: "invalid_input", fields: parsed.error.issues.map((issue) => issue.path.join(".")) },
        400,
      );
    }
    if (!admin) return proxyJson({ error: "not_installed" }, 404);
    const found = await lookupOrderStatus(admin, { orderNumber: parsed.data.number, email: parsed.data.email });
    if (found.result === "NOT_FOUND") return proxyJson({ error: "not_found" }, 404);
    return proxyJson({ order: await labelOrderStatus(found.order, parsed.data.locale) });
  });
