import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { getClock } from "~/clock.server";
import { csatDonePage, csatFormPage, csatInvalidPage } from "~/modules/inbox/csat-page";
import { lookupCsatLink, recordCsatResponse } from "~/modules/inbox/csat.server";
import { inboxLanguage } from "~/modules/inbox/wording";
import { MAX_PUBLIC_FORM_BYTES, readLimitedForm } from "~/modules/messaging/http.server";
import { htmlResponse, pageLanguage } from "~/modules/messaging/pages";

/**
 * The email survey's links (/s/<signed token>). GET shows the rating page with the link's score chosen; POST
 * records it once, with an optional comment. A forged or expired token gets a 400 page and records nothing.
 */

const AnswerSchema = z.object({
  score: z.coerce.number().int().min(1).max(5),
  comment: z.string().max(2000).optional().default(""),
});

function invalid(request: Request) {
  const lang = pageLanguage(null, request.headers.get("accept-language"));
  return htmlResponse(csatInvalidPage(lang), 400);
}

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const link = await lookupCsatLink(params.token ?? "", getClock().now());
  if (link.result !== "VALID") return invalid(request);
  const lang = inboxLanguage(link.locale);
  if (link.answered) return htmlResponse(csatDonePage(lang, link.shopName, true));
  return htmlResponse(csatFormPage(lang, link.shopName, link.score));
};

export const action = async ({ request, params }: ActionFunctionArgs) => {
  if (request.method !== "POST") return new Response(null, { status: 405, headers: { Allow: "GET, POST" } });
  const now = getClock().now();
  const link = await lookupCsatLink(params.token ?? "", now);
  if (link.result !== "VALID") return invalid(request);
  const lang = inboxLanguage(link.locale);
  const form = await readLimitedForm(request, MAX_PUBLIC_FORM_BYTES);
  if (!form) return new Response(null, { status: 413 });
  const parsed = AnswerSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const error = lang === "fr" ? "Choisissez une note de 1 à 5." : "Choose a rating from 1 to 5.";
    return htmlResponse(csatFormPage(lang, link.shopName, link.score, error), 400);
  }
  const { outcome } = await recordCsatResponse({
    shop: link.shop,
    conversationId: link.conversationId,
    score: parsed.data.score,
    comment: parsed.data.comment,
    channel: "EMAIL",
    at: now,
  });
  return htmlResponse(csatDonePage(lang, link.shopName, outcome === "ALREADY_ANSWERED"));
};
