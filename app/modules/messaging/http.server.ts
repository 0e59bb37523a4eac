import { createHash, timingSafeEqual } from "node:crypto";

/** Small HTTP helpers for the provider callbacks (inbound email and SMS). */

/**
 * Constant-time string comparison. Both sides are hashed first, so neither the content nor the length of the
 * secret leaks through timing.
 */
export function safeEqual(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given, "utf8").digest();
  const b = createHash("sha256").update(expected, "utf8").digest();
  return timingSafeEqual(a, b);
}

export type LimitedBody = { ok: true; body: Buffer } | { ok: false; reason: "TOO_LARGE" };

/**
 * Reads a request body up to `maxBytes`. A declared Content-Length over the limit is refused before reading; a
 * chunked body is cut off as soon as it passes the limit, so a sender cannot make us buffer more than that.
 */
export async function readLimitedBody(request: Request, maxBytes: number): Promise<LimitedBody> {
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) return { ok: false, reason: "TOO_LARGE" };
  if (!request.body) return { ok: true, body: Buffer.alloc(0) };
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      return { ok: false, reason: "TOO_LARGE" };
    }
    chunks.push(value);
  }
  return { ok: true, body: Buffer.concat(chunks) };
}

/**
 * The largest form a public page posts (the CSAT and unsubscribe pages, the login form): a 2,000-character comment
 * percent-encoded as 3-byte UTF-8 is 18 KB. Anything larger is not one of our forms.
 */
export const MAX_PUBLIC_FORM_BYTES = 32 * 1024;

/** A urlencoded form of at most `maxBytes`; null when the body is larger (answer 413). */
export async function readLimitedForm(request: Request, maxBytes: number): Promise<URLSearchParams | null> {
  const read = await readLimitedBody(request, maxBytes);
  return read.ok ? new URLSearchParams(read.body.toString("utf8")) : null;
}
