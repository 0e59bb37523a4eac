import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { resetEnvForTests } from "~/env.server";
import { closeEmailTransports } from "~/modules/messaging/email.server";
import { encryptSecret } from "~/modules/shop/secrets.server";
import { ensureRecoveryFlow } from "~/modules/recovery/flow.server";
import { createSession, createShop } from "../support/factories";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink";
import { startFakeTwilio, type FakeTwilio } from "../support/fake-twilio";
// Types only: the route modules are imported after the environment is switched to demo mode (beforeAll).
import type * as RecoveryRoute from "~/routes/app.recovery";
import type * as TimelineRoute from "~/routes/app.recovery_.$checkoutId";

/**
 * The Recovery pages' loaders and action, called directly with real Request objects, in demo mode: the admin acts
 * as the demo shop through its offline session (no Shopify call is made; nothing here calls admin.graphql).
 */

const DEMO_SHOP = "kindly-demo.myshopify.com";
const OTHER_SHOP = "someone-else.myshopify.com";

let recovery: typeof RecoveryRoute;
let timeline: typeof TimelineRoute;
let smtp: SmtpSink;
let twilio: FakeTwilio;

beforeAll(async () => {
  process.env.KINDLY_DEMO = "1";
  resetEnvForTests();
  smtp = await startSmtpSink();
  twilio = await startFakeTwilio();
  await createShop(DEMO_SHOP, {
    name: "Atelier Lumière",
    email: "owner@atelier-lumiere.example",
    senderName: "Léa",
    senderEmail: "lea@atelier-lumiere.example",
    currencyCode: "EUR",
    ianaTimezone: "Europe/Paris",
    smtpUrlEncrypted: encryptSecret(smtp.url),
    twilioAccountSid: twilio.accountSid,
    twilioAuthTokenEncrypted: encryptSecret(twilio.authToken),
    twilioFromNumber: "+15005550006",
    twilioApiBaseUrl: twilio.url,
  });
  await createSession(DEMO_SHOP);
  await createShop(OTHER_SHOP);
  recovery = await import("~/routes/app.recovery");
  timeline = await import("~/routes/app.recovery_.$checkoutId");
});

afterAll(async () => {
  closeEmailTransports();
  await smtp?.close();
  await twilio?.close();
  delete process.env.KINDLY_DEMO;
  resetEnvForTests();
});

const URL_BASE = "http://localhost:3000";

async function load(path = "/app/recovery") {
  const result = await recovery.loader({ request: new Request(`${URL_BASE}${path}`), params: {}, context: {} });
  return result;
}

/** The action's answer as status + body, whether it returned plain data or `data(body, { status })`. */
async function post(body: unknown, raw?: string) {
  const request = new Request(`${URL_BASE}/app/recovery`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: raw ?? JSON.stringify(body),
  });
  const result: unknown = await recovery.action({ request, params: {}, context: {} });
  if (result && typeof result === "object" && "type" in result && result.type === "DataWithResponseInit") {
    const wrapped = result as unknown as { data: Record<string, unknown>; init: ResponseInit | null };
    return { status: wrapped.init?.status ?? 200, body: wrapped.data };
  }
  return { status: 200, body: result as Record<string, unknown> };
}

async function settingsAsStored() {
  const { editor } = await load();
  return {
    steps: editor.steps.map(({ id, delayValue, delayUnit, channel, condition, templates }) => ({
      id,
      delayValue,
      delayUnit,
      channel,
      condition,
      templates,
    })),
    consentPolicy: editor.consentPolicy,
    holdoutPercent: editor.holdoutPercent,
  };
}

async function thrownBy(promise: Promise<unknown>): Promise<Response> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  throw new Error("expected the loader to throw a Response");
}

