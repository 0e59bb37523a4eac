import nodemailer from "nodemailer";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getClock } from "~/clock.server";
import prisma from "~/db.server";
import { registerDueWork } from "~/jobs/worker.server";
import { setFlowEnabled, setRecoveryEnabled } from "~/modules/recovery/editor.server";
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
      scope: "read_customers,write_customers,read_orders,write_discounts,read_themes,read_fulfillments",
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
    for (const path of [
      "/app",
      "/app/settings",
      "/app/recovery",
      "/app/flows",
      "/app/flows/post-purchase",
      "/app/flows/vip",
      "/app/inbox",
      "/app/customers",
      "/app/faq",
    ]) {
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
  it("cares end to end: a customer orders and receives it, the welcome follows, every webhook answered 200", async () => {
    const home = await (await get("/demo")).text();
    expect(home).toContain('action="/demo/orders"');
    expect(home).toContain("Every care flow is off");
    await setFlowEnabled(DEMO_SHOP, "FIRST_ORDER", true);
    await setFlowEnabled(DEMO_SHOP, "ORDER_DELIVERED", true);

    const placed = await fetch(`${demo.url}/demo/orders`, { method: "POST", redirect: "manual" });
    expect(placed.status).toBe(303);
    const [order] = demo.emulator.placedOrders();
    expect(order.webhooks).toEqual([
      { topic: "orders/create", status: 200, error: null },
      { topic: "orders/fulfilled", status: 200, error: null },
      { topic: "fulfillment_events/create", status: 200, error: null },
    ]);
    expect(await (await get("/demo")).text()).toContain("On: Post-purchase check-in, First-time buyer welcome.");

    const welcome = () =>
      prisma.scheduledMessage.findFirst({ where: { shop: DEMO_SHOP, run: { flow: { trigger: "FIRST_ORDER" } } } });
    const until = async (done: () => Promise<boolean>) => {
      const deadline = Date.now() + 5_000;
      while (!(await done()) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    };
    // The worker processes the three queued webhooks: a welcome and a check-in planned.
    const runs = () =>
      prisma.flowRun.count({
        where: { shop: DEMO_SHOP, flow: { trigger: { in: ["FIRST_ORDER", "ORDER_DELIVERED"] } } },
      });
    await until(async () => (await runs()) === 2);
    expect(await runs()).toBe(2);
    expect(await welcome()).not.toBeNull();

    const advance = (duration: string) =>
      fetch(`${demo.url}/demo/clock`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ advance: duration }),
      });
    expect((await advance("P1D")).status).toBe(200);
    const settled = (state: string | undefined) => ["SENT", "SKIPPED", "FAILED", "CANCELLED"].includes(state ?? "");
    await until(async () => {
      const row = await welcome();
      return row !== null && (settled(row.state) || (row.state === "PENDING" && row.deferReason === "QUIET_HOURS"));
    });
    // The demo's clock follows the real time of day: at night in the shop's time zone the welcome waits for 08:00.
    if ((await welcome())?.state === "PENDING") {
      expect((await advance("PT13H")).status).toBe(200);
      await until(async () => settled((await welcome())?.state));
    }
    // The customer's timeline page says what was planned for them and why.
    const customer = await prisma.customer.findFirstOrThrow({ where: { shop: DEMO_SHOP, email: order.email } });
    const timeline = await get(`/app/customers/${customer.id}`);
    expect(timeline.status).toBe(200);
    const timelineHtml = await timeline.text();
    expect(timelineHtml).toContain("Every message Kindly sent, and why");
    expect(timelineHtml).toContain("Placed their first order");
    expect(timelineHtml).toContain(`was delivered`);
    const row = await welcome();
    // Sent, or held back by the shared frequency cap when this customer was also the recovery test's shopper.
    expect(["SENT", "SKIPPED"]).toContain(row?.state);
    if (row?.state === "SENT") {
      const email = await demo.smtpSink!.waitFor((message) => message.to.includes(order.email!), 3_000);
      expect(email.subject).toMatch(/first order|première commande/);
    } else {
      expect(row?.skipReason).toBe("FREQUENCY_CAP");
    }
  });
});
