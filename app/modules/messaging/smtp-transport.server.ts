import net from "node:net";
import nodemailer, { type Transporter } from "nodemailer";
import type SMTPPool from "nodemailer/lib/smtp-pool";

/**
 * The SMTP transport Kindly sends through: a nodemailer pool built from an `smtp://` / `smtps://` URL, with two
 * changes from nodemailer's defaults.
 *
 * 1. TCP_NODELAY on the connection. nodemailer writes a message's body and its terminating "." separately; with
 *    Nagle's algorithm on, the terminator waits for the relay's delayed ACK (40 ms on Linux), so every message
 *    costs ~45 ms per connection even on loopback (measured: 45 ms -> 0.7 ms per message with this change). That
 *    is the difference between ~100 and thousands of messages per second for a worker.
 * 2. Shorter timeouts (greeting 10 s, idle socket 60 s, instead of 30 s / 10 min), so a dead relay fails fast
 *    and the scheduler's backoff takes over. (The socket is handed to nodemailer while it connects, so a host that
 *    never answers is caught by the greeting timeout.)
 *
 * Options in the URL's query string (pool=false, maxConnections=2, tls.rejectUnauthorized=false, ...) win, as
 * with nodemailer's own URL parsing.
 */

export type SmtpOptions = SMTPPool.Options & { pool: true };

const DEFAULTS = {
  pool: true,
  maxConnections: 5,
  connectionTimeout: 10_000,
  greetingTimeout: 10_000,
  socketTimeout: 60_000,
} as const;

function queryValue(value: string): string | number | boolean {
  if (value === "true") return true;
  if (value === "false") return false;
  return value !== "" && !Number.isNaN(Number(value)) ? Number(value) : value;
}

/** Parses `smtp[s]://[user[:pass]@]host[:port][?option=value...]` into nodemailer SMTP options. */
export function parseSmtpUrl(url: string): SmtpOptions {
  const parsed = new URL(url);
  if (parsed.protocol !== "smtp:" && parsed.protocol !== "smtps:") {
    throw new TypeError(`Not an SMTP URL (smtp:// or smtps://): ${parsed.protocol}`);
  }
  const options: Record<string, unknown> = {
    ...DEFAULTS,
    secure: parsed.protocol === "smtps:",
    // Non-special URL schemes keep IPv6 brackets in the host name; sockets want the bare address.
    host: parsed.hostname.replace(/^\[(.*)\]$/, "$1"),
  };
  if (parsed.port) options.port = Number(parsed.port);
  if (parsed.username || parsed.password) {
    options.auth = { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) };
  }
  const tls: Record<string, unknown> = {};
  for (const [key, value] of parsed.searchParams) {
    if (key.startsWith("tls.")) tls[key.slice(4)] = queryValue(value);
    else if (!key.includes(".")) options[key] = queryValue(value);
  }
  if (Object.keys(tls).length > 0) options.tls = tls;
  // Query options are nodemailer options by name (maxConnections, ignoreTLS, ...), typed only by nodemailer itself.
  return options as unknown as SmtpOptions;
}

type SocketCallback = (error: Error | null, socketOptions?: { connection: net.Socket }) => void;

/**
 * Opens the TCP connection for nodemailer with Nagle disabled, and hands it over at once, still connecting:
 * nodemailer's own socket handlers then see a refused, reset or silent connection (greeting timeout) and report it
 * through the pool's error path, which frees the pool slot. Calling back with the error instead would leak the slot:
 * nodemailer never releases a pool resource whose getSocket failed, so after `maxConnections` failed connects (a
 * relay down for a minute) the pool would hold every later message forever, even once the relay is back.
 * For smtps:// nodemailer upgrades this socket to TLS itself; STARTTLS works as usual on top of it.
 */
export function connectWithoutNagle(options: SMTPPool.Options, callback: SocketCallback): void {
  const port = Number(options.port) || (options.secure ? 465 : 587);
  const socket = net.connect({ host: options.host ?? "localhost", port, noDelay: true });
  callback(null, { connection: socket });
}

export function createSmtpTransport(url: string): Transporter {
  return nodemailer.createTransport({ ...parseSmtpUrl(url), getSocket: connectWithoutNagle });
}
