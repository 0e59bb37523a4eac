import type { ActionFunctionArgs } from "@remix-run/node";
import { getClock } from "~/clock.server";
import prisma from "~/db.server";
import { readLimitedBody } from "~/modules/messaging/http.server";
import {
  MAX_INBOUND_EMAIL_BYTES,
  extractRawEmail,
  isInboundEmailAuthorized,
  receiveInboundEmail,
  type InboundEmailResult,
} from "~/modules/messaging/inbound-email.server";

/**
 * Inbound email webhook: authenticate (shared secret) -> read (size-limited) -> hand to the module -> answer.
 * Handled mail gets 200; mail Kindly chose to drop (auto-replies, unknown recipients) gets 202 so the provider
 * does not retry it; only a request that is not an email at all gets a 4xx. Never a 500 for a message's content.
 */
const STATUS: Record<InboundEmailResult, number> = {
  REPLY_RECORDED: 200,
  CONVERSATION_RECORDED: 200,
  UNSUBSCRIBED: 200,
  DUPLICATE: 200,
  IGNORED_AUTOMATED: 202,
  UNKNOWN_RECIPIENT: 202,
  MALFORMED: 400,
};

export const action = async ({ request }: ActionFunctionArgs) => {
  if (request.method !== "POST") return new Response(null, { status: 405, headers: { Allow: "POST" } });
  if (!isInboundEmailAuthorized(request)) {
    return Response.json(
      { error: "unauthorized" },
      { status: 401, headers: { "WWW-Authenticate": 'Basic realm="Kindly inbound email"' } },
    );
  }
  const read = await readLimitedBody(request, MAX_INBOUND_EMAIL_BYTES);
  if (!read.ok) return Response.json({ error: "too large", limitBytes: MAX_INBOUND_EMAIL_BYTES }, { status: 413 });
  const raw = extractRawEmail(request.headers.get("content-type"), read.body);
  if (!raw) return Response.json({ error: 'no message: send the raw MIME, or JSON { "raw": "..." }' }, { status: 400 });
  const outcome = await receiveInboundEmail(prisma, raw, getClock().now());
  return Response.json({ result: outcome.result }, { status: STATUS[outcome.result] });
};

export const loader = () => new Response(null, { status: 405, headers: { Allow: "POST" } });
