/**
 * Why a send failed, in the terms the scheduler needs: may it try again later, or is this final?
 *
 * - Retryable: the provider or the network is unavailable right now (connection refused, timeouts, SMTP 4xx,
 *   HTTP 429/5xx). The same message has a fair chance of going through later, so the worker backs off and retries.
 * - Permanent: the provider understood and refused (SMTP 5xx, Twilio 4xx such as an invalid number), or Kindly is
 *   not configured to send at all. Retrying would only repeat the refusal, so the message ends as a visible failure.
 */
export type SendErrorCode =
  | "NOT_CONFIGURED"
  | "INVALID_SENDER"
  | "INVALID_RECIPIENT"
  | "CONNECTION"
  | "TIMEOUT"
  | "RATE_LIMITED"
  | "PROVIDER_TEMPORARY"
  | "PROVIDER_REJECTED"
  | "AUTHENTICATION";

export class SendError extends Error {
  readonly code: SendErrorCode;
  readonly retryable: boolean;
  /** What the provider said, verbatim: an SMTP reply code (e.g. 550) or a Twilio error code (e.g. 21211). */
  readonly providerCode: number | string | null;
  /** The provider's own words (SMTP reply text, Twilio's `message`): shown to the merchant on a failed send. */
  readonly providerMessage: string | null;
  /** A 429's Retry-After, when the provider gave one. */
  readonly retryAfterSeconds: number | null;

  constructor(
    message: string,
    options: {
      code: SendErrorCode;
      retryable: boolean;
      providerCode?: number | string | null;
      providerMessage?: string | null;
      retryAfterSeconds?: number | null;
      cause?: unknown;
    },
  ) {
    super(message, { cause: options.cause });
    this.name = "SendError";
    this.code = options.code;
    this.retryable = options.retryable;
    this.providerCode = options.providerCode ?? null;
    this.providerMessage = options.providerMessage ?? null;
    this.retryAfterSeconds = options.retryAfterSeconds ?? null;
  }
}

export function isSendError(error: unknown): error is SendError {
  return error instanceof SendError;
}
