import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { getClock } from "~/clock.server";
import { lookupRatingLink, recordRating } from "~/modules/flows/rating.server";
import { ratingDonePage, ratingFormPage, ratingInvalidPage } from "~/modules/flows/rating-page";
import { MAX_PUBLIC_FORM_BYTES, readLimitedForm } from "~/modules/messaging/http.server";
import { htmlResponse, pageLanguage } from "~/modules/messaging/pages";

/**
 * The post-purchase check-in's rating links (/r/<signed token>). GET shows the page with the link's score chosen
 * (mail scanners follow links: a GET records nothing); POST records the rating once. A forged or expired token gets
 * a 400 page and records nothing.
 */

const RatingSchema = z.object({
  score: z.coerce.number().int().min(1).max(5),
  comment: z.string().max(2000).optional().default(""),
});

function invalid(request: Request) {
  return htmlResponse(ratingInvalidPage(pageLanguage(null, request.headers.get("accept-language"))), 400);
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const link = await lookupRatingLink(params.token ?? "", getClock().now());
  if (link.result !== "VALID") return invalid(request);
  const lang = pageLanguage(link.locale);
  if (link.answered) return htmlResponse(ratingDonePage(lang, link.shopName, "ALREADY"));
  return htmlResponse(ratingFormPage(lang, link.shopName, link.score));
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") return new Response(null, { status: 405, headers: { Allow: "GET, POST" } });
  const now = getClock().now();
  const link = await lookupRatingLink(params.token ?? "", now);
  if (link.result !== "VALID") return invalid(request);
  const lang = pageLanguage(link.locale);
  const form = await readLimitedForm(request, MAX_PUBLIC_FORM_BYTES);
  if (!form) return new Response(null, { status: 413 });
  const parsed = RatingSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) return htmlResponse(ratingFormPage(lang, link.shopName, link.score, true), 400);
  const recorded = await recordRating({
    token: params.token ?? "",
    score: parsed.data.score,
    comment: parsed.data.comment,
    now,
  });
  if (recorded.outcome === "INVALID") return invalid(request);
  const kind = recorded.outcome === "ALREADY_RATED" ? "ALREADY" : recorded.outcome === "LOW" ? "LOW" : "THANKS";
  return htmlResponse(ratingDonePage(lang, link.shopName, kind));
};