describe("GET /app/recovery", () => {
  it("creates the flow switched off, renders each step's preview in both languages, and reports nothing made up", async () => {
    const data = await load();
    expect(data.editor).toMatchObject({
      enabled: false,
      consentPolicy: "SUBSCRIBED_ONLY",
      holdoutPercent: 0,
      shopName: "Atelier Lumière",
      timeZone: "Europe/Paris",
    });
    expect(data.editor.steps).toHaveLength(4);
    expect(data.editor.channels).toEqual({ emailConfigured: true, smsConfigured: true });

    expect(data.previews).toHaveLength(4);
    const [first, sms] = data.previews;
    expect(first.en.subject).toBe("Can I help with your order, Emma?");
    expect(first.fr.subject).toBe("Je peux vous aider pour votre commande, Camille ?");
    expect(first.en.text).toContain("- 1 × Linen shirt (Sand / M)");
    expect(first.en.text).toContain("- 2 × Organic cotton socks");
    expect(first.en.text).toContain("https://kindly-demo.myshopify.com/checkouts/cn/sample-checkout/recover");
    expect(first.en.html).toContain("<li>1 × Linen shirt (Sand / M)</li>");
    expect(first.en.html).toContain('href="#unsubscribe"');
    expect(first.en.html).not.toMatch(/<script|<img/);
    expect(first.fr.text).toContain("Chemise en lin (Sable / M)");
    expect(sms.en.sms).toMatchObject({
      segments: expect.any(Number),
      encoding: expect.stringMatching(/GSM-7|UCS-2/),
      truncated: false,
    });
    expect(sms.en.sms!.body).toContain("Reply STOP to opt out");
    expect(sms.fr.sms!.body).toContain("Répondez STOP");

    expect(data.report).toMatchObject({
      checkoutsInFlow: 0,
      contacted: 0,
      recovered: 0,
      recoveredRevenue: 0,
      recoveryRate: null,
      lift: null,
    });
    expect(data.checkouts).toMatchObject({ rows: [], total: 0, page: 1 });
  });
});

