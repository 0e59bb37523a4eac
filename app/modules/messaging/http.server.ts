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
