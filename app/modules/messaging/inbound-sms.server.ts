import { createHmac } from "node:crypto";
import { recordMessageEvent } from "~/modules/messaging/message-events.server";
import type prisma from "~/db.server";
import { getLogger } from "~/logger.server";
import { recordSmsCsatDigit } from "~/modules/inbox/csat.server";
import { recordInboundMessage } from "~/modules/inbox/conversations.server";
import { escapeXml } from "~/modules/messaging/html";
import { safeEqual } from "~/modules/messaging/http.server";
import { twilioCredentials } from "~/modules/messaging/sms.server";
import { suppress, unsuppress } from "~/modules/messaging/suppression.server";
import { stopRunForMessage, stopRunsForContact } from "~/modules/recovery/stop.server";
import { normalizePhone } from "~/modules/webhooks/payload.server";

/**
 * Texts shoppers send to a shop's Twilio number. Twilio POSTs them form-encoded to /inbound/sms, signed with the
 * account's auth token (X-Twilio-Signature). Keywords are the carriers' (CTIA) and Twilio's standard set; anything
 * else is a reply: it ends the sequence and opens a conversation in the inbox.
 */

type Db = typeof prisma;

export const MAX_INBOUND_SMS_BYTES = 64 * 1024;

// ---------------------------------------------------------------------------------------------------------------
// Signature (https://www.twilio.com/docs/usage/webhooks/webhooks-security)

/**
 * Twilio's signature: HMAC-SHA1 keyed with the auth token over the full URL Twilio called, followed by every POST
 * parameter sorted by name, each name immediately followed by its value; base64. Repeated names are sorted by
 * value, as Twilio's own helpers do.
 */
