import { Badge } from "@shopify/polaris";
import { describeClock, type SlaClock } from "~/modules/inbox/sla";

/** The SLA clock as a badge: critical when overdue, attention within the last hour. */
export function ClockBadge({ clock }: { clock: SlaClock }) {
  if (clock.kind === "DONE" || clock.kind === "NONE") return null;
  const tone = clock.overdue ? "critical" : clock.remainingMinutes <= 60 ? "attention" : undefined;
  return <Badge tone={tone}>{describeClock(clock)}</Badge>;
}
