import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getClock } from "~/clock.server";
import prisma from "~/db.server";
import { registerDueWork } from "~/jobs/worker.server";
import { setRecoveryEnabled } from "~/modules/recovery/editor.server";
import { decryptSecret } from "~/modules/shop/secrets.server";
import { startDemo, type DemoHandle } from "../../server/demo-runtime";

/**
 * The demo as a person uses it: booted in-process on a free port against this file's database, then driven over
 * HTTP. One demo serves every test in the file (booting is the slow part).
 */

const DEMO_SHOP = "kindly-demo.myshopify.com";
let demo: DemoHandle;

beforeAll(async () => {
  // The global setup already built the app; the test database is already migrated (migrate deploy is a no-op).
  demo = await startDemo({ port: 0, databaseUrl: process.env.DATABASE_URL, build: "never", logLevel: "silent" });
});

afterAll(async () => {
  await demo?.stop();
});

const get = (path: string) => fetch(`${demo.url}${path}`, { redirect: "manual" });

describe("npm run demo", () => {
  it("installs Kindly into the emulated shop: offline session, shop facts from the emulator, sinks wired", async () => {
    const session = await prisma.session.findUnique({ where: { id: `offline_${DEMO_SHOP}` } });
    expect(session).toMatchObject({
      shop: DEMO_SHOP,
      isOnline: false,
      scope: "read_customers,write_customers,read_orders,write_discounts,read_themes",
    });
    expect(session?.accessToken).toBeTruthy();

    const shop = await prisma.shop.findUniqueOrThrow({ where: { shop: DEMO_SHOP } });
    const seeded = demo.emulator.storefront().shop;
    expect(shop.name).toBe(seeded.name);
    expect(shop.currencyCode).toBe(seeded.currencyCode);
    expect(shop.ianaTimezone).toMatch(/^[A-Z][a-z]+\/[A-Za-z_]+$/);
    expect(shop.sendingEnabled).toBe(true);
    expect(decryptSecret(shop.smtpUrlEncrypted ?? "")).toBe(demo.smtpSink?.url);
    expect(shop.twilioApiBaseUrl).toBe(demo.twilio?.url);
    expect(shop.twilioAccountSid).toBe(demo.twilio?.accountSid);
    expect(decryptSecret(shop.twilioAuthTokenEncrypted ?? "")).toBe(demo.twilio?.authToken);
  });

  it("serves the demo home with links to every admin page, the storefront, the outbox and the clock", async () => {
    const response = await get("/demo");
    expect(response.status).toBe(200);
    const html = await response.text();
    for (const href of [
      "/app",
      "/app/recovery",
      "/app/inbox",
      "/app/customers",
      "/app/faq",
      "/app/settings",
      "/demo/storefront",
      "/demo/outbox",
      "/demo/clock",
    ]) {
      expect(html).toContain(`href="${href}"`);
    }
    expect(html).toContain(demo.emulator.storefront().shop.name);
    expect(html).toMatch(/<time dateTime="\d{4}-\d{2}-\d{2}T/);
    expect((await get("/")).headers.get("location")).toBe("/demo");
  });

  it("opens the embedded admin pages outside Shopify's iframe, without App Bridge's CDN script", async () => {
    for (const path of ["/app", "/app/settings", "/app/recovery", "/app/inbox", "/app/customers", "/app/faq"]) {
      const response = await get(path);
      expect(response.status, path).toBe(200);
      const html = await response.text();
      expect(html, path).not.toContain("cdn.shopify.com/shopifycloud/app-bridge.js");
    }
    const settings = await (await get("/app/settings")).text();
    // The demo shop's sinks are wired in: SMS shows as configured, with its sending number in the form.
    expect(settings).toContain("SMS configured");
    expect(settings).toContain("+15005550006");
  });

  it("renders the storefront preview in English and French with the emulated shop's data", async () => {
    const english = await get("/demo/storefront");
    expect(english.status).toBe(200);
    const en = await english.text();
    const seeded = demo.emulator.storefront();
    expect(en).toContain('<html lang="en">');
    expect(en).toContain(seeded.shop.name);
    expect(en).toContain(seeded.products[0].title.replace(/&/g, "&amp;"));
    expect(en).toContain(">Refund policy</a>");
    expect(en).toContain(">Terms of service</a>");

    const french = await get("/demo/storefront?locale=fr");
    expect(french.status).toBe(200);
    const fr = await french.text();
    expect(fr).toContain('<html lang="fr">');
    expect(fr).toContain(">Politique de remboursement</a>");

    const policy = await get("/demo/storefront/policies/refund-policy");
    expect(policy.status).toBe(200);
    expect(await policy.text()).toContain("30 days");
    expect((await get("/demo/storefront/policies/legal-notice")).status).toBe(404);
  });

  it("serves the extension's assets and nothing outside assets/", async () => {
    const css = await get("/demo/storefront/assets/policy-links.css");
    expect(css.status).toBe(200);
    expect(css.headers.get("content-type")).toBe("text/css; charset=utf-8");
    expect(await css.text()).toContain("min-height: 44px");
    for (const path of [
      "/demo/storefront/assets/..%2Fshopify.extension.toml",
      "/demo/storefront/assets/nope.css",
      "/demo/storefront/assets/.env",
    ]) {
      expect((await get(path)).status, path).toBe(404);
    }
  });

  it("moves the clock with POST /demo/clock and rejects what is not a duration", async () => {
    const before = getClock().now().getTime();
    const moved = await fetch(`${demo.url}/demo/clock`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ advance: "PT1H" }),
    });
    expect(moved.status).toBe(200);
    const { now } = (await moved.json()) as { now: string };
    const delta = new Date(now).getTime() - before;
    expect(delta).toBeGreaterThanOrEqual(3_600_000);
    expect(delta).toBeLessThan(3_600_000 + 5_000);

    for (const body of [{ advance: "soon" }, { advance: 3600 }, {}, { advance: "-PT1H" }, { advance: "P0D" }]) {
      const rejected = await fetch(`${demo.url}/demo/clock`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(rejected.status, JSON.stringify(body)).toBe(400);
      expect(((await rejected.json()) as { error: string }).error, JSON.stringify(body)).toBeTruthy();
    }
    const soon = await fetch(`${demo.url}/demo/clock`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"advance":"soon"}',
    });
    expect(await soon.json()).toEqual({ error: '"soon" is not an ISO-8601 duration such as PT1H, P3D or P1DT30M' });
    const notJson = await fetch(`${demo.url}/demo/clock`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{",
    });
    expect(notJson.status).toBe(400);
  });

  it("moves the clock from the page's form (post, then redirect back)", async () => {
    const response = await fetch(`${demo.url}/demo/clock`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "advance=PT4H",
      redirect: "manual",
    });
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/demo/clock?moved=PT4H");
    const page = await (await get("/demo/clock?moved=PT4H")).text();
    expect(page).toContain("Moved forward by 4 h.");
    for (const label of ["+1 h", "+4 h", "+24 h", "+3 days"]) expect(page).toContain(`>${label}</button>`);
  });

  it("wakes the worker after moving the clock, so due work runs within 2 seconds", async () => {
    const target = getClock().now().getTime() + 24 * 3_600_000;
    let ranAt: number | null = null;
    registerDueWork("demo-test-probe", async ({ now }) => {
      if (ranAt === null && now.getTime() >= target) ranAt = Date.now();
      return 0;
    });
    // Let the worker finish the pass it may be in and go to sleep, so only a wake-up can explain a fast run.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const postedAt = Date.now();
    const response = await fetch(`${demo.url}/demo/clock`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"advance":"PT24H"}',
    });
    expect(response.status).toBe(200);
    const deadline = postedAt + 2_000;
    while (ranAt === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(ranAt, "the due work did not run within 2 s of moving the clock").not.toBeNull();
    expect(ranAt! - postedAt).toBeLessThan(2_000);
  });

  it("shows what the sinks captured in the outbox, newest first and escaped, HTML sandboxed", async () => {
    const shop = await prisma.shop.findUniqueOrThrow({ where: { shop: DEMO_SHOP } });
    // Sent with the shop's own settings, as Kindly's sender will.
    const transport = nodemailer.createTransport(decryptSecret(shop.smtpUrlEncrypted ?? ""));
    await transport.sendMail({
      from: `"${shop.senderName}" <${shop.senderEmail}>`,
      to: "ada@example.com",
      subject: "First <script>alert(1)</script>",
      text: "Plain & simple",
      html: '<p onclick="x()">Hello <b>Ada</b></p><script>alert(2)</script>',
    });
    await transport.sendMail({ from: shop.senderEmail ?? "", to: "bob@example.com", subject: "Second", text: "Later" });
    transport.close();
    const credentials = Buffer.from(
      `${shop.twilioAccountSid}:${decryptSecret(shop.twilioAuthTokenEncrypted ?? "")}`,
    ).toString("base64");
    const sms = await fetch(`${shop.twilioApiBaseUrl}/2010-04-01/Accounts/${shop.twilioAccountSid}/Messages.json`, {
      method: "POST",
      headers: { Authorization: `Basic ${credentials}`, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        To: "+15555550123",
        From: shop.twilioFromNumber ?? "",
        Body: "Hi <Ada>, any trouble?",
      }).toString(),
    });
    expect(sms.status).toBe(201);

    const html = await (await get("/demo/outbox")).text();
    expect(html).not.toContain("<script>alert(1)");
    expect(html).toContain("First &lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html.indexOf(">Second</h3>")).toBeLessThan(html.indexOf(">First &lt;script&gt;"));
    expect(html).toContain("Plain &amp; simple");
    // The HTML part is only inside a sandboxed iframe's srcdoc (attribute-escaped), never in the page itself.
    expect(html).toMatch(/<iframe class="email-html" sandbox="" srcDoc="&lt;p onclick=&quot;x\(\)&quot;&gt;Hello/i);
    expect(html).toContain("Hi &lt;Ada&gt;, any trouble?");
    expect(html).toContain("+15555550123");
  });

  it("recovers end to end: a shopper abandons a checkout, the clock moves 1 h, the first email is in the outbox", async () => {
    const home = await (await get("/demo")).text();
    expect(home).toContain("The recovery flow is off");
    expect(home).toContain('action="/demo/checkouts"');
    // The merchant's switch, as the Recovery page flips it.
    await setRecoveryEnabled(DEMO_SHOP, true);

    const abandoned = await fetch(`${demo.url}/demo/checkouts`, { method: "POST", redirect: "manual" });
    expect(abandoned.status).toBe(303);
    const [checkout] = demo.emulator.abandonedCheckouts();
    expect(checkout.webhookStatus).toBe(200);
    expect(checkout.email).toBeTruthy();
    const after = await (await get("/demo")).text();
    expect(after).toContain("The recovery flow is on.");
    expect(after).toContain("checkouts/create answered HTTP 200");

    // The worker processes the queued webhook and schedules the flow.
    const deadline = Date.now() + 5_000;
    while ((await prisma.scheduledMessage.count({ where: { shop: DEMO_SHOP } })) === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(await prisma.scheduledMessage.count({ where: { shop: DEMO_SHOP, state: "PENDING" } })).toBeGreaterThan(0);

    const moved = await fetch(`${demo.url}/demo/clock`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: '{"advance":"PT1H"}',
    });
    expect(moved.status).toBe(200);
    const email = await demo.smtpSink!.waitFor((message) => message.to.includes(checkout.email!), 3_000);
    expect(email.subject).toBeTruthy();
    const outbox = await (await get("/demo/outbox")).text();
    expect(outbox).toContain(checkout.email!);
  });
});
