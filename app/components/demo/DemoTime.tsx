import { formatDuration } from "~/modules/demo/clock.server";

function inZone(date: Date, timeZone: string | null): string {
  try {
    return new Intl.DateTimeFormat("en-GB", {
      dateStyle: "full",
      timeStyle: "short",
      timeZone: timeZone ?? "UTC",
    }).format(date);
  } catch {
    // An unknown zone name from the shop must not break the page; UTC is always valid.
    return new Intl.DateTimeFormat("en-GB", { dateStyle: "full", timeStyle: "short", timeZone: "UTC" }).format(date);
  }
}

/** The demo's current time: in the shop's zone for people, ISO-8601 UTC for copying into API calls. */
export function DemoTime({ now, offsetMs, timeZone }: { now: Date; offsetMs: number; timeZone: string | null }) {
  return (
    <div>
      <p className="time" style={{ margin: 0 }}>
        <time dateTime={now.toISOString()}>{inZone(now, timeZone)}</time>
      </p>
      <p className="muted" style={{ margin: "4px 0 0" }}>
        {timeZone ? `Shop time (${timeZone}) · ` : ""}
        {now.toISOString()}
        {" · "}
        {offsetMs > 0 ? `${formatDuration(offsetMs)} ahead of real time` : "real time"}
      </p>
    </div>
  );
}
