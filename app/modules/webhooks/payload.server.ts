/**
 * Parses a Shopify webhook body without losing ids. Shopify's numeric ids exceed Number.MAX_SAFE_INTEGER
 * (820982911946154508 would become 820982911946154500 with a plain JSON.parse), so every integer that is not
 * safe is returned as its exact source text. Safe integers stay numbers: `String(n)` of those is exact, which is
 * what `shopifyId()` relies on. Uses JSON.parse source-text access (Node >= 21; Kindly pins Node 24).
 */
export function parseShopifyJson(text: string): unknown {
  return JSON.parse(text, ((_key: string, value: unknown, context?: { source?: string }) => {
    if (typeof value === "number" && Number.isInteger(value) && !Number.isSafeInteger(value) && context?.source) {
      return context.source;
    }
    return value;
  }) as Parameters<typeof JSON.parse>[1]);
}

/** A Shopify id from a payload (number, numeric string or GID) as the GID Kindly stores. */
export function toGid(
  resource: "Customer" | "Order" | "Checkout" | "Shop" | "Product" | "Fulfillment",
  id: unknown,
): string | null {
  if (typeof id === "string" && id.startsWith("gid://shopify/")) return id;
  if ((typeof id === "number" && Number.isSafeInteger(id)) || (typeof id === "string" && /^\d+$/.test(id))) {
    return `gid://shopify/${resource}/${String(id)}`;
  }
  return null;
}

/** Emails are stored and compared lowercased and trimmed. */
export function normalizeEmail(email: unknown): string | null {
  if (typeof email !== "string") return null;
  const trimmed = email.trim().toLowerCase();
  return trimmed.includes("@") ? trimmed : null;
}

/** Phones are stored as given by Shopify (E.164), with spaces removed. */
export function normalizePhone(phone: unknown): string | null {
  if (typeof phone !== "string") return null;
  const compact = phone.replace(/[\s().-]/g, "");
  return /^\+?\d{6,16}$/.test(compact) ? compact : null;
}
