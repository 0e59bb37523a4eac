import type { Message, Shop } from "~/generated/prisma/client";
import { sendEmail } from "~/modules/messaging/email.server";
import { sendSms } from "~/modules/messaging/sms.server";
import { composeSms } from "~/modules/messaging/gsm";
import { randomBytes } from "node:crypto";

/** What a channel reports back, stored on the Message row. */
export interface ChannelResult {
  providerMessageId: string;
  emailMessageId: string | null;
  fromAddress: string;
  /** The text and HTML as they left (with tracked links, unsubscribe footer, SMS signature and opt-out notice). */
  bodyText: string | null;
  bodyHtml: string | null;
}

function senderAddress(shop: Shop): string {
  return shop.senderEmail ?? shop.contactEmail ?? shop.email ?? "";
}

export async function sendRecoveryEmail(
  shop: Shop,
  message: Message,
  options: { recoveryUrl: string | null; now: Date; tracking?: boolean },
): Promise<ChannelResult> {
  const sent = await sendEmail(shop, {
    messageId: message.id,
    replyToken: message.replyToken,
    to: message.toAddress,
    subject: message.subject ?? "",
    html: message.bodyHtml ?? "",
    text: message.bodyText ?? "",
    locale: message.locale,
    recoveryUrl: options.recoveryUrl,
    tracking: options.tracking ?? true,
  });
  return {
    providerMessageId: sent.emailMessageId,
    emailMessageId: sent.emailMessageId,
    fromAddress: senderAddress(shop),
    bodyText: sent.text,
    bodyHtml: sent.html,
  };
}

export async function sendRecoverySms(
  shop: Shop,
  message: Message,
  options: { locale: string; now: Date },
): Promise<ChannelResult> {
  // Signed with the shop's name and the opt-out instruction, within two segments (links are never cut).
  const composed = composeSms(message.bodyText ?? "", { shopName: shop.name ?? shop.shop, locale: options.locale });
  const sent = await sendSms(shop, { to: message.toAddress, body: composed.body });
  return {
    providerMessageId: sent.sid,
    emailMessageId: null,
    fromAddress: sent.from,
    bodyText: composed.body,
    bodyHtml: null,
  };
}

/**
 * "Send a test to myself" from the recovery editor: the real channel, the real rendering, no tracking, not tied to
 * any shopper or schedule, so it never counts in the figures.
 */
export async function sendTestEmail(
  shop: Shop,
  test: { to: string; subject: string; html: string; text: string; locale: string },
): Promise<{ emailMessageId: string }> {
  const id = `test-${randomBytes(8).toString("hex")}`;
  const sent = await sendEmail(shop, {
    messageId: id,
    replyToken: id,
    to: test.to,
    subject: `[Test] ${test.subject}`,
    html: test.html,
    text: test.text,
    locale: test.locale,
    tracking: false,
  });
  return { emailMessageId: sent.emailMessageId };
}

export async function sendTestSms(
  shop: Shop,
  test: { to: string; text: string; locale: string },
): Promise<{ sid: string }> {
  const composed = composeSms(test.text, { shopName: shop.name ?? shop.shop, locale: test.locale });
  const sent = await sendSms(shop, { to: test.to, body: composed.body });
  return { sid: sent.sid };
}