describe("POST /app/recovery", () => {
  it("saves valid settings, steps sorted by delay", async () => {
    const settings = await settingsAsStored();
    settings.steps[2] = { ...settings.steps[2], delayValue: 20, delayUnit: "hours" };
    const reversed = { ...settings, steps: [...settings.steps].reverse(), holdoutPercent: 10 };
    const { status, body } = await post({ intent: "save", settings: reversed });
    expect(status).toBe(200);
    expect(body).toMatchObject({ intent: "save", ok: true });
    const { editor } = await load();
    expect(editor.steps.map((step) => step.delayMinutes)).toEqual([60, 240, 1200, 4320]);
    expect(editor.holdoutPercent).toBe(10);
  });

  it("answers 400 with field errors and saves nothing on bad Liquid, a negative delay or a holdout above 50 %", async () => {
    const before = await settingsAsStored();
    const broken = structuredClone(before);
    broken.steps[0].templates.en.body = "Hi {{ first_name ";
    broken.steps[1].delayValue = -1;
    const schemaErrors = await post({ intent: "save", settings: { ...broken, holdoutPercent: 75 } });
    expect(schemaErrors.status).toBe(400);
    expect(schemaErrors.body).toMatchObject({
      intent: "save",
      ok: false,
      fieldErrors: {
        "steps.1.delayValue": "The delay must be more than 0",
        holdoutPercent: "Keep the holdout share at 50 % or less",
      },
    });

    broken.steps[1].delayValue = 4;
    const liquid = await post({ intent: "save", settings: broken });
    expect(liquid.status).toBe(400);
    expect(Object.keys((liquid.body as { fieldErrors: object }).fieldErrors)).toEqual(["steps.0.templates.en.body"]);
    expect((liquid.body as { fieldErrors: Record<string, string> }).fieldErrors["steps.0.templates.en.body"]).toMatch(
      /^English message: /,
    );
    expect(await settingsAsStored()).toEqual(before);
  });

  it("previews a template as the merchant types, and reports a template that cannot render", async () => {
    const { status, body } = await post({
      intent: "preview",
      step: {
        channel: "SMS",
        templates: {
          en: { body: "Hi {{ first_name }}, need a hand? {{ recovery_url }}" },
          fr: { body: "Bonjour {{ first_name }} {% if %}" },
        },
      },
    });
    expect(status).toBe(200);
    const previews = (
      body as {
        previews: Record<"en" | "fr", { sms: { body: string; segments: number } | null; error: string | null }>;
      }
    ).previews;
    expect(previews.en.error).toBeNull();
    expect(previews.en.sms!.body).toMatch(
      /^Hi Emma, need a hand\? https:\/\/kindly-demo\.myshopify\.com\/checkouts\/cn\/sample-checkout\/recover\n- Atelier Lumière\nReply STOP to opt out$/,
    );
    expect(previews.en.sms!.segments).toBe(1);
    expect(previews.fr.sms).toBeNull();
    expect(previews.fr.error).toBeTruthy();
  });

  it("escapes markup typed into a template in the email preview", async () => {
    const { body } = await post({
      intent: "preview",
      step: {
        channel: "EMAIL",
        templates: {
          en: { subject: "Hi", body: "<script>alert(1)</script> {{ first_name }}" },
          fr: { subject: "Salut", body: "Bonjour" },
        },
      },
    });
    const html = (body as { previews: { en: { html: string } } }).previews.en.html;
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt; Emma");
    expect(html).not.toContain("<script>");
  });

  it("sends a test email to the store's address in the demo, and a test SMS to the number given", async () => {
    const step = (await load()).editor.steps[0];
    const email = await post({ intent: "test", locale: "fr", step: { channel: "EMAIL", templates: step.templates } });
    expect(email).toEqual({
      status: 200,
      body: { intent: "test", ok: true, message: "Test email sent to owner@atelier-lumiere.example." },
    });
    const received = await smtp.waitFor((message) => message.to.includes("owner@atelier-lumiere.example"));
    expect(received.subject).toBe("[Test] Je peux vous aider pour votre commande, Camille ?");
    expect(received.text).toContain("Chemise en lin (Sable / M)");

    const sms = (await load()).editor.steps[1];
    const noNumber = await post({ intent: "test", locale: "en", step: { channel: "SMS", templates: sms.templates } });
    expect(noNumber).toEqual({
      status: 400,
      body: { intent: "test", ok: false, message: "Enter your mobile number to receive the test SMS." },
    });
    const badNumber = await post({
      intent: "test",
      locale: "en",
      phone: "0612",
      step: { channel: "SMS", templates: sms.templates },
    });
    expect(badNumber.status).toBe(400);
    const sent = await post({
      intent: "test",
      locale: "en",
      phone: "+33612345678",
      step: { channel: "SMS", templates: sms.templates },
    });
    expect(sent).toEqual({
      status: 200,
      body: { intent: "test", ok: true, message: "Test SMS sent to +33612345678." },
    });
    const text = await twilio.waitFor((message) => message.to === "+33612345678");
    expect(text.body).toContain("Hi Emma, it's Léa from Atelier Lumière.");
    // A test is not a recovery message: no Message row, nothing in the figures.
    expect(await prisma.message.count({ where: { shop: DEMO_SHOP } })).toBe(0);
  });

  it("switches recovery on and off; off stops the checkouts in progress", async () => {
    const on = await post({ intent: "enable" });
    expect(on.body).toMatchObject({ intent: "enable", ok: true });
    expect((await load()).editor.enabled).toBe(true);

    const flow = await ensureRecoveryFlow(prisma, DEMO_SHOP);
    const checkout = await prisma.checkout.create({
      data: { shop: DEMO_SHOP, token: "route-toggle", email: "s@example.org" },
    });
    const run = await prisma.flowRun.create({
      data: {
        shop: DEMO_SHOP,
        flowId: flow.id,
        subjectType: "CHECKOUT",
        subjectId: checkout.id,
        anchorAt: new Date(),
        scheduled: {
          create: [{ shop: DEMO_SHOP, stepPosition: 0, channel: "EMAIL", dueAt: new Date(Date.now() + 3_600_000) }],
        },
      },
    });

    const off = await post({ intent: "disable" });
    expect(off.body).toEqual({
      intent: "disable",
      ok: true,
      message: "Recovery is off. 1 sequence in progress was stopped.",
    });
    expect(await prisma.flowRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({
      state: "STOPPED",
      stopReason: "FLOW_DISABLED",
    });
    expect((await load()).editor.enabled).toBe(false);
  });

  it("answers 400 to a body that is not one of its intents", async () => {
    expect((await post(null, "{not json")).status).toBe(400);
    expect((await post({ intent: "delete-everything" })).status).toBe(400);
  });

  it("does not reload the page's data after a preview or a test", () => {
    const args = {
      currentUrl: new URL(URL_BASE),
      nextUrl: new URL(URL_BASE),
      currentParams: {},
      nextParams: {},
      defaultShouldRevalidate: true,
    };
    expect(recovery.shouldRevalidate({ ...args, json: { intent: "preview", step: {} } })).toBe(false);
    expect(recovery.shouldRevalidate({ ...args, json: { intent: "test" } })).toBe(false);
    expect(recovery.shouldRevalidate({ ...args, json: { intent: "save" } })).toBe(true);
  });
});

describe("GET /app/recovery/:checkoutId", () => {
  it("shows the demo shop's own checkout, lists it on the Recovery page, and 404s another shop's", async () => {
    const flow = await ensureRecoveryFlow(prisma, DEMO_SHOP);
    const mine = await prisma.checkout.create({
      data: { shop: DEMO_SHOP, token: "mine", email: "me@example.org", firstName: "Zoé" },
    });
    await prisma.flowRun.create({
      data: { shop: DEMO_SHOP, flowId: flow.id, subjectType: "CHECKOUT", subjectId: mine.id, anchorAt: new Date() },
    });
    const otherFlow = await ensureRecoveryFlow(prisma, OTHER_SHOP);
    const theirs = await prisma.checkout.create({
      data: { shop: OTHER_SHOP, token: "theirs", email: "them@example.org" },
    });
    await prisma.flowRun.create({
      data: {
        shop: OTHER_SHOP,
        flowId: otherFlow.id,
        subjectType: "CHECKOUT",
        subjectId: theirs.id,
        anchorAt: new Date(),
      },
    });

    const request = (id: string) => new Request(`${URL_BASE}/app/recovery/${id}`);
    const own = await timeline.loader({ request: request(mine.id), params: { checkoutId: mine.id }, context: {} });
    expect(own.timeline.checkout).toMatchObject({ id: mine.id, label: "Zoé", email: "me@example.org" });
    expect(own.timeline.events.map((event) => event.kind)).toContain("ENTERED_FLOW");

    const listed = (await load()).checkouts.rows.map((row) => row.checkoutId);
    expect(listed).toContain(mine.id);
    expect(listed).not.toContain(theirs.id);

    const response = await thrownBy(
      timeline.loader({ request: request(theirs.id), params: { checkoutId: theirs.id }, context: {} }),
    );
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain("them@example.org");
  });

  it("cannot change another shop's flow: every write is scoped to the session's shop", async () => {
    const before = await prisma.flow.findFirstOrThrow({ where: { shop: OTHER_SHOP }, include: { steps: true } });
    await post({ intent: "enable" });
    const settings = await settingsAsStored();
    await post({ intent: "save", settings: { ...settings, steps: settings.steps.slice(0, 2), holdoutPercent: 25 } });
    const after = await prisma.flow.findFirstOrThrow({ where: { shop: OTHER_SHOP }, include: { steps: true } });
    expect(after).toEqual(before);
    expect((await prisma.shop.findUniqueOrThrow({ where: { shop: OTHER_SHOP } })).consentPolicy).toBe(
      "SUBSCRIBED_ONLY",
    );
  });
});
