import { timingSafeEqual } from "node:crypto";
import { signingTag } from "~/modules/shop/signing.server";

/**
 * The reply address of an inbox conversation: `reply+c<conversationId><tag>@<reply domain>`.
 *
 * Recovery messages carry a random token stored on the Message row; a conversation has no such column, so its
 * token is the conversation id with an HMAC tag (80 bits, lowercase base32, as some mail systems lowercase local
 * parts). Nobody can forge the address of another conversation, and no lookup table is needed.
 */

const PURPOSE = "kindly/conversation-reply/v1";
const TAG_CHARS = 16;
const BASE32 = "abcdefghijklmnopqrstuvwxyz234567";

function tag(conversationId: string): string {
  const digest = signingTag(PURPOSE, conversationId);
  let out = "";
  for (let index = 0; index < TAG_CHARS; index += 1) out += BASE32[digest[index] & 31];
  return out;
}

export function conversationReplyToken(conversationId: string): string {
  if (!/^[a-z0-9]{6,64}$/.test(conversationId)) throw new Error("Conversation ids are lowercase alphanumeric");
  return `c${conversationId}${tag(conversationId)}`;
}

/** The conversation id in an authentic token; null for anything else (a recovery token, a forgery). */
export function conversationIdFromReplyToken(token: string): string | null {
  const lower = token.toLowerCase();
  if (!/^c[a-z0-9]{6,64}[a-z2-7]{16}$/.test(lower)) return null;
  const conversationId = lower.slice(1, -TAG_CHARS);
  const given = Buffer.from(lower.slice(-TAG_CHARS));
  const expected = Buffer.from(tag(conversationId));
  return timingSafeEqual(given, expected) ? conversationId : null;
}
