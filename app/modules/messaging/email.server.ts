import type { Transporter } from "nodemailer";
import { getClock } from "~/clock.server";
import { getEnv } from "~/env.server";
import type { Shop } from "~/generated/prisma/client";
import { decodeHtmlEntities, escapeHtml } from "~/modules/messaging/html";
import { hostOf, isAllowedRedirect, shopHosts } from "~/modules/messaging/links";
import { SendError } from "~/modules/messaging/send-error";
import { createSmtpTransport } from "~/modules/messaging/smtp-transport.server";
import { clickUrl, openPixelUrl, unsubscribeUrl } from "~/modules/messaging/tokens.server";
import { decryptSecret } from "~/modules/shop/secrets.server";

/**
 * Email over SMTP with nodemailer. One call sends one message to one shopper, fully dressed: From the merchant's
 * sender, Reply-To a per-message address that routes replies back into Kindly, RFC 8058 one-click unsubscribe
 * headers, a Message-ID that replies thread under, HTML with tracked links, an open pixel and a visible unsubscribe
 * link, and a text part with the unsubscribe URL.
 */

export type EmailShop = Pick<
  Shop,
  | "shop"
  | "name"
  | "senderName"
  | "senderEmail"
  | "contactEmail"
  | "email"
  | "replyDomain"
  | "smtpUrlEncrypted"
  | "primaryDomain"
>;

export interface EmailToSend {
  /** Kindly's Message.id: every signed link (pixel, clicks, unsubscribe) resolves to it. */
  messageId: string;
  /** Message.replyToken: the Reply-To address carries it, so a reply finds its message. */
  replyToken: string;
  to: string;
  toName?: string | null;
  subject: string;
  /** The rendered body, undecorated: links become click redirects and the pixel and unsubscribe link are added here. */
  html: string;
  text: string;
  /** Shopper's language for the unsubscribe wording (en, fr). */
  locale?: string | null;
  /** The checkout's recovery URL: its links are tracked even when it lives off the shop's domains. */
  recoveryUrl?: string | null;
  /** Threading, for replies sent from the inbox. */
  inReplyTo?: string | null;
  references?: string[];
  /** False for a merchant's "send a test to myself": no pixel, no click tracking; the unsubscribe link stays. */
  tracking?: boolean;
}

export interface SentEmail {
  /** The Message-ID header, angle brackets included: store it on Message.emailMessageId so replies thread. */
  emailMessageId: string;
  /** What was actually sent, after decoration. */
  html: string;
  text: string;
  accepted: string[];
  /** The relay's final reply ("250 OK: queued as ..."). */
  response: string;
}

// ---------------------------------------------------------------------------------------------------------------
// Addresses and headers

// One mailbox, nothing a header parser could read as a second address or a new line.
// eslint-disable-next-line no-control-regex -- control characters are exactly what must be refused
const SINGLE_ADDRESS = /^[^\s\u0000-\u001f@,;:<>()[\]"\\]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/;

/**
 * A display name safe to put in a header: no CR/LF or other control characters (header injection), no quotes or
 * backslashes (they would end the quoted-string), collapsed whitespace, bounded length. nodemailer encodes the rest
 * (RFC 2047 for non-ASCII).
 */
export function sanitizeDisplayName(name: string | null | undefined): string {
  return (
    (name ?? "")
      // eslint-disable-next-line no-control-regex -- control characters are exactly what must be removed
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029"\\<>]/g, " ")
      .replace(/\s+/g, " ")
      .trim()
      .slice(0, 100)
  );
}

/** Subjects are single-line too: a template that produced a newline must not start a new header. */
function sanitizeSubject(subject: string): string {
  return (
    subject
      // eslint-disable-next-line no-control-regex -- control characters are exactly what must be removed
      .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, " ")
      .replace(/\s+/g, " ")
      .trim()
      .slice(0, 998)
  );
}

/** The domain replies come back on: the shop's own (when its MX points at Kindly's inbound), else the app's host. */
export function replyDomainFor(shop: Pick<Shop, "replyDomain">): string {
  return hostOf(shop.replyDomain) ?? new URL(getEnv().SHOPIFY_APP_URL).hostname.toLowerCase();
}

export function replyAddress(shop: Pick<Shop, "replyDomain">, replyToken: string): string {
  return `reply+${replyToken}@${replyDomainFor(shop)}`;
}

/** The mailto: alternative of List-Unsubscribe; inbound.email turns mail to it into an unsubscribe. */
export function unsubscribeAddress(shop: Pick<Shop, "replyDomain">, replyToken: string): string {
  return `unsubscribe+${replyToken}@${replyDomainFor(shop)}`;
}

