import { getEnv } from "~/env.server";
import type { Shop } from "~/generated/prisma/client";
import { SendError } from "~/modules/messaging/send-error";
import { decryptSecret } from "~/modules/shop/secrets.server";
import { normalizePhone } from "~/modules/webhooks/payload.server";

/**
 * SMS through Twilio's Programmable Messaging REST API, with plain fetch: one form-encoded POST per message
 * (`/2010-04-01/Accounts/{AccountSid}/Messages.json`, HTTP Basic with the account SID and auth token). The base URL
 * is Twilio's unless the shop or TWILIO_API_BASE_URL points at a stand-in (tests, the demo).
 * https://www.twilio.com/docs/messaging/api/message-resource#create-a-message-resource
 */

export type SmsShop = Pick<
  Shop,
  "shop" | "twilioAccountSid" | "twilioAuthTokenEncrypted" | "twilioFromNumber" | "twilioApiBaseUrl"
>;

export interface SmsToSend {
  /** E.164 number. */
  to: string;
  /** The final text (see composeSms in gsm.ts for the shop name, opt-out notice and length). */
  body: string;
  /** Where Twilio reports delivery status. */
  statusCallback?: string;
}

export interface SentSms {
  /** Twilio's message SID ("SM..."): store it on Message.providerMessageId. */
  sid: string;
  from: string;
  status: string | null;
  segments: number | null;
}

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
}

/** The shop's Twilio account, decrypted; null when SMS is not set up. Throws when the stored token cannot be read. */
export function twilioCredentials(
  shop: Pick<Shop, "twilioAccountSid" | "twilioAuthTokenEncrypted">,
): TwilioCredentials | null {
  if (!shop.twilioAccountSid || !shop.twilioAuthTokenEncrypted) return null;
  return { accountSid: shop.twilioAccountSid, authToken: decryptSecret(shop.twilioAuthTokenEncrypted) };
}

/** A slow provider must not hold a worker: past this the send is treated as a timeout and retried. */
const REQUEST_TIMEOUT_MS = 15_000;

/** Twilio error codes that mean "this recipient cannot get this message", not "the request was wrong". */
const RECIPIENT_ERRORS = new Set([21211, 21408, 21610, 21612, 21614]);

interface TwilioErrorBody {
  code?: number;
  message?: string;
}

export async function sendSms(shop: SmsShop, sms: SmsToSend): Promise<SentSms> {
  let credentials: TwilioCredentials | null;
  try {
    credentials = twilioCredentials(shop);
  } catch (error) {
    throw new SendError("The shop's Twilio auth token cannot be decrypted (was ENCRYPTION_KEY changed?)", {
      code: "NOT_CONFIGURED",
      retryable: false,
      cause: error,
    });
  }
  const from = shop.twilioFromNumber?.trim();
  if (!credentials || !from) {
    throw new SendError("SMS is not set up for this shop (Twilio account SID, auth token and From number)", {
      code: "NOT_CONFIGURED",
      retryable: false,
    });
  }
  const to = normalizePhone(sms.to);
  if (!to)
    throw new SendError("The recipient is not a valid phone number", { code: "INVALID_RECIPIENT", retryable: false });

  const base = (shop.twilioApiBaseUrl ?? getEnv().TWILIO_API_BASE_URL).replace(/\/+$/, "");
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(credentials.accountSid)}/Messages.json`;
  const form = new URLSearchParams({ To: to, From: from, Body: sms.body });
  if (sms.statusCallback) form.set("StatusCallback", sms.statusCallback);

  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: {
        Authorization: `Basic ${Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString("base64")}`,
        "Content-Type": "application/x-www-form-urlencoded",
        Accept: "application/json",
      },
      body: form.toString(),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    throw new SendError(`Twilio unreachable: ${error instanceof Error ? error.message : String(error)}`, {
      code: timedOut ? "TIMEOUT" : "CONNECTION",
      retryable: true,
      cause: error,
    });
  }

  const text = await response.text();
  let body: Record<string, unknown> = {};
  try {
    body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
  } catch {
    body = {};
  }
  if (response.ok && typeof body.sid === "string") {
    const segments = Number(body.num_segments);
    return {
      sid: body.sid,
      from,
      status: typeof body.status === "string" ? body.status : null,
      segments: Number.isFinite(segments) && segments > 0 ? segments : null,
    };
  }
  throw twilioError(response, body as TwilioErrorBody);
}

/**
 * 429 (too many requests, queue full) and 5xx are Twilio's "not now": retry, honouring Retry-After. Other 4xx are
 * final: invalid or unsubscribed number (21211, 21610), bad credentials (20003), malformed request.
 */
function twilioError(response: Response, body: TwilioErrorBody): SendError {
  const providerCode = typeof body.code === "number" ? body.code : response.status;
  const providerMessage = typeof body.message === "string" ? body.message : response.statusText || null;
  const message = `Twilio ${response.status}${typeof body.code === "number" ? ` (${body.code})` : ""}: ${providerMessage ?? "no details"}`;
  if (response.status === 429) {
    const retryAfter = Number(response.headers.get("retry-after"));
    return new SendError(message, {
      code: "RATE_LIMITED",
      retryable: true,
      providerCode,
      providerMessage,
      retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    });
  }
  if (response.status >= 500)
    return new SendError(message, { code: "PROVIDER_TEMPORARY", retryable: true, providerCode, providerMessage });
  if (response.status === 401 || response.status === 403) {
    return new SendError(message, { code: "AUTHENTICATION", retryable: false, providerCode, providerMessage });
  }
  const code =
    typeof body.code === "number" && RECIPIENT_ERRORS.has(body.code) ? "INVALID_RECIPIENT" : "PROVIDER_REJECTED";
  return new SendError(message, { code, retryable: false, providerCode, providerMessage });
}
