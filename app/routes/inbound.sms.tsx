import type { ActionFunctionArgs } from "@remix-run/node";
import { getClock } from "~/clock.server";
import prisma from "~/db.server";
import { getEnv } from "~/env.server";
import { readLimitedBody } from "~/modules/messaging/http.server";
import { MAX_INBOUND_SMS_BYTES, receiveInboundSms } from "~/modules/messaging/inbound-sms.server";

/**
 * Twilio's inbound SMS webhook: read the form -> verify X-Twilio-Signature against the public URL -> hand to the
 * module -> answer TwiML. The URL is rebuilt from SHOPIFY_APP_URL because behind a proxy or tunnel the request
 * URL the server sees is not the one Twilio signed.
 */
export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return new Response(null, { status: 405, headers: { Allow: "POST" } });
  const read = await readLimitedBody(request, MAX_INBOUND_SMS_BYTES);
  if (!read.ok) return new Response(null, { status: 413 });
  const requested = new URL(request.url);
  const url = `${getEnv().SHOPIFY_APP_URL.replace(/\/+$/, "")}${requested.pathname}${requested.search}`;
  const params = [...new URLSearchParams(read.body.toString("utf8")).entries()];
  const outcome = await receiveInboundSms(prisma, {
    url,
    params,
    signature: request.headers.get("x-twilio-signature"),
    now: getClock().now(),
  });
  if (outcome.result === "FORBIDDEN" || outcome.twiml === null) return new Response("Forbidden", { status: 403 });
  return new Response(outcome.twiml, { status: 200, headers: { "Content-Type": "text/xml; charset=utf-8" } });
};

export const loader = () => new Response(null, { status: 405, headers: { Allow: "POST" } });