export function twilioSignature(authToken: string, url: string, params: Array<[string, string]>): string {
  const sorted = [...params].sort(([nameA, valueA], [nameB, valueB]) =>
    nameA === nameB ? (valueA < valueB ? -1 : valueA > valueB ? 1 : 0) : nameA < nameB ? -1 : 1,
  );
  const data = sorted.reduce((text, [name, value]) => text + name + value, url);
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

export function isValidTwilioSignature(
  authToken: string,
  url: string,
  params: Array<[string, string]>,
  signature: string | null,
): boolean {
  if (!signature) return false;
  return safeEqual(signature, twilioSignature(authToken, url, params));
}

// ---------------------------------------------------------------------------------------------------------------
// Keywords

export type SmsKeyword = "OPT_OUT" | "OPT_IN" | "HELP";

// "ARRET" is the French-Canadian opt-out carriers honour alongside STOP; honouring more opt-outs is always safe.
const OPT_OUT = new Set(["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "ARRET"]);
const OPT_IN = new Set(["START", "YES", "UNSTOP"]);
const HELP = new Set(["HELP", "INFO"]);

/**
 * The keyword a text is, if it is one. Like Twilio, the whole message must be the keyword; case, accents,
 * spaces and punctuation do not matter ("Stop.", " stop all ", "ARRÊT!" all count).
 */
export function smsKeyword(body: string): SmsKeyword | null {
  const word = body
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toUpperCase()
    .replace(/[^A-Z]/g, "");
  if (OPT_OUT.has(word)) return "OPT_OUT";
  if (OPT_IN.has(word)) return "OPT_IN";
  if (HELP.has(word)) return "HELP";
  return null;
}

// ---------------------------------------------------------------------------------------------------------------
// Answers

type Language = "en" | "fr";

const ANSWERS: Record<Language, Record<SmsKeyword, (shop: string, contact: string | null) => string>> = {
  en: {
    OPT_OUT: (shop) => `${shop}: you're unsubscribed and won't receive more texts from us. Reply START to resubscribe.`,
    OPT_IN: (shop) => `${shop}: you're resubscribed to our texts. Reply STOP to opt out.`,
    HELP: (shop, contact) =>
      `${shop}: need a hand? ${contact ? `Email ${contact} or just reply here.` : "Just reply here."} Reply STOP to opt out.`,
  },
  fr: {
    OPT_OUT: (shop) =>
      `${shop} : vous êtes désabonné(e) et ne recevrez plus nos SMS. Répondez START pour vous réabonner.`,
    OPT_IN: (shop) => `${shop} : vous êtes réabonné(e) à nos SMS. Répondez STOP pour vous désabonner.`,
    HELP: (shop, contact) =>
      `${shop} : besoin d'aide ? ${contact ? `Écrivez à ${contact} ou répondez simplement ici.` : "Répondez simplement ici."} Répondez STOP pour vous désabonner.`,
  },
};

export function twiml(message?: string): string {
  const body = message ? `<Response><Message>${escapeXml(message)}</Message></Response>` : "<Response/>";
  return `<?xml version="1.0" encoding="UTF-8"?>${body}`;
}

// ---------------------------------------------------------------------------------------------------------------
// Handling

export type InboundSmsResult =
  | "FORBIDDEN"
  | "OPTED_OUT"
  | "OPTED_IN"
  | "HELP"
  | "REPLY_RECORDED"
  | "CONVERSATION_RECORDED"
  | "CSAT_RECORDED"
  | "IGNORED_EMPTY";

export interface InboundSmsRequest {
  /** The public URL Twilio called (SHOPIFY_APP_URL + path + query): what Twilio signed. */
  url: string;
  params: Array<[string, string]>;
  signature: string | null;
  now: Date;
}

export interface InboundSmsOutcome {
  result: InboundSmsResult;
  /** TwiML to answer with (null for FORBIDDEN). */
  twiml: string | null;
  shop?: string;
}

/** The shop the text was sent to, proven by the signature made with that shop's auth token. */
async function verifiedShop(db: Db, request: InboundSmsRequest, params: Map<string, string>) {
  const to = params.get("To") ?? "";
  const numbers = [...new Set([to, normalizePhone(to)].filter((value): value is string => Boolean(value)))];
  if (numbers.length === 0) return null;
  const candidates = await db.shop.findMany({ where: { twilioFromNumber: { in: numbers } } });
  for (const shop of candidates) {
    const accountSid = params.get("AccountSid");
    if (accountSid && shop.twilioAccountSid && accountSid !== shop.twilioAccountSid) continue;
    let credentials;
    try {
      credentials = twilioCredentials(shop);
    } catch {
      continue; // an unreadable token cannot verify anything
    }
    if (credentials && isValidTwilioSignature(credentials.authToken, request.url, request.params, request.signature))
      return shop;
  }
  return null;
}

export async function receiveInboundSms(db: Db, request: InboundSmsRequest): Promise<InboundSmsOutcome> {
  const log = getLogger().child({ module: "inbound-sms" });
  const params = new Map(request.params);
  const shop = await verifiedShop(db, request, params);
  if (!shop) {
    log.warn("inbound SMS: signature does not verify for any shop with that number; refused");
    return { result: "FORBIDDEN", twiml: null };
  }
  const from = normalizePhone(params.get("From")) ?? params.get("From")?.trim() ?? "";
  const body = params.get("Body") ?? "";
  if (!from) return { result: "IGNORED_EMPTY", twiml: twiml(), shop: shop.shop };

  // The latest text Kindly sent this number for this shop: the one a reply answers, and its language.
  const lastSent = await db.message.findFirst({
    where: {
      shop: shop.shop,
      channel: "SMS",
      toAddress: { in: [...new Set([from, params.get("From") ?? from])] },
      sentAt: { not: null },
    },
    orderBy: { sentAt: "desc" },
    select: {
      id: true,
      locale: true,
      customerId: true,
      conversationId: true,
      scheduled: { select: { run: { select: { subjectType: true, subjectId: true } } } },
    },
  });
  const language: Language = (lastSent?.locale ?? shop.primaryLocale).toLowerCase().startsWith("fr") ? "fr" : "en";
  const shopName = shop.name ?? shop.shop;
  const keyword = smsKeyword(body);

  if (keyword === "OPT_OUT") {
    await db.$transaction(async (tx) => {
      await suppress(tx, shop.shop, "SMS", from, "STOP");
      await stopRunsForContact(tx, shop.shop, { phone: from }, "SMS_STOP", request.now);
      const recorded = lastSent
        ? await tx.messageEvent.findFirst({
            where: { messageId: lastSent.id, type: "UNSUBSCRIBE" },
            select: { id: true },
          })
        : null;
      if (lastSent && !recorded) {
        await recordMessageEvent(tx, {
          shop: shop.shop,
          messageId: lastSent.id,
          type: "UNSUBSCRIBE",
          at: request.now,
          detailJson: JSON.stringify({ source: "SMS_STOP" }),
        });
      }
    });
    log.info({ shop: shop.shop }, "inbound SMS: opt-out recorded, sequences stopped");
    return { result: "OPTED_OUT", twiml: twiml(ANSWERS[language].OPT_OUT(shopName, null)), shop: shop.shop };
  }
  if (keyword === "OPT_IN") {
    await unsuppress(db, shop.shop, "SMS", from);
    log.info({ shop: shop.shop }, "inbound SMS: opt-in recorded");
    return { result: "OPTED_IN", twiml: twiml(ANSWERS[language].OPT_IN(shopName, null)), shop: shop.shop };
  }
  if (keyword === "HELP") {
    const contact = shop.contactEmail ?? shop.email ?? shop.senderEmail ?? null;
    return { result: "HELP", twiml: twiml(ANSWERS[language].HELP(shopName, contact)), shop: shop.shop };
  }
  if (body.trim() === "") return { result: "IGNORED_EMPTY", twiml: twiml(), shop: shop.shop };

  // "Reply with a digit 1-5" after a conversation closed: the answer to the survey, not a new thread.
  const csat = await recordSmsCsatDigit(shop.shop, from, body, request.now);
  if (csat) {
    log.info(
      { shop: shop.shop, conversationId: csat.conversationId, outcome: csat.outcome },
      "inbound SMS: CSAT reply",
    );
    return { result: "CSAT_RECORDED", twiml: twiml(), shop: shop.shop };
  }

  const run = lastSent?.scheduled?.run ?? null;
  const conversationId = await db.$transaction(async (tx) => {
    if (lastSent) {
      await recordMessageEvent(tx, {
        shop: shop.shop,
        messageId: lastSent.id,
        type: "REPLY",
        at: request.now,
        detailJson: JSON.stringify({ channel: "SMS" }),
      });
      await stopRunForMessage(tx, lastSent.id, "REPLIED", request.now);
    }
    const recorded = await recordInboundMessage(tx, {
      shop: shop.shop,
      channel: "SMS",
      from: { phone: from },
      body,
      customerId: lastSent?.customerId ?? null,
      checkoutId: run?.subjectType === "CHECKOUT" ? run.subjectId : null,
      conversationId: lastSent?.conversationId ?? null,
      receivedAt: request.now,
    });
    if (lastSent && !lastSent.conversationId) {
      await tx.message.update({ where: { id: lastSent.id }, data: { conversationId: recorded.conversationId } });
    }
    return recorded.conversationId;
  });
  log.info({ shop: shop.shop, conversationId, messageId: lastSent?.id }, "inbound SMS: reply recorded");
  // No automatic answer: a person replies from the inbox, and an instant robot text would feel like the opposite.
  return { result: lastSent ? "REPLY_RECORDED" : "CONVERSATION_RECORDED", twiml: twiml(), shop: shop.shop };
}
