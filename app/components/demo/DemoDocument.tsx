import type { ReactNode } from "react";

/**
 * The frame of the demo's own pages (home, outbox, clock). They are plain server-rendered HTML with no client
 * JavaScript: they must work with a JSON API on the same URL (the clock), and a developer tool page has nothing to
 * hydrate. React escapes every string it renders, which is what keeps captured email contents inert here.
 */

export const DEMO_NAV = [
  { href: "/demo", label: "Demo home" },
  { href: "/app", label: "Admin" },
  { href: "/demo/storefront", label: "Storefront" },
  { href: "/demo/outbox", label: "Outbox" },
  { href: "/demo/clock", label: "Clock" },
] as const;

const STYLES = `
:root { color-scheme: light; --ink: #1a1a1a; --muted: #5c5f62; --line: #e1e3e5; --accent: #005bd3; --bg: #f6f6f7; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--accent); }
.demo-bar { background: #1a1a1a; color: #fff; }
.demo-bar nav { max-width: 1040px; margin: 0 auto; padding: 0 16px; display: flex; flex-wrap: wrap; gap: 4px 16px; align-items: center; }
.demo-bar .brand { font-weight: 650; margin-right: auto; padding: 12px 0; }
.demo-bar a { color: #fff; text-decoration: none; display: inline-flex; align-items: center; min-height: 44px; padding: 0 4px; }
.demo-bar a[aria-current="page"] { text-decoration: underline; text-underline-offset: 4px; }
main { max-width: 1040px; margin: 0 auto; padding: 24px 16px 48px; }
h1 { font-size: 26px; margin: 0 0 8px; }
h2 { font-size: 18px; margin: 0 0 8px; }
.lead { color: var(--muted); margin: 0 0 24px; max-width: 70ch; }
.card { background: #fff; border: 1px solid var(--line); border-radius: 12px; padding: 16px 20px; margin: 0 0 16px; }
.grid { display: grid; gap: 16px; grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); }
.grid .card { margin: 0; }
.muted { color: var(--muted); }
.button, button { font: inherit; display: inline-flex; align-items: center; justify-content: center; min-height: 44px; min-width: 44px;
  padding: 0 16px; border-radius: 8px; border: 1px solid #8a8a8a; background: #fff; color: var(--ink); cursor: pointer; text-decoration: none; }
button.primary { background: #1a1a1a; color: #fff; border-color: #1a1a1a; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.time { font-size: 22px; font-weight: 650; font-variant-numeric: tabular-nums; }
.notice { border-left: 4px solid var(--accent); background: #eaf4ff; padding: 8px 12px; border-radius: 4px; margin: 0 0 16px; }
.error { border-left-color: #c70a24; background: #fff0f0; }
pre.body { white-space: pre-wrap; overflow-wrap: anywhere; background: var(--bg); border-radius: 8px; padding: 12px; margin: 8px 0 0; font: 14px/1.5 ui-monospace, Menlo, monospace; }
iframe.email-html { width: 100%; height: 480px; border: 1px solid var(--line); border-radius: 8px; background: #fff; margin-top: 8px; }
details > summary { cursor: pointer; min-height: 44px; display: flex; align-items: center; }
table.headers { border-collapse: collapse; font-size: 13px; width: 100%; }
table.headers th, table.headers td { text-align: left; vertical-align: top; padding: 2px 8px 2px 0; overflow-wrap: anywhere; }
ul.links { list-style: none; padding: 0; margin: 0; }
ul.links li { margin: 0 0 8px; }
ul.links .desc { display: block; margin: -8px 0 0; font-size: 14px; color: var(--muted); }
ul.links a { display: inline-flex; min-height: 44px; align-items: center; }
label { display: block; font-weight: 600; margin: 0 0 4px; }
input[type="text"] { font: inherit; min-height: 44px; padding: 0 12px; border: 1px solid #8a8a8a; border-radius: 8px; width: 14em; }
`;

export function DemoDocument({
  title,
  currentPath,
  children,
}: {
  title: string;
  currentPath: string;
  children: ReactNode;
}) {
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width,initial-scale=1" />
        <title>{`${title} · Kindly demo`}</title>
        <link rel="icon" href="/favicon.ico" />
        <style dangerouslySetInnerHTML={{ __html: STYLES }} />
      </head>
      <body>
        <header className="demo-bar">
          <nav aria-label="Demo">
            <span className="brand">Kindly demo</span>
            {DEMO_NAV.map((item) => (
              <a key={item.href} href={item.href} aria-current={item.href === currentPath ? "page" : undefined}>
                {item.label}
              </a>
            ))}
          </nav>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
