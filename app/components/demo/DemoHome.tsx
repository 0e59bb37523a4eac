import { DemoDocument } from "~/components/demo/DemoDocument";
import { DemoTime } from "~/components/demo/DemoTime";
import type { RecoveryDemoState } from "~/modules/demo/checkouts.server";
import type { CareDemoState } from "~/modules/demo/orders.server";
import type { ChannelSummary, DemoOverview } from "~/modules/demo/overview.server";

const ADMIN_PAGES = [
  { href: "/app", label: "Dashboard", what: "what Kindly holds for the shop and, as features land, its results" },
  { href: "/app/recovery", label: "Recovery", what: "the abandoned-checkout conversation flow" },
  {
    href: "/app/flows",
    label: "Flows",
    what: "every flow: post-purchase check-in, welcome, VIP, at risk, delays, reviews",
  },
  { href: "/app/inbox", label: "Inbox", what: "chat, email and SMS conversations in one place" },
  { href: "/app/customers", label: "Customers", what: "segments and predicted lifetime value" },
  { href: "/app/faq", label: "FAQ", what: "answers shown on the storefront and suggested in chat" },
  { href: "/app/settings", label: "Settings", what: "sender, SMS account, quiet hours, consent and support targets" },
] as const;

function channelLine(name: string, channel: ChannelSummary): string {
  if (channel.kind === "captured") {
    return `${name}: captured by the demo's own sink (${channel.count} so far)`;
  }
  if (channel.kind === "external") return `${name}: sent to ${channel.target} (configured outside the demo)`;
  return `${name}: no sink runs in this process`;
}

