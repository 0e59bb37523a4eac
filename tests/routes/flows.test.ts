import { afterAll, beforeAll, describe, expect, it } from "vitest";
import prisma from "~/db.server";
import { resetEnvForTests } from "~/env.server";
import { closeEmailTransports } from "~/modules/messaging/email.server";
import { encryptSecret } from "~/modules/shop/secrets.server";
import { LIFECYCLE_TRIGGERS, TRIGGER_SLUGS } from "~/modules/flows/triggers";
import { createCustomerFootprint, createSession, createShop, person } from "../support/factories";
import { startSmtpSink, type SmtpSink } from "../support/smtp-sink";
// Types only: the route modules are imported after the environment is switched to demo mode (beforeAll).
import type * as FlowsRoute from "~/routes/app.flows";
import type * as FlowRoute from "~/routes/app.flows_.$slug";
import type * as CustomerRoute from "~/routes/app.customers_.$customerId";

/**
 * The Flows pages and the customer timeline, loaders and actions called directly with real Requests in demo mode (the
 * admin acts as the demo shop through its offline session).
 */

const DEMO_SHOP = "kindly-demo.myshopify.com";
const OTHER_SHOP = "someone-else-flows.myshopify.com";
const URL_BASE = "http://localhost:3000";

let flows: typeof FlowsRoute;
let flow: typeof FlowRoute;
let customerPage: typeof CustomerRoute;
let smtp: SmtpSink;

beforeAll(async () => {
  process.env.KINDLY_DEMO = "1";
  resetEnvForTests();
  smtp = await startSmtpSink();
  await createShop(DEMO_SHOP, {
    name: "Atelier Lumière",
    email: "owner@atelier-lumiere.example",
    senderName: "Léa",
    senderEmail: "lea@atelier-lumiere.example",
    currencyCode: "EUR",
    ianaTimezone: "Europe/Paris",
    smtpUrlEncrypted: encryptSecret(smtp.url),
  });
  await createSession(DEMO_SHOP);
  await createShop(OTHER_SHOP);
  flows = await import("~/routes/app.flows");
  flow = await import("~/routes/app.flows_.$slug");
  customerPage = await import("~/routes/app.customers_.$customerId");
});

afterAll(async () => {
  closeEmailTransports();
  await smtp?.close();
  delete process.env.KINDLY_DEMO;
  resetEnvForTests();
});

async function loadFlow(slug: string) {
  return flow.loader({ request: new Request(`${URL_BASE}/app/flows/${slug}`), params: { slug }, context: {} });
}

