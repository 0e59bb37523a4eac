export const CHANNEL_LABELS: Record<string, string> = { CHAT: "Chat", EMAIL: "Email", SMS: "SMS" };
export const STATUS_LABELS: Record<string, string> = {
  OPEN: "Open",
  WAITING: "Waiting on shopper",
  CLOSED: "Closed",
};

export function formatWhen(iso: string | Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    day: "numeric",
    month: "short",
    hour: "2-digit",
    minute: "2-digit",
  }).format(new Date(iso));
}
