import { DemoDocument } from "~/components/demo/DemoDocument";
import type { ReactNode } from "react";
import type { ChannelView, OutboxView } from "~/modules/demo/outbox.server";
import type { OutboxEmail, OutboxSms } from "~/modules/demo/runtime.server";

function when(date: Date): string {
  return date
    .toISOString()
    .replace("T", " ")
    .replace(/\.\d+Z$/, " UTC");
}

function EmailCard({ email }: { email: OutboxEmail }) {
  const headingId = `email-${email.id}`;
  return (
    <article className="card" aria-labelledby={headingId}>
      <h3 id={headingId} style={{ margin: "0 0 8px", fontSize: 17 }}>
        {email.subject || "(no subject)"}
      </h3>
      <dl className="facts">
        <dt>From</dt>
        <dd>{email.from}</dd>
        <dt>To</dt>
        <dd>{email.to.join(", ")}</dd>
        {email.cc.length > 0 ? (
          <>
            <dt>Cc</dt>
            <dd>{email.cc.join(", ")}</dd>
          </>
        ) : null}
        {email.replyTo ? (
          <>
            <dt>Reply-To</dt>
            <dd>{email.replyTo}</dd>
          </>
        ) : null}
        <dt>Date</dt>
        <dd>{email.date ? when(email.date) : "(no Date header)"}</dd>
        <dt>Received</dt>
        <dd>{when(email.receivedAt)}</dd>
      </dl>
      <pre className="body">{email.text || "(no text part)"}</pre>
      {email.html ? (
        <details>
          <summary>HTML version</summary>
          <p className="muted" style={{ margin: 0 }}>
            Rendered in a sandbox: no scripts, no forms, no access to this page. Opening it loads the email&apos;s
            images, as a mail client would.
          </p>
          {/* sandbox="" with srcDoc: the captured HTML is shopper-facing content we must not trust with this origin. */}
          <iframe
            className="email-html"
            sandbox=""
            srcDoc={email.html}
            title={`HTML version of "${email.subject}"`}
            loading="lazy"
          />
        </details>
      ) : null}
      <details>
        <summary>Headers</summary>
        <table className="headers">
          <tbody>
            {email.headers.map(([name, value], index) => (
              <tr key={`${name}-${index}`}>
                <th scope="row">{name}</th>
                <td>{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </article>
  );
}

function SmsCard({ sms }: { sms: OutboxSms }) {
  return (
    <article className="card" aria-label={`SMS to ${sms.to}`}>
      <dl className="facts">
        <dt>To</dt>
        <dd>{sms.to}</dd>
        <dt>From</dt>
        <dd>{sms.from ?? "(messaging service)"}</dd>
        <dt>Received</dt>
        <dd>{when(sms.receivedAt)}</dd>
        <dt>Status</dt>
        <dd>
          {sms.status} · {sms.segments} segment{sms.segments === 1 ? "" : "s"} · {sms.id}
        </dd>
      </dl>
      <pre className="body">{sms.body}</pre>
    </article>
  );
}

function ChannelSection<T>({
  title,
  channel,
  empty,
  render,
}: {
  title: string;
  channel: ChannelView<T>;
  empty: string;
  render: (item: T) => ReactNode;
}) {
  const id = `${title.toLowerCase()}-heading`;
  return (
    <section aria-labelledby={id} style={{ marginBottom: 32 }}>
      <h2 id={id}>{title}</h2>
      {channel.kind === "external" ? (
        <p className="notice">
          {title} goes to {channel.target}, configured outside the demo, so it is not captured here. Look in that sink.
        </p>
      ) : channel.kind === "none" ? (
        <p className="notice">No {title.toLowerCase()} sink runs in this process (start the demo with npm run demo).</p>
      ) : channel.items.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        channel.items.map(render)
      )}
    </section>
  );
}

export function DemoOutbox({ outbox }: { outbox: OutboxView }) {
  return (
    <DemoDocument title="Outbox" currentPath="/demo/outbox">
      <h1>Outbox</h1>
      <p className="lead">
        Every email and SMS Kindly sent in this demo, newest first, as the SMTP sink and the fake Twilio received them.{" "}
        <a href="/demo/outbox">Refresh</a>
      </p>
      <ChannelSection<OutboxEmail>
        title="Email"
        channel={outbox.email}
        empty="No email yet. Recovery emails appear here when their time comes: move the clock to get there sooner."
        render={(email) => <EmailCard key={email.id} email={email} />}
      />
      <ChannelSection<OutboxSms>
        title="SMS"
        channel={outbox.sms}
        empty="No SMS yet."
        render={(sms) => <SmsCard key={sms.id} sms={sms} />}
      />
    </DemoDocument>
  );
}
