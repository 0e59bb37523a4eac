import { DemoDocument } from "~/components/demo/DemoDocument";
import { DemoTime } from "~/components/demo/DemoTime";

/** The steps of the default recovery flow, so each button lands on the next one. */
export const CLOCK_STEPS = [
  { duration: "PT1H", label: "+1 h" },
  { duration: "PT4H", label: "+4 h" },
  { duration: "PT24H", label: "+24 h" },
  { duration: "P3D", label: "+3 days" },
] as const;

export interface DemoClockProps {
  now: Date;
  offsetMs: number;
  timeZone: string | null;
  movable: boolean;
  moved: string | null;
  error: string | null;
  /** Absolute URL of the clock API, for the copyable example. */
  endpoint: string;
}

export function DemoClock({ now, offsetMs, timeZone, movable, moved, error, endpoint }: DemoClockProps) {
  return (
    <DemoDocument title="Clock" currentPath="/demo/clock">
      <h1>Demo clock</h1>
      <p className="lead">
        Everything Kindly schedules (the +1 h email, the +4 h SMS, quiet hours, SLA clocks) reads this clock. Move it
        forward and due work runs within two seconds; then look at the <a href="/demo/outbox">outbox</a>. Time only
        moves forward.
      </p>
      {error ? (
        <p className="notice error" role="alert">
          {error}
        </p>
      ) : null}
      {moved ? (
        <p className="notice" role="status">
          Moved forward by {moved}.
        </p>
      ) : null}
      <section className="card" aria-labelledby="now-heading">
        <h2 id="now-heading">Now</h2>
        <DemoTime now={now} offsetMs={offsetMs} timeZone={timeZone} />
        {movable ? (
          <form method="post" action="/demo/clock">
            <div className="actions" role="group" aria-label="Move the clock forward">
              {CLOCK_STEPS.map((step) => (
                <button key={step.duration} type="submit" name="advance" value={step.duration} className="primary">
                  {step.label}
                </button>
              ))}
            </div>
          </form>
        ) : (
          <p className="notice">
            This process runs on the system clock, which cannot be moved. Start the demo with npm run demo.
          </p>
        )}
      </section>
      {movable ? (
        <section className="card" aria-labelledby="custom-heading">
          <h2 id="custom-heading">Any duration</h2>
          <form method="post" action="/demo/clock">
            <label htmlFor="advance">ISO-8601 duration (for example PT30M, P1DT2H)</label>
            <div className="actions" style={{ marginTop: 0 }}>
              <input id="advance" name="advance" type="text" required pattern="P.+" autoComplete="off" />
              <button type="submit">Move forward</button>
            </div>
          </form>
          <p className="muted">
            From a script:{" "}
            <code>{`curl -X POST -H 'Content-Type: application/json' -d '{"advance":"PT1H"}' ${endpoint}`}</code>{" "}
            answers <code>{`{"now":"…"}`}</code>.
          </p>
        </section>
      ) : null}
    </DemoDocument>
  );
}
