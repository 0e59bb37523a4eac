/**
 * Formatting shared by the Recovery pages. Dates are always formatted in the shop's time zone, never the
 * browser's or the server's: the same text on both sides (no hydration mismatch) and the time the merchant thinks in.
 */

export function formatMoney(amount: number | string, currencyCode: string): string {
  const value = typeof amount === "string" ? Number(amount) : amount;
  try {
    return new Intl.NumberFormat("en", { style: "currency", currency: currencyCode }).format(value);
  } catch {
    return `${value.toFixed(2)} ${currencyCode}`;
  }
}

export function formatDateTime(iso: string, timeZone: string): string {
  const date = new Date(iso);
  try {
    return new Intl.DateTimeFormat("en", { timeZone, dateStyle: "medium", timeStyle: "short" }).format(date);
  } catch {
    return (
      new Intl.DateTimeFormat("en", { timeZone: "UTC", dateStyle: "medium", timeStyle: "short" }).format(date) + " UTC"
    );
  }
}

export function formatPercent(ratio: number, digits = 1): string {
  return `${(ratio * 100).toFixed(digits)} %`;
}

export function channelLabel(channel: string): string {
  return channel === "SMS" ? "SMS" : "Email";
}

export function stepLabel(step: number, channel?: string): string {
  return channel ? `Step ${step + 1} (${channelLabel(channel)})` : `Step ${step + 1}`;
}

export function clockTime(minutesAfterMidnight: number): string {
  const hours = Math.floor(minutesAfterMidnight / 60);
  const minutes = minutesAfterMidnight % 60;
  return `${String(hours).padStart(2, "0")}:${String(minutes).padStart(2, "0")}`;
}
