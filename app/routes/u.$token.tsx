import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { getClock } from "~/clock.server";
import prisma from "~/db.server";
import { lookupUnsubscribe, unsubscribeByToken } from "~/modules/messaging/engagement.server";
import { MAX_PUBLIC_FORM_BYTES, readLimitedBody } from "~/modules/messaging/http.server";
import { htmlResponse, pageLanguage, renderNoticePage } from "~/modules/messaging/pages";
import { unsubscribePage } from "~/modules/messaging/unsubscribe-page";

/**
 * Unsubscribe. GET only shows a confirmation page (mail scanners and link previews follow GET links; an
 * unsubscribe must not happen because a robot looked). POST unsubscribes: RFC 8058 one-click from the mail
 * client (body `List-Unsubscribe=One-Click`, no cookies, no page) and the page's own button post the same body.
 */
export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const lookup = await lookupUnsubscribe(prisma, params.token ?? "", getClock().now());
  if (lookup.result !== "VALID") {
    return htmlResponse(
      renderNoticePage(unsubscribePage("INVALID", null, pageLanguage(null, request.headers.get("accept-language")))),
      400,
    );
  }
  const { context } = lookup;
  const lang = pageLanguage(context.locale);
  return htmlResponse(
    renderNoticePage(unsubscribePage(context.alreadyUnsubscribed ? "DONE" : "CONFIRM", context, lang)),
  );
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") return new Response(null, { status: 405, headers: { Allow: "GET, POST" } });
  // The body is not needed to decide (the signed token is the authority), but a one-click client expects it read.
  const read = await readLimitedBody(request, MAX_PUBLIC_FORM_BYTES);
  if (!read.ok) return new Response(null, { status: 413 });
  const body = read.body.toString("utf8");
  // Recorded for the merchant's figures only: a browser's form post carries Sec-Fetch-Mode, a mail provider's
  // one-click POST does not.
  const source =
    /(^|&)List-Unsubscribe=One-Click(&|$)/.test(body) && !request.headers.get("sec-fetch-mode") ? "ONE_CLICK" : "PAGE";
  const { result, context } = await unsubscribeByToken(prisma, params.token ?? "", source, getClock().now());
  if (!context || result === "BAD_TOKEN" || result === "UNKNOWN_MESSAGE") {
    return htmlResponse(
      renderNoticePage(unsubscribePage("INVALID", null, pageLanguage(null, request.headers.get("accept-language")))),
      400,
    );
  }
  return htmlResponse(renderNoticePage(unsubscribePage("DONE", context, pageLanguage(context.locale))));
};