/**
 * Deterministic per message, so a retried send (after a timeout that may have delivered) carries the same
 * Message-ID and the recipient's mail system can drop the duplicate.
 */
export function emailMessageIdFor(messageId: string, domain: string): string {
  return `<${messageId.replace(/[^A-Za-z0-9._-]/g, "")}.kindly@${domain}>`;
}

// ---------------------------------------------------------------------------------------------------------------
// Decoration

export interface DecorateOptions {
  messageId: string;
  appUrl: string;
  /** Hosts whose links become click redirects (the shop's domains); other links are left as they are. */
  allowedHosts: string[];
  recoveryUrl?: string | null;
  locale?: string | null;
  /** False: no pixel and no click redirects, only the unsubscribe link. */
  tracking?: boolean;
  /** Reuse the URL already put in the List-Unsubscribe header. */
  unsubscribeUrl?: string;
  now?: Date;
}

const UNSUBSCRIBE_WORDING: Record<string, { html: (link: string) => string; text: string }> = {
  en: { html: (link) => `Don't want these emails? ${link}.`, text: "Unsubscribe" },
  fr: { html: (link) => `Vous ne souhaitez plus recevoir ces e-mails ? ${link}.`, text: "Se désabonner" },
};

function wording(locale: string | null | undefined) {
  return UNSUBSCRIBE_WORDING[(locale ?? "en").toLowerCase().split(/[-_]/)[0]] ?? UNSUBSCRIBE_WORDING.en;
}

const ANCHOR_TAG = /<a\b[^>]*>/gi;
const HREF_ATTRIBUTE = /(\shref\s*=\s*)(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))/i;

function insertBeforeBodyEnd(html: string, fragment: string): string {
  const end = html.search(/<\/body\s*>/i);
  return end < 0 ? html + fragment : html.slice(0, end) + fragment + html.slice(end);
}

/**
 * Rewrites the shop's links into signed click redirects, appends a visible unsubscribe link and the open pixel.
 * Links elsewhere (a carrier's tracking page, mailto:, tel:) stay untouched: the redirect endpoint would refuse
 * them, and a broken link is worse than an untracked one.
 */
export function decorateEmailHtml(html: string, options: DecorateOptions): string {
  const now = options.now ?? getClock().now();
  const tracking = options.tracking ?? true;
  const policy = { hosts: options.allowedHosts, recoveryUrl: options.recoveryUrl };
  let result = html;
  if (tracking) {
    result = result.replace(ANCHOR_TAG, (tag) =>
      tag.replace(HREF_ATTRIBUTE, (attribute, prefix: string, double?: string, single?: string, bare?: string) => {
        const target = decodeHtmlEntities((double ?? single ?? bare ?? "").trim());
        if (!isAllowedRedirect(target, policy)) return attribute;
        return `${prefix}"${escapeHtml(clickUrl(options.appUrl, options.messageId, target, now))}"`;
      }),
    );
  }
  const unsubscribe = options.unsubscribeUrl ?? unsubscribeUrl(options.appUrl, options.messageId, now);
  const words = wording(options.locale);
  const link = `<a href="${escapeHtml(unsubscribe)}" style="color:#555555;">${escapeHtml(words.text)}</a>`;
  let footer = `\n<p style="font-size:12px;line-height:1.5;color:#555555;margin-top:32px;">${words.html(link)}</p>\n`;
  if (tracking) {
    footer += `<img src="${escapeHtml(openPixelUrl(options.appUrl, options.messageId, now))}" width="1" height="1" alt="">\n`;
  }
  return insertBeforeBodyEnd(result, footer);
}

