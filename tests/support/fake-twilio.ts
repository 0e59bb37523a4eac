import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Captures } from "./capture";

/**
 * A stand-in for Twilio's Programmable Messaging REST API on loopback, for tests and the local demo.
 *
 * It speaks the parts of the real protocol Kindly relies on, so the code under test is the code that talks to
 * Twilio: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json` with HTTP Basic auth (AccountSid:AuthToken),
 * form-encoded `To`, `From` or `MessagingServiceSid`, `Body`, optional `StatusCallback`; 201 with Twilio's message
 * resource JSON; Twilio's error JSON (`code`, `message`, `more_info`, `status`) on failures. Messages are recorded,
 * and the server can be told to fail (500, 429) for fault tests.
 */

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
}

export interface CapturedSms {
  sid: string;
  accountSid: string;
  to: string;
  from: string | null;
  messagingServiceSid: string | null;
  body: string;
  statusCallback: string | null;
  /** "queued" with a From number, "accepted" with a messaging service (as Twilio answers). */
  status: string;
  numSegments: number;
  dateCreated: Date;
}

export type TwilioFault = 429 | 500 | 503;

export interface FakeTwilio {
  /** Base URL to use instead of https://api.twilio.com (the shop's `twilioApiBaseUrl`). */
  readonly url: string;
  /** The account every request must authenticate as (a second account can be added with `addAccount`). */
  readonly accountSid: string;
  readonly authToken: string;
  /** Newest first. */
  messages(): CapturedSms[];
  waitFor(predicate?: (message: CapturedSms) => boolean, timeoutMs?: number): Promise<CapturedSms>;
  addAccount(credentials: TwilioCredentials): void;
  /**
   * The next `times` message requests fail with `status` (Twilio's error JSON); later ones succeed again. A 429
   * carries `Retry-After: retryAfterSeconds` (default 1).
   */
  failNext(status: TwilioFault, times?: number, options?: { retryAfterSeconds?: number }): void;
  /** Every message request fails with `status` until `recover()`. */
  failAll(status: TwilioFault, options?: { retryAfterSeconds?: number }): void;
  recover(): void;
  /**
   * Messages to this number are refused for good, as Twilio refuses an invalid or unreachable number
   * (400, code 21211 "Invalid 'To' Phone Number"): a permanent 4xx that no retry can fix.
   */
  rejectNumber(to: string): void;
  /** Number of message-create requests received, including rejected ones (fault tests count retries with it). */
  requestCount(): number;
  /**
   * Posts a status callback for a recorded message to its StatusCallback URL, signed with X-Twilio-Signature as
   * Twilio does, and returns the receiver's HTTP status (later inbound/status tests use it).
   */
  reportStatus(sid: string, status: "sent" | "delivered" | "undelivered" | "failed"): Promise<number>;
  clear(): void;
  close(): Promise<void>;
}

export interface FakeTwilioOptions {
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  accountSid?: string;
  authToken?: string;
  /** Time source for `dateCreated` (the demo passes its movable clock). */
  now?: () => Date;
  maxMessages?: number;
}

const API_VERSION = "2010-04-01";
const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const MESSAGE_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/(SM[0-9a-f]{32})\.json$/;

export function newSid(prefix: string): string {
  return prefix + randomBytes(16).toString("hex");
}

/** Twilio's dates are RFC 2822 strings ("Thu, 24 Aug 2023 05:01:45 +0000"). */
function rfc2822(date: Date): string {
  return date.toUTCString().replace("GMT", "+0000");
}

