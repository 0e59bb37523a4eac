import { randomBytes, randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer, type SMTPServerAddress } from "smtp-server";
import prisma from "~/db.server";
import { encryptSecret } from "~/modules/shop/secrets.server";
import { createShop } from "../support/factories";

/**
 * Test data and loopback servers for the messaging tests. The SMTP server is real (smtp-server on 127.0.0.1) and
 * can refuse recipients with a chosen reply code, which the shared SMTP sink does not do: the send-error tests need
 * a relay that says 451 or 550.
 */

export interface ReceivedMail {
  envelope: { from: string | null; to: string[] };
  raw: string;
  parsed: ParsedMail;
  /** Header lines as received, unfolded: [lower-case name, value]. */
  headers: Array<[string, string]>;
}

export interface LoopbackSmtp {
  url: string;
  received: ReceivedMail[];
  /** TCP connections accepted so far (pooled transports reuse them). */
  connections(): number;
  close(): Promise<void>;
}

export async function startLoopbackSmtp(
  options: {
    refuse?: (recipient: string) => { code: number; message: string } | null;
    /** Skip parsing (and recording) messages: for timing tests, where only the protocol matters. */
    discard?: boolean;
  } = {},
): Promise<LoopbackSmtp> {
  const received: ReceivedMail[] = [];
  let connections = 0;
  const server = new SMTPServer({
    // smtp-server's built-in certificate has expired; nodemailer would refuse STARTTLS with it.
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    logger: false,
    disableReverseLookup: true,
    closeTimeout: 200,
    onConnect(_session, callback) {
      connections += 1;
      callback();
    },
    onRcptTo(address: SMTPServerAddress, _session, callback) {
      const refusal = options.refuse?.(address.address);
      if (!refusal) return callback();
      const error = Object.assign(new Error(refusal.message), { responseCode: refusal.code });
      callback(error);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        if (options.discard) return callback();
        const raw = Buffer.concat(chunks).toString("utf8");
        simpleParser(raw).then((parsed) => {
          received.push({
            envelope: {
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            },
            raw,
            parsed,
            headers: unfoldedHeaders(raw),
          });
          callback();
        }, callback);
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    connections: () => connections,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The raw header block, unfolded, as [lower-case name, value] pairs in order. */
export function unfoldedHeaders(raw: string): Array<[string, string]> {
  const block = raw.split(/\r?\n\r?\n/)[0];
  return block
    .replace(/\r?\n[ \t]+/g, " ")
    .split(/\r?\n/)
    .map((line) => {
      const colon = line.indexOf(":");
      return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()] as [string, string];
    });
}

export const headerValues = (mail: ReceivedMail, name: string) =>
  mail.headers.filter(([key]) => key === name.toLowerCase()).map(([, value]) => value);

export interface MessagingShopOptions {
  smtpUrl?: string;
  twilio?: { accountSid: string; authToken: string; fromNumber: string; apiBaseUrl: string };
  data?: Record<string, unknown>;
}

/** A shop with sender, reply domain and (optionally) its own SMTP and Twilio settings, secrets encrypted as stored. */
export async function createMessagingShop(options: MessagingShopOptions = {}) {
  const domain = `shop-${randomBytes(4).toString("hex")}.myshopify.com`;
  return createShop(domain, {
    name: "Linen & Co",
    senderName: "Camille at Linen & Co",
    senderEmail: "camille@linen.example",
    contactEmail: "help@linen.example",
    primaryDomain: "linen.example",
    replyDomain: "replies.kindly.test",
    ...(options.smtpUrl ? { smtpUrlEncrypted: encryptSecret(options.smtpUrl) } : {}),
    ...(options.twilio
      ? {
          twilioAccountSid: options.twilio.accountSid,
          twilioAuthTokenEncrypted: encryptSecret(options.twilio.authToken),
          twilioFromNumber: options.twilio.fromNumber,
          twilioApiBaseUrl: options.twilio.apiBaseUrl,
        }
      : {}),
    ...options.data,
  });
}

export interface SentMessageOptions {
  channel?: "EMAIL" | "SMS";
  email?: string;
  phone?: string;
  sentAt?: Date;
  locale?: string;
  recoveryUrl?: string;
  emailMessageId?: string | null;
  /** Share a checkout and run with an earlier message (the second step of the same sequence). */
  run?: { id: string; checkoutId: string };
}

/**
 * A message Kindly sent as step N of an active recovery run, with the checkout, the run and a later step still
 * pending (so stopping the run is observable as that step's cancellation).
 */
export async function createSentMessage(shop: string, options: SentMessageOptions = {}) {
  const channel = options.channel ?? "EMAIL";
  const sentAt = options.sentAt ?? new Date("2026-11-20T10:00:00Z");
  const email = options.email ?? `shopper-${randomBytes(3).toString("hex")}@example.org`;
  const phone = options.phone ?? `+3361${String(Math.floor(Math.random() * 1e7)).padStart(7, "0")}`;
  let run = options.run;
  if (!run) {
    const checkout = await prisma.checkout.create({
      data: {
        shop,
        token: randomUUID().replace(/-/g, ""),
        email,
        phone,
        firstName: "Camille",
        recoveryUrl: options.recoveryUrl ?? `https://${shop}/checkouts/recover/${randomUUID()}`,
        shopifyUpdatedAt: sentAt,
      },
    });
    const flow = await prisma.flow.upsert({
      where: { shop_trigger: { shop, trigger: "CHECKOUT_ABANDONED" } },
      create: { shop, trigger: "CHECKOUT_ABANDONED", name: "Abandoned checkout", enabled: true },
      update: {},
    });
    const created = await prisma.flowRun.create({
      data: { shop, flowId: flow.id, subjectType: "CHECKOUT", subjectId: checkout.id, anchorAt: sentAt },
    });
    run = { id: created.id, checkoutId: checkout.id };
  }
  const position = await prisma.scheduledMessage.count({ where: { runId: run.id } });
  const scheduled = await prisma.scheduledMessage.create({
    data: { shop, runId: run.id, stepPosition: position, channel, dueAt: sentAt, state: "SENT" },
  });
  const pending = await prisma.scheduledMessage.create({
    data: {
      shop,
      runId: run.id,
      stepPosition: position + 1,
      channel: "EMAIL",
      dueAt: new Date(sentAt.getTime() + 86_400_000),
    },
  });
  const replyToken = randomBytes(12).toString("base64url");
  const message = await prisma.message.create({
    data: {
      shop,
      scheduledId: scheduled.id,
      channel,
      toAddress: channel === "EMAIL" ? email : phone,
      subject: channel === "EMAIL" ? "Camille, can I help with your order?" : null,
      bodyText: "Hi Camille",
      locale: options.locale ?? "en",
      replyToken,
      emailMessageId:
        channel === "EMAIL" ? (options.emailMessageId ?? `<${randomUUID()}.kindly@replies.kindly.test>`) : null,
      status: "SENT",
      sentAt,
    },
  });
  return { message, run, pendingId: pending.id, email, phone };
}

export async function runState(runId: string) {
  const run = await prisma.flowRun.findUniqueOrThrow({ where: { id: runId } });
  return { state: run.state, stopReason: run.stopReason };
}

export async function eventTypes(messageId: string): Promise<string[]> {
  const events = await prisma.messageEvent.findMany({ where: { messageId }, orderBy: { at: "asc" } });
  return events.map((event) => event.type);
}
