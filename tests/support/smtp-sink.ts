import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { simpleParser, type AddressObject } from "mailparser";
import { SMTPServer } from "smtp-server";
import { Captures } from "./capture";

/**
 * A real SMTP server on loopback that keeps every message it receives: what Kindly's mail transport talks to in
 * tests and in the local demo. The protocol stays real (nodemailer speaks SMTP to it), only the delivery is fake.
 *
 * STARTTLS is disabled because smtp-server's built-in certificate has expired (nodemailer would refuse it), and
 * authentication is optional because the demo and tests may or may not send credentials; any credentials pass.
 */

export interface CapturedEmail {
  /** The sink's own id, stable for the life of the sink (the outbox links to it). */
  id: string;
  receivedAt: Date;
  /** SMTP envelope: what the client said in MAIL FROM / RCPT TO, which may differ from the headers. */
  envelope: { from: string | null; to: string[] };
  /** The authenticated SMTP user, if the client logged in. */
  authUser: string | null;
  from: string;
  to: string[];
  cc: string[];
  replyTo: string | null;
  subject: string;
  date: Date | null;
  messageId: string | null;
  text: string;
  html: string | null;
  /** Every header as received, in order (header names lower-cased, values unfolded). */
  headers: Array<[name: string, value: string]>;
  raw: string;
}

export interface SmtpSink {
  /** `smtp://127.0.0.1:PORT`: usable as a nodemailer transport URL or as a shop's SMTP URL. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Newest first. */
  messages(): CapturedEmail[];
  /** Resolves with the first message (already received or arriving later) that matches. */
  waitFor(predicate?: (message: CapturedEmail) => boolean, timeoutMs?: number): Promise<CapturedEmail>;
  clear(): void;
  /**
   * Fault switch: new connections are accepted but get no greeting until `release()`, so a client is left
   * mid-send (what a stalled relay looks like). `release()` greets the held ones and every later one.
   */
  hold(): void;
  release(): void;
  /** Connections waiting for their greeting because of `hold()`. */
  held(): number;
  close(): Promise<void>;
}

export interface SmtpSinkOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Time source for `receivedAt` (the demo passes its movable clock). */
  now?: () => Date;
  /** Oldest messages are dropped beyond this many, so a long demo session cannot grow without bound. */
  maxMessages?: number;
}

function addressList(value: AddressObject | AddressObject[] | undefined): string[] {
  if (!value) return [];
  const objects = Array.isArray(value) ? value : [value];
  return objects.flatMap((object) =>
    object.value.map((address) =>
      address.name ? `${address.name} <${address.address ?? ""}>` : (address.address ?? ""),
    ),
  );
}

/** Turns a raw RFC 5322 message into the fields a person (or a test) looks at. */
export async function parseEmail(
  raw: string,
): Promise<Omit<CapturedEmail, "id" | "receivedAt" | "envelope" | "authUser">> {
  const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextToHtml: true });
  const headers: Array<[string, string]> = parsed.headerLines.map(({ key, line }) => {
    // `line` is the raw header line ("Subject: Hello"), possibly folded across lines.
    const colon = line.indexOf(":");
    return [
      key,
      line
        .slice(colon + 1)
        .replace(/\r?\n[ \t]+/g, " ")
        .trim(),
    ];
  });
  return {
    from: addressList(parsed.from)[0] ?? "",
    to: addressList(parsed.to),
    cc: addressList(parsed.cc),
    replyTo: addressList(parsed.replyTo)[0] ?? null,
    subject: parsed.subject ?? "",
    date: parsed.date ?? null,
    messageId: parsed.messageId ?? null,
    text: parsed.text ?? "",
    html: typeof parsed.html === "string" ? parsed.html : null,
    headers,
    raw,
  };
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const host = options.host ?? "127.0.0.1";
  const now = options.now ?? (() => new Date());
  const maxMessages = options.maxMessages ?? 500;
  const captured = new Captures<CapturedEmail>("SMTP sink", maxMessages);
  let holding = false;
  let waiting: Array<() => void> = [];

  const server = new SMTPServer({
    disabledCommands: ["STARTTLS"],
    authOptional: true,
    // Loopback only; the banner says what this is so nobody mistakes it for a relay.
    banner: "Kindly SMTP sink (captures mail, delivers nothing)",
    logger: false,
    // A pooled client (nodemailer's pool) may hold its connection open; stopping should not wait 30 s for it.
    closeTimeout: 500,
    onConnect(_session, callback) {
      if (!holding) return callback();
      waiting.push(() => callback());
    },
    onAuth(auth, _session, callback) {
      callback(null, { user: auth.username ?? "anonymous" });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("error", callback);
      stream.on("end", () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        parseEmail(raw).then(
          (parsed) => {
            const message: CapturedEmail = {
              id: randomUUID(),
              receivedAt: now(),
              envelope: {
                from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
                to: session.envelope.rcptTo.map((recipient) => recipient.address),
              },
              authUser: typeof session.user === "string" ? session.user : null,
              ...parsed,
            };
            captured.add(message);
            callback();
          },
          (error: Error) => callback(error),
        );
      });
    },
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.server.address() as AddressInfo;

  return {
    url: `smtp://${host}:${port}`,
    host,
    port,
    messages: () => captured.list(),
    waitFor: (predicate, timeoutMs) => captured.waitFor(predicate, timeoutMs),
    clear: () => {
      captured.clear();
    },
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      const greet = waiting;
      waiting = [];
      for (const callback of greet) callback();
    },
    held: () => waiting.length,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