function RecoveryCard({ recovery }: { recovery: RecoveryDemoState }) {
  return (
    <section className="card" id="recovery" aria-labelledby="recovery-heading">
      <h2 id="recovery-heading">Try recovery</h2>
      {recovery.flowEnabled ? (
        <p className="muted">The recovery flow is on.</p>
      ) : (
        <p className="notice">
          The recovery flow is off, as it is for every new install: Kindly sends nothing before the merchant has read
          the messages. Switch it on in <a href="/app/recovery">Recovery</a>.
        </p>
      )}
      <p className="muted">
        Then let a shopper (a subscribed customer of the emulated shop) abandon a checkout: Shopify&apos;s
        checkouts/create webhook reaches Kindly, signed. Move the clock +1 h and the first email is in the outbox.
      </p>
      {recovery.available ? (
        <form method="post" action="/demo/checkouts">
          <button type="submit" className="primary">
            A shopper abandons a checkout
          </button>
        </form>
      ) : null}
      {recovery.recent.length > 0 ? (
        <ul className="links" style={{ marginTop: 12 }}>
          {recovery.recent.map((checkout) => (
            <li key={checkout.token}>
              <strong>{checkout.customerName}</strong> ({checkout.email ?? checkout.phone ?? "no contact"},{" "}
              {checkout.locale}
              ), {checkout.items} item{checkout.items === 1 ? "" : "s"}
              <span className="desc" style={{ marginTop: 0 }}>
                {checkout.webhookStatus === null
                  ? `webhook not delivered: ${checkout.error ?? "unknown error"}`
                  : `checkouts/create answered HTTP ${checkout.webhookStatus}`}{" "}
                · {checkout.at.toISOString()}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

function CareCard({ care }: { care: CareDemoState }) {
  const on = care.flows.filter((flow) => flow.enabled).map((flow) => flow.name);
  return (
    <section className="card" id="care" aria-labelledby="care-heading">
      <h2 id="care-heading">Try the care flows</h2>
      <p className={on.length > 0 ? "muted" : "notice"}>
        {on.length > 0
          ? `On: ${on.join(", ")}.`
          : "Every care flow is off, as for every new install. Switch some on in Flows (the post-purchase check-in and the first-time buyer welcome, for example)."}{" "}
        <a href="/app/flows">Flows</a>
      </p>
      <p className="muted">
        Then let a customer order: the order ships and arrives the same day (orders/create, orders/fulfilled and the
        carrier&apos;s delivered event reach Kindly, signed). Move the clock +24 h for the welcome, +3 days twice for
        the check-in; its rating links open a page where 1 or 2 opens a conversation in the Inbox and 4 or 5 leads to
        the review invitation three days later. Customers &gt; a customer shows every message and why.
      </p>
      {care.available ? (
        <form method="post" action="/demo/orders">
          <button type="submit" className="primary">
            A customer orders (delivered today)
          </button>
        </form>
      ) : null}
      {care.recent.length > 0 ? (
        <ul className="links" style={{ marginTop: 12 }}>
          {care.recent.map((order) => (
            <li key={order.name}>
              <strong>{order.customerName}</strong> ({order.email ?? "no email"}, {order.locale}), order {order.name},{" "}
              {order.items} item{order.items === 1 ? "" : "s"}
              <span className="desc" style={{ marginTop: 0 }}>
                {order.webhooks
                  .map((hook) => `${hook.topic} ${hook.status === null ? `not delivered: ${hook.error}` : hook.status}`)
                  .join(" · ")}{" "}
                · {order.at.toISOString()}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}

export function DemoHome({
  overview,
  recovery,
  care,
}: {
  overview: DemoOverview;
  recovery: RecoveryDemoState;
  care?: CareDemoState;
}) {
  return (
    <DemoDocument title="Demo home" currentPath="/demo">
      <h1>Kindly demo</h1>
      <p className="lead">
        Kindly is installed in an emulated Shopify store, <strong>{overview.shopName ?? overview.shop}</strong>. Shopify
        is played by a local emulator, email goes to an SMTP sink and SMS to a fake Twilio, so nothing leaves this
        machine. Move the clock to watch scheduled work happen.
      </p>

      <div className="grid">
        <section className="card" aria-labelledby="admin-heading">
          <h2 id="admin-heading">Admin pages</h2>
          <p className="muted">
            What the merchant sees inside the Shopify admin, opened here outside Shopify&apos;s frame.
          </p>
          <ul className="links">
            {ADMIN_PAGES.map((page) => (
              <li key={page.href}>
                <a href={page.href}>{page.label}</a>
                <span className="desc">{page.what}</span>
              </li>
            ))}
          </ul>
        </section>

        <section className="card" aria-labelledby="shopper-heading">
          <h2 id="shopper-heading">What shoppers see</h2>
          <ul className="links">
            <li>
              <a href="/demo/storefront">Storefront preview</a>
              <span className="desc">the theme app extension rendered on a theme-like page</span>
            </li>
            <li>
              <a href="/demo/storefront?locale=fr">Storefront preview in French</a>
            </li>
            <li>
              <a href="/demo/outbox">Outbox</a>
              <span className="desc">every email and SMS Kindly sent</span>
            </li>
          </ul>
          <p className="muted">{channelLine("Email", overview.email)}</p>
          <p className="muted">{channelLine("SMS", overview.sms)}</p>
        </section>

        <section className="card" aria-labelledby="time-heading">
          <h2 id="time-heading">Demo time</h2>
          <DemoTime now={overview.now} offsetMs={overview.offsetMs} timeZone={overview.ianaTimezone} />
          <div className="actions">
            <a className="button" href="/demo/clock">
              Move the clock
            </a>
          </div>
        </section>

        <RecoveryCard recovery={recovery} />
        {care ? <CareCard care={care} /> : null}

        <section className="card" aria-labelledby="shop-heading">
          <h2 id="shop-heading">The emulated shop</h2>
          <dl className="facts">
            <dt>Domain</dt>
            <dd>{overview.shop}</dd>
            <dt>Name</dt>
            <dd>{overview.shopName ?? "not recorded yet"}</dd>
            <dt>Currency</dt>
            <dd>{overview.currencyCode ?? "unknown"}</dd>
            <dt>Time zone</dt>
            <dd>{overview.ianaTimezone ?? "unknown"}</dd>
            <dt>Kindly</dt>
            <dd>{overview.installed ? "installed, offline session stored" : "not installed"}</dd>
          </dl>
        </section>
      </div>
    </DemoDocument>
  );
}