/** GSM-7 texts split at 160 (153 per part), anything else (UCS-2) at 70 (67 per part). */
export function countSegments(body: string): number {
  // The GSM 03.38 basic set plus its extension table (which costs two septets).
  const gsmBasic =
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
  const gsmExtended = "^{}\\[~]|€\f";
  let septets = 0;
  let gsm = true;
  for (const char of body) {
    if (gsmBasic.includes(char)) septets += 1;
    else if (gsmExtended.includes(char)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return septets <= 160 ? 1 : Math.ceil(septets / 153);
  const units = body.length; // UTF-16 code units, as UCS-2 counts them
  return units <= 70 ? 1 : Math.ceil(units / 67);
}

/** Twilio's webhook signature: HMAC-SHA1 over the URL followed by each POST parameter (sorted) name+value. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, key) => acc + key + params[key], url);
  return createHmac("sha1", authToken).update(data).digest("base64");
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "Content-Type": "application/json; charset=utf-8", ...headers });
  response.end(JSON.stringify(body));
}

function twilioError(
  response: ServerResponse,
  status: number,
  code: number,
  message: string,
  headers?: Record<string, string>,
) {
  sendJson(
    response,
    status,
    { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
    headers,
  );
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function basicCredentials(request: IncomingMessage): TwilioCredentials | null {
  const header = request.headers.authorization;
  if (!header?.startsWith("Basic ")) return null;
  const decoded = Buffer.from(header.slice(6), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return null;
  return { accountSid: decoded.slice(0, colon), authToken: decoded.slice(colon + 1) };
}

function resource(message: CapturedSms) {
  const uri = `/${API_VERSION}/Accounts/${message.accountSid}/Messages/${message.sid}.json`;
  const date = rfc2822(message.dateCreated);
  return {
    account_sid: message.accountSid,
    api_version: API_VERSION,
    body: message.body,
    date_created: date,
    date_sent: null,
    date_updated: date,
    direction: "outbound-api",
    error_code: null,
    error_message: null,
    from: message.from,
    messaging_service_sid: message.messagingServiceSid,
    num_media: "0",
    num_segments: String(message.numSegments),
    price: null,
    price_unit: "USD",
    sid: message.sid,
    status: message.status,
    subresource_uris: { media: uri.replace(/\.json$/, "/Media.json") },
    to: message.to,
    uri,
  };
}

export async function startFakeTwilio(options: FakeTwilioOptions = {}): Promise<FakeTwilio> {
  const host = options.host ?? "127.0.0.1";
  const now = options.now ?? (() => new Date());
  const maxMessages = options.maxMessages ?? 500;
  const primary: TwilioCredentials = {
    accountSid: options.accountSid ?? newSid("AC"),
    authToken: options.authToken ?? randomBytes(16).toString("hex"),
  };
  const accounts = new Map<string, string>([[primary.accountSid, primary.authToken]]);
  const captured = new Captures<CapturedSms>("Fake Twilio", maxMessages);
  let requests = 0;
  let fault: { status: TwilioFault; remaining: number; retryAfterSeconds: number } | null = null;
  const rejectedNumbers = new Set<string>();

  const authenticate = (request: IncomingMessage, response: ServerResponse, pathAccountSid: string): boolean => {
    const credentials = basicCredentials(request);
    const expected = credentials ? accounts.get(credentials.accountSid) : undefined;
    if (!credentials || expected === undefined || !safeEqual(expected, credentials.authToken)) {
      twilioError(response, 401, 20003, "Authenticate", { "WWW-Authenticate": 'Basic realm="Twilio API"' });
      return false;
    }
    if (credentials.accountSid !== pathAccountSid) {
      // Twilio answers a valid login on someone else's account the same way: no details about other accounts.
      twilioError(response, 401, 20003, "Authenticate", { "WWW-Authenticate": 'Basic realm="Twilio API"' });
      return false;
    }
    return true;
  };

  const createMessage = async (request: IncomingMessage, response: ServerResponse, accountSid: string) => {
    requests += 1;
    if (!authenticate(request, response, accountSid)) return;
    if (fault) {
      const { status, retryAfterSeconds } = fault;
      if (Number.isFinite(fault.remaining)) {
        fault.remaining -= 1;
        if (fault.remaining <= 0) fault = null;
      }
      if (status === 429)
        return twilioError(response, 429, 20429, "Too Many Requests", { "Retry-After": String(retryAfterSeconds) });
      return twilioError(response, status, 20500, status === 503 ? "Service Unavailable" : "Internal Server Error");
    }
    const contentType = request.headers["content-type"] ?? "";
    if (!contentType.startsWith("application/x-www-form-urlencoded")) {
      return twilioError(response, 400, 20001, "Request must be application/x-www-form-urlencoded");
    }
    const form = new URLSearchParams(await readBody(request));
    const to = form.get("To")?.trim();
    const from = form.get("From")?.trim() || null;
    const messagingServiceSid = form.get("MessagingServiceSid")?.trim() || null;
    const body = form.get("Body") ?? "";
    if (!to) return twilioError(response, 400, 21604, "A 'To' phone number is required.");
    if (rejectedNumbers.has(to)) return twilioError(response, 400, 21211, `Invalid 'To' Phone Number: ${to}`);
    if (!from && !messagingServiceSid) return twilioError(response, 400, 21603, "A 'From' phone number is required.");
    if (body.trim() === "") return twilioError(response, 400, 21602, "Message body is required.");
    if (body.length > 1600)
      return twilioError(response, 400, 21617, "The concatenated message body exceeds the 1600 character limit.");
    const message: CapturedSms = {
      sid: newSid("SM"),
      accountSid,
      to,
      from,
      messagingServiceSid,
      body,
      statusCallback: form.get("StatusCallback") || null,
      status: from ? "queued" : "accepted",
      numSegments: countSegments(body),
      dateCreated: now(),
    };
    captured.add(message);
    sendJson(response, 201, resource(message));
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://fake-twilio.invalid");
    const create = MESSAGES_PATH.exec(url.pathname);
    const fetchOne = MESSAGE_PATH.exec(url.pathname);
    const handled = (async () => {
      if (create && request.method === "POST") return createMessage(request, response, create[1]);
      if (fetchOne && request.method === "GET") {
        if (!authenticate(request, response, fetchOne[1])) return;
        const message = captured.list().find((m) => m.sid === fetchOne[2] && m.accountSid === fetchOne[1]);
        if (!message) return twilioError(response, 404, 20404, `The requested resource ${url.pathname} was not found`);
        return sendJson(response, 200, resource(message));
      }
      if (create || fetchOne) return twilioError(response, 405, 20004, "Method not allowed");
      return twilioError(response, 404, 20404, `The requested resource ${url.pathname} was not found`);
    })();
    handled.catch((error: unknown) => {
      if (!response.headersSent) twilioError(response, 500, 20500, `Internal Server Error: ${String(error)}`);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${host}:${port}`,
    accountSid: primary.accountSid,
    authToken: primary.authToken,
    messages: () => captured.list(),
    waitFor: (predicate, timeoutMs) => captured.waitFor(predicate, timeoutMs),
    addAccount: ({ accountSid, authToken }) => {
      accounts.set(accountSid, authToken);
    },
    failNext: (status, times = 1, faultOptions = {}) => {
      fault = { status, remaining: times, retryAfterSeconds: faultOptions.retryAfterSeconds ?? 1 };
    },
    failAll: (status, faultOptions = {}) => {
      fault = { status, remaining: Number.POSITIVE_INFINITY, retryAfterSeconds: faultOptions.retryAfterSeconds ?? 1 };
    },
    recover: () => {
      fault = null;
    },
    rejectNumber: (to) => {
      rejectedNumbers.add(to);
    },
    requestCount: () => requests,
    async reportStatus(sid, status) {
      const message = captured.list().find((m) => m.sid === sid);
      if (!message) throw new Error(`Fake Twilio: no message ${sid}`);
      if (!message.statusCallback) throw new Error(`Fake Twilio: message ${sid} has no StatusCallback`);
      message.status = status;
      const params: Record<string, string> = {
        AccountSid: message.accountSid,
        ApiVersion: API_VERSION,
        From: message.from ?? "",
        MessageSid: message.sid,
        MessageStatus: status,
        SmsSid: message.sid,
        SmsStatus: status,
        To: message.to,
      };
      if (message.messagingServiceSid) params.MessagingServiceSid = message.messagingServiceSid;
      const authToken = accounts.get(message.accountSid) ?? "";
      const response = await fetch(message.statusCallback, {
        method: "POST",
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "X-Twilio-Signature": twilioSignature(authToken, message.statusCallback, params),
        },
        body: new URLSearchParams(params).toString(),
      });
      await response.arrayBuffer();
      return response.status;
    },
    clear: () => {
      captured.clear();
      requests = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
