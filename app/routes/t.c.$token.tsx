import type { LoaderFunctionArgs } from "@remix-run/node";
import { getClock } from "~/clock.server";
import prisma from "~/db.server";
import { recordClick } from "~/modules/messaging/engagement.server";
import { htmlResponse, pageLanguage, refusedLinkPage, renderNoticePage } from "~/modules/messaging/pages";

/** Click redirect: 302 to the shop or the recovery URL only; anything else is refused without a redirect. */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const outcome = await recordClick(prisma, params.token ?? "", {
    userAgent: request.headers.get("user-agent"),
    now: getClock().now(),
  });
  if (outcome.result === "REDIRECTED") {
    return new Response(null, {
      status: 302,
      // no-referrer: the shop need not see the tracking URL; no-store: every click must come back through here.
      headers: { Location: outcome.location, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" },
    });
  }
  const page = refusedLinkPage(pageLanguage(null, request.headers.get("accept-language")));
  return htmlResponse(renderNoticePage(page), 400);
};