async function post(slug: string, body: unknown) {
  const request = new Request(`${URL_BASE}/app/flows/${slug}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const result: unknown = await flow.action({ request, params: { slug }, context: {} });
  const wrapped = result as { data: Record<string, unknown>; init: ResponseInit | null };
  return { status: wrapped.init?.status ?? 200, body: wrapped.data };
}

describe("the Flows page", () => {
  it("lists every flow, each off until the merchant turns it on", async () => {
    const page = await flows.loader({ request: new Request(`${URL_BASE}/app/flows`), params: {}, context: {} });
    expect(page.flows.map((entry) => entry.trigger)).toEqual(["CHECKOUT_ABANDONED", ...LIFECYCLE_TRIGGERS]);
    expect(page.flows.every((entry) => !entry.enabled)).toBe(true);
    expect(page.flows.find((entry) => entry.trigger === "ORDER_DELIVERED")).toMatchObject({
      slug: "post-purchase",
      entered: 0,
      heldOut: 0,
    });
  });

  it("shows a turned-on flow as on", async () => {
    expect((await post("at-risk", { intent: "enable" })).body).toMatchObject({ ok: true });
    const page = await flows.loader({ request: new Request(`${URL_BASE}/app/flows`), params: {}, context: {} });
    expect(page.flows.find((entry) => entry.trigger === "SEGMENT_AT_RISK")?.enabled).toBe(true);
    expect((await post("at-risk", { intent: "disable" })).body).toMatchObject({ ok: true });
  });
});

describe("a care flow's editor", () => {
  it.each(LIFECYCLE_TRIGGERS)(
    "%s: the default steps render in English and French with no template error",
    async (trigger) => {
      const page = await loadFlow(TRIGGER_SLUGS[trigger]);
      expect(page.editor.enabled).toBe(false);
      expect(page.editor.steps.length).toBeGreaterThan(0);
      for (const preview of page.previews) {
        for (const locale of ["en", "fr"] as const) {
          expect(preview[locale].error).toBeNull();
          expect(preview[locale].subject).toBeTruthy();
          expect(preview[locale].text).not.toMatch(/\{\{|\{%/);
          // First person, from the shop's sender.
          expect(preview[locale].text).toContain("Léa");
        }
      }
    },
  );

  it("the check-in's preview shows the five rating links; the welcome's a care tip", async () => {
    const checkIn = await loadFlow("post-purchase");
    expect(checkIn.previews[0].en.text).toContain("5/5: https://kindly.invalid/r/sample-5");
    expect(checkIn.previews[0].fr.text).toContain("1/5 : https://kindly.invalid/r/sample-1");
    const welcome = await loadFlow("welcome");
    expect(welcome.previews[0].en.text).toContain("Hand-wash in warm water");
  });

  it("saves edited steps (the check-in after 7 days) and refuses a broken template, saving nothing", async () => {
    const page = await loadFlow("post-purchase");
    const step = page.editor.steps[0];
    const settings = {
      consentPolicy: "SUBSCRIBED_ONLY",
      holdoutPercent: 10,
      steps: [{ ...step, delayValue: 7, delayUnit: "days" }],
    };
    expect((await post("post-purchase", { intent: "save", settings })).status).toBe(200);
    const saved = await loadFlow("post-purchase");
    expect(saved.editor.steps[0].delayMinutes).toBe(7 * 1440);
    expect(saved.editor.holdoutPercent).toBe(10);

    const broken = {
      ...settings,
      steps: [{ ...step, templates: { ...step.templates, fr: { ...step.templates.fr, body: "{% for x in %}" } } }],
    };
    const refused = await post("post-purchase", { intent: "save", settings: broken });
    expect(refused.status).toBe(400);
    expect(Object.keys(refused.body.fieldErrors as object)).toEqual(["steps.0.templates.fr.body"]);
    expect((await loadFlow("post-purchase")).editor.steps[0].delayMinutes).toBe(7 * 1440);
  });

  it("accepts delays beyond recovery's 30 days, up to 60", async () => {
    const page = await loadFlow("at-risk");
    const step = page.editor.steps[0];
    const save = (delayValue: number) =>
      post("at-risk", {
        intent: "save",
        settings: {
          consentPolicy: "SUBSCRIBED_ONLY",
          holdoutPercent: 0,
          steps: [{ ...step, delayValue, delayUnit: "days" }],
        },
      });
    expect((await save(45)).status).toBe(200);
    const refused = await save(61);
    expect(refused.status).toBe(400);
    expect(refused.body.fieldErrors).toMatchObject({
      "steps.0.delayValue": "Keep the delay within 60 days of the trigger",
    });
  });

  it("saves the VIP perk, and refuses an impossible one", async () => {
    const ok = await post("vip", {
      intent: "options",
      options: { perk: { kind: "PERCENTAGE", value: 15, expiresInDays: 30 }, reviewUrl: null },
    });
    expect(ok.status).toBe(200);
    const page = await loadFlow("vip");
    expect(page.editor.options.perk).toEqual({ kind: "PERCENTAGE", value: 15, expiresInDays: 30 });
    expect(page.previews[0].en.text).toContain("VIP-SAMPLE-7Q2K (15 % off");
    const refused = await post("vip", {
      intent: "options",
      options: { perk: { kind: "PERCENTAGE", value: 150, expiresInDays: 30 }, reviewUrl: null },
    });
    expect(refused.status).toBe(400);
    expect((await loadFlow("vip")).editor.options.perk?.value).toBe(15);
  });

  it("sends a test of a care step to the store's address, outside any figure", async () => {
    const page = await loadFlow("delay-alert");
    const step = page.editor.steps[0];
    const sent = await post("delay-alert", {
      intent: "test",
      step: { channel: step.channel, templates: step.templates },
      locale: "fr",
    });
    expect(sent.body).toMatchObject({ ok: true });
    const email = await smtp.waitFor((message) => message.subject.includes("[Test]"));
    expect(email.subject).toContain("#1042");
    expect(await prisma.message.count({ where: { shop: DEMO_SHOP } })).toBe(0);
  });

  it("an unknown flow is a 404; recovery has its own page", async () => {
    await expect(loadFlow("nonsense")).rejects.toMatchObject({ status: 404 });
    await expect(loadFlow("recovery")).rejects.toMatchObject({ status: 302 });
  });
});

describe("a customer's timeline", () => {
  it("shows every message Kindly planned for them, and why", async () => {
    const footprint = await createCustomerFootprint(DEMO_SHOP, person());
    const timeline = await customerPage.loader({
      request: new Request(`${URL_BASE}/app/customers/${footprint.customer.id}`),
      params: { customerId: footprint.customer.id },
      context: {},
    });
    expect(timeline.messagesSent).toBe(1);
    const run = timeline.runs[0];
    expect(run).toMatchObject({ trigger: "CHECKOUT_ABANDONED", why: "Left a checkout without ordering" });
    expect(run.steps[0]).toMatchObject({ state: "SENT", subject: footprint.message.subject });
    expect(run.steps[0].engagement.map((event) => event.type)).toEqual(["OPEN"]);
    expect(run.steps[1]).toMatchObject({ state: "PENDING" });
  });

  it("is not found from another shop", async () => {
    const other = await createCustomerFootprint(OTHER_SHOP, person());
    await expect(
      customerPage.loader({
        request: new Request(`${URL_BASE}/app/customers/${other.customer.id}`),
        params: { customerId: other.customer.id },
        context: {},
      }),
    ).rejects.toMatchObject({ status: 404 });
  });
});
