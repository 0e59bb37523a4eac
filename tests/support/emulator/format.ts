/** Formatting at the emulator's edges: GraphQL scalars and REST-style webhook values. */

/** Shopify's GraphQL DateTime: ISO 8601 in UTC without milliseconds (`2026-11-24T12:00:00Z`). */
export function isoDateTime(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/**
 * Shopify's GraphQL Decimal as it appears in MoneyV2.amount: trailing zeros dropped but at least one decimal
 * ("24.9", "10.0"). Deliberately unlike the webhooks' "24.90", so that code comparing money as text fails here.
 */
export function graphqlDecimal(cents: number): string {
  const negative = cents < 0;
  const abs = Math.abs(cents);
  const units = Math.floor(abs / 100);
  const rest = abs % 100;
  const fraction = rest === 0 ? "0" : rest % 10 === 0 ? String(rest / 10) : String(rest).padStart(2, "0");
  return `${negative ? "-" : ""}${units}.${fraction}`;
}

/** Webhook (REST) money: always two decimals ("24.90"). */
export function restMoney(cents: number): string {
  const negative = cents < 0;
  const abs = Math.abs(cents);
  return `${negative ? "-" : ""}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** The UTC offset of an IANA time zone at an instant, in minutes (Europe/Paris in winter: 60). */
export function timeZoneOffsetMinutes(date: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(date);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((asUtc - Math.floor(date.getTime() / 1000) * 1000) / 60_000);
}

/**
 * Webhook timestamps are local to the shop with an explicit offset (`2021-12-31T19:00:00-05:00`), unlike GraphQL's
 * UTC: consumers must parse offsets, and the emulator makes sure they have to.
 */
export function shopLocalDateTime(date: Date, timeZone: string): string {
  const offset = timeZoneOffsetMinutes(date, timeZone);
  const local = new Date(Math.floor(date.getTime() / 1000) * 1000 + offset * 60_000);
  const sign = offset < 0 ? "-" : "+";
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, "0");
  const mm = String(abs % 60).padStart(2, "0");
  return `${local.toISOString().slice(0, 19)}${sign}${hh}:${mm}`;
}

/** "Café Crème" -> "cafe-creme": handles and e-mail local parts. */
export function slugify(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}