export function decorateEmailText(text: string, options: { unsubscribeUrl: string; locale?: string | null }): string {
  return `${text.replace(/\s+$/, "")}\n\n--\n${wording(options.locale).text}: ${options.unsubscribeUrl}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// Transport

interface CachedTransport {
  /** The shop's stored (encrypted) SMTP URL, or the environment's: what the cache is looked up by. */
  key: string;
  url: string;
  transporter: Transporter;
}

declare global {
  // Shared by the Remix build and the worker's own imports, like the Prisma client.
  var __kindlySmtpTransports: Map<string, CachedTransport> | undefined;
}

function transports(): Map<string, CachedTransport> {
  globalThis.__kindlySmtpTransports ??= new Map();
  return globalThis.__kindlySmtpTransports;
}

function smtpUrlFor(shop: EmailShop): string {
  if (shop.smtpUrlEncrypted) {
    try {
      return decryptSecret(shop.smtpUrlEncrypted);
    } catch (error) {
      throw new SendError("The shop's SMTP settings cannot be decrypted (was ENCRYPTION_KEY changed?)", {
        code: "NOT_CONFIGURED",
        retryable: false,
        cause: error,
      });
    }
  }
  const fallback = getEnv().SMTP_URL;
  if (!fallback) {
    throw new SendError("No SMTP server: set the shop's own SMTP URL or SMTP_URL", {
      code: "NOT_CONFIGURED",
      retryable: false,
    });
  }
  return fallback;
}

/**
 * Pooled transports, one per shop and URL: a worker sending hundreds of messages reuses open SMTP connections
 * instead of a TCP + greeting round trip per message (see smtp-transport.server.ts for the pool's settings). A shop
 * that changes its SMTP URL gets a new pool and the old one is closed.
 */
function transportFor(shop: EmailShop): Transporter {
  // Keyed by the stored ciphertext, so the pool is found without decrypting the URL on every send.
  const key = shop.smtpUrlEncrypted ?? `env:${getEnv().SMTP_URL ?? ""}`;
  const cached = transports().get(shop.shop);
  if (cached?.key === key) return cached.transporter;
  const url = smtpUrlFor(shop);
  if (cached?.url === url) {
    cached.key = key;
    return cached.transporter;
  }
  cached?.transporter.close();
  let transporter: Transporter;
  try {
    transporter = createSmtpTransport(url);
  } catch (error) {
    throw new SendError("The SMTP URL is not valid (smtp://user:pass@host:port or smtps://...)", {
      code: "NOT_CONFIGURED",
      retryable: false,
      cause: error,
    });
  }
  transports().set(shop.shop, { key, url, transporter });
  return transporter;
}

/** Closes every pooled SMTP connection (process shutdown, end of a test file). */
export function closeEmailTransports(): void {
  for (const { transporter } of transports().values()) transporter.close();
  transports().clear();
}

// ---------------------------------------------------------------------------------------------------------------
// Sending

interface SmtpErrorShape {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/**
 * Retry or give up. 4xx replies are the relay's "not now" (greylisting, mailbox busy, rate limit); 5xx are final
 * (unknown user, policy rejection, bad credentials). Without a reply code the failure was on the way (refused
 * connection, DNS, timeout, dropped socket): worth another try.
 */
export function classifySmtpError(error: unknown): SendError {
  const shape = (typeof error === "object" && error !== null ? error : {}) as SmtpErrorShape;
  const status = typeof shape.responseCode === "number" ? shape.responseCode : null;
  const detail = { providerCode: status, providerMessage: shape.response ?? shape.message ?? null, cause: error };
  const message = `SMTP: ${shape.response ?? shape.message ?? String(error)}`;
  if (status !== null && status >= 400 && status < 500) {
    return new SendError(message, { code: "PROVIDER_TEMPORARY", retryable: true, ...detail });
  }
  if (status !== null && status >= 500) {
    const code =
      shape.code === "EAUTH"
        ? "AUTHENTICATION"
        : shape.code === "EENVELOPE"
          ? "INVALID_RECIPIENT"
          : "PROVIDER_REJECTED";
    return new SendError(message, { code, retryable: false, ...detail });
  }
  switch (shape.code) {
    case "EAUTH":
      return new SendError(message, { code: "AUTHENTICATION", retryable: false, ...detail });
    case "EENVELOPE":
    case "EMESSAGE":
      return new SendError(message, { code: "INVALID_RECIPIENT", retryable: false, ...detail });
    case "ETIMEDOUT":
      return new SendError(message, { code: "TIMEOUT", retryable: true, ...detail });
    default:
      // ECONNECTION, ESOCKET, EDNS, ECONNREFUSED, ECONNRESET, and anything unrecognised: the scheduler's bounded
      // retries turn a persistent one into a visible failure.
      return new SendError(message, { code: "CONNECTION", retryable: true, ...detail });
  }
}

/** The shop's sender and the one recipient, each a single valid address, or a final SendError. */
function checkedAddresses(shop: EmailShop, recipient: string): { senderEmail: string; to: string } {
  const senderEmail = (shop.senderEmail ?? shop.contactEmail ?? shop.email ?? "").trim();
  if (!SINGLE_ADDRESS.test(senderEmail)) {
    throw new SendError("The shop has no valid sender email address", { code: "INVALID_SENDER", retryable: false });
  }
  const to = recipient.trim();
  if (!SINGLE_ADDRESS.test(to)) {
    // One recipient, no list: "a@x.org, b@y.org" or a CRLF would otherwise add recipients or headers.
    throw new SendError("The recipient is not a single valid email address", {
      code: "INVALID_RECIPIENT",
      retryable: false,
    });
  }
  return { senderEmail, to };
}

export async function sendEmail(shop: EmailShop, email: EmailToSend): Promise<SentEmail> {
  const { senderEmail, to } = checkedAddresses(shop, email.to);
  const transporter = transportFor(shop);
  const env = getEnv();
  const now = getClock().now();
  const domain = replyDomainFor(shop);
  const emailMessageId = emailMessageIdFor(email.messageId, domain);
  const unsubscribe = unsubscribeUrl(env.SHOPIFY_APP_URL, email.messageId, now);
  const html = decorateEmailHtml(email.html, {
    messageId: email.messageId,
    appUrl: env.SHOPIFY_APP_URL,
    allowedHosts: shopHosts(shop),
    recoveryUrl: email.recoveryUrl,
    locale: email.locale,
    tracking: email.tracking,
    unsubscribeUrl: unsubscribe,
    now,
  });
  const text = decorateEmailText(email.text, { unsubscribeUrl: unsubscribe, locale: email.locale });
  const fromName = sanitizeDisplayName(shop.senderName ?? shop.name);
  const toName = sanitizeDisplayName(email.toName);

  try {
    const info = (await transporter.sendMail({
      from: fromName ? { name: fromName, address: senderEmail } : senderEmail,
      to: toName ? { name: toName, address: to } : to,
      replyTo: replyAddress(shop, email.replyToken),
      subject: sanitizeSubject(email.subject),
      messageId: emailMessageId,
      date: now,
      inReplyTo: email.inReplyTo ?? undefined,
      references: email.references,
      html,
      text,
      headers: {
        // RFC 2369 + RFC 8058: mailbox providers show their own "Unsubscribe" button and POST to the https URL.
        "List-Unsubscribe": `<${unsubscribe}>, <mailto:${unsubscribeAddress(shop, email.replyToken)}?subject=unsubscribe>`,
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      },
    })) as { accepted?: Array<string | { address: string }>; response?: string };
    return {
      emailMessageId,
      html,
      text,
      accepted: (info.accepted ?? []).map((address) => (typeof address === "string" ? address : address.address)),
      response: info.response ?? "",
    };
  } catch (error) {
    throw classifySmtpError(error);
  }
}

export interface ConversationEmailToSend {
  /** The ConversationMessage.id: the Message-ID is derived from it, so a retried send keeps the same one. */
  conversationMessageId: string;
  /** Where the shopper's answer goes: `reply+TOKEN@` on the reply domain (see inbox/reply-token.server.ts). */
  replyToken: string;
  to: string;
  toName?: string | null;
  subject: string;
  text: string;
  html: string;
  inReplyTo?: string | null;
  /** The whole thread, oldest first (RFC 5322 §3.6.4), so every client threads the answer. */
  references?: string[];
}

/**
 * A person's answer from the inbox (and the CSAT survey that ends a conversation): one-to-one correspondence the
 * shopper asked for, so no tracking pixel, no click redirects and no unsubscribe footer; threaded under the
 * shopper's message with In-Reply-To/References.
 */
export async function sendConversationEmail(shop: EmailShop, email: ConversationEmailToSend): Promise<SentEmail> {
  const { senderEmail, to } = checkedAddresses(shop, email.to);
  const transporter = transportFor(shop);
  const emailMessageId = emailMessageIdFor(email.conversationMessageId, replyDomainFor(shop));
  const fromName = sanitizeDisplayName(shop.senderName ?? shop.name);
  const toName = sanitizeDisplayName(email.toName);
  // Message-IDs come from stored headers: keep only well-formed ones, so nothing else can ride into a header.
  const references = (email.references ?? []).filter((id) => /^<[^<>\s]{1,400}>$/.test(id));
  const inReplyTo = email.inReplyTo && /^<[^<>\s]{1,400}>$/.test(email.inReplyTo) ? email.inReplyTo : undefined;
  try {
    const info = (await transporter.sendMail({
      from: fromName ? { name: fromName, address: senderEmail } : senderEmail,
      to: toName ? { name: toName, address: to } : to,
      replyTo: replyAddress(shop, email.replyToken),
      subject: sanitizeSubject(email.subject),
      messageId: emailMessageId,
      date: getClock().now(),
      inReplyTo,
      references: references.length ? references : undefined,
      html: email.html,
      text: email.text,
    })) as { accepted?: Array<string | { address: string }>; response?: string };
    return {
      emailMessageId,
      html: email.html,
      text: email.text,
      accepted: (info.accepted ?? []).map((address) => (typeof address === "string" ? address : address.address)),
      response: info.response ?? "",
    };
  } catch (error) {
    throw classifySmtpError(error);
  }
}
